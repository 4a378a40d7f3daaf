// Starts the real `hearth serve` daemon as a child process for end-to-end tests, the same
// way a user runs it, and stops it with SIGINT (checking that it exits cleanly).

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnJsonChild } from '../../../apps/daemon/src/json-child.ts'

const CLI = fileURLToPath(new URL('../../../apps/daemon/src/cli.ts', import.meta.url))

/** The daemon did not start, or did not stop cleanly. */
export class DaemonProcessError extends Error {
  override name = 'DaemonProcessError'
}

/** Options of {@link startDaemon}. */
export interface StartDaemonOptions {
  /** Built web app to serve. */
  webDir: string
  /** Fixed port: IndexedDB and other per-origin state depend on it. @default 18420 */
  port?: number
  /** Data directory; a fresh temporary one (removed on stop) when omitted. */
  dataDir?: string
  /** How long to wait for the "listening" event. @default 15000 */
  startTimeoutMs?: number
}

/** A running daemon process. */
export interface DaemonProcess {
  url: string
  port: number
  dataDir: string
  /** Everything the daemon wrote to stderr so far. */
  stderr(): string
  /** The JSON events the daemon printed after "listening" (room and archive events), so far. */
  events(): unknown[]
  /** SIGINT, wait for exit; resolves with the exit code (expect 0). */
  stop(): Promise<number | null>
}

/** Spawn `node apps/daemon/src/cli.ts serve --json …` and wait until it listens. */
export async function startDaemon(options: StartDaemonOptions): Promise<DaemonProcess> {
  const port = options.port ?? 18420
  const ownDataDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'hearth-e2e-data-')))
  const args = ['serve', '--json', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir]
  const { child, lines, stderr, exited } = spawnJsonChild([CLI, ...args, '--web-dir', options.webDir])
  // If the test process ends without stopping us, do not leave a daemon holding the port.
  const killOnExit = (): void => {
    child.kill('SIGKILL')
  }
  process.once('exit', killOnExit)
  void exited.then(() => process.off('exit', killOnExit))

  let url: string
  try {
    url = await waitForListening(lines, exited, options.startTimeoutMs ?? 15_000, stderr)
  } catch (error) {
    child.kill('SIGKILL')
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true })
    throw error
  }

  const events: unknown[] = []
  void (async () => {
    for (let next = await lines.next(); next.done !== true; next = await lines.next()) {
      try {
        events.push(JSON.parse(next.value))
      } catch {
        events.push(next.value)
      }
    }
  })()
  let stopping: Promise<number | null> | undefined
  return {
    url,
    port,
    dataDir,
    stderr,
    events: () => [...events],
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        const code = await exited
        clearTimeout(timer)
        if (ownDataDir) await rm(dataDir, { recursive: true, force: true })
        return code
      })()
      return stopping
    }
  }
}

async function waitForListening(
  lines: AsyncIterator<string>,
  exited: Promise<number | null>,
  timeoutMs: number,
  stderr: () => string
): Promise<string> {
  const listening = (async (): Promise<string> => {
    for (let next = await lines.next(); next.done !== true; next = await lines.next()) {
      let event: { event?: unknown; url?: unknown; message?: unknown }
      try {
        event = JSON.parse(next.value) as typeof event
      } catch {
        continue
      }
      if (event.event === 'listening' && typeof event.url === 'string') return event.url
      if (event.event === 'error') throw new DaemonProcessError(`daemon failed to start: ${String(event.message)}`)
    }
    throw new DaemonProcessError(`daemon closed its output before listening\n${stderr()}`)
  })()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new DaemonProcessError(`daemon did not listen within ${timeoutMs} ms\n${stderr()}`))
    }, timeoutMs)
  })
  const early = exited.then((code) => {
    throw new DaemonProcessError(`daemon exited with ${String(code)} before listening\n${stderr()}`)
  })
  try {
    return await Promise.race([listening, timeout, early])
  } finally {
    clearTimeout(timer)
    early.catch(() => undefined)
  }
}
