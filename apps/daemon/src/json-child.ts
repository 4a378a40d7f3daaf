// Run a Hearth command that prints one JSON event per line (`--json`) as a child process,
// for tests and scripts: its stdout lines as an async iterator, stderr collected, and its exit.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { createInterface } from 'node:readline'

/** A running child process with line-wise stdout. */
export interface JsonChild {
  readonly child: ChildProcess
  /** Stdout, line by line. */
  readonly lines: AsyncIterator<string>
  /** Everything written to stderr so far. */
  readonly stderr: () => string
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>
}

/** Spawn `node <args>` with the running Node (the project's pinned one), stdout piped line by line. */
export function spawnJsonChild(args: readonly string[], options: Omit<SpawnOptions, 'stdio'> = {}): JsonChild {
  const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', resolve)
  })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  return { child, lines, stderr: () => stderr, exited }
}
