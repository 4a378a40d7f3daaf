/**
 * RoomSession on the in-memory network double: joining (find, sync the
 * authority log then the channels with progress, subscribe), gossip into
 * the store with the verdicts of §10.4.2, local writes stored then
 * published, re-sync on a new peer and on the clock, a ban enforced by every
 * honest peer, state for the UI, and leaving.
 */
import { describe, expect, it } from 'vitest'
import {
  createSignal, fromHex, MemoryStorageAdapter, signChannelEvent, toHex, utf8, type Bytes, type Keypair
} from '@hearth/protocol'
import { RoomStore } from '../store/room-store.ts'
import { AUTHORITY, channelLog, snapshotOf, testRoom, writeRoom, type TestRoom } from '../store/test-support.ts'
import { ManualClock } from '../transport/clock.ts'
import { GossipIngest } from './gossip-ingest.ts'
import { RoomSession, type RoomSessionOptions } from './room-session.ts'
import type { RoomGossipSink } from './network-port.ts'
import type { SyncProgress } from './session-events.ts'
import { MemoryRoomHub, until } from './test-support.ts'

const open = (room: TestRoom): Promise<RoomStore> => RoomStore.open(new MemoryStorageAdapter(), room.genesis)
const quiet: RoomSessionOptions = { resyncIntervalMs: 0 }
const texts = (store: RoomStore, channel: Bytes): string[] =>
  store.view(channel).messages().map((m) => (m.content !== undefined && 'text' in m.content ? m.content.text : ''))

