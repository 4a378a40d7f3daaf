/// <reference types="node" />
/**
 * The room store on the real adapters: a restart on `node:sqlite` (a file in
 * a temp dir) and on IndexedDB (fake-indexeddb), and rows damaged in the
 * SQLite table behind the adapter's back.
 */
import 'fake-indexeddb/auto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { IDBFactory } from 'fake-indexeddb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeKeyPath, fromHex, MemoryStorageAdapter, toHex, type Bytes } from '@hearth/protocol'
import { IdbStorageAdapter } from '@hearth/store-idb'
import { SqliteStorageAdapter } from '@hearth/store-sqlite'
import { lamportSegment, RoomStore } from './index.ts'
import { channelLog, snapshotOf, syncRoom, testRoom, writeRoom } from './test-support.ts'

let dir: string
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'hearth-room-store-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

describe('RoomStore on @hearth/store-sqlite', () => {
  it('keeps the logs and views across closing and reopening the database file', async () => {
    const room = await testRoom('sqlite')
    const path = join(dir, 'restart.db')
    const first = await SqliteStorageAdapter.open(path)
    const store = await RoomStore.open(first, room.genesis)
    await writeRoom(store, room, 40)
    const before = snapshotOf(store)
    await store.close()
    await first.close()
    const second = await SqliteStorageAdapter.open(path)
    const reopened = await RoomStore.open(second, room.genesis.room)
    expect(snapshotOf(reopened)).toEqual(before)
    expect(reopened.damage.lost).toEqual([])
    await second.close()
  })

  it('survives garbage written into table rows, and a sync repairs it', async () => {
    const room = await testRoom('sqlite-garbage')
    const healthy = await RoomStore.open(new MemoryStorageAdapter(), room.genesis)
    await writeRoom(healthy, room, 30)
    const path = join(dir, 'garbage.db')
    const adapter = await SqliteStorageAdapter.open(path)
    await syncRoom(healthy, await RoomStore.open(adapter, room.genesis))
    await adapter.close()
    // Another connection overwrites two event rows and one authority row.
    const channel = room.channels[0] as Bytes
    const events = healthy.storedIds(channelLog(channel))
    const db = new DatabaseSync(path)
    const hit = (key: readonly string[], value: Uint8Array): void => {
      const changed = db.prepare('UPDATE hearth_kv SET value = ? WHERE key = ?').run(value, encodeKeyPath(key)).changes
      if (Number(changed) !== 1) throw new Error(`no row for ${key.join('/')}`)
    }
    const eventKey = (i: number): string[] => {
      const node = healthy.channel(channel).events[i]
      if (!node) throw new Error('no event')
      return ['room', toHex(healthy.room), 'ch', toHex(channel), 'ev', lamportSegment(node.event.lamport), node.key]
    }
    hit(eventKey(2), new Uint8Array([0xde, 0xad]))
    hit(eventKey(Math.floor(events.length / 2)), new Uint8Array(300).fill(7))
    const entry = healthy.authority.entries[1]?.node
    if (!entry) throw new Error('no entry')
    hit(['room', toHex(healthy.room), 'auth', lamportSegment(entry.entry.lamport), entry.key], new Uint8Array([1]))
    db.close()

    const reopenedAdapter = await SqliteStorageAdapter.open(path)
    const damaged = await RoomStore.open(reopenedAdapter, room.genesis.room)
    expect(damaged.damage.lost).toHaveLength(3)
    await syncRoom(healthy, damaged)
    expect(snapshotOf(damaged)).toEqual(snapshotOf(healthy))
    await reopenedAdapter.close()
    const finalAdapter = await SqliteStorageAdapter.open(path)
    const repaired = await RoomStore.open(finalAdapter, room.genesis.room)
    expect(snapshotOf(repaired)).toEqual(snapshotOf(healthy))
    expect(repaired.damage.lost).toEqual([])
    await finalAdapter.close()
  })
})

describe('RoomStore on @hearth/store-idb (fake-indexeddb)', () => {
  it('keeps the logs and views across closing and reopening the database', async () => {
    const factory = new IDBFactory()
    const room = await testRoom('idb')
    const first = await IdbStorageAdapter.open('hearth', { indexedDB: factory })
    const store = await RoomStore.open(first, room.genesis)
    await writeRoom(store, room, 30)
    const before = snapshotOf(store)
    await store.close()
    await first.close()
    const second = await IdbStorageAdapter.open('hearth', { indexedDB: factory })
    const reopened = await RoomStore.open(second, room.genesis.room, { preload: 'none' })
    for (const channel of reopened.knownChannels()) await reopened.loadChannel(fromHex(channel))
    expect(snapshotOf(reopened)).toEqual(before)
    await second.close()
  })
})
