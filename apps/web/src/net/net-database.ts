/**
 * The network layer's own IndexedDB database (`hearth-net`): the browser
 * node's libp2p key and its peer cache. Kept apart from the app's `hearth`
 * database so the two schemas never have to be upgraded together; losing it
 * costs only a new peer id and a cold start from the daemon's addresses.
 */
import { wrap, type DBSchema, type IDBPDatabase } from 'idb'

/** Default database name (one per origin). */
export const NET_DATABASE_NAME = 'hearth-net'

/** The one object store. */
export const STORE = 'net'

/** Schema version of {@link NetSchema}. */
export const NET_DATABASE_VERSION = 1

/** One object store, values under fixed string keys (`peers`, `node-key/<identity hex>`). */
export interface NetSchema extends DBSchema {
  net: { key: string; value: unknown }
}

/** The open database. */
export type NetDatabase = IDBPDatabase<NetSchema>

/** Where the network layer keeps its state. */
export interface NetStorageOptions {
  /**
   * The IndexedDB factory. Tests inject `new IDBFactory()` from fake-indexeddb
   * (after `import 'fake-indexeddb/auto'`). @default globalThis.indexedDB
   */
  readonly indexedDB?: IDBFactory
  /** @default {@link NET_DATABASE_NAME} */
  readonly name?: string
}

/** IndexedDB is missing or refused to open the database (private mode, storage disabled). */
export class NetStorageUnavailableError extends Error {
  override name = 'NetStorageUnavailableError'
}

/** Open (creating if absent) the network database. */
export async function openNetDatabase(options: NetStorageOptions = {}): Promise<NetDatabase> {
  const name = options.name ?? NET_DATABASE_NAME
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB
  if (factory === undefined) throw new NetStorageUnavailableError('IndexedDB is not available here')
  try {
    // `openDB` would use the global factory; open through the given one and let `idb` wrap it.
    const request = factory.open(name, NET_DATABASE_VERSION)
    request.addEventListener('upgradeneeded', () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE)
    })
    return (await wrap(request)) as unknown as NetDatabase
  } catch (cause) {
    throw new NetStorageUnavailableError(`cannot open ${name}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}
