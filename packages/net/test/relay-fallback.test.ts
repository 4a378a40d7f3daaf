/**
 * Relay fallback (PROTOCOL.md §10.1, §10.7): a relay R (server profile) and
 * two peers. B cannot be reached directly (no listen address of its own; its
 * connection gater stands in for a NAT: it dials nothing but R) and listens
 * only on `/p2p-circuit` with a reservation on R. A reaches B through R:
 *
 * - the connection is limited, and the room presence says `relayed`;
 * - a sync conversation of more than libp2p's default 128 KiB relay data
 *   limit completes over it (Hearth's relay limits are larger, §10.1);
 * - a room gossip message published by A reaches B;
 * - when the relayed connection ends while a direct one exists, gossip moves
 *   to the direct one (relay-handover.ts).
 *
 * Tests wait for conditions, never for fixed times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { multiaddr } from '@multiformats/multiaddr'
import { roomTopic, sha256, toHex, utf8, type Bytes, type Keypair } from '@hearth/protocol'
import { serveSyncConversation, syncRoom, type GossipVerdict, type RoomPresence, type RoomStore } from '@hearth/client'
import {
  createHearthNode, DEFAULT_RELAY_LIMITS, InvalidConfigError, Libp2pRoomNetwork, loopbackTestConfig, relayLimits, RoomGossip, type HearthNode
} from '../src/index.ts'
import { stopAll, waitFor } from './support.ts'
import { emptyReplica, streamsRoom, type StreamsRoom } from './fixtures/streams-room.ts'

/** A peer of the test room: its node, room network and presence, and the events its gossip sink was given. */
interface Peer {
  readonly node: HearthNode
  readonly net: Libp2pRoomNetwork
  readonly presence: RoomPresence
  readonly store: RoomStore
  readonly events: Uint8Array[]
}

const nodes: HearthNode[] = []
const nets: Libp2pRoomNetwork[] = []

async function peerOn(node: HearthNode, store: RoomStore): Promise<Peer> {
  nodes.push(node)
  const net = await Libp2pRoomNetwork.start(node, { respond: (stream, replicas) => serveSyncConversation(stream, replicas) })
  nets.push(net)
  const presence = await net.join(store)
  const events: Uint8Array[] = []
  const accept = (): Promise<GossipVerdict> => Promise.resolve('accept')
  presence.subscribe({
    onAuthority: accept,
    onEvent: (bytes) => { events.push(bytes); return accept() },
    onSignal: accept,
    onProfile: accept
  })
  return { node, net, presence, store, events }
}

/** A replica with the room's channel, its members joined, and `posts` posts of ~1.5 KB each. */
async function bigHistory(room: StreamsRoom, posts: number): Promise<RoomStore> {
  const store = await emptyReplica(room)
  const channel = room.channels[0] as Bytes
  await store.postAuthority(room.owner, { op: 'channel-create', channel, name: 'general', kind: 'text', position: 0 }, 2_000)
  for (const [i, member] of room.members.entries()) await store.postAuthority(member, { op: 'join' }, 3_000 + i)
  for (let i = 0; i < posts; i++) {
    const author = room.members[i % room.members.length] as Keypair
    await store.postEvent(author, channel, { kind: 'post', content: { text: `${i} `.padEnd(1_500, 'history ') } }, 10_000 + i)
  }
  return store
}

