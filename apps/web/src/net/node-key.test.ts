// The browser node's stored libp2p key under fake-indexeddb, with a fake Web Locks manager.

import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { openNetDatabase, STORE } from './net-database.ts'
import { loadNodeKey, nodeKeyKey, type KeyLocks } from './node-key.ts'

const ALICE = new Uint8Array(32).fill(1)
const BOB = new Uint8Array(32).fill(2)

/** Web Locks with `ifAvailable` only: a held name is refused, released names are free again. */
function fakeLocks(): KeyLocks {
  const held = new Set<string>()
  return {
    request: ((name: string, _options: LockOptions, callback: (lock: Lock | null) => unknown) => {
      if (held.has(name)) return Promise.resolve(callback(null))
      held.add(name)
      return Promise.resolve(callback({ name, mode: 'exclusive' })).finally(() => { held.delete(name) })
    }) as KeyLocks['request']
  }
}

describe('loadNodeKey', () => {
  it('makes an Ed25519 key once and finds it again after a reopen', async () => {
    const indexedDB = new IDBFactory()
    const db = await openNetDatabase({ indexedDB })
    const first = await loadNodeKey(db, ALICE, { locks: fakeLocks() })
    expect(first.privateKey.type).toBe('Ed25519')
    expect(first.persistent).toBe(true)
    first.release()
    db.close()

    const reopened = await openNetDatabase({ indexedDB })
    const again = await loadNodeKey(reopened, ALICE, { locks: fakeLocks() })
    expect(again.privateKey.publicKey.toString()).toBe(first.privateKey.publicKey.toString())
    reopened.close()
  })

  it('keeps one key per identity', async () => {
    const db = await openNetDatabase({ indexedDB: new IDBFactory() })
    const locks = fakeLocks()
    const alice = await loadNodeKey(db, ALICE, { locks })
    const bob = await loadNodeKey(db, BOB, { locks })
    expect(bob.privateKey.publicKey.toString()).not.toBe(alice.privateKey.publicKey.toString())
    db.close()
  })

  it('gives a second tab a throwaway key while the first holds the stored one', async () => {
    const db = await openNetDatabase({ indexedDB: new IDBFactory() })
    const locks = fakeLocks()
    const first = await loadNodeKey(db, ALICE, { locks })
    const second = await loadNodeKey(db, ALICE, { locks })
    expect(second.persistent).toBe(false)
    expect(second.privateKey.publicKey.toString()).not.toBe(first.privateKey.publicKey.toString())

    first.release()
    await new Promise((resolve) => setTimeout(resolve, 0))
    const third = await loadNodeKey(db, ALICE, { locks })
    expect(third.persistent).toBe(true)
    expect(third.privateKey.publicKey.toString()).toBe(first.privateKey.publicKey.toString())
    db.close()
  })

  it('replaces an unreadable or non-Ed25519 record', async () => {
    const db = await openNetDatabase({ indexedDB: new IDBFactory() })
    await db.put(STORE, new Uint8Array([1, 2, 3]), nodeKeyKey(ALICE))
    const key = await loadNodeKey(db, ALICE, { locks: fakeLocks() })
    expect(key.privateKey.type).toBe('Ed25519')
    expect(await db.get(STORE, nodeKeyKey(ALICE))).toEqual(privateKeyToProtobuf(key.privateKey))
    db.close()
  })

  it('claims the key with navigator.locks by default (Node has Web Locks too)', async () => {
    const db = await openNetDatabase({ indexedDB: new IDBFactory() })
    const first = await loadNodeKey(db, BOB)
    const second = await loadNodeKey(db, BOB)
    expect([first.persistent, second.persistent]).toEqual([true, false])
    first.release()
    second.release()
    db.close()
  })
})
