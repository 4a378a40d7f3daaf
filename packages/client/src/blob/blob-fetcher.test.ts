/**
 * BlobFetcher against in-memory peers: one honest peer; three peers of which
 * one lies with corrupt chunks and one disconnects midway; resuming after an
 * interruption without asking again for stored chunks; a silent peer timed
 * out on a manual clock; and every other way a peer can fail, each dropped
 * with its typed reason while the download completes from the others.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  BLOB_CHUNK_SIZE,
  BlobManifestError,
  blobManifest,
  chunkOf,
  decodeBlobMessage,
  encodeBlobMessage,
  MemoryByteStore,
  MemoryStorageAdapter
} from '@hearth/protocol'
import { BlobFetcher, type BlobProgress } from './blob-fetcher.ts'
import { BlobStore } from './blob-store.ts'
import { ManualClock } from '../transport/clock.ts'
import { corruptChunks, patternBlob, servingPeer, settle, storeWith, type TestPeer } from './test-support.ts'

const C = BLOB_CHUNK_SIZE
const fresh = (): BlobStore => new BlobStore(new MemoryStorageAdapter())
const reasons = (result: { dropped: readonly { peer: string; reason: string }[] }): Record<string, string> =>
  Object.fromEntries(result.dropped.map((d) => [d.peer, d.reason]))

describe('BlobFetcher', () => {
  it('downloads a blob from one honest peer, with progress', async () => {
    const blob = patternBlob(5 * C + 99)
    const seed = await storeWith(blob)
    const { id } = blobManifest(blob)
    const local = fresh()
    const progress: BlobProgress[] = []
    const p = servingPeer('alice', seed)
    const result = await new BlobFetcher(local, { clock: new ManualClock() }).fetch(id, [p.peer], { onProgress: (e) => progress.push(e), expectedSize: blob.length })
    expect(result.complete).toBe(true)
    expect(result.missing).toEqual([])
    expect(result.requested).toBe(6)
    expect(result.received).toBe(6)
    expect(result.dropped).toEqual([])
    expect(await local.read(id)).toEqual(blob)
    expect(progress.map((e) => e.chunksDone)).toEqual([1, 2, 3, 4, 5, 6])
    expect(progress.at(-1)?.bytesDone).toBe(blob.length)
    expect(await p.served).toEqual({ reason: 'closed' })
  })

  it('three peers: one lies with corrupt chunks, one disconnects midway; the blob arrives whole and verified', async () => {
    const blob = patternBlob(12 * C + 5, 1)
    const { id } = blobManifest(blob)
    const seed = await storeWith(blob)
    const honest = servingPeer('honest', seed)
    const liar = servingPeer('liar', seed, { rewrite: corruptChunks })
    const flaky = servingPeer('flaky', seed, { disconnectAfterChunks: 3 })
    const local = fresh()
    const dropped: string[] = []
    const result = await new BlobFetcher(local, { clock: new ManualClock(), maxInFlightPerPeer: 4, maxChunksPerRequest: 2 })
      .fetch(id, [liar.peer, flaky.peer, honest.peer], { onPeerDropped: (e) => dropped.push(`${e.peer}:${e.reason}:${e.misbehaved}`) })
    expect(result.complete).toBe(true)
    expect(await local.read(id)).toEqual(blob)
    expect(reasons(result)).toEqual({ liar: 'bad-chunk', flaky: 'disconnected' })
    expect(dropped.sort()).toEqual(['flaky:disconnected:false', 'liar:bad-chunk:true'])
    // Requests were spread: every peer was asked for chunks at once.
    for (const p of [honest, liar, flaky]) expect(p.asked.length).toBeGreaterThan(0)
    expect(flaky.sent).toHaveLength(3)
    // Every chunk was stored once; chunks lost with the liar and the flaky peer were asked again elsewhere.
    // (Requests queued to a peer when it was dropped never reach it, so `requested` may exceed what peers saw.)
    expect(result.received).toBe(13)
    expect(result.requested).toBeGreaterThanOrEqual(honest.asked.length + liar.asked.length + flaky.asked.length)
    expect(new Set([...honest.asked, ...flaky.sent]).size).toBe(13)
  })

  it('resumes after an interruption without asking again for stored chunks', async () => {
    const blob = patternBlob(10 * C + 1, 2)
    const { id } = blobManifest(blob)
    const seed = await storeWith(blob)
    const disk = new MemoryByteStore()
    // First attempt: the only peer vanishes after 4 chunks.
    const first = await new BlobFetcher(new BlobStore(new MemoryStorageAdapter({ store: disk })), { clock: new ManualClock(), maxInFlightPerPeer: 2, maxChunksPerRequest: 1 })
      .fetch(id, [servingPeer('a', seed, { disconnectAfterChunks: 4 }).peer])
    // The peer sent 4 chunks; those still in flight when it hung up are lost with the connection.
    expect(first.complete).toBe(false)
    expect(first.received).toBeGreaterThanOrEqual(2)
    expect(first.received).toBeLessThanOrEqual(4)
    const lost = Array.from({ length: 11 - first.received }, (_, i) => first.received + i)
    expect(first.missing).toEqual(lost)
    expect(reasons(first)).toEqual({ a: 'disconnected' })
    // After a "restart", a new fetch asks only for what is missing.
    const restarted = new BlobStore(new MemoryStorageAdapter({ store: disk }))
    const b = servingPeer('b', seed)
    const second = await new BlobFetcher(restarted, { clock: new ManualClock() }).fetch(id, [b.peer])
    expect(second.complete).toBe(true)
    expect(second.requested).toBe(lost.length)
    expect(second.received).toBe(lost.length)
    expect(b.asked.sort((x, y) => x - y)).toEqual(lost)
    expect(await restarted.read(id)).toEqual(blob)
    // And a third fetch of a stored blob asks nobody for anything.
    const c = servingPeer('c', seed)
    const third = await new BlobFetcher(restarted, { clock: new ManualClock() }).fetch(id, [c.peer])
    expect(third).toMatchObject({ complete: true, requested: 0 })
    expect(c.asked).toEqual([])
  })

  it('stops on abort and resumes later from storage', async () => {
    const blob = patternBlob(8 * C, 4)
    const { id } = blobManifest(blob)
    const seed = await storeWith(blob)
    const local = fresh()
    const abort = new AbortController()
    const fetcher = new BlobFetcher(local, { clock: new ManualClock(), maxInFlightPerPeer: 1, maxChunksPerRequest: 1 })
    const first = await fetcher.fetch(id, [servingPeer('a', seed).peer], {
      signal: abort.signal,
      onProgress: (e) => { if (e.chunksDone === 3) abort.abort() }
    })
    expect(first.complete).toBe(false)
    expect(first.dropped).toEqual([])
    const stored = 8 - first.missing.length
    expect(stored).toBeGreaterThanOrEqual(3)
    const b = servingPeer('b', seed)
    const second = await fetcher.fetch(id, [b.peer])
    expect(second.complete).toBe(true)
    expect(b.asked).toHaveLength(8 - stored)
  })

  it('drops a peer that goes silent after the timeout and gets its chunks elsewhere', async () => {
    const blob = patternBlob(6 * C, 5)
    const { id } = blobManifest(blob)
    const seed = await storeWith(blob)
    const clock = new ManualClock()
    const silent = servingPeer('silent', seed, { rewrite: (bytes) => (decodeBlobMessage(bytes).type === 'chunk' ? undefined : bytes) })
    const honest = servingPeer('honest', seed)
    let settled = false
    const pending = new BlobFetcher(fresh(), { clock, timeoutMs: 10_000, maxInFlightPerPeer: 2 }).fetch(id, [silent.peer, honest.peer])
    void pending.then(() => { settled = true })
    await settle()
    expect(settled).toBe(false) // the honest peer is done with its share; the silent one holds the rest
    clock.advance(9_999)
    await settle()
    expect(settled).toBe(false)
    clock.advance(1)
    const result = await pending
    expect(result.complete).toBe(true)
    expect(reasons(result)).toEqual({ silent: 'timeout' })
    expect(silent.asked.length).toBeGreaterThan(0)
  })

  it('finishes without waiting for a peer that never answers, even if its stream ignores close()', async () => {
    const blob = patternBlob(2 * C, 9)
    const { id } = blobManifest(blob)
    const blackHole = { id: 'void', stream: { send: () => undefined, receive: () => new Promise<undefined>(() => undefined), close: () => undefined } }
    const result = await new BlobFetcher(fresh(), { clock: new ManualClock() }).fetch(id, [blackHole, servingPeer('honest', await storeWith(blob)).peer])
    expect(result.complete).toBe(true)
    expect(result.dropped).toEqual([])
  })

  it('drops peers that send a bad manifest, no blob, garbage or unasked chunks; completes from the honest one', async () => {
    const blob = patternBlob(3 * C + 7, 6)
    const { id } = blobManifest(blob)
    const seed = await storeWith(blob)
    const forgeManifest = (bytes: Uint8Array): Uint8Array => {
      const m = decodeBlobMessage(bytes)
      if (m.type !== 'blob-manifest') return bytes
      const hashes = m.manifest.hashes.map((h, i) => (i === 1 ? new Uint8Array(32) : h))
      return encodeBlobMessage({ type: 'blob-manifest', manifest: { ...m.manifest, hashes } })
    }
    const shiftIndex = (bytes: Uint8Array): Uint8Array => {
      const m = decodeBlobMessage(bytes)
      return m.type === 'chunk' ? encodeBlobMessage({ ...m, index: (m.index + 1) % 4, data: chunkOf(blob, (m.index + 1) % 4).slice() }) : bytes
    }
    const peers: TestPeer[] = [
      servingPeer('forger', seed, { rewrite: forgeManifest }),
      servingPeer('empty', fresh()),
      servingPeer('garbage', seed, { rewrite: (bytes) => (decodeBlobMessage(bytes).type === 'chunk' ? new Uint8Array([0xff, 1, 2]) : bytes) }),
      servingPeer('shifter', seed, { rewrite: shiftIndex }),
      servingPeer('honest', seed)
    ]
    const local = fresh()
    const result = await new BlobFetcher(local, { clock: new ManualClock(), maxInFlightPerPeer: 1, maxChunksPerRequest: 1 }).fetch(id, peers.map((p) => p.peer))
    expect(result.complete).toBe(true)
    expect(await local.read(id)).toEqual(blob)
    expect(reasons(result)).toEqual({ forger: 'bad-manifest', empty: 'unavailable', garbage: 'malformed-message', shifter: 'unexpected-message' })
    expect(result.dropped.map((d) => [d.peer, d.misbehaved])).toContainEqual(['empty', false])
  })

  it('uses partial holders for what they have, and reports what nobody has', async () => {
    const blob = patternBlob(6 * C, 7)
    const manifest = blobManifest(blob)
    const partial = (indices: number[]): Promise<BlobStore> => (async () => {
      const s = fresh()
      await s.saveManifest(manifest)
      for (const i of indices) await s.putChunk(manifest, i, chunkOf(blob, i))
      return s
    })()
    const a = servingPeer('a', await partial([0, 1, 2]))
    const b = servingPeer('b', await partial([2, 3, 4]))
    const result = await new BlobFetcher(fresh(), { clock: new ManualClock() }).fetch(manifest.id, [a.peer, b.peer])
    expect(result.complete).toBe(false)
    expect(result.missing).toEqual([5])
    expect(result.received).toBe(5)
    expect(result.dropped).toEqual([])
  })

  it('fails the fetch when the blob is not the size the attachment announced', async () => {
    const blob = patternBlob(C + 1)
    const seed = await storeWith(blob)
    const err = await new BlobFetcher(fresh(), { clock: new ManualClock() })
      .fetch(blobManifest(blob).id, [servingPeer('a', seed).peer], { expectedSize: C })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BlobManifestError)
    expect((err as BlobManifestError).reason).toBe('size-mismatch')
  })

  it('with no peers, or only peers without the blob, ends incomplete', async () => {
    const id = new Uint8Array(32).fill(3)
    const none = await new BlobFetcher(fresh(), { clock: new ManualClock() }).fetch(id, [])
    expect(none).toMatchObject({ complete: false, manifest: undefined, missing: [] })
    const empty = await new BlobFetcher(fresh(), { clock: new ManualClock() }).fetch(id, [servingPeer('x', fresh()).peer])
    expect(reasons(empty)).toEqual({ x: 'unavailable' })
  })

  it('completes whenever one honest peer remains, whatever the others do (property)', async () => {
    const behaviour = fc.oneof(
      fc.constant({ kind: 'honest' as const }),
      fc.constant({ kind: 'liar' as const }),
      fc.nat({ max: 6 }).map((n) => ({ kind: 'flaky' as const, n })),
      fc.uniqueArray(fc.nat({ max: 5 }), { maxLength: 6 }).map((chunks) => ({ kind: 'partial' as const, chunks }))
    )
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 6 * C }), fc.array(behaviour, { maxLength: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }),
      async (size, others, inFlight, perRequest) => {
        const blob = patternBlob(size, size % 13)
        const manifest = blobManifest(blob)
        const seed = await storeWith(blob)
        const peers = await Promise.all(others.map(async (b, i) => {
          if (b.kind === 'honest') return servingPeer(`p${i}`, seed)
          if (b.kind === 'liar') return servingPeer(`p${i}`, seed, { rewrite: corruptChunks })
          if (b.kind === 'flaky') return servingPeer(`p${i}`, seed, { disconnectAfterChunks: b.n })
          const s = fresh()
          await s.saveManifest(manifest)
          for (const c of b.chunks.filter((c) => c < manifest.hashes.length)) await s.putChunk(manifest, c, chunkOf(blob, c))
          return servingPeer(`p${i}`, s)
        }))
        peers.splice(others.length % (peers.length + 1), 0, servingPeer('honest', seed))
        const local = fresh()
        const result = await new BlobFetcher(local, { clock: new ManualClock(), maxInFlightPerPeer: inFlight, maxChunksPerRequest: perRequest }).fetch(manifest.id, peers.map((p) => p.peer))
        expect(result.complete).toBe(true)
        expect(result.received).toBe(manifest.hashes.length)
        expect(await local.read(manifest.id)).toEqual(blob)
        expect(result.dropped.every((d) => d.peer !== 'honest')).toBe(true)
      }), { numRuns: 25 })
  })

  it('a peer whose replies are mutated at random never crashes the fetch (property)', async () => {
    const blob = patternBlob(2 * C + 3, 8)
    const manifest = blobManifest(blob)
    const seed = await storeWith(blob)
    const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 })
    await fc.assert(fc.asyncProperty(mutation, fc.nat(), async (flips, cut) => {
      const mutate = (bytes: Uint8Array): Uint8Array => {
        const out = bytes.slice(0, Math.max(1, bytes.length - (cut % 4 === 0 ? cut % bytes.length : 0)))
        for (const [at, value] of flips) out[at % out.length] = value
        return out
      }
      const local = fresh()
      const result = await new BlobFetcher(local, { clock: new ManualClock(), maxInFlightPerPeer: 2 })
        .fetch(manifest.id, [servingPeer('mutant', seed, { rewrite: mutate }).peer, servingPeer('honest', seed).peer])
      expect(result.complete).toBe(true)
      expect(await local.read(manifest.id)).toEqual(blob)
      expect(result.dropped.every((d) => d.peer === 'mutant')).toBe(true)
    }), { numRuns: 40 })
  })
})
