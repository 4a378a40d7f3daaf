// Test helpers for the headless-client commands: run `node cli.ts …` as a child process
// against a temp data directory, and stand in for sync between two data directories (the
// networked part that is not built yet) by copying a room's records store to store.

import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { IdentityVault, RoomStore } from '@hearth/client'
import { fromHex, parseRoomId, type Keypair } from '@hearth/protocol'
import { SqliteStorageAdapter } from '@hearth/store-sqlite'
import { CLIENT_DB_FILE } from './local-state.ts'

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url))

/** What a finished `hearth` process left behind. */
export interface HearthRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** The stdout lines parsed as JSON (for --json runs). */
  readonly events: () => Record<string, unknown>[]
}

/** Run `hearth <args>` with the pinned Node, only `env` (plus PATH/HOME) in its environment. */
export function runHearth(args: readonly string[], env: Record<string, string> = {}): Promise<HearthRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
        resolve({
          code,
          stdout,
          stderr,
          events: () => stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>)
        })
      }
    )
  })
}

async function withAdapter<T>(dataDir: string, fn: (adapter: SqliteStorageAdapter) => Promise<T>): Promise<T> {
  const adapter = await SqliteStorageAdapter.open(join(dataDir, CLIENT_DB_FILE))
  try {
    return await fn(adapter)
  } finally {
    await adapter.close()
  }
}

/** The keypair of the identity stored in `dataDir`. */
export function keypairIn(dataDir: string): Promise<Keypair> {
  return withAdapter(dataDir, async (adapter) => (await IdentityVault.open({ storage: adapter })).keypair)
}

/** Copy a room's genesis and authority log from one data directory to another (what sync will do). */
export async function copyRoomAuthority(from: string, to: string, room: string): Promise<void> {
  const id = parseRoomId(room)
  await withAdapter(from, (source) => withAdapter(to, async (target) => {
    const a = await RoomStore.open(source, id)
    const b = await RoomStore.open(target, a.genesis)
    const ids = a.storedIds({ kind: 'authority' }).map(fromHex)
    await b.ingest({ kind: 'authority' }, await a.records({ kind: 'authority' }, ids))
    await a.close()
    await b.close()
  }))
}

/** Sign `act` as `keypair` into the room stored in `dataDir` (a peer's entry arriving by sync). */
export async function postAs(dataDir: string, room: string, keypair: Keypair, act: Parameters<RoomStore['postAuthority']>[1]): Promise<void> {
  await withAdapter(dataDir, async (adapter) => {
    const store = await RoomStore.open(adapter, parseRoomId(room))
    await store.postAuthority(keypair, act, Date.now())
    await store.close()
  })
}
