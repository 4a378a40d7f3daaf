/**
 * Sync and blobs over libp2p streams (PROTOCOL.md §8.10, §9.5, §10.7), on
 * real nodes on loopback, each peer with the real RoomStore: a joiner syncs
 * from two seeded peers (authority first), a resumed sync fetches nothing, a
 * peer that never answers does not stall the join, a responder over its
 * limits answers `busy`, and a blob comes from two holders, verified.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  decodeBlobMessage, decodeSyncWire, encodeBlobMessage, encodeSyncWire, equalBytes, MemoryStorageAdapter, type Bytes
} from '@hearth/protocol'
import { BlobFetcher, BlobStore, serveBlobs, serveSyncConversation, syncRoom, type RoomStore } from '@hearth/client'
import {
  blobPeerOf, createHearthNode, handleBlobs, handleSync, loopbackTestConfig, openPeers, SYNC_PROTOCOL, syncPeerOf,
  type HearthNode, type StreamService
} from '../src/index.ts'
import { dial, stopAll, waitFor } from './support.ts'
import { copyOf, emptyReplica, seededReplica, streamsRoom } from './fixtures/streams-room.ts'

const running: { stop(): Promise<void> }[] = []
afterEach(async () => {
  await stopAll(running.splice(0).reverse())
}, 30_000)

async function nodes(n: number): Promise<HearthNode[]> {
  const out = await Promise.all(Array.from({ length: n }, () => createHearthNode({ ...loopbackTestConfig(), profile: 'server' })))
  running.push(...out)
  return out
}

/** Serve `replica` for sync on `node`; counts records sent per conversation. */
async function serveReplica(node: HearthNode, replica: RoomStore, counter = { records: 0 }, options: Parameters<typeof handleSync>[2] = {}): Promise<StreamService> {
  const service = await handleSync(node, async (stream) => {
    const summary = await serveSyncConversation(stream, (room) => (equalBytes(room, replica.room) ? replica : undefined))
    counter.records += summary.recordsSent
  }, options)
  running.push(service)
  return service
}

const sameLogs = (a: RoomStore, b: RoomStore): void => {
  expect(a.storedIds({ kind: 'authority' })).toEqual(b.storedIds({ kind: 'authority' }))
  expect(a.channels().length).toBe(b.channels().length)
  for (const channel of b.channels()) expect(a.storedIds({ kind: 'channel', channel })).toEqual(b.storedIds({ kind: 'channel', channel }))
}

