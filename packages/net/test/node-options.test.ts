/**
 * Node options the web app's browser profile relies on, on real nodes over
 * loopback: observed addresses (how peers see us), a `peerCache` store of the
 * app's own, and trusted addresses composed with a gater's default.
 */
import { describe, expect, it } from 'vitest'
import { CODE_P2P, multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import {
  createHearthNode, InvalidConfigError, loopbackTestConfig, observedAddressCounts, observedAddresses, type HearthNode, type PeerCacheStore
} from '../src/index.ts'
import { dial, nodesStoppedAfterEach, waitFor } from './support.ts'

const { start } = nodesStoppedAfterEach()

describe('observed addresses', () => {
  it('A learns how B sees it (identify), most confirmed first; a peer that leaves no longer counts', async () => {
    const a = await start({ ...loopbackTestConfig(), profile: 'server', listen: ['/ip4/127.0.0.1/tcp/0'] })
    const b = await start({ ...loopbackTestConfig(), profile: 'server', listen: ['/ip4/127.0.0.1/tcp/0'] })
    const c = await start({ ...loopbackTestConfig(), profile: 'server', listen: ['/ip4/127.0.0.1/tcp/0'] })
    expect(observedAddresses(a)).toEqual([])
    await dial(a, b)
    // A dialled out: B sees A's connection come from 127.0.0.1 and an ephemeral port, not A's listen port.
    let fromB: string | undefined
    await waitFor('B holds the connection', () => (fromB = b.libp2p.getConnections(a.libp2p.peerId)[0]?.remoteAddr.decapsulateCode(CODE_P2P).toString()) !== undefined, 30_000, 50)
    expect(fromB).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+$/)
    await waitFor('A learned how B sees it', () => observedAddresses(a).length === 1, 30_000, 50)
    expect(observedAddresses(a)).toEqual([fromB])
    expect(observedAddresses(a)[0]).not.toBe(a.libp2p.getMultiaddrs()[0]?.toString().split('/p2p/')[0])

    // A and C both dialled B's listen address: both report it, so it is confirmed by two peers.
    const bListen = b.libp2p.getMultiaddrs()[0]?.toString().split('/p2p/')[0]
    await dial(c, b)
    await waitFor('two peers confirm B\'s address', () => observedAddressCounts(b)[0]?.peers === 2, 30_000, 50)
    expect(observedAddressCounts(b)).toEqual([{ address: bListen, peers: 2 }])
    expect(observedAddresses(b)).toEqual([bListen])

    // A peer that disconnects no longer counts.
    await a.stop()
    await waitFor('B counts only C', () => observedAddressCounts(b)[0]?.peers === 1, 30_000, 50)
  }, 60_000)
})

describe('peer cache store', () => {
  it('a node loads its cache at start (dialling the peers) and saves to it on stop', async () => {
    const other = await start({ ...loopbackTestConfig(), profile: 'server' })
    const saved: (readonly string[])[] = []
    const store: PeerCacheStore = {
      load: () => Promise.resolve(saved.at(-1) ?? []),
      save: (addresses) => { saved.push(addresses); return Promise.resolve() }
    }
    const first = await createHearthNode({ ...loopbackTestConfig('browser'), profile: 'browser', peerCache: store, peerCacheSaveIntervalMs: 0 })
    try {
      await first.libp2p.dial(other.libp2p.getMultiaddrs().filter((ma) => ma.toString().includes('/ws/')))
    } finally {
      await first.stop()
    }
    expect(saved).toHaveLength(1)
    expect(saved[0]?.some((a) => a.includes(other.libp2p.peerId.toString()))).toBe(true)
    const second = await start({ ...loopbackTestConfig('browser'), profile: 'browser', peerCache: store, peerCacheSaveIntervalMs: 0 })
    await waitFor('the restarted node reconnects from its cache', () => second.libp2p.getConnections(other.libp2p.peerId).length > 0, 30_000)
  }, 60_000)

  it('saves periodically while running', async () => {
    const other = await start({ ...loopbackTestConfig(), profile: 'server' })
    const saved: (readonly string[])[] = []
    const node = await start({
      ...loopbackTestConfig(),
      profile: 'server',
      peerCache: { load: () => Promise.resolve([]), save: (addresses) => { saved.push(addresses); return Promise.resolve() } },
      peerCacheSaveIntervalMs: 50
    })
    await dial(node, other)
    await waitFor('a periodic save holds the peer', () => saved.some((s) => s.some((a) => a.includes(other.libp2p.peerId.toString()))), 30_000, 50)
  }, 60_000)

  it('bad options are configuration errors', async () => {
    await expect(createHearthNode({ ...loopbackTestConfig(), profile: 'server', peerCacheSaveIntervalMs: -1 })).rejects.toThrow(InvalidConfigError)
    await expect(createHearthNode({ ...loopbackTestConfig(), profile: 'server', trustedAddresses: ['not a multiaddr'] })).rejects.toThrow(InvalidConfigError)
    await expect(createHearthNode({ ...loopbackTestConfig(), profile: 'server', relay: { dataLimit: 0 } })).rejects.toThrow(InvalidConfigError)
  })
})

describe('trusted addresses on a node', () => {
  it('a browser node dials its trusted daemon although the default gater refuses private /ws addresses, and nothing else', async () => {
    const daemon = await start({ ...loopbackTestConfig(), profile: 'server' })
    const stranger = await start({ ...loopbackTestConfig(), profile: 'server' })
    const wsOf = (n: HearthNode): Multiaddr => {
      const found = n.libp2p.getMultiaddrs().find((ma) => ma.toString().includes('/ws/'))
      if (found === undefined) throw new Error('no /ws address')
      return found
    }
    // Node's libp2p has no default gating; stand in the browser's (private or insecure /ws: refused).
    const browserDefault = (ma: Multiaddr): boolean => ma.toString().includes('/ws') || ma.toString().startsWith('/ip4/127.')
    const test = loopbackTestConfig('browser')
    const browser = await start({
      ...test,
      profile: 'browser',
      trustedAddresses: [wsOf(daemon).toString()],
      insecureTestOverrides: { ...test.insecureTestOverrides, connectionGater: { denyDialMultiaddr: browserDefault } }
    })
    const connection = await browser.libp2p.dial(wsOf(daemon))
    expect(connection.remotePeer.equals(daemon.libp2p.peerId)).toBe(true)
    await expect(browser.libp2p.dial(wsOf(stranger))).rejects.toThrow(/denied/i)
    await expect(browser.libp2p.dial(multiaddr(wsOf(stranger).toString()))).rejects.toThrow()
  }, 60_000)
})
