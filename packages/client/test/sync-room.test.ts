/**
 * syncRoom against responders over in-memory duplexes: a late joiner gets
 * the authority log and every channel from several peers at once, and a
 * sync interrupted mid-transfer resumes without fetching again what it
 * stored.
 */
import { describe, expect, it } from 'vitest'
import { decodeSyncWire, equalBytes, type Bytes } from '@hearth/protocol'
import { syncRoom } from '../src/sync/sync-room.ts'
import { fetchRoomGenesis, GenesisUnavailableError } from '../src/sync/fetch-genesis.ts'
import { serveSyncConversation } from '../src/sync/responder.ts'
import type { SyncPeer } from '../src/sync/sync-peer.ts'
import { createTestReplica, type TestReplica } from './test-replica.ts'
import { duplexPair } from './sim-network.ts'
import { neverClock } from '../src/transport/clock.ts'
import { AUTHORITY, channelLog, PROFILES, roomFixture, setUpRoom, writePost, writeProfile, type RoomFixture } from './room-fixture.ts'

/** A replica holding the room set up, everyone's profile (the second version), and `posts` posts spread over its channels. */
async function seeded(room: RoomFixture, posts: number): Promise<TestReplica> {
  const replica = await createTestReplica(room.genesis)
  await setUpRoom(replica, room)
  for (const [i, kp] of [room.owner, ...room.members].entries()) {
    await writeProfile(replica, kp, `person ${i}`, 1, 5_000 + i)
    await writeProfile(replica, kp, `person ${i}, renamed`, 2, 6_000 + i)
  }
  for (let i = 0; i < posts; i++) {
    const channel = room.channels[i % room.channels.length]!
    const author = room.members[i % room.members.length]!
    if (await writePost(replica, author, channel, `post ${i}`, 10_000 + i) === undefined) throw new Error('post refused')
  }
  return replica
}

/** A copy of `source` made by ingesting its records (a second honest peer with the same data). */
async function copyOf(source: TestReplica, room: RoomFixture): Promise<TestReplica> {
  const copy = await createTestReplica(room.genesis)
  await copy.ingest(AUTHORITY, await source.records(AUTHORITY, source.storedIds(AUTHORITY).map(hex)))
  await copy.ingest(PROFILES, await source.records(PROFILES, source.storedIds(PROFILES).map(hex)))
  for (const channel of source.channels()) {
    await copy.ingest(channelLog(channel), await source.records(channelLog(channel), source.storedIds(channelLog(channel)).map(hex)))
  }
  return copy
}

const hex = (h: string): Bytes => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)))

/** Fetch requests seen by a peer, and the ids in them. */
interface Counter { fetches: number; ids: number; messages: number }

/** A peer served by `replica` over a fresh duplex per conversation; `breakAfter` breaks it after that many messages from the responder. */
function peer(id: string, replica: TestReplica, counter?: Counter, breakAfter?: number): SyncPeer {
  return {
    id,
    open: () => {
      let sent = 0
      const duplex = duplexPair(
        { onSend: (m) => { const msg = decodeSyncWire(m); if (counter) { counter.messages++; if (msg.type === 'sync-fetch') { counter.fetches++; counter.ids += msg.ids.length } } } },
        { onSend: () => { if (breakAfter !== undefined && ++sent > breakAfter) duplex.break() } }
      )
      void serveSyncConversation(duplex.b, () => replica)
      return Promise.resolve(duplex.a)
    }
  }
}

const sameLogs = (a: TestReplica, b: TestReplica): void => {
  expect(a.storedIds(AUTHORITY)).toEqual(b.storedIds(AUTHORITY))
  expect(a.storedIds(PROFILES)).toEqual(b.storedIds(PROFILES))
  expect([...a.profiles().values()].map((p) => p.name).sort()).toEqual([...b.profiles().values()].map((p) => p.name).sort())
  expect(a.channels().length).toBe(b.channels().length)
  for (const channel of b.channels()) expect(a.storedIds(channelLog(channel))).toEqual(b.storedIds(channelLog(channel)))
}

