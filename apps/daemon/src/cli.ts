#!/usr/bin/env node
// The `hearth` command line: parses arguments with node:util parseArgs, resolves settings
// (flags > environment > config file > defaults) and runs `hearth serve` until SIGINT/SIGTERM.

import { parseArgs } from 'node:util'
import { configFromEnv, loadConfigFile, resolveServeConfig, type ServeConfigInput } from './config.ts'
import { UsageError } from './errors.ts'
import { serve } from './serve.ts'
import { VERSION } from './version.ts'

/** Where the CLI reads its environment and writes its output; replaceable in tests. */
export interface CliIo {
  env: Record<string, string | undefined>
  cwd: string
  /** Receives one line of normal output (no trailing newline). */
  stdout: (line: string) => void
  /** Receives one line of diagnostics (no trailing newline). */
  stderr: (line: string) => void
  /** Aborting it stops `hearth serve`; its reason (e.g. "SIGINT") is reported. */
  stop: AbortSignal
}

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

const MAIN_HELP = `Usage: hearth <command> [options]

Hearth is a peer-to-peer chat that runs in a browser tab. This daemon serves the web app
from your machine (and, later, helps peers find each other).

Commands:
  serve            Serve the Hearth web app over HTTP

Options:
  -h, --help       Show help (also: hearth serve --help)
  -v, --version    Print the version
      --json       Machine-readable output: one JSON object per line`

const SERVE_HELP = `Usage: hearth serve [options]

Serve the built Hearth web app and /hearth-config.json over HTTP.

Options:
      --host <host>     Interface to listen on       env HEARTH_HOST      default 127.0.0.1
      --port <port>     Port, 0 = any free port      env HEARTH_PORT      default 8420
      --data-dir <dir>  Daemon state directory       env HEARTH_DATA_DIR  default ~/.hearth
      --web-dir <dir>   Built web app                env HEARTH_WEB_DIR   default apps/web/dist
      --config <file>   JSON file with any of: host, port, dataDir, webDir
      --json            One JSON object per line (events: listening, stopping, stopped, error)
  -h, --help            Show this help

Flags beat environment variables, which beat the config file, which beats the defaults.
Stop with Ctrl-C (SIGINT) or SIGTERM.`

const GLOBAL_FLAGS = new Set(['--json', '-h', '--help', '-v', '--version'])

/**
 * Run the CLI with `argv` (without `node` and the script path). Resolves with the exit code
 * once the command has finished; for `serve` that is after `io.stop` aborts.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Global flags may precede the command: `hearth --json serve`.
  let index = 0
  while (index < argv.length && GLOBAL_FLAGS.has(argv[index] ?? '')) index++
  const leading = argv.slice(0, index)
  const command = argv[index]
  const rest = argv.slice(index + 1)
  const json = leading.includes('--json') || (command === 'serve' && rest.includes('--json'))
  const out = new Output(io, json)

  try {
    if (command === undefined) {
      if (leading.includes('-v') || leading.includes('--version')) {
        out.result({ event: 'version', version: VERSION }, VERSION)
        return EXIT.ok
      }
      if (leading.includes('-h') || leading.includes('--help')) {
        io.stdout(MAIN_HELP)
        return EXIT.ok
      }
      throw new UsageError('missing command')
    }
    if (command === 'help') {
      io.stdout(rest[0] === 'serve' ? SERVE_HELP : MAIN_HELP)
      return EXIT.ok
    }
    if (command === 'serve') {
      if (leading.includes('-h') || leading.includes('--help')) {
        io.stdout(SERVE_HELP)
        return EXIT.ok
      }
      return await runServe(rest, io, out)
    }
    throw new UsageError(`unknown command "${command}"`)
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error))
    const usage = err.name === 'UsageError' || err.name === 'ConfigError'
    out.error(err, usage ? `Run "hearth ${command === 'serve' ? 'serve ' : ''}--help" for usage.` : undefined)
    return usage ? EXIT.usage : EXIT.failure
  }
}

async function runServe(args: readonly string[], io: CliIo, out: Output): Promise<number> {
  const { values } = parseServeArgs(args)
  if (values.help === true) {
    io.stdout(SERVE_HELP)
    return EXIT.ok
  }
  const flags: ServeConfigInput = {
    host: values.host,
    port: values.port,
    dataDir: values['data-dir'],
    webDir: values['web-dir']
  }
  const file = values.config === undefined ? {} : await loadConfigFile(values.config)
  const config = resolveServeConfig([flags, configFromEnv(io.env), file], io.cwd)

  const server = await serve(config)
  out.result(
    { event: 'listening', url: server.url, host: config.host, port: server.port, version: VERSION },
    `Hearth is running at ${server.url}\nData directory: ${config.dataDir}\nPress Ctrl-C to stop.`
  )

  const reason = await new Promise<string>((resolve) => {
    const done = (): void => {
      resolve(String(io.stop.reason ?? 'stop'))
    }
    if (io.stop.aborted) done()
    else io.stop.addEventListener('abort', done, { once: true })
  })
  out.result({ event: 'stopping', signal: reason }, `Stopping Hearth (${reason})…`)
  await server.close()
  out.result({ event: 'stopped' }, 'Stopped.')
  return EXIT.ok
}

function parseServeArgs(args: readonly string[]): ReturnType<typeof parseServeArgsUnchecked> {
  try {
    return parseServeArgsUnchecked(args)
  } catch (error) {
    // parseArgs throws TypeErrors with codes ERR_PARSE_ARGS_*; they are usage errors.
    throw new UsageError((error as Error).message)
  }
}

function parseServeArgsUnchecked(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'web-dir': { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
}

/** Writes either human-readable lines or one JSON object per line. */
class Output {
  readonly #io: CliIo
  readonly #json: boolean

  constructor(io: CliIo, json: boolean) {
    this.#io = io
    this.#json = json
  }

  result(event: Record<string, unknown>, text: string): void {
    this.#io.stdout(this.#json ? JSON.stringify(event) : text)
  }

  error(error: Error, hint: string | undefined): void {
    if (this.#json) {
      this.#io.stdout(JSON.stringify({ event: 'error', error: error.name, message: error.message }))
    } else {
      this.#io.stderr(`hearth: ${error.message}`)
      if (hint !== undefined) this.#io.stderr(hint)
    }
  }
}

/**
 * Run the CLI as this process: real environment, stdio and signals. SIGINT/SIGTERM stop
 * `serve` gracefully; a further signal more than a second later forces exit 1 (the first
 * Ctrl-C can arrive twice, from the terminal and forwarded by npm). Resolves with the exit
 * code, also stored in `process.exitCode`.
 */
export async function runMain(argv: readonly string[]): Promise<number> {
  const controller = new AbortController()
  let firstSignalAt = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      firstSignalAt = performance.now()
      controller.abort(signal)
    } else if (performance.now() - firstSignalAt > 1000) {
      process.exit(EXIT.failure)
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const code = await runCli(argv, {
      env: process.env,
      cwd: process.cwd(),
      stdout: (line) => process.stdout.write(`${line}\n`),
      stderr: (line) => process.stderr.write(`${line}\n`),
      stop: controller.signal
    })
    process.exitCode = code
    return code
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

if (import.meta.main) await runMain(process.argv.slice(2))
