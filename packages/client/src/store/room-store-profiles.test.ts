/// <reference types="node" />
/**
 * The room's profile set in the room store: persisted through the storage
 * port (one row per identity: a newer version replaces the older row),
 * reloaded on open with every signature checked, damage reported and
 * repaired by sync — on the in-memory adapter and on `node:sqlite`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createProfile, encodeProfile, encodeRecord, MemoryByteStore, MemoryStorageAdapter, recordId, toHex, type Keypair, type StorageAdapter
} from '@hearth/protocol'
import { SqliteStorageAdapter } from '@hearth/store-sqlite'
import { logPrefix, profileKey, RoomStore } from './index.ts'
import { corruptValue, PROFILES, snapshotOf, syncLog, syncRoom, testRoom, writeRoom } from './test-support.ts'

let dir: string
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'hearth-room-profiles-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

const rows = async (adapter: StorageAdapter, store: RoomStore): Promise<string[][]> =>
  (await adapter.loadRange(logPrefix(store.room, PROFILES))).map((c) => [...c.key])
const names = (store: RoomStore): string[] => [...store.profiles().values()].map((p) => p.name).sort()

describe.each([
  ['memory', (): StorageAdapter => new MemoryStorageAdapter()],
  ['sqlite', async (): Promise<StorageAdapter> => SqliteStorageAdapter.open(join(dir, `profiles-${Math.random().toString(36).slice(2)}.db`))]
] as const)('RoomStore profiles on the %s adapter', (_name, adapterOf) => {
  it('keeps one row per identity, the newest, across closing and reopening', async () => {
    const room = await testRoom(`profiles-${_name}`, 2, 1)
    const adapter = await adapterOf()
    const store = await RoomStore.open(adapter, room.genesis)
    await writeRoom(store, room, 5)
    expect(names(store)).toEqual(['person 0 v2', 'person 1 v2', 'person 2 v2'])
    // The first versions' rows were deleted when the second ones were stored.
    const stored = await rows(adapter, store)
    expect(stored.length).toBe(3)
    for (const [keyHex, profile] of store.profiles()) {
      const bytes = encodeProfile(profile)
      expect(stored).toContainEqual(profileKey(logPrefix(store.room, PROFILES), keyHex, profile.updated, toHex(recordId(bytes))))
    }
    const before = snapshotOf(store)
    await store.close()
    const reopened = await RoomStore.open(adapter, room.genesis.room)
    expect(snapshotOf(reopened)).toEqual(before)
    expect(reopened.profile((room.members[0] as Keypair).publicKey)?.name).toBe('person 1 v2')
    expect(reopened.damage).toEqual({ lost: [], repaired: 0, refused: 0, stray: 0 })
    await reopened.close()
    await adapter.close()
  })
})

describe('RoomStore profiles from a damaged or odd store', () => {
  it('an interrupted replacement (two rows of one identity): the newest is kept and the older row deleted on open', async () => {
    const room = await testRoom('profiles-leftover', 1, 1)
    const adapter = new MemoryStorageAdapter()
    const store = await RoomStore.open(adapter, room.genesis)
    await writeRoom(store, room, 0)
    const older = await createProfile(room.owner, { name: 'older' }, 1, 1)
    const bytes = encodeProfile(older)
    const leftover = profileKey(logPrefix(store.room, PROFILES), toHex(room.owner.publicKey), older.updated, toHex(recordId(bytes)))
    await adapter.save(leftover, bytes)
    const reopened = await RoomStore.open(adapter, room.genesis.room)
    expect(reopened.profile(room.owner.publicKey)?.name).toBe('person 0 v2')
    expect(await rows(adapter, reopened)).not.toContainEqual(leftover)
    expect(await rows(adapter, reopened)).toHaveLength(2)
  })

  it('rows that are damaged, forged, misplaced, of strangers or stray are not loaded; sync repairs what is lost', async () => {
    const room = await testRoom('profiles-damage', 3, 1)
    const disk = new MemoryByteStore()
    const original = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), room.genesis)
    await writeRoom(original, room, 3)
    const adapter = new MemoryStorageAdapter({ store: disk })
    const prefix = logPrefix(original.room, PROFILES)
    const [flipped, forged, misplaced] = await rows(adapter, original)
    if (flipped === undefined || forged === undefined || misplaced === undefined) throw new Error('too few profiles')
    await corruptValue(disk, flipped, 'flip')
    // Passes the envelope and names itself rightly, but its signature is broken: refused.
    const good = await adapter.load(forged) as Uint8Array
    const broken = encodeRecord({ ...(await import('@hearth/protocol')).decodeProfile(good), name: 'forged' })
    await adapter.remove(forged)
    const forgedKey = [...forged.slice(0, -1), toHex(recordId(broken))]
    await adapter.save(forgedKey, broken)
    // Another identity's profile under this key: mismatch.
    await adapter.save(misplaced, good)
    // A stranger's valid profile: refused (left in place); a stray key: counted.
    const stranger = (await testRoom('profiles-damage-stranger', 0, 0)).owner
    const theirs = await createProfile(stranger, { name: 'stranger' }, 1, 1)
    const strangerKey = profileKey(prefix, toHex(stranger.publicKey), 1, toHex(recordId(encodeProfile(theirs))))
    await adapter.save(strangerKey, encodeProfile(theirs))
    await adapter.save([...prefix, 'not-a-key'], new Uint8Array([1]))

    const damaged = await RoomStore.open(adapter, original.room)
    expect(damaged.profiles().size).toBe(1)
    expect(damaged.damage.lost.map((l) => [l.log.kind, toHex(l.id), l.reason]).sort()).toEqual([
      ['profiles', flipped[flipped.length - 1], 'checksum-mismatch'], ['profiles', misplaced[misplaced.length - 1], 'mismatch']
    ].sort())
    expect(damaged.damage).toMatchObject({ refused: 2, stray: 1 })

    await syncLog(original, damaged, PROFILES)
    expect(names(damaged)).toEqual(names(original))
    expect(damaged.damage).toMatchObject({ lost: [], repaired: 2 })
    expect(adapter.integrity().corrupt).toEqual([])
    // The forged row (its identity's profile stored again) is gone; the stranger's stays, unused.
    const after = await rows(adapter, damaged)
    expect(after).not.toContainEqual(forgedKey)
    expect(after).toContainEqual(strangerKey)
    const reopened = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), original.room)
    expect(snapshotOf(reopened)).toEqual(snapshotOf(original))
    expect(reopened.damage).toEqual({ lost: [], repaired: 0, refused: 1, stray: 1 })
  })

  it('a lost profile is repaired by a newer version of it, and its damaged row deleted', async () => {
    const room = await testRoom('profiles-newer', 1, 1)
    const disk = new MemoryByteStore()
    const source = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), room.genesis)
    await writeRoom(source, room, 0)
    const adapter = new MemoryStorageAdapter({ store: disk })
    const member = room.members[0] as Keypair
    const row = (await rows(adapter, source)).find((k) => k[3] === toHex(member.publicKey))
    if (row === undefined) throw new Error('no row')
    await corruptValue(disk, row, 'truncate')
    const damaged = await RoomStore.open(adapter, source.room)
    expect(damaged.profile(member.publicKey)).toBeUndefined()
    // Meanwhile the member published a third version elsewhere.
    const healthy = await RoomStore.open(new MemoryStorageAdapter(), room.genesis)
    await syncRoom(source, healthy)
    await healthy.ingest(PROFILES, [encodeProfile(await createProfile(member, { name: 'v3' }, 3, 99_000))])
    await syncLog(healthy, damaged, PROFILES)
    expect(damaged.profile(member.publicKey)?.name).toBe('v3')
    expect(damaged.damage).toMatchObject({ lost: [], repaired: 1 })
    // The damaged row of the older version was deleted with the replacement.
    expect(adapter.integrity().corrupt).toEqual([])
    expect((await rows(adapter, damaged)).filter((k) => k[3] === toHex(member.publicKey))).toHaveLength(1)
  })
})
