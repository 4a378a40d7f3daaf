/**
 * Rooms made live on real libp2p nodes (127.0.0.1): RoomSession (the
 * client) on Libp2pRoomNetwork (this package). A creator, an archiver-like
 * always-on peer and three members:
 *
 * - a message published by one peer reaches all of them and is stored;
 * - a member's signed profile published by one peer reaches all of them
 *   by gossip on the room's profiles topic, and is stored in their profile sets;
 * - the moderator bans a member: its events citing the ban are rejected by
 *   every honest peer and stored by none; those citing pre-ban heads on a
 *   fork of its own are set aside unstored (§7.4.2) and shown nowhere;
 * - after the creator and the members have left, a late joiner bootstrapped
 *   only to the archiver finds the room in the DHT and syncs the full
 *   history (authority log, profile set and channels) from the archiver —
 *   including the profile of a member who is offline by then.
 *
 * The three run in order on one swarm. Tests wait for conditions (generous
 * timeouts), never for fixed times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProfile, encodeProfile, recordId, signChannelEvent, toHex, type Bytes, type Keypair, type RoomTopicKind } from '@hearth/protocol'
import {
  RoomSession, serveSyncConversation, type GossipVerdict, type RoomSessionOptions, type RoomStore, type SyncProgress
} from '@hearth/client'
import { createHearthNode, Libp2pRoomNetwork, loopbackTestConfig, type HearthNode } from '../src/index.ts'
import { dial, stopAll, waitFor } from './support.ts'
import { emptyReplica, streamsRoom, type StreamsRoom } from './fixtures/streams-room.ts'

interface Verdict { readonly at: string; readonly kind: RoomTopicKind; readonly from: string; readonly verdict: GossipVerdict; readonly id: string }

/** One peer: a node, its room network, and its session. */
interface Peer {
  readonly name: string
  readonly node: HearthNode
  readonly net: Libp2pRoomNetwork
  readonly id: string
  session?: RoomSession
}

// Re-sync every 5 s: the backstop that heals lost gossip or a mesh with gaps under load; the
// assertions on gossip below look at gossip verdicts, so they do not depend on it.
const options: RoomSessionOptions = { resyncIntervalMs: 5_000, sync: { requestTimeoutMs: 10_000 } }
const verdicts: Verdict[] = []
const found = new Map<string, Set<string>>()
const nodes: HearthNode[] = []
const everyone: Peer[] = []

async function peer(name: string): Promise<Peer> {
  const node = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
  nodes.push(node)
  const net = await Libp2pRoomNetwork.start(node, {
    respond: (stream, replicas) => serveSyncConversation(stream, replicas),
    observer: {
      verdict: (_room, kind, from, verdict, bytes) => verdicts.push({ at: name, kind, from, verdict, id: toHex(recordId(bytes)) }),
      found: (_room, id) => { found.set(name, (found.get(name) ?? new Set()).add(id)) }
    }
  })
  const created: Peer = { name, node, net, id: node.libp2p.peerId.toString() }
  everyone.push(created)
  return created
}

async function join(p: Peer, room: StreamsRoom, store?: RoomStore): Promise<RoomSession> {
  p.session = await RoomSession.join(store ?? await emptyReplica(room), p.net, options)
  return p.session
}

const texts = (store: RoomStore, channel: Bytes): string[] =>
  store.view(channel).messages().map((m) => (m.content !== undefined && 'text' in m.content ? m.content.text : ''))
const session = (p: Peer): RoomSession => {
  if (p.session === undefined) throw new Error(`${p.name} has no session`)
  return p.session
}

