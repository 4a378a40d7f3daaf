// `hearth profile set` as a real process: the new version goes into the profile set of every
// room stored in the data directory that knows the identity (offline; sync carries it on), and
// not into rooms that do not know it; `--help` says so.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RoomStore } from '@hearth/client'
import { parseRoomId, parseUserId } from '@hearth/protocol'
import { SqliteStorageAdapter } from '@hearth/store-sqlite'
import { CLIENT_DB_FILE } from './local-state.ts'
import { copyRoomAuthority, runHearth } from './test-support.ts'

let root: string
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'hearth-profile-')) })
afterAll(async () => { await rm(root, { recursive: true, force: true }) })

/** The name the room `room` stored in `dataDir` holds for `userId`, if any. */
async function nameInRoom(dataDir: string, room: string, userId: string): Promise<string | undefined> {
  const adapter = await SqliteStorageAdapter.open(join(dataDir, CLIENT_DB_FILE))
  try {
    const store = await RoomStore.open(adapter, parseRoomId(room))
    const name = store.profile(parseUserId(userId))?.name
    await store.close()
    return name
  } finally {
    await adapter.close()
  }
}

describe('hearth profile set', () => {
  it('writes the new version into every room here that knows the identity', async () => {
    const alice = join(root, 'alice')
    const bob = join(root, 'bob')
    const a = await runHearth(['identity', 'new', '--name', 'Alice', '--data-dir', alice, '--json'])
    const b = await runHearth(['identity', 'new', '--name', 'Bob', '--data-dir', bob, '--json'])
    const aliceId = String(a.events()[0]?.userId)
    const bobId = String(b.events()[0]?.userId)
    const none = await runHearth(['profile', 'set', '--name', 'Alice (no rooms)', '--data-dir', alice, '--json'])
    expect(none.code, none.stderr).toBe(0)
    expect(none.events()[0]).toMatchObject({ event: 'profile', profileSeq: 2, rooms: 0 })

    const created = await runHearth(['room', 'create', 'Den', '--data-dir', alice, '--json'])
    expect(created.code, created.stderr).toBe(0)
    const room = String(created.events()[0]?.room)
    const set = await runHearth(['profile', 'set', '--name', 'Alice L.', '--status', 'reading', '--data-dir', alice, '--json'])
    expect(set.code, set.stderr).toBe(0)
    expect(set.events()[0]).toMatchObject({ event: 'profile', userId: aliceId, name: 'Alice L.', profileSeq: 3, rooms: 1 })
    expect(await nameInRoom(alice, room, aliceId)).toBe('Alice L.')
    const text = await runHearth(['profile', 'set', '--status', 'writing', '--data-dir', alice])
    expect(text.stdout).toMatch(/written into 1; peers get it at the next sync/)

    // Bob has a copy of the room he never joined: his profile is not taken there.
    await copyRoomAuthority(alice, bob, room)
    const bobSet = await runHearth(['profile', 'set', '--name', 'Bob B.', '--data-dir', bob, '--json'])
    expect(bobSet.code, bobSet.stderr).toBe(0)
    expect(bobSet.events()[0]).toMatchObject({ rooms: 0 })
    expect(await nameInRoom(bob, room, bobId)).toBeUndefined()
  })

  it('--help says where the profile goes', async () => {
    const help = await runHearth(['profile', 'set', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/every room on this machine/)
    expect(help.stdout).not.toMatch(/not built yet/)
  })
})
