/**
 * `IdbStorageAdapter`: the storage port on IndexedDB (through `idb`), for
 * the browser tab. Depends on web APIs only, so it runs in any page or
 * worker; tests run it under `fake-indexeddb` with an injected factory.
 *
 * Opening checks the database is a Hearth store (it has the `kv` object
 * store) at a schema version this code reads; otherwise a typed error. To
 * recover from `CorruptDatabaseError`, delete the database (or open another
 * name) and start fresh; the peer re-syncs its rooms from other peers.
 */
import { wrap, type IDBPDatabase } from 'idb'
import {
  ByteStorageAdapter,
  CorruptDatabaseError,
  StorageError,
  StorageOpenError,
  type StorageAdapterOptions
} from '@hearth/protocol'
import { IdbByteStore, OBJECT_STORE, type HearthIdbSchema } from './idb-byte-store.ts'
import { errorName } from './map-idb-error.ts'

/** IndexedDB version of the current schema. */
export const IDB_SCHEMA_VERSION = 1

/** Options of {@link IdbStorageAdapter.open}. */
export interface IdbStorageAdapterOptions extends StorageAdapterOptions {
  /**
   * The IndexedDB factory. Its classes must be the global IDB classes (so in
   * tests: `import 'fake-indexeddb/auto'`, then inject `new IDBFactory()` for
   * an isolated database world). @default globalThis.indexedDB
   */
  readonly indexedDB?: IDBFactory
}

async function openConnection(name: string, factory: IDBFactory): Promise<IDBPDatabase<HearthIdbSchema>> {
  const request = factory.open(name, IDB_SCHEMA_VERSION)
  request.addEventListener('upgradeneeded', (event) => {
    if (event.oldVersion < 1) request.result.createObjectStore(OBJECT_STORE)
  })
  let db: IDBPDatabase | undefined
  try {
    db = await wrap(request)
  } catch (error) {
    if (errorName(error) === 'VersionError') {
      throw new StorageOpenError(name, `written by a newer Hearth (this one reads schema ${IDB_SCHEMA_VERSION})`, { cause: error })
    }
    throw new StorageOpenError(name, `cannot open: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  if (db === undefined) throw new StorageOpenError(name, 'cannot open: no connection')
  if (!db.objectStoreNames.contains(OBJECT_STORE)) {
    db.close()
    throw new CorruptDatabaseError(name, 'foreign-database', `not a Hearth store (no "${OBJECT_STORE}" object store)`)
  }
  return db as unknown as IDBPDatabase<HearthIdbSchema>
}

/** A `StorageAdapter` on one IndexedDB database. */
export class IdbStorageAdapter extends ByteStorageAdapter {
  /** The database name. */
  readonly name: string

  private constructor(store: IdbByteStore, name: string, options: StorageAdapterOptions) {
    super(store, options)
    this.name = name
  }

  /**
   * Open (creating if absent) the database `name`.
   * @returns the adapter; rejects with `StorageOpenError` when IndexedDB is
   *   unavailable or the database is newer than this code, and with
   *   `CorruptDatabaseError` when `name` holds something that is not a Hearth store
   */
  static async open(name: string, options: IdbStorageAdapterOptions = {}): Promise<IdbStorageAdapter> {
    const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB
    if (factory === undefined) throw new StorageOpenError(name, 'IndexedDB is not available here')
    let db: IDBPDatabase<HearthIdbSchema>
    try {
      db = await openConnection(name, factory)
    } catch (error) {
      if (error instanceof StorageError) throw error
      throw new StorageOpenError(name, `cannot open: ${String(error)}`, { cause: error })
    }
    // Let another tab upgrade the schema: close ours; later calls reject with StorageClosedError.
    db.addEventListener('versionchange', () => {
      db.close()
    })
    return new IdbStorageAdapter(new IdbByteStore(db, name), name, options)
  }
}