describe('sync over libp2p streams', () => {
  it('a joiner gets the authority log, then every channel, from two peers; a resumed sync fetches nothing', async () => {
    const room = await streamsRoom('join', 3, 2)
    const seedA = await seededReplica(room, 120)
    const seedB = await copyOf(room, seedA)
    const joiner = await emptyReplica(room)
    const [a, b, j] = await nodes(3) as [HearthNode, HearthNode, HearthNode]
    const served = [{ records: 0 }, { records: 0 }]
    await serveReplica(a, seedA, served[0])
    await serveReplica(b, seedB, served[1])
    await Promise.all([dial(j, a), dial(j, b)])

    const peers = [syncPeerOf(j, a.libp2p.peerId), syncPeerOf(j, b.libp2p.peerId)]
    const report = await syncRoom(joiner, peers, { requestTimeoutMs: 10_000, batch: 16 })
    expect(report.peers.map((p) => p.failure)).toEqual([undefined, undefined])
    expect(report.complete).toBe(true)
    // Authority first and in full (2 channels + 3 joins), then the profile set (empty here), then each channel: every event judged on arrival.
    expect(report.logs.map((l) => l.log.kind)).toEqual(['authority', 'profiles', 'channel', 'channel'])
    expect(report.logs.map((l) => l.stored)).toEqual([5, 0, 60, 60])
    sameLogs(joiner, seedA)
    // Both peers served records over their streams.
    expect(report.peers.every((p) => p.records > 0)).toBe(true)
    await waitFor('both responders to finish', () => served[0]!.records + served[1]!.records === 125, 10_000)

    const again = await syncRoom(joiner, peers, { requestTimeoutMs: 10_000 })
    expect(again.complete).toBe(true)
    expect(again.logs.map((l) => l.stored)).toEqual([0, 0, 0, 0])
    expect(again.logs.map((l) => l.requested)).toEqual([0, 0, 0, 0])
    expect(again.peers.map((p) => p.records)).toEqual([0, 0])
  })

  it('a peer that never answers does not stall the join: it is dropped as timeout', async () => {
    const room = await streamsRoom('slow', 2, 1)
    const seed = await seededReplica(room, 30)
    const joiner = await emptyReplica(room)
    const [good, slow, j] = await nodes(3) as [HearthNode, HearthNode, HearthNode]
    await serveReplica(good, seed)
    // The slow peer takes the stream and never says anything.
    const held: unknown[] = []
    await slow.libp2p.handle(SYNC_PROTOCOL, (stream) => { held.push(stream) })
    await Promise.all([dial(j, good), dial(j, slow)])

    const started = Date.now()
    const report = await syncRoom(joiner, [syncPeerOf(j, slow.libp2p.peerId), syncPeerOf(j, good.libp2p.peerId)], { requestTimeoutMs: 1500 })
    expect(report.peers[0]?.failure).toMatchObject({ name: 'SyncPeerError', reason: 'timeout' })
    expect(report.peers[1]?.failure).toBeUndefined()
    expect(report.complete).toBe(true)
    sameLogs(joiner, seed)
    expect(held.length).toBe(1)
    // One timeout, not one per log or per request (a generous bound, not a speed assertion).
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('answers busy over its per-peer limit, serves again once a slot is free, and unregisters on stop', async () => {
    const room = await streamsRoom('busy', 1, 1)
    const seed = await seededReplica(room, 1)
    const [r, j] = await nodes(2) as [HearthNode, HearthNode]
    const busy: string[] = []
    const service = await serveReplica(r, seed, undefined, { maxPerPeer: 1, onBusy: (peer) => busy.push(peer) })
    await dial(j, r)
    const peer = syncPeerOf(j, r.libp2p.peerId)
    const first = await peer.open()
    await waitFor('the first conversation to take the slot', () => service.active === 1, 10_000)

    const open = encodeSyncWire({ type: 'sync-fetch', room: seed.room, ids: [new Uint8Array(32)] })
    const second = await peer.open()
    await second.send(open)
    expect(decodeSyncWire((await second.receive())!)).toMatchObject({ type: 'sync-error', code: 'busy' })
    expect(await second.receive()).toBeUndefined()
    expect(busy).toEqual([j.libp2p.peerId.toString()])

    first.close()
    await waitFor('the slot to be released', () => service.active === 0, 10_000)
    const third = await peer.open()
    await third.send(open)
    expect(decodeSyncWire((await third.receive())!)).toMatchObject({ type: 'sync-records', upto: 1, records: [] })
    third.close()

    await service.stop()
    expect(r.libp2p.getProtocols()).not.toContain(SYNC_PROTOCOL)
    await expect(peer.open()).rejects.toThrow()
  })
})

describe('blobs over libp2p streams', () => {
  it('a blob is fetched from two holders at once and verified', async () => {
    const blob = new Uint8Array(5 * 262_144 + 1000)
    for (let i = 0; i < blob.length; i++) blob[i] = (i * 7 + 3) % 251
    const [a, b, j] = await nodes(3) as [HearthNode, HearthNode, HearthNode]
    const sentBy = [0, 0]
    for (const [i, node] of [a, b].entries()) {
      const store = new BlobStore(new MemoryStorageAdapter())
      await store.put(blob)
      running.push(await handleBlobs(node, (stream) => serveBlobs(store, stream, { onChunkSent: () => { sentBy[i]!++ } })))
    }
    await Promise.all([dial(j, a), dial(j, b)])
    const mine = new BlobStore(new MemoryStorageAdapter())
    const id: Bytes = (await new BlobStore(new MemoryStorageAdapter()).put(blob)).id
    const { opened, failed } = await openPeers([blobPeerOf(j, a.libp2p.peerId), blobPeerOf(j, b.libp2p.peerId)])
    expect(failed).toEqual([])
    const result = await new BlobFetcher(mine, { timeoutMs: 10_000, maxInFlightPerPeer: 2, maxChunksPerRequest: 1 }).fetch(id, opened)
    expect(result.complete).toBe(true)
    expect(result.dropped).toEqual([])
    expect(await mine.read(id)).toEqual(blob)
    expect(sentBy[0]! + sentBy[1]!).toBe(6)
    expect(sentBy[0]).toBeGreaterThan(0)
    expect(sentBy[1]).toBeGreaterThan(0)
  })

  it('a holder over its limit answers the request with blob-error busy', async () => {
    const [h, j] = await nodes(2) as [HearthNode, HearthNode]
    const store = new BlobStore(new MemoryStorageAdapter())
    const { id } = await store.put(new Uint8Array(10).fill(1))
    running.push(await handleBlobs(h, (stream) => serveBlobs(store, stream), { maxPerPeer: 1 }))
    await dial(j, h)
    const peer = blobPeerOf(j, h.libp2p.peerId)
    const first = await peer.open()
    await first.send(encodeBlobMessage({ type: 'blob-want', id }))
    expect(decodeBlobMessage((await first.receive())!).type).toBe('blob-manifest')
    const second = await peer.open()
    await second.send(encodeBlobMessage({ type: 'blob-want', id }))
    expect(decodeBlobMessage((await second.receive())!)).toMatchObject({ type: 'blob-error', code: 'busy' })
    first.close()
    second.close()
  })
})
