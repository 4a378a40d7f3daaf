/**
 * Room gossip across 20 loopback server nodes: a message published by one
 * reaches all, each exactly once; the same record published by two peers is
 * still delivered once; a peer publishing forged authority entries is scored
 * below the graylist threshold by the honest peers it reaches, and no honest
 * authority log stores its entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthorityLog,
  AuthorityRejectedError,
  createGenesis,
  createSignal,
  encodeSignal,
  fromHex,
  genesisId,
  keypairFromSeed,
  roomTopic,
  sha256,
  signAuthorityEntry,
  toHex,
  utf8,
  type AddResult,
  type Genesis,
  type Verified
} from '@hearth/protocol'
import {
  createHearthNode,
  HEARTH_SCORE_THRESHOLDS,
  loopbackTestConfig,
  RoomGossip,
  type GossipVerdict,
  type HearthNode,
  type RoomGossipHandler
} from '../src/index.ts'
import { dial, scoreOf, startSwarm, stopAll, waitFor } from './support.ts'

const N = 20

/**
 * The verdict of a test store that feeds one entry to its authority log (the
 * product's mapping is the client's GossipIngest over a RoomStore): broken →
 * reject, stored → accept, anything else (duplicate, waiting) → ignore.
 */
function authorityVerdict(result: AddResult): GossipVerdict {
  const broken = result.invalid.filter((e) => !(e instanceof AuthorityRejectedError && e.reason === 'duplicate'))
  if (broken.length > 0) return 'reject'
  return result.added.length > 0 ? 'accept' : 'ignore'
}

function seed(label: string): Uint8Array {
  return sha256(utf8(`hearth/net-gossip-test/${label}`))
}

/** What one honest node's room store saw. */
class Store implements RoomGossipHandler {
  readonly events = new Map<string, number>()
  readonly signals: string[] = []
  readonly log: AuthorityLog
  constructor(genesis: Verified<Genesis>) {
    this.log = new AuthorityLog(genesis)
  }
  async onAuthority(bytes: Uint8Array): Promise<GossipVerdict> {
    return authorityVerdict(await this.log.add([bytes]))
  }
  onEvent(bytes: Uint8Array): GossipVerdict {
    const id = toHex(bytes)
    this.events.set(id, (this.events.get(id) ?? 0) + 1)
    return 'accept'
  }
  onSignal(): GossipVerdict {
    this.signals.push('signal')
    return 'accept'
  }
}

