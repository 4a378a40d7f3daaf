/**
 * IdbStorageAdapter against the storage contract under fake-indexeddb (an
 * isolated factory per test, with reopen and corruption through a second
 * connection), plus IndexedDB-specific opening and connection loss.
 */
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { wrap, type IDBPDatabase } from 'idb'
import { describe, expect, it } from 'vitest'
import { encodeKeyPath } from '@hearth/protocol'
import { corruptStoredBytes, runStorageAdapterTests } from '@hearth/protocol/storage-contract'
import { OBJECT_STORE } from './idb-byte-store.ts'
import { runIdbSelfTest } from './idb-self-test.ts'
import { IdbStorageAdapter } from './idb-storage-adapter.ts'

async function rawOpen(factory: IDBFactory, name: string, version?: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBPDatabase> {
  const request = factory.open(name, version)
  if (upgrade !== undefined) request.addEventListener('upgradeneeded', () => { upgrade(request.result) })
  const db = await wrap(request)
  if (db === undefined) throw new Error('no connection')
  return db
}

runStorageAdapterTests('IdbStorageAdapter (fake-indexeddb)', async () => {
  const factory = new IDBFactory()
  const name = 'hearth-contract'
  return {
    adapter: await IdbStorageAdapter.open(name, { indexedDB: factory }),
    teardown: () => Promise.resolve(),
    reopen: () => IdbStorageAdapter.open(name, { indexedDB: factory }),
    corrupt: async (key, how) => {
      const db = await rawOpen(factory, name)
      const encoded = encodeKeyPath(key).buffer
      const stored: unknown = await db.get(OBJECT_STORE, encoded)
      if (!(stored instanceof Uint8Array)) throw new Error('nothing stored to corrupt')
      await db.put(OBJECT_STORE, corruptStoredBytes(stored, how), encoded)
      db.close()
    }
  }
})

describe('IdbStorageAdapter opening', () => {
  it('refuses a database of the same name that is not a Hearth store', async () => {
    const factory = new IDBFactory()
    const db = await rawOpen(factory, 'other-app', 1, (raw) => raw.createObjectStore('notes'))
    db.close()
    await expect(IdbStorageAdapter.open('other-app', { indexedDB: factory })).rejects.toMatchObject({ name: 'CorruptDatabaseError', reason: 'foreign-database' })
  })

  it('refuses a database written by a newer schema', async () => {
    const factory = new IDBFactory()
    const db = await rawOpen(factory, 'future', 7, (raw) => raw.createObjectStore(OBJECT_STORE))
    db.close()
    await expect(IdbStorageAdapter.open('future', { indexedDB: factory })).rejects.toMatchObject({ name: 'StorageOpenError' })
  })

  it('steps aside for another tab upgrading the schema; later calls reject with StorageClosedError', async () => {
    const factory = new IDBFactory()
    const adapter = await IdbStorageAdapter.open('shared', { indexedDB: factory })
    await adapter.save(['k'], new Uint8Array([1]))
    const upgraded = await rawOpen(factory, 'shared', 2)
    upgraded.close()
    await expect(adapter.load(['k'])).rejects.toMatchObject({ name: 'StorageClosedError' })
    await adapter.close()
  })

  it('keeps databases apart by name', async () => {
    const factory = new IDBFactory()
    const a = await IdbStorageAdapter.open('a', { indexedDB: factory })
    const b = await IdbStorageAdapter.open('b', { indexedDB: factory })
    await a.save(['k'], new Uint8Array([1]))
    expect(await b.load(['k'])).toBeUndefined()
    await a.close()
    await b.close()
  })
})

describe('runIdbSelfTest', () => {
  it('passes under fake-indexeddb', async () => {
    expect(await runIdbSelfTest({ indexedDB: new IDBFactory() })).toEqual({ ok: true, failures: [] })
  })
})