describe('syncRoom', () => {
  it('a late joiner gets the authority log and every channel from two peers at once', async () => {
    const room = await roomFixture('joiner', 4, 3)
    const a = await seeded(room, 600)
    const b = await copyOf(a, room)
    const joiner = await createTestReplica(room.genesis)
    const counters: [Counter, Counter] = [{ fetches: 0, ids: 0, messages: 0 }, { fetches: 0, ids: 0, messages: 0 }]
    const report = await syncRoom(joiner, [peer('a', a, counters[0]), peer('b', b, counters[1])], { clock: neverClock, batch: 64 })
    expect(report.complete).toBe(true)
    expect(report.peers.map((p) => p.failure)).toEqual([undefined, undefined])
    sameLogs(joiner, a)
    expect(report.logs[0]!.log).toEqual(AUTHORITY)
    // The authority log, then the profile set (the creator's and the 4 members' newest), then each channel.
    expect(report.logs[1]!.log).toEqual(PROFILES)
    expect(report.logs.map((l) => l.stored)).toEqual([7, 5, 200, 200, 200])
    expect([...joiner.profiles().values()].every((p) => p.seq === 2 && p.name.endsWith('renamed'))).toBe(true)
    // Both peers served fetches, and nothing was requested twice.
    expect(counters[0].fetches).toBeGreaterThan(0)
    expect(counters[1].fetches).toBeGreaterThan(0)
    expect(counters[0].ids + counters[1].ids).toBe(612)
  })

  it('a second sync with nothing new costs one exchange per log and peer, and fetches nothing', async () => {
    const room = await roomFixture('idle', 2, 2)
    const a = await seeded(room, 50)
    const joiner = await copyOf(a, room)
    const counter: Counter = { fetches: 0, ids: 0, messages: 0 }
    const report = await syncRoom(joiner, [peer('a', a, counter)], { clock: neverClock })
    expect(report.complete).toBe(true)
    expect(counter.fetches).toBe(0)
    expect(counter.messages).toBe(4) // one sync-open per log: authority, profiles, two channels
  })

  it('resumes after an interruption without fetching again what it stored', async () => {
    const room = await roomFixture('resume', 3, 2)
    const source = await seeded(room, 1_000)
    const total = source.storedIds(AUTHORITY).length + source.storedIds(PROFILES).length + source.channels().reduce((n, c) => n + source.storedIds(channelLog(c)).length, 0)
    const joiner = await createTestReplica(room.genesis)
    // The conversation breaks after the responder's 12th message: mid-way through the first channel.
    const first: Counter = { fetches: 0, ids: 0, messages: 0 }
    const interrupted = await syncRoom(joiner, [peer('a', source, first, 12)], { clock: neverClock, batch: 50 })
    expect(interrupted.complete).toBe(false)
    expect(interrupted.peers[0]!.failure?.reason).toBe('closed')
    const storedBefore = joiner.storedIds(AUTHORITY).length + joiner.storedIds(PROFILES).length + joiner.channels().reduce((n, c) => n + joiner.storedIds(channelLog(c)).length, 0)
    expect(storedBefore).toBeGreaterThan(0)
    expect(storedBefore).toBeLessThan(total)
    const second: Counter = { fetches: 0, ids: 0, messages: 0 }
    const resumed = await syncRoom(joiner, [peer('a', source, second)], { clock: neverClock, batch: 50 })
    expect(resumed.complete).toBe(true)
    sameLogs(joiner, source)
    // Exactly what was missing was requested: nothing stored before is fetched again.
    expect(second.ids).toBe(total - storedBefore)
  })
})

describe('fetchRoomGenesis', () => {
  it('gets the verified genesis from the first peer that has it, skipping peers that do not or lie', async () => {
    const room = await roomFixture('genesis', 2, 1)
    const other = await roomFixture('genesis-other', 1, 1)
    const honest = await seeded(room, 0)
    const liar = await createTestReplica(other.genesis)
    // A peer that answers for the asked room with another room's genesis.
    const lying: SyncPeer = {
      id: 'liar',
      open: () => {
        const duplex = duplexPair()
        void serveSyncConversation(duplex.b, () => liar)
        return Promise.resolve(duplex.a)
      }
    }
    // A peer that does not replicate the room: unknown-room.
    const stranger = await createTestReplica(other.genesis)
    const nobody: SyncPeer = {
      id: 'stranger',
      open: () => {
        const duplex = duplexPair()
        void serveSyncConversation(duplex.b, (r) => (equalBytes(r, stranger.room) ? stranger : undefined))
        return Promise.resolve(duplex.a)
      }
    }
    const got = await fetchRoomGenesis([nobody, lying, peer('honest', honest)], room.genesis.room, { clock: neverClock })
    expect(got.room).toEqual(room.genesis.room)
    expect(got.creator).toEqual(room.genesis.creator)
    await expect(fetchRoomGenesis([nobody, lying], room.genesis.room, { clock: neverClock })).rejects.toThrow(GenesisUnavailableError)
    const failure = await fetchRoomGenesis([lying], room.genesis.room, { clock: neverClock }).catch((e: unknown) => e)
    expect((failure as GenesisUnavailableError).failures.map((f) => f.reason)).toEqual(['bad-record'])
    const refused = await fetchRoomGenesis([nobody], room.genesis.room, { clock: neverClock }).catch((e: unknown) => e)
    expect((refused as GenesisUnavailableError).failures.map((f) => f.reason)).toEqual(['refused'])
    await expect(fetchRoomGenesis([], room.genesis.room)).rejects.toThrow(/nobody online/)
  })
})
