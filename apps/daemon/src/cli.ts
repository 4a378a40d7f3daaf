#!/usr/bin/env node
// The `hearth` command line: parses arguments with node:util parseArgs, resolves settings
// (flags > environment > config file > defaults) and runs `hearth serve` (web app + libp2p
// node) until SIGINT/SIGTERM, or one of the headless-client commands in commands/.

import { parseArgs } from 'node:util'
import { configFromEnv, loadConfigFile, resolveServeConfig, type ServeConfigInput } from './config.ts'
import { CLIENT_COMMANDS_HELP, isClientCommand, runClientCommand } from './commands/index.ts'
import { UsageError } from './errors.ts'
import { archiverText } from './archiver-report.ts'
import { startDaemon } from './daemon.ts'
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
from your machine and helps peers find each other: libp2p bootstrap, relay and DHT server.
The other commands are a headless client for bots and scripts: an identity and rooms kept
in the data directory (--data-dir, env HEARTH_DATA_DIR, default ~/.hearth). room join, send,
read --sync, tail and mod go online (--bootstrap <multiaddr>, env HEARTH_BOOTSTRAP).

Commands:
  serve            Serve the Hearth web app and run a Hearth network node
${CLIENT_COMMANDS_HELP}

Options:
  -h, --help       Show help (also: hearth serve --help, hearth room --help, hearth room create --help)
  -v, --version    Print the version
      --json       Machine-readable output: one JSON object per line`

const SERVE_HELP = `Usage: hearth serve [options]

Serve the built Hearth web app and /hearth-config.json over HTTP, and run a Hearth libp2p
node (bootstrap, circuit relay, DHT server) that the app and other peers connect to.

Web app:
      --host <host>          HTTP interface            env HEARTH_HOST      default 127.0.0.1
      --port <port>          HTTP port, 0 = any free   env HEARTH_PORT      default 8420
      --web-dir <dir>        Built web app             env HEARTH_WEB_DIR   default apps/web/dist

Network (libp2p):
      --p2p-host <ip>        IP to listen on           env HEARTH_P2P_HOST  default: --host
      --tcp-port <port>      TCP port, 0 = any free    env HEARTH_TCP_PORT  default 4001
      --ws-port <port>       WebSocket port (browsers) env HEARTH_WS_PORT   default 4002
      --listen <addr>        Listen multiaddr, instead of the three above (repeatable)
                                                       env HEARTH_LISTEN
      --announce <addr>      Multiaddr to announce instead of the listen addresses, e.g.
                             /dns4/hearth.example.org/tcp/443/wss (repeatable)
                                                       env HEARTH_ANNOUNCE
      --bootstrap <addr>     Peer to join through, ending in /p2p/<peer id> (repeatable)
                                                       env HEARTH_BOOTSTRAP
      --ice-server <url>     STUN/TURN server for WebRTC, e.g. stun:stun.example.org:3478
                             (repeatable; default none: no third-party server is contacted)
                                                       env HEARTH_ICE_SERVERS

Archive:
      --archive <invite>     Join the invite's room with the daemon's identity (made if the
                             data directory has none, named "Archiver") and keep it (repeatable).
                             Every room already stored in the data directory is kept too.
                                                       env HEARTH_ARCHIVE
      --accept-archive-requests <on|off>
                             Let peers (e.g. the web app, for a room made in the browser) ask
                             this daemon to keep a room by handing it an invite; joined like
                             --archive and kept across restarts
                                                       env HEARTH_ACCEPT_ARCHIVE_REQUESTS  default on
      --max-rooms <n>        Refuse archive requests once this many rooms are kept
                                                       env HEARTH_MAX_ROOMS  default 1000

State and output:
      --data-dir <dir>       Daemon state: peer.key (its peer id), peers.json (peer cache),
                             hearth.sqlite (identity and archived rooms, as "hearth room list")
                                                       env HEARTH_DATA_DIR  default ~/.hearth
      --config <file>        JSON file with any of: host, port, webDir, dataDir, p2pHost,
                             tcpPort, wsPort, listen, announce, bootstrap, iceServers, archive,
                             acceptArchiveRequests, maxRooms
      --json                 One JSON object per line (events: listening, room,
                             archive-request, stopping, stopped, error)
  -h, --help                 Show this help

