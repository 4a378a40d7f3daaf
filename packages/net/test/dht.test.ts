/**
 * The DHT across 20 loopback server nodes (plus one forger): a room's
 * providers are found by a node connected to none of them; routing records
 * put by one node are got by another; forged and stale records are refused
 * on put and on get by every honest node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, type KadDHT, type QueryEvent } from '@libp2p/kad-dht'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import {
  certifyDevice,
  createRoutingRecord,
  encodeDeviceRecord,
  encodeRecord,
  encodeRoutingRecord,
  ExpiredError,
  keypairFromSeed,
  peerIdOfDeviceKey,
  routingRecordKey,
  sha256,
  signRecord,
  utf8,
  type Keypair
} from '@hearth/protocol'
import {
  announceRoom,
  findRoomPeers,
  getRoutingRecord,
  HEARTH_KAD_PROTOCOL,
  putRoutingRecord,
  RecordNotFoundError,
  loopbackTestConfig,
  type HearthNode
} from '../src/index.ts'
import { connected, deadline, startSwarm, stopAll, waitFor } from './support.ts'

const N = 20
const FINDER = 19
const blocked = new Set<string>()
const HOUR = 3_600_000
/** All honest nodes judge expiry by this clock; a test moves it forward. */
let clockOffset = 0
const clock = (): number => Date.now() + clockOffset

function seed(label: string): Uint8Array {
  return sha256(utf8(`hearth/net-test/${label}`))
}

const alice = keypairFromSeed(seed('alice'))
const bob = keypairFromSeed(seed('bob'))
const mallory = keypairFromSeed(seed('mallory'))
const aliceDeviceSeed = seed('alice/laptop')
const aliceDevice = keypairFromSeed(aliceDeviceSeed)

async function routingRecordOf(identity: Keypair, device: Keypair, node: { getMultiaddrs(): { bytes: Uint8Array }[] }, opts: { issued?: number; ttl?: number; seq?: number } = {}): Promise<Uint8Array> {
  const now = clock()
  const cert = encodeDeviceRecord(await certifyDevice(identity, device.publicKey, { label: 'laptop', issued: now - HOUR }))
  const record = await createRoutingRecord(identity, {
    seq: opts.seq ?? 1,
    issued: opts.issued ?? now,
    ttl: opts.ttl ?? HOUR,
    devices: [{ cert, addrs: node.getMultiaddrs().slice(0, 4).map((a) => a.bytes), relays: [] }]
  })
  return encodeRoutingRecord(record)
}

/** A DHT node that stores and serves anything under /hearth/ (it skips validation): the forger. */
async function startForger(): Promise<Libp2p<{ dht: KadDHT }>> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: HEARTH_KAD_PROTOCOL,
        clientMode: false,
        peerInfoMapper: passthroughMapper,
        validators: { hearth: () => undefined },
        selectors: { hearth: () => 0 }
      })
    }
  })
}

