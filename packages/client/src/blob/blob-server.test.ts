/**
 * The serving side, spoken to directly: manifests, chunks in order, partial
 * holders naming what they lack, bad requests, and a peer that sends garbage
 * or non-requests getting its stream closed. Plus the in-memory stream and
 * the manual clock the tests rely on.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  BLOB_CHUNK_SIZE,
  blobManifest,
  chunkOf,
  decodeBlobMessage,
  encodeBlobMessage,
  MemoryStorageAdapter,
  type BlobMessage
} from '@hearth/protocol'
import { BlobStore } from './blob-store.ts'
import { serveBlobs } from './blob-server.ts'
import { ManualClock } from '../transport/clock.ts'
import { memoryStreamPair, StreamClosedError } from '../transport/message-stream.ts'
import { patternBlob, storeWith } from './test-support.ts'

const C = BLOB_CHUNK_SIZE

async function exchange(store: BlobStore, request: BlobMessage | Uint8Array, replies: number): Promise<{ got: BlobMessage[]; end: unknown }> {
  const [client, server] = memoryStreamPair()
  const served = serveBlobs(store, server)
  await client.send(request instanceof Uint8Array ? request : encodeBlobMessage(request))
  const got: BlobMessage[] = []
  for (let i = 0; i < replies; i++) {
    const bytes = await client.receive()
    if (bytes === undefined) break
    got.push(decodeBlobMessage(bytes))
  }
  client.close()
  return { got, end: await served }
}

describe('serveBlobs', () => {
  const blob = patternBlob(3 * C + 1)
  const manifest = blobManifest(blob)

  it('answers a want with the manifest, and an unknown blob with unknown-blob', async () => {
    const store = await storeWith(blob)
    expect((await exchange(store, { type: 'blob-want', id: manifest.id }, 1)).got).toEqual([{ type: 'blob-manifest', manifest: { id: manifest.id, size: manifest.size, hashes: manifest.hashes } }])
    const other = new Uint8Array(32).fill(1)
    expect((await exchange(store, { type: 'blob-want', id: other }, 1)).got).toEqual([{ type: 'blob-error', id: other, code: 'unknown-blob' }])
    expect((await exchange(store, { type: 'chunk-get', id: other, chunks: [0] }, 1)).got).toEqual([{ type: 'blob-error', id: other, code: 'unknown-blob' }])
  })

  it('sends the chunks asked for in order; a partial holder names the rest missing', async () => {
    const full = await storeWith(blob)
    const { got } = await exchange(full, { type: 'chunk-get', id: manifest.id, chunks: [1, 3] }, 2)
    expect(got).toEqual([{ type: 'chunk', id: manifest.id, index: 1, data: chunkOf(blob, 1) }, { type: 'chunk', id: manifest.id, index: 3, data: chunkOf(blob, 3) }])
    const partial = new BlobStore(new MemoryStorageAdapter())
    await partial.putChunk(manifest, 2, chunkOf(blob, 2))
    const answer = await exchange(partial, { type: 'chunk-get', id: manifest.id, chunks: [0, 2, 3] }, 2)
    expect(answer.got).toEqual([{ type: 'chunk', id: manifest.id, index: 2, data: chunkOf(blob, 2) }, { type: 'blob-error', id: manifest.id, code: 'missing', chunks: [0, 3] }])
  })

  it('refuses chunk indices past the blob with bad-request', async () => {
    const { got } = await exchange(await storeWith(blob), { type: 'chunk-get', id: manifest.id, chunks: [3, 4] }, 1)
    expect(got).toEqual([{ type: 'blob-error', id: manifest.id, code: 'bad-request' }])
  })

  it('closes the stream on garbage and on messages that are not requests', async () => {
    const store = await storeWith(blob)
    const garbage = await exchange(store, new Uint8Array([0xa1, 0x61]), 1)
    expect(garbage.got).toEqual([])
    expect(garbage.end).toMatchObject({ reason: 'malformed' })
    const chunk = await exchange(store, { type: 'chunk', id: manifest.id, index: 0, data: chunkOf(blob, 0).slice() }, 1)
    expect(chunk.end).toEqual({ reason: 'unexpected', type: 'chunk' })
  })
})

describe('serveBlobs against hostile requests', () => {
  it('random or mutated requests end the stream or get an answer, never an exception (property)', async () => {
    const blob = patternBlob(C + 1)
    const store = await storeWith(blob)
    const { id } = blobManifest(blob)
    const valid = [encodeBlobMessage({ type: 'blob-want', id }), encodeBlobMessage({ type: 'chunk-get', id, chunks: [0, 1] })]
    const request = fc.oneof(
      fc.uint8Array({ maxLength: 100 }),
      fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([bytes, at, value]) => {
        const out = bytes.slice()
        out[at % out.length] = value
        return out
      })
    )
    await fc.assert(fc.asyncProperty(request, async (bytes) => {
      const [client, server] = memoryStreamPair()
      const served = serveBlobs(store, server)
      await client.send(bytes)
      await client.receive()
      client.close()
      expect(['closed', 'malformed', 'unexpected']).toContain((await served).reason)
    }), { numRuns: 200 })
  })
})

describe('memoryStreamPair and ManualClock', () => {
  it('delivers in order, copies, and ends both ways on close', async () => {
    const [a, b] = memoryStreamPair()
    const message = new Uint8Array([1, 2])
    await a.send(message)
    message[0] = 9
    const pending = a.receive()
    await b.send(new Uint8Array([3]))
    expect(await b.receive()).toEqual(new Uint8Array([1, 2]))
    expect(await pending).toEqual(new Uint8Array([3]))
    const waiting = b.receive()
    a.close()
    a.close()
    expect(await waiting).toBeUndefined()
    expect(await a.receive()).toBeUndefined()
    await expect(b.send(new Uint8Array([4]))).rejects.toBeInstanceOf(StreamClosedError)
  })

  it('fires timers only when advanced, in order, and never once cancelled', async () => {
    const clock = new ManualClock()
    const fired: string[] = []
    const a = clock.after(10)
    const b = clock.after(5)
    const c = clock.after(7)
    void a.promise.then(() => fired.push('a'))
    void b.promise.then(() => fired.push('b'))
    void c.promise.then(() => fired.push('c'))
    c.cancel()
    clock.advance(9)
    await Promise.resolve()
    expect(fired).toEqual(['b'])
    clock.advance(1)
    await Promise.resolve()
    expect(fired).toEqual(['b', 'a'])
    expect(clock.pending).toBe(0)
    expect(clock.now).toBe(10)
  })
})