describe('room gossip on 20 nodes', () => {
  let nodes: HearthNode[] = []
  let gossips: RoomGossip[] = []
  let stores: Store[] = []
  let genesis: Verified<Genesis>
  let room: Uint8Array
  const creator = keypairFromSeed(seed('creator'))

  beforeAll(async () => {
    genesis = await createGenesis(creator, { name: 'gossip test', created: 1_000, nonce: seed('nonce').slice(0, 16) })
    room = genesis.room
    nodes = await startSwarm(N)
    gossips = nodes.map((n) => new RoomGossip(n))
    stores = nodes.map(() => new Store(genesis))
    gossips.forEach((g, i) => { g.join(room, stores[i]!) })
    await waitFor('every node has mesh peers on every room topic', () =>
      gossips.every((g) => g.meshPeers(room, 'events').length > 0 && g.meshPeers(room, 'authority').length > 0), 60_000)
  }, 120_000)

  afterAll(async () => {
    await stopAll(nodes)
  }, 60_000)

  it('a message published by one peer reaches all the others, once each', async () => {
    const messages = [0, 1, 2].map((i) => utf8(`event ${i} from node 4`))
    for (const m of messages) await gossips[4]!.publish(room, 'events', m)
    // The same record published by two peers is one message.
    const shared = utf8('the same record, published twice')
    await gossips[0]!.publish(room, 'events', shared)
    await gossips[13]!.publish(room, 'events', shared)
    const others = stores.filter((_, i) => i !== 4)
    await waitFor('all others received the three messages', () => others.every((s) => messages.every((m) => s.events.has(toHex(m)))), 30_000)
    await waitFor('all but its publishers received the shared record', () => stores.every((s, i) => i === 0 || i === 13 || s.events.has(toHex(shared))), 30_000)
    // A later message from elsewhere has reached everyone: any duplicate would have arrived by now too.
    const sentinel = utf8('sentinel')
    await gossips[19]!.publish(room, 'events', sentinel)
    await waitFor('sentinel everywhere', () => stores.every((s, i) => i === 19 || s.events.has(toHex(sentinel))), 30_000)
    const duplicates = stores.flatMap((s) => [...s.events.values()].filter((count) => count > 1))
    expect(duplicates).toEqual([])
    expect(stores[4]!.events.size).toBe(2) // shared + sentinel: its own messages are not delivered back
  }, 90_000)

  it('signals are validated and delivered, not stored in the logs', async () => {
    const member = keypairFromSeed(seed('member'))
    const signal = await createSignal({ room, identity: member, body: { kind: 'presence', status: 'online' }, at: Date.now() })
    await gossips[7]!.publish(room, 'signals', encodeSignal(signal))
    await waitFor('signal everywhere', () => stores.every((s, i) => i === 7 || s.signals.length === 1), 30_000)
    // A stale signal is rejected by the protocol check before the store sees it.
    const stale = await createSignal({ room, identity: member, body: { kind: 'presence', status: 'idle' }, at: Date.now() - 60_000 })
    await gossips[7]!.publish(room, 'signals', encodeSignal(stale))
    const fresh = await createSignal({ room, identity: member, body: { kind: 'presence', status: 'busy' }, at: Date.now() })
    await gossips[7]!.publish(room, 'signals', encodeSignal(fresh))
    await waitFor('fresh signal everywhere', () => stores.every((s, i) => i === 7 || s.signals.length === 2), 30_000)
    expect(stores.every((s) => s.signals.length <= 2)).toBe(true)
  }, 60_000)

  it('a peer publishing forged authority entries is graylisted, and no honest log stores them', async () => {
    // An honest entry first: everyone stores it.
    const joiner = keypairFromSeed(seed('joiner'))
    const good = await signAuthorityEntry(joiner, { room, parents: [genesisId(genesis)], lamport: 1, at: 2_000, act: { op: 'join' } })
    expect(authorityVerdict(await stores[2]!.log.add([good.bytes]))).toBe('accept')
    await gossips[2]!.publish(room, 'authority', good.bytes)
    await waitFor('the honest entry is in every log', () => stores.every((s) => s.log.get(good.id) !== undefined), 30_000)

    // The forger: a node that publishes on the room's authority topic without validating anything.
    const forger = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
    nodes.push(forger)
    const victims = [nodes[1]!, nodes[10]!, nodes[15]!]
    for (const v of victims) await dial(forger, v)
    const topic = roomTopic(room, 'authority')
    forger.libp2p.services.pubsub.subscribe(topic)
    const forgerId = forger.libp2p.peerId.toString()
    await waitFor('the victims see the forger subscribed', () =>
      victims.every((v) => v.libp2p.services.pubsub.getSubscribers(topic).some((p) => p.toString() === forgerId)), 30_000)

    const forgedIds: string[] = []
    for (let i = 0; i < 6; i++) {
      const entry = await signAuthorityEntry(joiner, { room, parents: [genesisId(genesis)], lamport: 1, at: 3_000 + i, act: { op: 'leave' } })
      const bytes = new Uint8Array(entry.bytes)
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01 // break the signature (sig is the last field)
      forgedIds.push(toHex(entry.id))
      await forger.libp2p.services.pubsub.publish(topic, bytes)
    }
    await waitFor('every victim scores the forger below the graylist threshold', () =>
      victims.every((v) => scoreOf(v, forgerId) < HEARTH_SCORE_THRESHOLDS.graylistThreshold), 30_000)
    // Honest peers keep a non-negative score with each other.
    expect(scoreOf(nodes[1]!, nodes[0]!.libp2p.peerId.toString())).toBeGreaterThanOrEqual(0)
    // No honest log holds a forged entry (and none was forwarded past the victims).
    for (const s of stores) {
      expect(s.log.entries.length).toBe(1)
      for (const id of forgedIds) expect(s.log.get(fromHex(id))).toBeUndefined()
    }
  }, 90_000)
})