Flags beat environment variables (lists separated by commas or spaces), which beat the
config file, which beats the defaults. By default everything listens on 127.0.0.1 only;
pass --host 0.0.0.0 (or --p2p-host 0.0.0.0) to let other machines in.
Stop with Ctrl-C (SIGINT) or SIGTERM; a second signal a second later forces exit.`

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
    if (command === 'help' && rest[0] !== undefined && isClientCommand(rest[0])) {
      return await runClientCommand(rest[0], [...rest.slice(1), '--help'], io, { json })
    }
    if (isClientCommand(command)) {
      return await runClientCommand(command, [...leading.filter((flag) => flag !== '-v' && flag !== '--version'), ...rest], io, { json })
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
    webDir: values['web-dir'],
    p2pHost: values['p2p-host'],
    tcpPort: values['tcp-port'],
    wsPort: values['ws-port'],
    listen: values.listen,
    announce: values.announce,
    bootstrap: values.bootstrap,
    iceServers: values['ice-server'],
    archive: values.archive,
    acceptArchiveRequests: values['accept-archive-requests'],
    maxRooms: values['max-rooms']
  }
  const file = values.config === undefined ? {} : await loadConfigFile(values.config)
  const config = resolveServeConfig([flags, configFromEnv(io.env), file], io.cwd)

  // Undocumented, for tests on one machine's loopback only (network.ts says why).
  const daemon = await startDaemon(config, { insecureTestLoopback: io.env.HEARTH_TEST_LOOPBACK === '1' })
  const multiaddrs = daemon.multiaddrs()
  out.result(
    {
      event: 'listening',
      url: daemon.url,
      host: config.host,
      port: daemon.port,
      version: VERSION,
      peerId: daemon.peerId,
      multiaddrs,
      bootstrap: daemon.bootstrap()
    },
    listeningText(daemon.url, daemon.peerId, multiaddrs, config.dataDir)
  )
  daemon.archiver.start((event) => { out.result({ ...event }, archiverText(event)) })

  const reason = await new Promise<string>((resolve) => {
    const done = (): void => {
      resolve(String(io.stop.reason ?? 'stop'))
    }
    if (io.stop.aborted) done()
    else io.stop.addEventListener('abort', done, { once: true })
  })
  out.result({ event: 'stopping', signal: reason }, `Stopping Hearth (${reason})…`)
  await daemon.close()
  out.result({ event: 'stopped' }, 'Stopped.')
  return EXIT.ok
}

function listeningText(url: string, peerId: string, multiaddrs: readonly string[], dataDir: string): string {
  const lines = [`Hearth is running at ${url}`, `Peer id: ${peerId}`, 'Peers can connect to:']
  for (const addr of multiaddrs) lines.push(`  ${addr}`)
  if (multiaddrs.length > 0 && multiaddrs.every((addr) => /^\/(ip4\/127\.|ip6\/::1\/|dns\d?\/localhost\/)/.test(addr))) {
    lines.push('  (this machine only; --p2p-host 0.0.0.0 lets other machines connect)')
  }
  lines.push(`Data directory: ${dataDir}`, 'Press Ctrl-C to stop.')
  return lines.join('\n')
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
      'p2p-host': { type: 'string' },
      'tcp-port': { type: 'string' },
      'ws-port': { type: 'string' },
      listen: { type: 'string', multiple: true },
      announce: { type: 'string', multiple: true },
      bootstrap: { type: 'string', multiple: true },
      'ice-server': { type: 'string', multiple: true },
      archive: { type: 'string', multiple: true },
      'accept-archive-requests': { type: 'string' },
      'max-rooms': { type: 'string' },
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

if (import.meta.main) {
  const code = await runMain(process.argv.slice(2))
  // Everything is stopped by now; if a library still holds a handle open (a socket in
  // TIME_WAIT handling, a stray timer), do not hang: exit shortly with the same code.
  setTimeout(() => process.exit(code), 2000).unref()
}
