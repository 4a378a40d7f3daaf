// "Open the local state": the one place the headless client finds its data directory, opens
// the SQLite store in it, and hands commands the identity vault and the rooms stored there.
// Every command (and later the networked ones: join, sync, tail) goes through this helper,
// so they all read and write the same replica the daemon will serve.

import { chmod, mkdir, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { IdentityVault, NoIdentityError, RoomStore, type Identity } from '@hearth/client'
import type { Keypair } from '@hearth/protocol'
import { SqliteStorageAdapter } from '@hearth/store-sqlite'
import type { CliIo } from '../cli.ts'
import { DEFAULT_HOST, DEFAULT_PORT, defaultDataDir, loadConfigFile, parsePort, type ServeConfigInput } from '../config.ts'
import type { ParsedArgs } from './command.ts'
import { resolveRoomRef } from './room-ref.ts'

/** The SQLite file in the data directory holding the identity and every room's logs. */
export const CLIENT_DB_FILE = 'hearth.sqlite'

/** Where the local state lives and how the daemon is reached. */
export interface ClientSettings {
  /** Absolute data directory. */
  readonly dataDir: string
  /** The web app's URL, for invite links: flag, env HEARTH_BASE_URL, else http://<host>:<port> of `hearth serve`. */
  readonly baseUrl: string
}

/**
 * Resolve the settings of a client command: flags beat environment beat the `--config`
 * file beat the defaults, as for `hearth serve` (and with the same variables).
 */
export async function resolveClientSettings(args: ParsedArgs, io: CliIo): Promise<ClientSettings> {
  const configPath = args.string('config')
  const file: ServeConfigInput = configPath === undefined ? {} : await loadConfigFile(resolve(io.cwd, configPath))
  const env = (name: string): string | undefined => {
    const value = io.env[name]
    return value === undefined || value.trim() === '' ? undefined : value
  }
  const dir = args.string('data-dir') ?? env('HEARTH_DATA_DIR') ?? file.dataDir
  const host = env('HEARTH_HOST') ?? file.host ?? DEFAULT_HOST
  const port = parsePort(env('HEARTH_PORT') ?? file.port ?? DEFAULT_PORT)
  return {
    dataDir: dir === undefined ? defaultDataDir() : expandPath(dir, io.cwd),
    baseUrl: args.string('base-url') ?? env('HEARTH_BASE_URL') ?? daemonUrl(host, port)
  }
}

/** The URL `hearth serve` answers on; a wildcard host is reached through loopback. */
function daemonUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '[::1]' : host
  const bracketed = reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable
  return `http://${bracketed}:${port}`
}

function expandPath(path: string, cwd: string): string {
  if (path === '~') return homedir()
  if (path.startsWith('~/')) return resolve(homedir(), path.slice(2))
  return isAbsolute(path) ? resolve(path) : resolve(cwd, path)
}

/** The identity and its signing key. */
export interface LocalIdentity {
  readonly identity: Identity
  readonly keypair: Keypair
}

/** The opened local state. Close it when done (the CLI does). */
export class LocalState {
  readonly settings: ClientSettings
  readonly dataDir: string
  readonly dbPath: string
  readonly adapter: SqliteStorageAdapter
  readonly vault: IdentityVault
  readonly #rooms: RoomStore[] = []

  private constructor(settings: ClientSettings, dbPath: string, adapter: SqliteStorageAdapter, vault: IdentityVault) {
    this.settings = settings
    this.dataDir = settings.dataDir
    this.dbPath = dbPath
    this.adapter = adapter
    this.vault = vault
  }

  /**
   * Open the store in the settings' data directory. With `create`, the directory (mode 0700) and the database
   * (mode 0600: it holds the identity's secret key) are made if missing; without it, a
   * missing store means there is no identity here yet.
   */
  static async open(settings: ClientSettings, opts: { create: boolean; now: () => number }): Promise<LocalState> {
    const { dataDir } = settings
    const dbPath = join(dataDir, CLIENT_DB_FILE)
    if (!(await exists(dbPath))) {
      if (!opts.create) throw noIdentity(dataDir)
      await mkdir(dataDir, { recursive: true, mode: 0o700 })
    }
    const adapter = await SqliteStorageAdapter.open(dbPath)
    await chmod(dbPath, 0o600)
    try {
      const vault = await IdentityVault.open({ storage: adapter, now: opts.now })
      return new LocalState(settings, dbPath, adapter, vault)
    } catch (error) {
      await adapter.close()
      throw error
    }
  }

  /** The identity, or a {@link NoIdentityError} saying how to make one. */
  requireIdentity(): LocalIdentity {
    const identity = this.vault.identity
    if (identity === undefined) throw noIdentity(this.dataDir)
    return { identity, keypair: this.vault.keypair }
  }

  /** Every room stored here, opened without loading channel histories (closed with the state). */
  async rooms(): Promise<RoomStore[]> {
    const stores: RoomStore[] = []
    for (const id of await RoomStore.storedRooms(this.adapter)) {
      const store = await RoomStore.open(this.adapter, id, { preload: 'none' })
      this.#rooms.push(store)
      stores.push(store)
    }
    return stores
  }

  /** The room named by `ref`: its id, a unique prefix of it, or its name. */
  async openRoom(ref: string): Promise<RoomStore> {
    return resolveRoomRef(await this.rooms(), ref)
  }

  /** Keep `store` (a room created here) open until {@link close}. */
  adopt(store: RoomStore): RoomStore {
    this.#rooms.push(store)
    return store
  }

  /** Finish writes and close the rooms and the database. */
  async close(): Promise<void> {
    for (const store of this.#rooms.splice(0)) await store.close()
    await this.adapter.close()
  }
}

function noIdentity(dataDir: string): NoIdentityError {
  return new NoIdentityError(
    `no Hearth identity in ${dataDir} yet: create one with "hearth identity new --name <name>" or "hearth identity import <file>"`
  )
}

/** Whether something is at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}
