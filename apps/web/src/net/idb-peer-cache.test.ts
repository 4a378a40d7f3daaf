// The IndexedDB peer cache (PeerCacheStore port) under fake-indexeddb.

import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { MAX_CACHED_PEERS } from '@hearth/net'
import { IdbPeerCache, PEER_CACHE_KEY } from './idb-peer-cache.ts'
import { openNetDatabase, STORE } from './net-database.ts'

const PEER = '12D3KooWPVSyTTPSPbm9zqz3RjFqvCt5DaFkXWKSGtnqwkDoBD4k'
const addr = (port: number): string => `/ip4/127.0.0.1/tcp/${port}/ws/p2p/${PEER}`

describe('IdbPeerCache', () => {
  it('loads nothing from a fresh database, and what it saved after a reopen', async () => {
    const indexedDB = new IDBFactory()
    const db = await openNetDatabase({ indexedDB })
    const cache = new IdbPeerCache(db)
    expect(await cache.load()).toEqual([])
    await cache.save([addr(1), addr(2)])
    db.close()

    const reopened = await openNetDatabase({ indexedDB })
    expect(await new IdbPeerCache(reopened).load()).toEqual([addr(1), addr(2)])
    reopened.close()
  })

  it('keeps only distinct addresses that name a peer, at most the limit', async () => {
    const db = await openNetDatabase({ indexedDB: new IDBFactory() })
    const cache = new IdbPeerCache(db)
    await cache.save([addr(1), addr(1), '/ip4/127.0.0.1/tcp/3', 'not a multiaddr', ...Array.from({ length: 100 }, (_, i) => addr(1000 + i))])
    const loaded = await cache.load()
    expect(loaded).toHaveLength(MAX_CACHED_PEERS)
    expect(loaded[0]).toBe(addr(1))
    expect(loaded).not.toContain('/ip4/127.0.0.1/tcp/3')
    db.close()
  })

  it.each([
    ['a string', 'peers'],
    ['another version', { v: 2, peers: [addr(1)] }],
    ['no list', { v: 1, peers: addr(1) }],
    ['junk entries', { v: 1, peers: [1, null, { a: 1 }] }]
  ])('reads a stored record of %s as an empty cache', async (_label, record) => {
    const db = await openNetDatabase({ indexedDB: new IDBFactory() })
    await db.put(STORE, record, PEER_CACHE_KEY)
    expect(await new IdbPeerCache(db).load()).toEqual([])
    db.close()
  })
})
