import { describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { filePeerCache, MAX_CACHED_PEERS } from './peer-cache.ts'
import { cleanPeerAddresses, PeerCacheKeeper, type PeerCacheHost, type PeerCacheStore } from './peer-cache-store.ts'

const PEER = '12D3KooWPVSyTTPSPbm9zqz3RjFqvCt5DaFkXWKSGtnqwkDoBD4k'

function fakeLibp2p(addrs: string[], inbound: { from: string; listens: string[] }[] = [], limited: string[] = []): PeerCacheHost {
  return {
    getConnections: () => [
      ...addrs.map((a) => ({ remoteAddr: multiaddr(a), remotePeer: { toString: () => PEER }, limits: undefined, direction: 'outbound' })),
      ...limited.map((a) => ({ remoteAddr: multiaddr(a), remotePeer: { toString: () => PEER }, limits: {}, direction: 'outbound' })),
      ...inbound.map((c) => ({ remoteAddr: multiaddr(c.from), remotePeer: { toString: () => PEER, listens: c.listens }, limits: undefined, direction: 'inbound' }))
    ],
    peerStore: {
      get: (peer: { listens?: string[] }) => Promise.resolve({ addresses: (peer.listens ?? []).map((a) => ({ multiaddr: multiaddr(a) })) })
    }
  } as never
}

/** A store in memory that counts its saves (what the web app's IndexedDB store does, minus IndexedDB). */
function memoryStore(initial: unknown = []): PeerCacheStore & { saved: (readonly string[])[] } {
  const saved: (readonly string[])[] = []
  return {
    saved,
    load: () => Promise.resolve((saved.at(-1) ?? initial) as readonly string[]),
    save: (addresses) => { saved.push([...addresses]); return Promise.resolve() }
  }
}

describe('peer cache', () => {
  it('the file store saves connected peers and loads them back; ignores corrupt files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-peer-cache-'))
    try {
      const file = filePeerCache(dir)
      const empty = new PeerCacheKeeper(file)
      expect(await empty.load()).toEqual([])
      await empty.save(fakeLibp2p(['/ip4/127.0.0.1/tcp/4001']))
      expect(await new PeerCacheKeeper(filePeerCache(dir)).load()).toEqual([`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`])
      expect(JSON.parse(await readFile(join(dir, 'peers.json'), 'utf8'))).toEqual({ v: 1, peers: [`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`] })
      const again = new PeerCacheKeeper(file)
      await again.load()
      await again.save(fakeLibp2p(Array.from({ length: 100 }, (_, i) => `/ip4/127.0.0.1/tcp/${5000 + i}`)))
      expect(await file.load()).toHaveLength(MAX_CACHED_PEERS)
      await writeFile(join(dir, 'peers.json'), '{"peers": [1, 2')
      expect(await file.load()).toEqual([])
      await writeFile(join(dir, 'peers.json'), 'null')
      expect(await file.load()).toEqual([])
      await writeFile(join(dir, 'peers.json'), JSON.stringify({ peers: ['/ip4/1.2.3.4/tcp/1'] }))
      expect(await file.load()).toEqual([])
      // An inbound connection's remote address is an ephemeral source port: keep what the peer listens on instead.
      const inbound = new PeerCacheKeeper(file)
      await inbound.load()
      await inbound.save(fakeLibp2p([], [{ from: '/ip4/127.0.0.1/tcp/53412', listens: ['/ip4/127.0.0.1/tcp/4001', '/ip4/127.0.0.1/tcp/9/p2p-circuit'] }]))
      expect(await file.load()).toEqual([`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('any store: newest first, relayed connections left out, saved only when changed, bad entries dropped', async () => {
    const old = `/ip4/127.0.0.1/tcp/7000/p2p/${PEER}`
    const store = memoryStore([old, 'garbage', 42, `/ip4/127.0.0.1/tcp/7001/p2p/not-a-peer-id`, old])
    const keeper = new PeerCacheKeeper(store)
    expect(await keeper.load()).toEqual([old])
    await keeper.save(fakeLibp2p(['/ip4/127.0.0.1/tcp/7002'], [], [`/ip4/127.0.0.1/tcp/7003/p2p/${PEER}/p2p-circuit`]))
    expect(store.saved).toEqual([[`/ip4/127.0.0.1/tcp/7002/p2p/${PEER}`, old]])
    await keeper.save(fakeLibp2p(['/ip4/127.0.0.1/tcp/7002']))
    expect(store.saved).toHaveLength(1)
    expect(keeper.addresses()).toEqual([`/ip4/127.0.0.1/tcp/7002/p2p/${PEER}`, old])
  })

  it('a store that fails to load is an empty cache; a failed save does not block the next', async () => {
    let fail = true
    const keeper = new PeerCacheKeeper({
      load: () => Promise.reject(new Error('no IndexedDB')),
      save: () => (fail ? Promise.reject(new Error('quota')) : Promise.resolve())
    })
    expect(await keeper.load()).toEqual([])
    await expect(keeper.save(fakeLibp2p(['/ip4/127.0.0.1/tcp/4001']))).rejects.toThrow('quota')
    fail = false
    await expect(keeper.save(fakeLibp2p(['/ip4/127.0.0.1/tcp/4001']))).resolves.toBeUndefined()
  })

  it('cleanPeerAddresses keeps distinct peer multiaddrs only', () => {
    expect(cleanPeerAddresses(undefined)).toEqual([])
    expect(cleanPeerAddresses({ peers: [] })).toEqual([])
    expect(cleanPeerAddresses(['/ip4/127.0.0.1/tcp/1', `/p2p/${PEER}`, 'x'.repeat(2000), `/ip4/127.0.0.1/tcp/1/p2p/${PEER}`])).toEqual([
      `/p2p/${PEER}`, `/ip4/127.0.0.1/tcp/1/p2p/${PEER}`
    ])
  })
})
