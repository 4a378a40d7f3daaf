import { describe, expect, it } from 'vitest'
import {
  ChannelView, decodeChannelEvent, StorageIoError, MemoryByteStore, MemoryStorageAdapter, runSession, signChannelEvent, toHex, visibleEvents, type Bytes, type Keypair
} from '@hearth/protocol'
import { flipSignatureBit, viewJson } from '../../../protocol/src/channel/test-support.ts'
import { ChannelNotLoadedError, lamportSegment, RoomNotStoredError, RoomStore, RoomStoreClosedError, UnknownLogError } from './index.ts'
import { AUTHORITY, channelLog, snapshotOf, syncLog, syncRoom, testRoom, writeRoom } from './test-support.ts'

async function written(label: string, posts = 40): Promise<{ disk: MemoryByteStore; store: RoomStore; room: Awaited<ReturnType<typeof testRoom>> }> {
  const room = await testRoom(label)
  const disk = new MemoryByteStore()
  const store = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), room.genesis)
  await writeRoom(store, room, posts)
  return { disk, store, room }
}

describe('RoomStore', () => {
  it('keeps both logs and the views across a restart, opened by room id', async () => {
    const { disk, store } = await written('restart')
    const before = snapshotOf(store)
    await store.close()
    const reopened = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), store.room)
    expect(snapshotOf(reopened)).toEqual(before)
    expect(reopened.damage).toEqual({ lost: [], repaired: 0, refused: 0, stray: 0 })
    expect(reopened.authority.state.members.size).toBe(4)
  })

  it('lists and removes stored rooms', async () => {
    const { disk, store } = await written('list', 4)
    const adapter = new MemoryStorageAdapter({ store: disk })
    const other = await testRoom('list-other')
    await RoomStore.open(adapter, other.genesis)
    const expected = [store.room, other.genesis.room].map(toHex).sort()
    expect((await RoomStore.storedRooms(adapter)).map(toHex)).toEqual(expected)
    await RoomStore.removeRoom(adapter, store.room)
    expect((await RoomStore.storedRooms(adapter)).map(toHex)).toEqual([toHex(other.genesis.room)])
    expect(await adapter.loadRange(['room', toHex(store.room)])).toEqual([])
    await expect(RoomStore.open(adapter, store.room)).rejects.toMatchObject({ name: 'RoomNotStoredError', reason: 'absent' })
  })

  it('refuses to open an unknown room by id, and a damaged genesis', async () => {
    const room = await testRoom('absent')
    const adapter = new MemoryStorageAdapter()
    await expect(RoomStore.open(adapter, room.genesis.room)).rejects.toMatchObject({ name: 'RoomNotStoredError', reason: 'absent' })
    await RoomStore.open(adapter, room.genesis)
    await adapter.save(['rooms', toHex(room.genesis.room)], new Uint8Array([1, 2, 3]))
    const err: unknown = await RoomStore.open(adapter, room.genesis.room).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RoomNotStoredError)
    expect(err).toMatchObject({ reason: 'damaged' })
    // Opening with the genesis repairs the stored copy.
    await RoomStore.open(adapter, room.genesis)
    await expect(RoomStore.open(adapter, room.genesis.room)).resolves.toBeInstanceOf(RoomStore)
  })

  it('pages history newest first', async () => {
    const { store, room } = await written('paging', 60)
    const channel = room.channels[0] as Bytes
    const all = store.view(channel).messages()
    const pages: string[] = []
    let before: Uint8Array | undefined
    for (;;) {
      const page = store.history(channel, { limit: 7, ...(before ? { before } : {}) })
      if (page.length === 0) break
      pages.push(...page.map((m) => m.key))
      before = page[page.length - 1]?.id
    }
    expect(pages).toEqual(all.map((m) => m.key).reverse())
  })

  it('syncs another store through the port, and the copy survives its own restart', async () => {
    const { store } = await written('sync')
    const disk = new MemoryByteStore()
    const copy = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), store.genesis)
    expect(await syncRoom(store, copy)).toBeGreaterThan(0)
    expect(snapshotOf(copy)).toEqual(snapshotOf(store))
    const again = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), store.room)
    expect(snapshotOf(again)).toEqual(snapshotOf(store))
  })

  it('holds events whose authority is unknown, then stores and persists them when it arrives', async () => {
    const { store, room } = await written('held', 12)
    const disk = new MemoryByteStore()
    const copy = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), store.genesis)
    const channel = room.channels[0] as Bytes
    // Only the channel-create: the channel exists here, but the members' joins are unknown.
    const create = store.authority.entries[0]?.node.bytes as Uint8Array
    expect((await copy.ingest(AUTHORITY, [create])).stored).toBe(1)
    const events = store.channel(channel).events.map((e) => e.bytes)
    const first = await copy.ingest(channelLog(channel), events)
    expect(first.stored).toBeLessThan(events.length)
    expect(copy.channel(channel).heldCount + copy.channel(channel).pendingCount).toBeGreaterThan(0)
    await copy.ingest(AUTHORITY, store.authority.entries.map((e) => e.node.bytes))
    expect(copy.storedIds(channelLog(channel))).toEqual(store.storedIds(channelLog(channel)))
    const reopened = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), store.room)
    expect(reopened.storedIds(channelLog(channel))).toEqual(store.storedIds(channelLog(channel)))
  })

  it('gives sessions a snapshot that does not change while records are ingested', async () => {
    const { store, room } = await written('snapshot', 20)
    const channel = room.channels[1] as Bytes
    const snapshot = store.reconcileStore(channelLog(channel))
    const size = snapshot.size()
    expect(store.reconcileStore(channelLog(channel))).toBe(snapshot)
    await store.postEvent(room.owner, channel, { kind: 'post', content: { text: 'late' } }, 9_999)
    expect(snapshot.size()).toBe(size)
    const fresh = store.reconcileStore(channelLog(channel))
    expect(fresh.size()).toBe(size + 1)
    expect(runSession(fresh, snapshot).initiator.have()).toHaveLength(1)
  })

  it('answers the port: has, records in the order asked, counts per ingest', async () => {
    const { store, room } = await written('port', 10)
    const channel = room.channels[0] as Bytes
    const log = channelLog(channel)
    const events = store.channel(channel).events
    const [a, b] = [events[0], events[1]]
    if (!a || !b) throw new Error('too few events')
    expect(store.has(log, { lamport: a.event.lamport, id: a.id })).toBe(true)
    expect(store.has(log, { lamport: a.event.lamport + 1, id: a.id })).toBe(false)
    const unknown = new Uint8Array(32).fill(9)
    expect(await store.records(log, [b.id, unknown, a.id])).toEqual([b.bytes, a.bytes])
    const result = await store.ingest(log, [a.bytes, new Uint8Array([1, 2, 3])])
    expect(result).toMatchObject({ stored: 0, rejected: 1, duplicates: 1 })
    expect(store.channels().map(toHex)).toEqual(room.channels.map(toHex).sort())
  })

  it('throws typed errors for unknown channels, unloaded channels and a closed store', async () => {
    const { disk, store, room } = await written('errors', 6)
    expect(() => store.reconcileStore(channelLog(new Uint8Array(16)))).toThrow(UnknownLogError)
    const lazy = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), store.room, { preload: 'none' })
    const channel = room.channels[0] as Bytes
    expect(() => lazy.reconcileStore(channelLog(channel))).toThrow(ChannelNotLoadedError)
    await lazy.loadChannel(channel)
    expect(lazy.storedIds(channelLog(channel))).toEqual(store.storedIds(channelLog(channel)))
    await lazy.close()
    await expect(lazy.ingest(AUTHORITY, [])).rejects.toBeInstanceOf(RoomStoreClosedError)
  })

  it('re-verifies signatures on load when asked: a stored event with a bad signature is refused, not trusted', async () => {
    const { disk, store, room } = await written('verify', 6)
    const channel = room.channels[0] as Bytes
    const original = store.channel(channel).events[1]
    if (!original) throw new Error('too few events')
    // Same content, one signature bit flipped: another id, planted under its own key.
    const forged = decodeChannelEvent(flipSignatureBit(original.bytes))
    const adapter = new MemoryStorageAdapter({ store: disk })
    await adapter.save(['room', toHex(store.room), 'ch', toHex(channel), 'ev', lamportSegment(forged.event.lamport), forged.key], forged.bytes)
    const checked = await RoomStore.open(adapter, store.room, { verifyOnLoad: true })
    expect(checked.channel(channel).has(forged.id)).toBe(false)
    expect(checked.damage.refused).toBe(1)
    expect(checked.storedIds(channelLog(channel))).toEqual(store.storedIds(channelLog(channel)))
    // By default the store trusts what it wrote itself (the planted record passes the envelope and id checks).
    const trusting = await RoomStore.open(adapter, store.room)
    expect(trusting.channel(channel).has(forged.id)).toBe(true)
  })

  it('loads a stored channel on first async use when opened lazily', async () => {
    const { disk, store, room } = await written('lazy', 20)
    const lazy = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), store.room, { preload: 'none' })
    const [a, b] = room.channels as [Bytes, Bytes]
    const first = store.channel(a).events[0]
    if (!first) throw new Error('no event')
    expect(await lazy.records(channelLog(a), [first.id])).toEqual([first.bytes])
    const again = await lazy.ingest(channelLog(b), store.channel(b).events.map((e) => e.bytes))
    expect(again).toMatchObject({ stored: 0, duplicates: store.channel(b).size })
    expect(snapshotOf(lazy)).toEqual(snapshotOf(store))
  })

  it('persists a delete that waited for its target once the target arrives', async () => {
    const { store, room } = await written('delete', 8)
    const channel = room.channels[0] as Bytes
    const disk = new MemoryByteStore()
    const copy = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), store.genesis)
    await syncLog(store, copy, AUTHORITY)
    const events = store.channel(channel).events
    const target = events[events.length - 1]
    if (!target) throw new Error('no event')
    // Everything but the newest event, then a delete of it written here: it waits, unpersisted.
    await copy.ingest(channelLog(channel), events.slice(0, -1).map((e) => e.bytes))
    const author = [room.owner, ...room.members].find((kp) => toHex(kp.publicKey) === toHex(target.event.author)) as Keypair
    const del = await copy.postEvent(author, channel, { kind: 'delete', target: target.id }, 50_000)
    expect(copy.channel(channel).status(del.id)).toBe('pending')
    await copy.ingest(channelLog(channel), [target.bytes])
    expect(copy.channel(channel).has(del.id)).toBe(true)
    const reopened = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), store.room)
    expect(reopened.channel(channel).has(del.id)).toBe(true)
    expect(reopened.view(channel).message(target.id)?.deleted).toBeDefined()
  })

  it('keeps the view equal to the view recomputed from the log, through concurrent ingests and a ban', async () => {
    const { store, room } = await written('views', 60)
    const channel = room.channels[0] as Bytes
    const copy = await RoomStore.open(new MemoryStorageAdapter(), store.genesis)
    await syncLog(store, copy, AUTHORITY)
    const fresh = (s: RoomStore): unknown => viewJson(ChannelView.of(visibleEvents(s.channel(channel).events, s.authority)))
    expect(viewJson(copy.view(channel))).toEqual(fresh(copy))
    const events = store.channel(channel).events.map((e) => e.bytes)
    const batches = [events.slice(20, 40), events.slice(0, 25), events.slice(35), events.slice(10, 30)]
    await Promise.all(batches.map((b) => copy.ingest(channelLog(channel), b)))
    expect(copy.storedIds(channelLog(channel))).toEqual(store.storedIds(channelLog(channel)))
    expect(viewJson(copy.view(channel))).toEqual(fresh(copy))
    const beforeBan = copy.authority.heads().ids
    await copy.postAuthority(room.owner, { op: 'ban', target: (room.members[0] as Keypair).publicKey }, 90_000)
    expect(viewJson(copy.view(channel))).toEqual(fresh(copy))
    // The banned member's client keeps citing the heads before the ban: set aside, never stored (§7.4.2),
    // and a sync does not ask for it again.
    const { ids, lamport } = copy.heads(channelLog(channel))
    const stale = await signChannelEvent(room.members[0] as Keypair, {
      room: copy.room, channel, parents: ids, lamport, auth: beforeBan, at: 90_000, body: { kind: 'post', content: { text: 'ban evasion' } }
    })
    const result = await copy.ingest(channelLog(channel), [stale.bytes])
    expect([result.stored, result.rejected]).toEqual([0, 0])
    expect(copy.channel(channel).status(stale.id)).toBe('quarantined')
    expect(copy.has(channelLog(channel), { lamport: stale.event.lamport, id: stale.id })).toBe(true)
    expect(copy.storedIds(channelLog(channel))).not.toContain(stale.key)
    expect(copy.view(channel).message(stale.id)).toBeUndefined()
    expect(viewJson(copy.view(channel))).toEqual(fresh(copy))
    await copy.postEvent(room.members[1] as Keypair, channel, { kind: 'post', content: { text: 'after the ban' } }, 90_001)
    expect(viewJson(copy.view(channel))).toEqual(fresh(copy))
  })

  it('rejects an ingest whose writes fail (several pieces), without crashing, and keeps working', async () => {
    const { store, room } = await written('io', 600)
    const channel = room.channels[0] as Bytes
    let fail = true
    class FlakyAdapter extends MemoryStorageAdapter {
      override saveBatch(entries: Parameters<MemoryStorageAdapter['saveBatch']>[0]): Promise<void> {
        return fail ? Promise.reject(new StorageIoError('disk full')) : super.saveBatch(entries)
      }
    }
    const adapter = new FlakyAdapter()
    fail = false
    const copy = await RoomStore.open(adapter, store.genesis)
    await syncLog(store, copy, AUTHORITY)
    fail = true
    const events = store.channel(channel).events.map((e) => e.bytes)
    await expect(copy.ingest(channelLog(channel), events)).rejects.toBeInstanceOf(StorageIoError)
    fail = false
    expect(events.length).toBeGreaterThan(256)
    // The records are in the log now; the next write persists them too.
    await expect(copy.ingest(channelLog(channel), events)).resolves.toMatchObject({ rejected: 0, duplicates: events.length })
    await copy.close()
    const reopened = await RoomStore.open(new MemoryStorageAdapter({ store: adapter.store }), store.room)
    expect(reopened.storedIds(channelLog(channel))).toEqual(store.storedIds(channelLog(channel)))
  })
})