describe('room sessions on libp2p', () => {
  let room: StreamsRoom
  let archiver: Peer
  let creator: Peer
  const members: Peer[] = []
  let channel: Bytes

  beforeAll(async () => {
    room = await streamsRoom('session', 3, 2)
    channel = room.channels[0] as Bytes
    archiver = await peer('archiver')
    creator = await peer('creator')
    await dial(creator.node, archiver.node)

    // The creator is alone in its new room: live, and told nobody is online.
    const c = await join(creator, room)
    expect(c.state()).toMatchObject({ phase: 'live', lastError: { code: 'nobody-online' } })
    for (const [i, ch] of room.channels.entries()) {
      await c.postAuthority(room.owner, { op: 'channel-create', channel: ch, name: `ch-${i}`, kind: 'text', position: i }, 2_000 + i)
    }
    await c.postEvent(room.owner, channel, { kind: 'post', content: { text: 'welcome' } }, 3_000)

    // The archiver joins and replicates; then three members, each bootstrapped to the archiver only.
    await join(archiver, room)
    expect(texts(session(archiver).store, channel)).toEqual(['welcome'])
    for (let i = 0; i < 3; i++) {
      const m = await peer(`member-${i}`)
      await dial(m.node, archiver.node)
      members.push(m)
      const s = await join(m, room)
      await s.postAuthority(room.members[i] as Keypair, { op: 'join' }, 4_000 + i)
    }
    const all = [creator, archiver, ...members]
    await waitFor('every peer sees the four others in the room, directly', () =>
      all.every((p) => session(p).state().direct === all.length - 1), 30_000)
    await waitFor('every peer stores the three joins', () =>
      all.every((p) => session(p).store.authority.state.members.size === 4), 30_000)
  }, 60_000)

  afterAll(async () => {
    await Promise.all(everyone.map(async (p) => { await p.session?.leave() }))
    await stopAll(nodes)
  }, 30_000)

  it('a message published by one peer reaches all of them, and each stores it', async () => {
    const all = [creator, archiver, ...members]
    const posts: Bytes[] = []
    for (const [i, m] of members.entries()) {
      posts.push((await session(m).postEvent(room.members[i] as Keypair, channel, { kind: 'post', content: { text: `hello from member ${i}` } }, 5_000 + i)).id)
    }
    const last = await session(creator).postEvent(room.owner, channel, { kind: 'post', content: { text: 'hello from the creator' } }, 5_100)
    const expected = ['welcome', 'hello from member 0', 'hello from member 1', 'hello from member 2', 'hello from the creator']
    await waitFor('every peer stores every message', () => all.every((p) => expected.every((t) => texts(session(p).store, channel).includes(t))), 30_000)
    // Gossip carried each post to every other peer, which judged it valid (accept).
    posts.push(last.id)
    await waitFor('every peer judged every post it did not write', () => posts.every((id, i) =>
      all.filter((p) => p !== [...members, creator][i]).every((p) => verdicts.some((v) => v.at === p.name && v.id === toHex(id) && v.verdict === 'accept'))), 30_000)
    // Concurrent posts: every replica shows them in the same order (§7.2).
    for (const p of all) expect(texts(session(p).store, channel)).toEqual(texts(session(archiver).store, channel))
    expect([...texts(session(archiver).store, channel)].sort()).toEqual([...expected].sort())
    // The state the UI shows: live, four direct peers, no relayed one.
    for (const p of all) expect(session(p).state()).toMatchObject({ phase: 'live', direct: 4, relayed: 0 })
  }, 40_000)

  it('a profile published by one peer reaches every other by gossip, and each stores it', async () => {
    const all = [creator, archiver, ...members]
    const author = room.members[1] as Keypair
    const profile = await createProfile(author, { name: 'Member one', status: 'here', avatar: { mime: 'image/gif', data: new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]) } }, 2, 5_500)
    const storedVia: string[] = []
    const off = session(archiver).on('stored', (n) => { if (n.log.kind === 'profiles') storedVia.push(n.via) })
    await session(members[1] as Peer).publishProfile(profile)
    const id = toHex(recordId(encodeProfile(profile)))
    await waitFor('every peer stores the profile', () => all.every((p) => session(p).store.profile(author.publicKey)?.name === 'Member one'), 30_000)
    await waitFor('every other peer judged it on the profiles topic', () => all.filter((p) => p !== members[1]).every((p) =>
      verdicts.some((v) => v.at === p.name && v.kind === 'profiles' && v.id === id && v.verdict === 'accept')), 30_000)
    off()
    expect(storedVia).toContain('gossip')
    for (const p of all) expect(session(p).store.profile(author.publicKey)).toMatchObject({ seq: 2, status: 'here', avatar: { mime: 'image/gif' } })
  }, 40_000)

  it('a banned member\'s events are dropped by every honest peer', async () => {
    const evil = room.members[2] as Keypair
    const banned = members[2] as Peer
    const honest = [creator, archiver, members[0] as Peer, members[1] as Peer]
    const beforeBan = session(banned).store.authority.heads().ids
    const staleChannel = session(banned).store.channel(channel).heads()

    const ban = await session(creator).postAuthority(room.owner, { op: 'ban', target: evil.publicKey }, 6_000)
    await waitFor('every peer stores the ban', () => [...honest, banned].every((p) => session(p).store.authority.has(ban.id)), 30_000)

    // A modified client: its own store refuses to write under the ban, so it signs by hand.
    const heads = session(banned).store.channel(channel).heads()
    const current = await signChannelEvent(evil, {
      room: room.genesis.room, channel, parents: heads.ids, lamport: heads.lamport, auth: session(banned).store.authority.heads().ids, at: 6_001,
      body: { kind: 'post', content: { text: 'banned, citing the ban' } }
    })
    const stale = await signChannelEvent(evil, {
      room: room.genesis.room, channel, parents: staleChannel.ids, lamport: staleChannel.lamport, auth: beforeBan, at: 6_002,
      body: { kind: 'post', content: { text: 'banned, stale heads' } }
    })
    await banned.net.gossip.publish(room.genesis.room, 'events', current.bytes)
    await banned.net.gossip.publish(room.genesis.room, 'events', stale.bytes)
    const judged = (p: Peer, id: Bytes): Verdict | undefined => verdicts.find((v) => v.at === p.name && v.id === toHex(id))
    await waitFor('every honest peer judged both events', () => honest.every((p) => judged(p, current.id) && judged(p, stale.id)), 30_000)

    for (const p of honest) {
      const store = session(p).store
      expect(judged(p, current.id)?.verdict).toBe('reject')
      expect(store.channel(channel).has(current.id)).toBe(false)
      expect(texts(store, channel)).not.toContain('banned, citing the ban')
      expect(texts(store, channel)).not.toContain('banned, stale heads')
      // Admissible at its cited point (§7.4.1), but its author is banned now: set aside unstored (§7.4.2), not forwarded.
      expect(judged(p, stale.id)?.verdict).toBe('ignore')
      expect(store.channel(channel).has(stale.id)).toBe(false)
    }

    // Sync does not bring them in either: the banned peer offers them to everyone's next sync.
    await session(banned).store.ingest({ kind: 'channel', channel }, [current.bytes, stale.bytes])
    for (const p of honest) await session(p).resync()
    for (const p of honest) {
      const store = session(p).store
      expect(store.channel(channel).has(current.id)).toBe(false)
      expect(texts(store, channel)).not.toContain('banned, stale heads')
      expect(store.channel(channel).has(stale.id)).toBe(false)
    }

    // The room carries on.
    await session(members[0] as Peer).postEvent(room.members[0] as Keypair, channel, { kind: 'post', content: { text: 'after the ban' } }, 6_100)
    await waitFor('every honest peer stores the post after the ban', () => honest.every((p) => texts(session(p).store, channel).includes('after the ban')), 30_000)
  }, 60_000)

  it('after the creator has left, a late joiner finds the room via the DHT and syncs the full history from the archiver', async () => {
    for (const p of [creator, ...members]) {
      await session(p).leave()
      await p.net.stop()
      await p.node.stop()
    }
    const late = await peer('late')
    await dial(late.node, archiver.node)
    const joiner = new RoomSession(await emptyReplica(room), late.net, options)
    late.session = joiner
    const progress: SyncProgress[] = []
    joiner.on('progress', (p) => progress.push(p))
    await joiner.start()

    // Found in the DHT; the archiver is the only peer left, so everything came from it.
    expect(found.get('late')).toContain(archiver.id)
    expect(joiner.state()).toMatchObject({ phase: 'live', peers: [{ id: archiver.id, connection: 'direct' }] })
    const mine = joiner.store
    const theirs = session(archiver).store
    // What every replica shows is the same (§7.4.1, §7.4.2): here the archiver stored the banned
    // member's pre-ban post before the ban, and an honest post after the ban builds on it.
    for (const ch of theirs.channels()) expect(texts(mine, ch)).toEqual(texts(theirs, ch))
    expect(texts(mine, channel)).toContain('after the ban')
    expect(mine.storedIds({ kind: 'authority' })).toEqual(theirs.storedIds({ kind: 'authority' }))
    for (const ch of theirs.channels()) {
      expect(mine.storedIds({ kind: 'channel', channel: ch })).toEqual(theirs.storedIds({ kind: 'channel', channel: ch }))
    }
    // The join sync: the authority log first, then each channel; settled.
    const joined = progress.filter((p) => p.reason === 'join' && !p.running).at(-1)
    expect(joined).toMatchObject({ peers: 1, complete: true })
    expect(joined?.logs.map((l) => l.log.kind)).toEqual(['authority', 'profiles', 'channel', 'channel'])
    // The profile member 1 published while online came from the archiver: its author is offline now.
    expect(mine.profile((room.members[1] as Keypair).publicKey)?.name).toBe('Member one')
    expect(mine.storedIds({ kind: 'profiles' })).toEqual(theirs.storedIds({ kind: 'profiles' }))
    expect(joined?.logs[0]?.stored).toBe(theirs.storedIds({ kind: 'authority' }).length)
    expect(joiner.state().lastError).toBeUndefined()
  }, 40_000)
})
