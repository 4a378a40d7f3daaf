// The shape of a headless-client command and the one parser every command goes through:
// each command declares its options and positionals once, and its usage text, help and
// node:util parseArgs configuration are all derived from that declaration.

import { parseArgs, type ParseArgsOptionsConfig } from 'node:util'
import type { CliIo } from '../cli.ts'
import { UsageError } from '../errors.ts'
import type { CommandOutput } from './output.ts'

/** One `--flag` of a command. */
export interface OptionSpec {
  readonly name: string
  readonly type: 'string' | 'boolean'
  readonly short?: string
  readonly multiple?: boolean
  /** Placeholder shown in help, e.g. `<file>`. */
  readonly value?: string
  readonly help: string
}

/** One positional argument. A variadic one takes the rest (joined with spaces). */
export interface PositionalSpec {
  readonly name: string
  readonly optional?: boolean
  readonly variadic?: boolean
}

/** The parsed command line of one command. */
export class ParsedArgs {
  readonly #values: Record<string, unknown>
  readonly #positionals: Readonly<Record<string, string | undefined>>

  constructor(values: Record<string, unknown>, positionals: Record<string, string | undefined>) {
    this.#values = values
    this.#positionals = positionals
  }

  /** A string option, or undefined when not given. */
  string(name: string): string | undefined {
    const value = this.#values[name]
    return typeof value === 'string' ? value : undefined
  }

  /** A repeatable string option (empty when not given). */
  strings(name: string): string[] {
    const value = this.#values[name]
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
  }

  /** A boolean option. */
  flag(name: string): boolean {
    return this.#values[name] === true
  }

  /** A positional argument by its declared name. */
  positional(name: string): string | undefined {
    return this.#positionals[name]
  }

  /** A required positional argument (the parser already checked it is there). */
  required(name: string): string {
    const value = this.#positionals[name]
    if (value === undefined) throw new UsageError(`missing <${name}>`)
    return value
  }
}

/** What a command runs with. */
export interface CommandContext {
  readonly io: CliIo
  readonly out: CommandOutput
  readonly args: ParsedArgs
  /** Unix milliseconds. */
  readonly now: () => number
}

/** A runnable command, e.g. `hearth identity new`. */
export interface CommandSpec {
  /** Full name as typed, e.g. `identity new` or `send`. */
  readonly name: string
  readonly summary: string
  /** Paragraphs shown under the usage line. */
  readonly description?: string
  readonly options: readonly OptionSpec[]
  readonly positionals: readonly PositionalSpec[]
  /** Whether the command reads the local state (adds --data-dir and --config). @default true */
  readonly local?: boolean
  run(ctx: CommandContext): Promise<void>
}

/** A family of subcommands, e.g. `hearth room create|list|invite`. */
export interface CommandGroup {
  readonly name: string
  readonly summary: string
  readonly commands: readonly CommandSpec[]
}

/** Options every local command has. */
export const STATE_OPTIONS: readonly OptionSpec[] = [
  { name: 'data-dir', type: 'string', value: '<dir>', help: 'Where your identity and rooms are kept (env HEARTH_DATA_DIR, default ~/.hearth)' },
  { name: 'config', type: 'string', value: '<file>', help: 'JSON config file (as for hearth serve); its dataDir, host and port are used' }
]

/** Options every command has. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  { name: 'json', type: 'boolean', help: 'Print one JSON object per line, for scripts' },
  { name: 'help', type: 'boolean', short: 'h', help: 'Show this help' }
]

function allOptions(spec: CommandSpec): OptionSpec[] {
  return [...spec.options, ...(spec.local === false ? [] : STATE_OPTIONS), ...COMMON_OPTIONS]
}

/** `hearth room invite <room> [options]` */
export function usageLine(spec: CommandSpec): string {
  const positionals = spec.positionals.map((p) => {
    const name = p.variadic === true ? `<${p.name}…>` : `<${p.name}>`
    return p.optional === true ? `[${name}]` : name
  })
  return ['Usage: hearth', spec.name, ...positionals, '[options]'].join(' ')
}

/** The full help of a command. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [usageLine(spec), '', spec.summary]
  if (spec.description !== undefined) lines.push('', spec.description)
  lines.push('', 'Options:')
  for (const option of allOptions(spec)) {
    const short = option.short !== undefined ? `-${option.short}, ` : '    '
    const flag = `${short}--${option.name}${option.value !== undefined ? ` ${option.value}` : ''}`
    lines.push(`  ${flag.padEnd(28)} ${option.help}`)
  }
  return lines.join('\n')
}

/** The help of a group: its subcommands. */
export function groupHelp(group: CommandGroup): string {
  const lines = [`Usage: hearth ${group.name} <command> [options]`, '', group.summary, '', 'Commands:']
  for (const spec of group.commands) lines.push(`  ${spec.name.padEnd(26)} ${spec.summary}`)
  lines.push('', `Run "hearth ${group.name} <command> --help" for the options of each.`)
  return lines.join('\n')
}

/** Parse `args` against the command's declaration; throws {@link UsageError}. */
export function parseCommandArgs(spec: CommandSpec, args: readonly string[]): ParsedArgs {
  const options: ParseArgsOptionsConfig = {}
  for (const option of allOptions(spec)) {
    options[option.name] = {
      type: option.type,
      ...(option.short !== undefined ? { short: option.short } : {}),
      ...(option.multiple === true ? { multiple: true } : {})
    }
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] }
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true, allowNegative: false })
  } catch (error) {
    // parseArgs throws TypeErrors with codes ERR_PARSE_ARGS_*; they are usage errors.
    throw new UsageError((error as Error).message)
  }
  if (parsed.values.help === true) return new ParsedArgs(parsed.values, {})
  const named: Record<string, string | undefined> = {}
  const rest = [...parsed.positionals]
  for (const p of spec.positionals) {
    if (p.variadic === true) {
      named[p.name] = rest.length > 0 ? rest.splice(0).join(' ') : undefined
    } else {
      named[p.name] = rest.shift()
    }
    if (named[p.name] === undefined && p.optional !== true) throw new UsageError(`missing <${p.name}>`)
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`)
  return new ParsedArgs(parsed.values, named)
}
