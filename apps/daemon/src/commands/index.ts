// The headless client's commands and their dispatcher: `hearth identity|profile|room|mod …`,
// `hearth send`, `hearth read`, `hearth tail`. One module per group; each command declares
// its options (command.ts), runs against the local state (session.ts), goes online when it
// talks to peers (online.ts, room-live.ts) and reports through one output (output.ts).

import type { CliIo } from '../cli.ts'
import { UsageError } from '../errors.ts'
import { commandHelp, groupHelp, parseCommandArgs, type CommandGroup, type CommandSpec } from './command.ts'
import { identityGroup } from './identity.ts'
import { messageCommands } from './messages.ts'
import { modGroup } from './mod.ts'
import { CommandOutput } from './output.ts'
import { profileGroup } from './profile.ts'
import { roomGroup } from './room.ts'
import { tailCommand } from './tail.ts'

/** Top-level names: groups with subcommands, and single commands. */
const ENTRIES = new Map<string, CommandGroup | CommandSpec>([
  ...[identityGroup, profileGroup, roomGroup, modGroup].map((g) => [g.name, g] as const),
  ...[...messageCommands, tailCommand].map((c) => [c.name, c] as const)
])

/** Lines for the main help's command list. */
export const CLIENT_COMMANDS_HELP: string = [...ENTRIES.values()]
  .map((entry) => `  ${entry.name.padEnd(16)} ${entry.summary}`)
  .join('\n')

/** Whether `name` is a headless-client command. */
export function isClientCommand(name: string): boolean {
  return ENTRIES.has(name)
}

const HELP_FLAGS = new Set(['-h', '--help'])
const GROUP_FLAGS = new Set(['-h', '--help', '--json'])
/** Errors caused by what was typed (exit 2), as opposed to the state of things (exit 1). */
const USAGE_ERRORS = new Set(['UsageError', 'ConfigError', 'SchemaError', 'RecordTooLargeError', 'InvalidArgumentError'])
const EXIT_OK = 0
const EXIT_FAILURE = 1
const EXIT_USAGE = 2

/**
 * Run `hearth <name> <args…>`. Never throws: every failure is reported on `io` (or as one
 * JSON error object with --json) and turned into the exit code.
 */
export async function runClientCommand(name: string, args: readonly string[], io: CliIo, opts: { json: boolean; now?: () => number }): Promise<number> {
  const entry = ENTRIES.get(name)
  const json = opts.json || args.includes('--json')
  const out = new CommandOutput(io, json)
  let spec: CommandSpec | undefined
  try {
    if (entry === undefined) throw new UsageError(`unknown command "${name}"`)
    let rest = [...args]
    if ('commands' in entry) {
      // The subcommand comes first, after at most the flags that take no value.
      const at = rest.findIndex((arg) => !GROUP_FLAGS.has(arg))
      const sub = at === -1 ? undefined : rest[at]
      if (sub?.startsWith('-') === true && !rest.some((arg) => HELP_FLAGS.has(arg))) {
        throw new UsageError(`"hearth ${name}" needs a command before its options: ${entry.commands.map((c) => c.name.split(' ')[1]).join(', ')}`)
      }
      if (sub === undefined || sub === 'help' || sub.startsWith('-')) {
        if (sub !== undefined || rest.some((arg) => HELP_FLAGS.has(arg))) {
          io.stdout(groupHelp(entry))
          return EXIT_OK
        }
        throw new UsageError(`"hearth ${name}" needs a command: ${entry.commands.map((c) => c.name.split(' ')[1]).join(', ')}`)
      }
      spec = entry.commands.find((c) => c.name === `${name} ${sub}`)
      if (spec === undefined) throw new UsageError(`unknown command "${name} ${sub}"`)
      rest = [...rest.slice(0, at), ...rest.slice(at + 1)]
    } else {
      spec = entry
    }
    if (rest.some((arg) => HELP_FLAGS.has(arg))) {
      io.stdout(commandHelp(spec))
      return EXIT_OK
    }
    const parsed = parseCommandArgs(spec, rest)
    await spec.run({ io, out, args: parsed, now: opts.now ?? Date.now })
    return EXIT_OK
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error))
    const usage = USAGE_ERRORS.has(err.name)
    const helpFor = spec?.name ?? (entry !== undefined ? entry.name : undefined)
    out.error(err, err.message, usage ? `Run "hearth ${helpFor ?? ''}${helpFor === undefined ? '' : ' '}--help" for usage.` : hintFor(err))
    if (io.env.HEARTH_DEBUG !== undefined && err.stack !== undefined) io.stderr(err.stack)
    return usage ? EXIT_USAGE : EXIT_FAILURE
  }
}

/** What to do about an error that is not a usage error, when there is something to say. */
function hintFor(error: Error): string | undefined {
  if (error.name === 'CorruptDatabaseError') {
    return 'The data directory\'s database is damaged. Move it aside (keep it: it may be salvaged) and restore your identity from its backup; rooms come back by sync.'
  }
  return undefined
}
