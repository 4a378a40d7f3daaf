/**
 * Room profiles on the in-memory network: a member's profile published in a
 * live room reaches the others by gossip; after that member has gone
 * offline, a late joiner gets it by sync from whoever is online; gossip
 * verdicts for profiles follow §10.4.2; a stranger cannot publish one.
 */
import { describe, expect, it } from 'vitest'
import { createProfile, encodeProfile, MemoryStorageAdapter, utf8, type Keypair } from '@hearth/protocol'
import { RoomStore } from '../store/room-store.ts'
import { PROFILES, testRoom, writeRoom, type TestRoom } from '../store/test-support.ts'
import { GossipIngest } from './gossip-ingest.ts'
import { RoomSession, type RoomSessionOptions } from './room-session.ts'
import type { StoredNotice } from './session-events.ts'
import { MemoryRoomHub } from './test-support.ts'

const open = (room: TestRoom): Promise<RoomStore> => RoomStore.open(new MemoryStorageAdapter(), room.genesis)
const quiet: RoomSessionOptions = { resyncIntervalMs: 0 }
const notices = (session: RoomSession): string[] => {
  const seen: string[] = []
  session.on('stored', (n: StoredNotice) => { if (n.log.kind === 'profiles') seen.push(`${n.via}:${n.count}`) })
  return seen
}

describe('room profiles in sessions', () => {
  it('published live, gossiped to the room, and synced to a late joiner after its author went offline', async () => {
    const room = await testRoom('session-profiles', 2, 1)
    const hub = new MemoryRoomHub()
    const seed = await open(room)
    await writeRoom(seed, room, 2)
    const creator = await RoomSession.join(seed, hub.network('creator'), quiet)
    const member = room.members[0] as Keypair
    const memberSession = await RoomSession.join(await open(room), hub.network('member'), quiet)
    // The join sync brought the profile set (everyone's second version).
    expect(memberSession.store.profile(room.owner.publicKey)?.name).toBe('person 0 v2')
    const creatorSaw = notices(creator)
    const memberSaw = notices(memberSession)

    const renamed = await createProfile(member, { name: 'Member, renamed', status: 'away' }, 7, 80_000)
    await memberSession.publishProfile(renamed)
    expect(memberSaw).toEqual(['local:1'])
    expect(creator.store.profile(member.publicKey)?.name).toBe('Member, renamed')
    expect(creatorSaw).toEqual(['gossip:1'])
    expect(hub.deliveries.filter((d) => d.kind === 'profiles').map((d) => `${d.to}:${d.verdict}`)).toEqual(['creator:accept'])

    // Publishing the stored one again goes out again (accepted: the very record stored); an older one is not published.
    await memberSession.publishProfile(renamed)
    await memberSession.publishProfile(await createProfile(member, { name: 'stale' }, 6, 90_000))
    expect(hub.deliveries.filter((d) => d.kind === 'profiles').map((d) => `${d.to}:${d.verdict}`)).toEqual(['creator:accept', 'creator:accept'])
    expect(memberSession.store.profile(member.publicKey)?.name).toBe('Member, renamed')

    // The member goes offline; a late joiner syncs from the creator alone.
    await memberSession.leave()
    const late = new RoomSession(await open(room), hub.network('late'), quiet)
    const lateSaw = notices(late)
    await late.start()
    expect(late.state().peers.map((p) => p.id)).toEqual(['creator'])
    expect(late.store.profile(member.publicKey)).toMatchObject({ name: 'Member, renamed', status: 'away', seq: 7 })
    expect([...late.store.profiles().keys()].sort()).toEqual([...creator.store.profiles().keys()].sort())
    expect(lateSaw).toEqual(['sync:3'])
    expect(late.lastSync?.logs.map((l) => l.log.kind)).toEqual(['authority', 'profiles', 'channel'])
  })

  it('a stranger cannot publish a profile in the room', async () => {
    const room = await testRoom('session-profiles-stranger', 1, 1)
    const hub = new MemoryRoomHub()
    const session = await RoomSession.join(await open(room), hub.network('a'), quiet)
    const stranger = (await testRoom('session-profiles-outsider', 0, 0)).owner
    await expect(session.publishProfile(await createProfile(stranger, { name: 'x' }, 1, 1))).rejects.toMatchObject({ name: 'NotInRoomError' })
    expect(session.store.profiles().size).toBe(0)
  })

  it('gossip verdicts for profiles: stored and the very record stored accept; malformed and forged reject; older and strangers ignore', async () => {
    const room = await testRoom('session-profiles-verdicts', 1, 1)
    const store = await open(room)
    await writeRoom(store, room, 0)
    const stored: string[] = []
    const failures: unknown[] = []
    const sink = new GossipIngest(store, { stored: (log, n) => stored.push(`${log.kind}:${n}`), signal: () => undefined, localFailure: (e) => failures.push(e) })
    const member = room.members[0] as Keypair
    const newer = encodeProfile(await createProfile(member, { name: 'newer' }, 9, 1))
    const older = encodeProfile(await createProfile(member, { name: 'older' }, 1, 99_999))
    const forged = Uint8Array.from(newer)
    forged[forged.length - 1]! ^= 1
    const outsider = (await testRoom('session-profiles-verdicts-outsider', 0, 0)).owner
    const strangers = encodeProfile(await createProfile(outsider, { name: 'stranger' }, 1, 1))

    expect(await sink.onProfile(utf8('not a profile'))).toBe('reject')
    expect(await sink.onProfile(forged)).toBe('reject')
    expect(await sink.onProfile(strangers)).toBe('ignore')
    expect(await sink.onProfile(newer)).toBe('accept')
    expect(await sink.onProfile(newer)).toBe('accept')
    expect(await sink.onProfile(older)).toBe('ignore')
    expect(stored).toEqual(['profiles:1'])
    expect(store.profile(member.publicKey)?.name).toBe('newer')
    expect(store.profile(outsider.publicKey)).toBeUndefined()
    expect(store.storedIds(PROFILES)).toHaveLength(2)
    expect(failures).toEqual([])
    // A join and the joiner's profile arriving together: the join is judged first, so the profile is taken.
    const joiner = (await testRoom('session-profiles-verdicts-joiner', 0, 0)).owner
    const other = await open(room)
    await writeRoom(other, room, 0)
    const join = await other.postAuthority(joiner, { op: 'join' }, 50_000)
    const profile = encodeProfile(await createProfile(joiner, { name: 'just joined' }, 1, 1))
    const [onJoin, onProfile] = await Promise.all([sink.onAuthority(join.bytes), sink.onProfile(profile)])
    expect([onJoin, onProfile]).toEqual(['accept', 'accept'])
    expect(store.profile(joiner.publicKey)?.name).toBe('just joined')
  })
})
