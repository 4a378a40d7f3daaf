/**
 * The node factory: profiles (DHT mode, Hearth's kad protocol id instead of
 * IPFS's), the peer cache in the data dir, and room presence that expires
 * when a peer goes offline while online peers' records are republished.
 */
import { describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { sha256, utf8 } from '@hearth/protocol'
import { announceRoom, createHearthNode, findRoomPeers, HEARTH_KAD_PROTOCOL, loopbackTestConfig } from '../src/index.ts'
import { dial, nodesStoppedAfterEach, startSwarm, waitFor } from './support.ts'

const { running, start } = nodesStoppedAfterEach()

describe('createHearthNode', () => {
  it('server profile: DHT server under /hearth/kad/1.0.0, relay hop, no IPFS DHT', async () => {
    const node = await start({ ...loopbackTestConfig(), profile: 'server' })
    expect(node.libp2p.services.dht.getMode()).toBe('server')
    const protocols = node.libp2p.getProtocols()
    expect(protocols).toContain(HEARTH_KAD_PROTOCOL)
    expect(protocols).not.toContain('/ipfs/kad/1.0.0')
    expect(protocols).toContain('/libp2p/circuit/relay/0.2.0/hop')
    expect(protocols).toContain('/ipfs/ping/1.0.0')
    expect(node.libp2p.getMultiaddrs().every((a) => a.toString().startsWith('/ip4/127.0.0.1/'))).toBe(true)
  })

  it('browser profile: DHT client, no relay hop, no TCP', async () => {
    const node = await start({ ...loopbackTestConfig('browser'), profile: 'browser' })
    expect(node.libp2p.services.dht.getMode()).toBe('client')
    expect(node.libp2p.getProtocols()).not.toContain('/libp2p/circuit/relay/0.2.0/hop')
    await expect(createHearthNode({ ...loopbackTestConfig('browser'), profile: 'browser', listen: ['/ip4/127.0.0.1/tcp/0'] })).rejects.toThrow()
  })

  it('dials its bootstrap peers and announces the addresses it is told to', async () => {
    const seed = await start({ ...loopbackTestConfig(), profile: 'server' })
    const node = await start({
      ...loopbackTestConfig(),
      profile: 'server',
      listen: ['/ip4/127.0.0.1/tcp/0'],
      announce: ['/ip4/127.0.0.1/tcp/4999'],
      bootstrap: seed.libp2p.getMultiaddrs().map(String)
    })
    await waitFor('connected to the bootstrap peer', () => node.libp2p.getConnections(seed.libp2p.peerId).length > 0, 30_000)
    expect(node.libp2p.getMultiaddrs().map((a) => a.toString().split('/p2p/')[0])).toEqual(['/ip4/127.0.0.1/tcp/4999'])
  })

  it('keeps a peer cache in its data dir and rejoins from it after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-node-'))
    try {
      const other = await start({ ...loopbackTestConfig(), profile: 'server' })
      const privateKey = await generateKeyPair('Ed25519')
      const first = await createHearthNode({ ...loopbackTestConfig(), profile: 'server', dataDir: dir, privateKey })
      await dial(first, other)
      await first.stop()
      expect(await readFile(join(dir, 'peers.json'), 'utf8')).toContain(other.libp2p.peerId.toString())
      const second = await start({ ...loopbackTestConfig(), profile: 'server', dataDir: dir, privateKey })
      await waitFor('the restarted node reconnects from its cache', () => second.libp2p.getConnections(other.libp2p.peerId).length > 0, 30_000)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('room presence in the DHT', () => {
  it('an offline peer’s record expires; an online peer’s is republished', async () => {
    const timing = { providerValidityMs: 3_000, reprovideIntervalMs: 500, reprovideThresholdMs: 2_000 }
    const nodes = await startSwarm(6, () => ({ dht: timing }))
    running.push(...nodes)
    const room = sha256(utf8('hearth/net-node-test/room'))
    const [online, leaving, finder] = [nodes[1]!, nodes[4]!, nodes[5]!]
    await waitFor('routing tables are filled', () =>
      nodes.every((n) => (n.libp2p.services.dht as unknown as { routingTable: { size: number } }).routingTable.size >= 2), 30_000)
    const announced = Date.now()
    await announceRoom(online.libp2p, room, { signal: AbortSignal.timeout(20_000) })
    await announceRoom(leaving.libp2p, room, { signal: AbortSignal.timeout(20_000) })
    const find = async (): Promise<Set<string>> => {
      const ids = new Set<string>()
      for await (const p of findRoomPeers(finder.libp2p, room, { signal: AbortSignal.timeout(10_000) })) ids.add(p.id.toString())
      return ids
    }
    await waitFor('both are found', async () => (await find()).size === 2, 30_000, 200)
    await leaving.stop()
    const onlineId = online.libp2p.peerId.toString()
    const leavingId = leaving.libp2p.peerId.toString()
    // Past two lifetimes of the first record, the online peer is still found (republished) and the offline one is gone.
    await waitFor('the offline peer expired while the online one is republished', async () => {
      const ids = await find()
      return Date.now() - announced > 2 * timing.providerValidityMs && ids.has(onlineId) && !ids.has(leavingId)
    }, 45_000, 300)
  }, 90_000)
})
