/**
 * Chunking and the blob id: chunk boundaries at every size class, the id as
 * the spec writes it (recomputed with plain SHA-256), manifests verified
 * against their id, and chunks against their manifest, with every way to
 * get either wrong refused by reason.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { sha256 } from '../crypto/sha256.ts'
import { concat, equalBytes, utf8 } from '../bytes.ts'
import { InvalidArgumentError } from '../errors.ts'
import { expectThrow } from '../test-support.ts'
import { BLOB_CHUNK_SIZE, chunkCount, chunkHash, chunkLength, chunkOf, MAX_BLOB_CHUNKS, MAX_BLOB_SIZE } from './chunking.ts'
import { blobId, blobIdOf, blobManifest, verifyChunk, verifyManifest, type BlobManifest } from './manifest.ts'
import { BlobChunkError, BlobManifestError } from './errors.ts'
import { patternBlob } from './test-support.ts'

const C = BLOB_CHUNK_SIZE

describe('chunking', () => {
  it('cuts at 256 KiB with an exact last chunk', () => {
    expect(C).toBe(262_144)
    expect(MAX_BLOB_CHUNKS).toBe(400)
    const cases: [number, number, number][] = [[0, 0, 0], [1, 1, 1], [C - 1, 1, C - 1], [C, 1, C], [C + 1, 2, 1], [3 * C + 5, 4, 5], [MAX_BLOB_SIZE, 400, C]]
    for (const [size, count, last] of cases) {
      expect(chunkCount(size), `count of ${size}`).toBe(count)
      if (count > 0) expect(chunkLength(size, count - 1), `last of ${size}`).toBe(last)
    }
    expectThrow(() => chunkCount(MAX_BLOB_SIZE + 1), InvalidArgumentError)
    expectThrow(() => chunkCount(-1), InvalidArgumentError)
    expectThrow(() => chunkCount(1.5), InvalidArgumentError)
    expectThrow(() => chunkLength(C, 1), InvalidArgumentError)
  })

  it('chunks concatenate back to the blob (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -2, max: 2 }), (k, d) => {
      const size = Math.max(0, k * C + d)
      const blob = patternBlob(size)
      const parts = Array.from({ length: chunkCount(size) }, (_, i) => chunkOf(blob, i))
      expect(parts.every((p, i) => p.length === chunkLength(size, i) && p.length > 0)).toBe(true)
      expect(equalBytes(concat(...parts), blob)).toBe(true)
    }), { numRuns: 30 })
  })
})

describe('blob id', () => {
  it('is taggedHash("hearth/blob-id/v1", u64be(size) ‖ chunk hashes), recomputed with plain SHA-256', () => {
    const blob = patternBlob(C + 10)
    const h = (tag: string, data: Uint8Array): Uint8Array => sha256(utf8(tag), new Uint8Array([0]), data)
    const h0 = h('hearth/blob-chunk/v1', blob.subarray(0, C))
    const h1 = h('hearth/blob-chunk/v1', blob.subarray(C))
    const size = new Uint8Array([0, 0, 0, 0, 0, 0x04, 0x00, 0x0a])
    const id = h('hearth/blob-id/v1', concat(size, h0, h1))
    const manifest = blobManifest(blob)
    expect(manifest.size).toBe(C + 10)
    expect(manifest.hashes).toEqual([h0, h1])
    expect(manifest.id).toEqual(id)
    expect(blobId(blob)).toEqual(id)
    // The empty blob: no chunks, the id of eight zero bytes.
    expect(blobId(new Uint8Array(0))).toEqual(h('hearth/blob-id/v1', new Uint8Array(8)))
  })

  it('writes the size as u64be (the largest blob: 00000000 06400000)', () => {
    const hashes = Array.from({ length: MAX_BLOB_CHUNKS }, (_, i) => new Uint8Array(32).fill(i % 256))
    const preimage = concat(new Uint8Array([0, 0, 0, 0, 0x06, 0x40, 0, 0]), ...hashes)
    expect(blobIdOf(MAX_BLOB_SIZE, hashes)).toEqual(sha256(utf8('hearth/blob-id/v1'), new Uint8Array([0]), preimage))
    expectThrow(() => blobIdOf(MAX_BLOB_SIZE, hashes.slice(1)), InvalidArgumentError)
  })

  it('distinct blobs have distinct ids; equal blobs equal ids (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
      expect(equalBytes(blobId(a), blobId(b))).toBe(equalBytes(a, b))
    }), { numRuns: 200 })
  })
})

describe('manifest verification', () => {
  const blob = patternBlob(2 * C + 7)
  const good = blobManifest(blob)

  it('accepts the honest manifest and refuses every tampering by reason', () => {
    expect(verifyManifest({ id: good.id, size: good.size, hashes: good.hashes }, good.id)).toEqual(good)
    const flipped = good.hashes.map((x, i) => (i === 1 ? x.map((b, j) => (j === 0 ? b ^ 1 : b)) : x))
    const cases: [string, BlobManifest, Uint8Array, string][] = [
      ['a changed chunk hash', { ...good, hashes: flipped }, good.id, 'id-mismatch'],
      ['a different size with the same hashes', { ...good, size: good.size - 1 }, good.id, 'id-mismatch'],
      ['a hash too few', { ...good, hashes: good.hashes.slice(1) }, good.id, 'chunk-count'],
      ['a short hash', { ...good, hashes: [good.hashes[0]!, good.hashes[1]!, good.hashes[2]!.subarray(1)] }, good.id, 'chunk-count'],
      ['an honest manifest of another blob', blobManifest(patternBlob(5)), good.id, 'id-mismatch'],
      ['a manifest claiming the id asked for, of other chunks', { ...blobManifest(patternBlob(5)), id: good.id }, good.id, 'id-mismatch']
    ]
    for (const [what, manifest, expected, reason] of cases) {
      const err = expectThrow(() => verifyManifest(manifest, expected), BlobManifestError)
      expect((err as { reason?: string }).reason, what).toBe(reason)
    }
  })

  it('verifies each chunk on its own and refuses wrong ones by reason', () => {
    for (let i = 0; i < 3; i++) verifyChunk(good, i, chunkOf(blob, i))
    const cases: [string, number, Uint8Array, string][] = [
      ['an index past the end', 3, chunkOf(blob, 2), 'index-out-of-range'],
      ['a negative index', -1, chunkOf(blob, 0), 'index-out-of-range'],
      ['another chunk of the same blob', 0, chunkOf(blob, 1), 'hash-mismatch'],
      ['a last chunk padded to full size', 2, concat(chunkOf(blob, 2), new Uint8Array(C - 7)), 'wrong-length'],
      ['a truncated full chunk', 0, chunkOf(blob, 0).subarray(1), 'wrong-length'],
      ['one flipped bit', 1, chunkOf(blob, 1).map((b, j) => (j === 99 ? b ^ 0x80 : b)), 'hash-mismatch']
    ]
    for (const [what, index, data, reason] of cases) {
      const err = expectThrow(() => { verifyChunk(good, index, data) }, BlobChunkError)
      expect((err as { reason?: string }).reason, what).toBe(reason)
    }
  })

  it('a single flipped byte anywhere is caught in exactly that chunk (property)', () => {
    fc.assert(fc.property(fc.nat({ max: blob.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
      const bad = blob.slice()
      bad[at] = (bad[at] ?? 0) ^ x
      const hit = Math.floor(at / C)
      for (let i = 0; i < 3; i++) {
        const ok = ((): boolean => {
          try {
            verifyChunk(good, i, chunkOf(bad, i))
            return true
          } catch {
            return false
          }
        })()
        expect(ok).toBe(i !== hit)
      }
    }), { numRuns: 20 })
  })

  it('hashes a chunk as a tagged hash, not plain SHA-256', () => {
    const c = utf8('hello')
    expect(equalBytes(chunkHash(c), sha256(c))).toBe(false)
  })
})