describe('relay fallback', () => {
  let room: StreamsRoom
  let relay: HearthNode
  let a: Peer
  let b: Peer
  let circuit: string

  beforeAll(async () => {
    room = await streamsRoom('relay', 2, 1)
    relay = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
    nodes.push(relay)
    const relayWs = relay.libp2p.getMultiaddrs().find((ma) => ma.toString().includes('/ws/'))
    if (relayWs === undefined) throw new Error('the relay has no WebSocket address')
    const relayHost = relayWs.toString().split('/p2p/')[0] as string

    // B: behind a "NAT" (dials only the relay), listening only through the relay.
    const test = loopbackTestConfig('browser')
    const bNode = await createHearthNode({
      ...test,
      profile: 'browser',
      listen: [`${relayWs.toString()}/p2p-circuit`],
      insecureTestOverrides: { ...test.insecureTestOverrides, connectionGater: { denyDialMultiaddr: (ma) => !ma.toString().startsWith(relayHost) } }
    })
    b = await peerOn(bNode, await bigHistory(room, 150))
    await waitFor('B holds a reservation on the relay', () => b.node.libp2p.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit')), 30_000, 50)
    const bAddrs = b.node.libp2p.getMultiaddrs().map(String)
    expect(bAddrs.every((addr) => addr.includes('/p2p-circuit'))).toBe(true)
    circuit = bAddrs[0] as string

    a = await peerOn(await createHearthNode({ ...loopbackTestConfig(), profile: 'server' }), await emptyReplica(room))
  }, 60_000)

  afterAll(async () => {
    await Promise.all(nets.map((n) => n.stop().catch(() => undefined)))
    await stopAll(nodes)
  }, 30_000)

  it('A reaches B through R: limited, relayed in the room, and a sync larger than libp2p\'s default relay limit completes', async () => {
    const bId = b.node.libp2p.peerId.toString()
    const aId = a.node.libp2p.peerId.toString()
    const connection = await a.node.libp2p.dial(multiaddr(circuit), { signal: AbortSignal.timeout(20_000) })
    expect(connection.remoteAddr.toString()).toContain('/p2p-circuit')
    expect(connection.limits).toBeDefined()

    // GossipSub runs on the limited connection: each sees the other subscribed to the room, as `relayed`.
    await waitFor('A sees B in the room, relayed', () => a.presence.peers().some((p) => p.id === bId && p.connection === 'relayed'), 30_000, 50)
    await waitFor('B sees A in the room, relayed', () => b.presence.peers().some((p) => p.id === aId && p.connection === 'relayed'), 30_000, 50)

    // A sync conversation over the relayed connection: the whole history (~230 KB of records).
    const report = await syncRoom(a.store, [a.presence.syncPeer(bId)], { requestTimeoutMs: 15_000 })
    expect(report.peers.map((p) => p.failure)).toEqual([undefined])
    expect(report.complete).toBe(true)
    expect(report.peers[0]?.bytesIn).toBeGreaterThan(128 * 1024)
    const channel = room.channels[0] as Bytes
    expect(a.store.storedIds({ kind: 'authority' })).toEqual(b.store.storedIds({ kind: 'authority' }))
    expect(a.store.storedIds({ kind: 'channel', channel })).toEqual(b.store.storedIds({ kind: 'channel', channel }))

    // Room gossip published by A reaches B over the same relayed connection.
    await waitFor('A sees B subscribed to the events topic', () =>
      a.node.libp2p.services.pubsub.getSubscribers(roomTopic(room.genesis.room, 'events')).some((p) => p.toString() === bId), 30_000, 50)
    const post = await a.store.postEvent(room.members[0] as Keypair, channel, { kind: 'post', content: { text: 'hello through the relay' } }, 50_000)
    await a.presence.publish('events', post.bytes)
    await waitFor('B receives the post', () => b.events.some((e) => toHex(e) === toHex(post.bytes)), 30_000, 50)

    // Never a direct connection: everything went through R.
    const between = a.node.libp2p.getConnections(b.node.libp2p.peerId)
    expect(between.length).toBeGreaterThan(0)
    expect(between.every((c) => c.limits !== undefined && c.remoteAddr.toString().includes('/p2p-circuit'))).toBe(true)
  }, 60_000)
})

describe('relayed to direct', () => {
  it('when the relayed connection ends while a direct one is open, gossip carries on over the direct one', async () => {
    const relay = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
    const p = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
    const relayAddr = relay.libp2p.getMultiaddrs()[0]?.toString() ?? ''
    const q = await createHearthNode({ ...loopbackTestConfig(), profile: 'server', listen: ['/ip4/127.0.0.1/tcp/0', `${relayAddr}/p2p-circuit`] })
    const identified = new Set<unknown>()
    p.libp2p.addEventListener('peer:identify', (event) => { identified.add(event.detail.connection) })
    try {
      const roomId = sha256(utf8('hearth/net-relay-test/handover'))
      const received: string[] = []
      const gp = new RoomGossip(p)
      const gq = new RoomGossip(q)
      gp.join(roomId, { onAuthority: () => 'ignore', onEvent: () => 'accept', onSignal: () => 'ignore', onProfile: () => 'ignore' })
      gq.join(roomId, { onAuthority: () => 'ignore', onEvent: (bytes) => { received.push(toHex(bytes)); return 'accept' }, onSignal: () => 'ignore', onProfile: () => 'ignore' })
      await waitFor('Q holds a reservation', () => q.libp2p.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit')), 30_000, 50)
      const circuitAddr = q.libp2p.getMultiaddrs().find((ma) => ma.toString().includes('/p2p-circuit'))
      const directAddr = q.libp2p.getMultiaddrs().find((ma) => !ma.toString().includes('/p2p-circuit'))
      if (circuitAddr === undefined || directAddr === undefined) throw new Error('Q lacks an address')
      const topic = roomTopic(roomId, 'events')
      const qId = q.libp2p.peerId.toString()

      // First through the relay: gossip streams open on the limited connection.
      const relayed = await p.libp2p.dial(circuitAddr)
      expect(relayed.limits).toBeDefined()
      await waitFor('P sees Q subscribed over the relay', () => p.libp2p.services.pubsub.getSubscribers(topic).some((peer) => peer.toString() === qId), 30_000, 50)
      await gp.publish(roomId, 'events', utf8('via the relay'))
      await waitFor('Q receives through the relay', () => received.includes(toHex(utf8('via the relay'))), 30_000, 50)

      // Then directly; the relayed connection ends (as its limits would end it).
      const direct = await p.libp2p.dial(directAddr)
      expect(direct.limits).toBeUndefined()
      // Identify on the direct connection is what tells GossipSub about it; its stream usually
      // stays on the relayed one (the case the handover is for; when GossipSub happened to open
      // it on the direct connection already, the rest must hold all the same).
      await waitFor('the direct connection is identified', () => identified.has(direct), 30_000, 20)
      await relayed.close()
      expect(p.libp2p.getConnections(q.libp2p.peerId).every((c) => c.limits === undefined)).toBe(true)

      // Gossip still reaches Q: its stream moved to the direct connection.
      await waitFor('P has a gossip stream to Q on a direct connection', () => p.libp2p.getConnections(q.libp2p.peerId).some((c) =>
        c.limits === undefined && c.streams.some((st) => st.protocol.startsWith('/meshsub/') && st.direction === 'outbound')), 30_000, 50)
      await gp.publish(roomId, 'events', utf8('direct'))
      await waitFor('Q receives over the direct connection', () => received.includes(toHex(utf8('direct'))), 30_000, 50)
    } finally {
      await stopAll([p, q, relay])
    }
  }, 60_000)
})

describe('relay limits', () => {
  it('defaults suited to a volunteer relay; bad values are configuration errors', () => {
    expect(relayLimits()).toEqual(DEFAULT_RELAY_LIMITS)
    expect(DEFAULT_RELAY_LIMITS.dataLimit).toBeGreaterThan(128 * 1024)
    expect(DEFAULT_RELAY_LIMITS.durationLimit).toBeGreaterThan(120_000)
    expect(relayLimits({ dataLimit: 1024 })).toEqual({ ...DEFAULT_RELAY_LIMITS, dataLimit: 1024 })
    for (const bad of [{ dataLimit: 0 }, { durationLimit: -1 }, { durationLimit: 2 ** 31 }, { maxReservations: 1.5 }, { dataLimit: Number.NaN }]) {
      expect(() => relayLimits(bad)).toThrow(InvalidConfigError)
    }
  })

  it('the relay server enforces the configured data limit on relayed connections', async () => {
    const relay = await createHearthNode({ ...loopbackTestConfig(), profile: 'server', relay: { dataLimit: 64 * 1024 } })
    const client = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
    const target = await createHearthNode({ ...loopbackTestConfig(), profile: 'server', listen: [`${relay.libp2p.getMultiaddrs()[0]?.toString() ?? ''}/p2p-circuit`] })
    try {
      await waitFor('the target holds a reservation', () => target.libp2p.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit')), 30_000, 50)
      const address = target.libp2p.getMultiaddrs().find((ma) => ma.toString().includes('/p2p-circuit'))
      if (address === undefined) throw new Error('no relay address')
      let received = 0
      await target.libp2p.handle('/hearth-test/sink/1', async (stream) => {
        for await (const chunk of stream) received += chunk.byteLength
      }, { runOnLimitedConnection: true })
      const connection = await client.libp2p.dial(address)
      expect(connection.limits).toBeDefined()
      const stream = await connection.newStream('/hearth-test/sink/1', { runOnLimitedConnection: true })
      const closed = new Promise<void>((resolve) => { connection.addEventListener('close', () => { resolve() }, { once: true }) })
      // Send more than the limit; the relay cuts the connection.
      const chunk = new Uint8Array(16 * 1024)
      for (let i = 0; i < 16 && connection.status === 'open'; i++) {
        if (!stream.send(chunk)) await new Promise<void>((resolve) => {
          stream.addEventListener('drain', () => { resolve() }, { once: true })
          stream.addEventListener('close', () => { resolve() }, { once: true })
        })
      }
      await closed
      expect(connection.status).not.toBe('open')
      expect(received).toBeLessThanOrEqual(64 * 1024)
    } finally {
      await stopAll([client, target, relay])
    }
  }, 60_000)
})