describe('RoomSession', () => {
  it('alone in a room: live, with "nobody online" as the last error', async () => {
    const room = await testRoom('alone', 1, 1)
    const hub = new MemoryRoomHub()
    const session = await RoomSession.join(await open(room), hub.network('creator'), quiet)
    expect(session.state()).toMatchObject({ phase: 'live', peers: [], direct: 0, relayed: 0, lastError: { code: 'nobody-online' } })
    await session.postAuthority(room.owner, { op: 'channel-create', channel: room.channels[0] as Bytes, name: 'general', kind: 'text', position: 0 }, 2_000)
    await session.postEvent(room.owner, room.channels[0] as Bytes, { kind: 'post', content: { text: 'first' } }, 3_000)
    expect(texts(session.store, room.channels[0] as Bytes)).toEqual(['first'])
    // Someone comes online: the error is over, and they get everything.
    const other = await RoomSession.join(await open(room), hub.network('other'), quiet)
    expect(texts(other.store, room.channels[0] as Bytes)).toEqual(['first'])
    expect(session.state().lastError).toBeUndefined()
    expect(session.state().peers).toEqual([{ id: 'other', connection: 'direct' }])
  })

  it('a joiner syncs the authority log, then the profile set, then each channel, reporting progress, then goes live', async () => {
    const room = await testRoom('join', 3, 2)
    const hub = new MemoryRoomHub()
    const creatorStore = await open(room)
    await writeRoom(creatorStore, room, 40)
    const creator = await RoomSession.join(creatorStore, hub.network('creator'), quiet)

    const joiner = new RoomSession(await open(room), hub.network('joiner', 'relayed'), quiet)
    const phases: string[] = []
    const progress: SyncProgress[] = []
    joiner.on('state', (s) => { if (phases.at(-1) !== s.phase) phases.push(s.phase) })
    joiner.on('progress', (p) => progress.push(p))
    await joiner.start()

    expect(phases).toEqual(['finding-peers', 'syncing', 'live'])
    const join = progress.filter((p) => p.reason === 'join')
    const last = join.at(-1)
    expect(last).toMatchObject({ running: false, complete: true, peers: 1 })
    // The authority log first (2 channels + 3 joins), then the profile set (4 people), then the channels.
    expect(last?.logs.map((l) => [l.log.kind, l.stored])).toEqual([['authority', 5], ['profiles', 4], ['channel', 20], ['channel', 20]])
    // Progress was reported while it ran, not only at the end.
    expect(join.filter((p) => p.running && p.logs.some((l) => l.stored > 0)).length).toBeGreaterThan(0)
    expect(snapshotOf(joiner.store)).toEqual(snapshotOf(creatorStore))
    // The creator sees the joiner as relayed, the joiner the creator as direct.
    await until('the creator sees the joiner', () => creator.state().peers.length === 1)
    expect(creator.state()).toMatchObject({ relayed: 1, direct: 0 })
    expect(joiner.state()).toMatchObject({ phase: 'live', direct: 1, relayed: 0 })
    expect(joiner.state().lastError).toBeUndefined()
  })

  it('local writes are stored, published, and stored by every peer with verdict accept', async () => {
    const room = await testRoom('gossip', 3, 1)
    const hub = new MemoryRoomHub()
    const seed = await open(room)
    await writeRoom(seed, room, 0)
    const sessions = [await RoomSession.join(seed, hub.network('a'), quiet)]
    for (const id of ['b', 'c', 'd']) sessions.push(await RoomSession.join(await open(room), hub.network(id), quiet))
    const channel = room.channels[0] as Bytes
    const stored: string[] = []
    sessions[3]?.on('stored', (n) => stored.push(`${n.log.kind}:${n.via}:${n.count}`))

    await sessions[1]?.postEvent(room.members[0] as Keypair, channel, { kind: 'post', content: { text: 'hello all' } }, 50_000)
    for (const s of sessions) expect(texts(s.store, channel)).toEqual(['hello all'])
    expect(hub.deliveries.filter((d) => d.kind === 'events').map((d) => d.verdict)).toEqual(['accept', 'accept', 'accept'])
    expect(stored).toEqual(['channel:gossip:1'])
    // Signals go to the others' listeners, never to a store.
    const heard: string[] = []
    sessions[2]?.on('signal', ({ signal, from }) => heard.push(`${from}:${signal.kind}`))
    await sessions[1]?.sendSignal(await createSignal({ room: room.genesis.room, identity: room.members[0] as Keypair, body: { kind: 'typing', channel }, at: Date.now() }))
    expect(heard).toEqual(['b:typing'])

    // An authority entry and then an event in the channel it creates: judged in that order.
    const second = utf8('second-channel-id').slice(0, 16)
    await sessions[0]?.postAuthority(room.owner, { op: 'channel-create', channel: second, name: 'second', kind: 'text', position: 1 }, 50_001)
    await sessions[2]?.postEvent(room.members[1] as Keypair, second, { kind: 'post', content: { text: 'in the new channel' } }, 50_002)
    for (const s of sessions) expect(texts(s.store, second)).toEqual(['in the new channel'])
  })

  it('gossip verdicts: malformed and forged are reject, duplicates of stored records accept, waiting ignore but kept', async () => {
    const room = await testRoom('verdicts', 2, 1)
    const source = await open(room)
    const written = await writeRoom(source, room, 3)
    const target = await open(room)
    const failures: unknown[] = []
    const sink: RoomGossipSink = new GossipIngest(target, { stored: () => undefined, signal: () => undefined, localFailure: (e) => failures.push(e) })
    const entries = await source.records(AUTHORITY, source.storedIds(AUTHORITY).map(fromHex))
    const channel = room.channels[0] as Bytes

    expect(await sink.onEvent(utf8('not an event'), 'x')).toBe('reject')
    // An event in a channel whose creation has not arrived: ignore.
    expect(await sink.onEvent((written[0] as { bytes: Uint8Array }).bytes, 'x')).toBe('ignore')
    // The second join before the first (its parent): waits, ignore; then both arrive.
    expect(await sink.onAuthority(entries[2] as Uint8Array, 'x')).toBe('ignore')
    expect(await sink.onAuthority(entries[0] as Uint8Array, 'x')).toBe('accept')
    expect(await sink.onAuthority(entries[1] as Uint8Array, 'x')).toBe('accept')
    expect(target.storedIds(AUTHORITY)).toEqual(source.storedIds(AUTHORITY)) // the waiting one was kept, then stored
    expect(await sink.onAuthority(entries[0] as Uint8Array, 'x')).toBe('accept') // already stored: valid, forwardable
    expect(await sink.onEvent((written[0] as { bytes: Uint8Array }).bytes, 'x')).toBe('accept')
    // A forged event (bad signature): reject.
    const forged = Uint8Array.from((written[1] as { bytes: Uint8Array }).bytes)
    forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1
    expect(await sink.onEvent(forged, 'x')).toBe('reject')
    expect(target.storedIds(channelLog(channel)).length).toBe(1)

    // Signals: a member's accepted and handed on, a stranger's ignored.
    const member = await createSignal({ room: room.genesis.room, identity: room.members[0] as Keypair, body: { kind: 'presence', status: 'online' }, at: 1 })
    const outsider = (await testRoom('verdicts-outsider', 0, 0)).owner
    const stranger = await createSignal({ room: room.genesis.room, identity: outsider, body: { kind: 'presence', status: 'online' }, at: 1 })
    expect(await sink.onSignal(member, 'x')).toBe('accept')
    expect(await sink.onSignal(stranger, 'x')).toBe('ignore')
    expect(failures).toEqual([])
  })

  it('a banned member\'s events are dropped by every honest peer: refused when citing the ban, hidden when citing stale heads', async () => {
    const room = await testRoom('ban', 2, 1)
    const hub = new MemoryRoomHub()
    const seed = await open(room)
    await writeRoom(seed, room, 2)
    const mod = await RoomSession.join(seed, hub.network('mod'), quiet)
    const honest = await RoomSession.join(await open(room), hub.network('honest'), quiet)
    const banned = await RoomSession.join(await open(room), hub.network('banned'), quiet)
    const channel = room.channels[0] as Bytes
    const evil = room.members[0] as Keypair
    const beforeBan = banned.store.authority.heads().ids
    const staleParents = banned.store.channel(channel).heads()

    await mod.postAuthority(room.owner, { op: 'ban', target: evil.publicKey }, 60_000)
    expect(banned.store.authority.state.bans.has(toHex(evil.publicKey))).toBe(true)
    // Its own store refuses to write under the ban...
    await expect(banned.postEvent(evil, channel, { kind: 'post', content: { text: 'nope' } }, 60_001)).rejects.toMatchObject({ reason: 'banned' })
    // ...so a modified client signs and publishes by hand: citing the current heads (which include the ban)...
    const heads = mod.store.channel(channel).heads()
    const current = await signChannelEvent(evil, {
      room: room.genesis.room, channel, parents: heads.ids, lamport: heads.lamport, auth: mod.store.authority.heads().ids, at: 60_002,
      body: { kind: 'post', content: { text: 'banned, current heads' } }
    })
    // ...and citing the heads before the ban, on a fork of its own.
    const stale = await signChannelEvent(evil, {
      room: room.genesis.room, channel, parents: staleParents.ids, lamport: staleParents.lamport, auth: beforeBan, at: 60_003,
      body: { kind: 'post', content: { text: 'banned, stale heads' } }
    })
    const presence = hub.online(room.genesis.room).find((p) => p.id === 'banned')
    await presence?.publish('events', current.bytes)
    await presence?.publish('events', stale.bytes)

    const verdicts = hub.deliveries.filter((d) => d.from === 'banned').map((d) => `${d.to}:${d.verdict}`)
    // Citing the ban: refused (reject). Citing stale heads: set aside unstored (§7.4.2), ignore.
    expect(verdicts.sort()).toEqual(['honest:reject', 'honest:ignore', 'mod:reject', 'mod:ignore'].sort())
    for (const s of [mod, honest]) {
      expect(s.store.channel(channel).has(current.id)).toBe(false)
      expect(s.store.channel(channel).has(stale.id)).toBe(false)
      expect(texts(s.store, channel)).not.toContain('banned, stale heads')
      expect(texts(s.store, channel)).not.toContain('banned, current heads')
    }
  })

  it('a peer that appears is synced with; and the clock re-syncs what gossip lost', async () => {
    const room = await testRoom('resync', 2, 1)
    const hub = new MemoryRoomHub()
    const clock = new ManualClock()
    const seed = await open(room)
    await writeRoom(seed, room, 1)
    const a = await RoomSession.join(seed, hub.network('a'), { clock, resyncIntervalMs: 30_000 })
    const b = await RoomSession.join(await open(room), hub.network('b'), { clock, resyncIntervalMs: 30_000, syncNewPeers: false })
    const channel = room.channels[0] as Bytes
    // a heard of b (b subscribed) and synced with it.
    await until('a synced with the new peer b', () => hub.conversations.includes('a→b'))

    hub.gossip = false
    await a.postEvent(room.owner, channel, { kind: 'post', content: { text: 'lost in gossip' } }, 70_000)
    expect(texts(b.store, channel)).not.toContain('lost in gossip')
    const before = hub.conversations.length
    clock.advance(30_000)
    await until('b re-synced on its clock', () => texts(b.store, channel).includes('lost in gossip'))
    expect(hub.conversations.length).toBeGreaterThan(before)
    expect(b.state().sync).toMatchObject({ reason: 'periodic', running: false, complete: true })

    await a.leave()
    await b.leave()
    expect(a.state().phase).toBe('left')
    expect(hub.online(room.genesis.room)).toEqual([])
    const after = hub.conversations.length
    clock.advance(120_000)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(hub.conversations.length).toBe(after)
    expect(clock.pending).toBe(0)
  })
})
