import { describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { MAX_CACHED_PEERS, openPeerCache } from './peer-cache.ts'

const PEER = '12D3KooWPVSyTTPSPbm9zqz3RjFqvCt5DaFkXWKSGtnqwkDoBD4k'

function fakeLibp2p(addrs: string[], inbound: { from: string; listens: string[] }[] = []): Parameters<Awaited<ReturnType<typeof openPeerCache>>['save']>[0] {
  return {
    getConnections: () => [
      ...addrs.map((a) => ({ remoteAddr: multiaddr(a), remotePeer: { toString: () => PEER }, limits: undefined, direction: 'outbound' })),
      ...inbound.map((c) => ({ remoteAddr: multiaddr(c.from), remotePeer: { toString: () => PEER, listens: c.listens }, limits: undefined, direction: 'inbound' }))
    ],
    peerStore: {
      get: (peer: { listens?: string[] }) => Promise.resolve({ addresses: (peer.listens ?? []).map((a) => ({ multiaddr: multiaddr(a) })) })
    }
  } as never
}

describe('peer cache', () => {
  it('saves connected peers and loads them back; ignores corrupt files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-peer-cache-'))
    try {
      const empty = await openPeerCache(dir)
      expect(empty.addresses()).toEqual([])
      await empty.save(fakeLibp2p(['/ip4/127.0.0.1/tcp/4001']))
      const again = await openPeerCache(dir)
      expect(again.addresses()).toEqual([`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`])
      await again.save(fakeLibp2p(Array.from({ length: 100 }, (_, i) => `/ip4/127.0.0.1/tcp/${5000 + i}`)))
      expect((await openPeerCache(dir)).addresses()).toHaveLength(MAX_CACHED_PEERS)
      await writeFile(join(dir, 'peers.json'), '{"peers": [1, 2')
      expect((await openPeerCache(dir)).addresses()).toEqual([])
      await writeFile(join(dir, 'peers.json'), JSON.stringify({ peers: ['/ip4/1.2.3.4/tcp/1'] }))
      expect((await openPeerCache(dir)).addresses()).toEqual([])
      expect(JSON.parse(await readFile(join(dir, 'peers.json'), 'utf8'))).toBeDefined()
      // An inbound connection's remote address is an ephemeral source port: keep what the peer listens on instead.
      const inbound = await openPeerCache(dir)
      await inbound.save(fakeLibp2p([], [{ from: '/ip4/127.0.0.1/tcp/53412', listens: ['/ip4/127.0.0.1/tcp/4001', '/ip4/127.0.0.1/tcp/9/p2p-circuit'] }]))
      expect((await openPeerCache(dir)).addresses()).toEqual([`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