describe('DHT on 20 nodes', () => {
  let nodes: HearthNode[] = []
  let forger: Libp2p<{ dht: KadDHT }>

  beforeAll(async () => {
    const aliceKey = await generateKeyPairFromSeed('Ed25519', aliceDeviceSeed)
    const isBlocked = (peer: { toString(): string }): boolean => blocked.has(peer.toString())
    const finderGater = {
      denyDialMultiaddr: () => false,
      denyDialPeer: isBlocked,
      denyOutboundConnection: isBlocked,
      denyOutboundEncryptedConnection: isBlocked,
      denyOutboundUpgradedConnection: isBlocked,
      denyInboundEncryptedConnection: isBlocked,
      denyInboundUpgradedConnection: isBlocked
    }
    nodes = await startSwarm(N, (i) => ({
      clock,
      ...(i === 5 ? { privateKey: aliceKey } : {}),
      ...(i === FINDER ? { insecureTestOverrides: { ...loopbackTestConfig().insecureTestOverrides, connectionGater: finderGater } } : {})
    }))
    forger = await startForger()
    await Promise.all([0, 9, 17].map((i) => forger.dial(nodes[i]!.libp2p.getMultiaddrs())))
    await waitFor('every routing table holds at least 3 peers', () =>
      nodes.every((n) => (n.libp2p.services.dht as unknown as { routingTable: { size: number } }).routingTable.size >= 3), 60_000)
  }, 120_000)

  afterAll(async () => {
    await stopAll([...nodes, forger])
  }, 60_000)

  it('finds the peers online in a room from a node connected to none of them', async () => {
    const room = seed('room/general')
    const providers = [nodes[3]!, nodes[8]!, nodes[14]!]
    // The finder may neither dial the providers nor accept them: it can learn of them only through others.
    const finder = nodes[FINDER]!
    for (const p of providers) blocked.add(p.libp2p.peerId.toString())
    // Connections already being set up when the block began may still open: hang up until none is left.
    await waitFor('the finder holds no connection to a provider', async () => {
      for (const p of providers) await finder.libp2p.hangUp(p.libp2p.peerId)
      return providers.every((p) => !connected(finder, p))
    }, 30_000, 200)
    await Promise.all(providers.map((p) => announceRoom(p.libp2p, room, { signal: deadline(30_000) })))
    const want = new Set(providers.map((p) => p.libp2p.peerId.toString()))
    const found = new Map<string, number>()
    await waitFor('the finder finds all three providers', async () => {
      for await (const peer of findRoomPeers(finder.libp2p, room, { signal: deadline(20_000) })) found.set(peer.id.toString(), peer.multiaddrs.length)
      return [...want].every((id) => found.has(id))
    }, 60_000, 500)
    expect([...found.keys()].filter((id) => !want.has(id))).toEqual([])
    for (const id of want) expect(found.get(id)).toBeGreaterThan(0)
    const leaks = providers.flatMap((p) => finder.libp2p.getConnections(p.libp2p.peerId).map((c) => `${c.direction} ${c.remoteAddr.toString()} limited=${String(c.limits !== undefined)}`))
    expect(leaks).toEqual([])
  }, 90_000)

  it('a routing record put by its device is got by another node, and its peer id is the device node', async () => {
    const owner = nodes[5]!
    expect(peerIdOfDeviceKey(aliceDevice.publicKey)).toEqual(owner.libp2p.peerId.toMultihash().bytes)
    const bytes = await routingRecordOf(alice, aliceDevice, owner.libp2p)
    const stored = await putRoutingRecord(owner.libp2p, bytes, { now: clock(), signal: deadline(30_000) })
    expect(stored).toBeGreaterThan(0)
    const got = await getRoutingRecord(nodes[16]!.libp2p, alice.publicKey, { now: clock(), signal: deadline(30_000) })
    expect(encodeRoutingRecord(got)).toEqual(bytes)
    // A newer record replaces it.
    const newer = await routingRecordOf(alice, aliceDevice, owner.libp2p, { seq: 2 })
    await putRoutingRecord(owner.libp2p, newer, { now: clock(), signal: deadline(30_000) })
    const got2 = await getRoutingRecord(nodes[11]!.libp2p, alice.publicKey, { now: clock(), signal: deadline(30_000) })
    expect(got2.seq).toBe(2)
  }, 90_000)

  it('a forged record is refused on put by every honest node, and discarded on get', async () => {
    // Mallory signs a record naming Bob's key: the signature is not Bob's.
    const genuine = (await createRoutingRecord(bob, {
      seq: 1, issued: clock(), ttl: HOUR,
      devices: [{ cert: encodeDeviceRecord(await certifyDevice(bob, aliceDevice.publicKey, { label: 'x', issued: clock() - HOUR })), addrs: [], relays: [] }]
    }))
    const { sig: _sig, ...unsigned } = genuine
    const forged = encodeRecord(await signRecord(mallory, unsigned))
    const key = routingRecordKey(bob.publicKey)
    const honest = new Set(nodes.map((n) => n.libp2p.peerId.toString()))
    let acceptedByHonest = 0
    let refusedByHonest = 0
    for await (const event of forger.services.dht.put(key, forged, { signal: deadline(30_000) })) {
      if (!('from' in event) || !honest.has(event.from.toString())) continue
      if (event.name === 'PEER_RESPONSE' && event.record !== undefined) acceptedByHonest++
      if (event.name === 'QUERY_ERROR') refusedByHonest++
    }
    expect(acceptedByHonest).toBe(0)
    expect(refusedByHonest).toBeGreaterThan(0)
    // The forger still serves it; a getter discards it and finds nothing valid.
    const events: QueryEvent[] = []
    await expect(getRoutingRecord(nodes[12]!.libp2p, bob.publicKey, { now: clock(), signal: deadline(30_000), onQueryEvent: (e) => events.push(e) }))
      .rejects.toBeInstanceOf(RecordNotFoundError)
    // Our own put refuses it before it leaves the node.
    await expect(putRoutingRecord(nodes[2]!.libp2p, forged, { now: clock() })).rejects.toMatchObject({ name: 'InvalidSignatureError' })
    const fromForger = events.filter((e) => e.name === 'QUERY_ERROR' && e.from.equals(forger.peerId))
    const askedForger = events.some((e) => e.name === 'SEND_QUERY' && e.to.equals(forger.peerId))
    if (askedForger) expect(fromForger.length).toBeGreaterThan(0)
  }, 90_000)

  it('a stale record is refused on put, and an expired stored record is discarded on get', async () => {
    const owner = nodes[5]!
    const stale = await routingRecordOf(alice, aliceDevice, owner.libp2p, { seq: 3, issued: clock() - 2 * HOUR, ttl: HOUR })
    await expect(putRoutingRecord(owner.libp2p, stale, { now: clock() })).rejects.toBeInstanceOf(ExpiredError)
    let acceptedByHonest = 0
    for await (const event of forger.services.dht.put(routingRecordKey(alice.publicKey), stale, { signal: deadline(30_000) })) {
      if (event.name === 'PEER_RESPONSE' && event.record !== undefined && !event.from.equals(forger.peerId)) acceptedByHonest++
    }
    expect(acceptedByHonest).toBe(0)
    // The record stored earlier (seq 2, one hour) is still served while valid...
    expect((await getRoutingRecord(nodes[7]!.libp2p, alice.publicKey, { now: clock(), signal: deadline(30_000) })).seq).toBe(2)
    // ...and refused by every node once their clocks pass its expiry.
    clockOffset = 2 * HOUR
    await expect(getRoutingRecord(nodes[7]!.libp2p, alice.publicKey, { now: clock(), signal: deadline(30_000) })).rejects.toBeInstanceOf(RecordNotFoundError)
    clockOffset = 0
  }, 90_000)
})
