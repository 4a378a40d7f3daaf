/**
 * Test vectors for blobs (packages/protocol/test-vectors/blob.json). Every
 * vector is recomputed from its fixed inputs and compared byte for byte with
 * the committed file; `UPDATE_VECTORS=1 npx vitest run
 * packages/protocol/src/blob/vectors.test.ts` rewrites it instead. A second
 * pass reads the committed file the way an independent implementation
 * would: plain SHA-256 over the spelled-out preimages, decoding and
 * re-encoding every message.
 */
import { describe, expect, it } from 'vitest'
import { sha256 } from '../crypto/sha256.ts'
import { concat, fromHex, toHex, utf8 } from '../bytes.ts'
import { encodeCanonical, type CborValue } from '../encoding/cbor.ts'
import { ProtocolError } from '../errors.ts'
import { BLOB_CHUNK_SIZE, BLOB_CHUNK_TAG, chunkCount, chunkOf, MAX_BLOB_SIZE } from './chunking.ts'
import { BLOB_ID_TAG, blobManifest, verifyChunk, verifyManifest } from './manifest.ts'
import { decodeBlobMessage, encodeBlobMessage, MAX_CHUNKS_PER_GET, type BlobMessage } from './messages.ts'
import { patternBlob } from './test-support.ts'

interface FsApi {
  readFileSync(path: URL, encoding: 'utf8'): string
  writeFileSync(path: URL, data: string): void
  existsSync(path: URL): boolean
}
const NODE_FS = 'node:fs'
const fs = (await import(/* @vite-ignore */ NODE_FS)) as FsApi
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
const UPDATE = env.UPDATE_VECTORS === '1'
const FILE = new URL('../../test-vectors/blob.json', import.meta.url)

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type V = Record<string, Json>
const hex = toHex
const C = BLOB_CHUNK_SIZE

/** The class name (and reason) of what `fn` throws, or "valid". */
function outcome(fn: () => unknown): { error: string; reason: Json } {
  try {
    fn()
    return { error: 'valid', reason: null }
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    return { error: err.name, reason: (err as { reason?: string }).reason ?? null }
  }
}

const BLOBS: [string, number, number][] = [
  ['empty', 0, 0],
  ['one byte', 1, 0],
  ['64 bytes', 64, 0],
  ['exactly one chunk', C, 0],
  ['one chunk and one byte', C + 1, 0],
  ['three chunks, the last of 7 bytes', 2 * C + 7, 1]
]

function u64be(n: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(n))
  return out
}

function generate(): Json {
  const blobs: Json[] = []
  for (const [name, size, seed] of BLOBS) {
    const data = patternBlob(size, seed)
    const m = blobManifest(data)
    blobs.push({
      name, size, seed,
      data: size <= 64 ? hex(data) : null,
      chunkHashes: m.hashes.map(hex),
      idPreimage: hex(concat(u64be(size), ...m.hashes)),
      id: hex(m.id),
      manifest: hex(encodeBlobMessage({ type: 'blob-manifest', manifest: m }))
    })
  }
  const small = patternBlob(64)
  const sm = blobManifest(small)
  const two = blobManifest(patternBlob(C + 1))
  const messages: [string, BlobMessage][] = [
    ['want', { type: 'blob-want', id: sm.id }],
    ['get of three chunks', { type: 'chunk-get', id: two.id, chunks: [0, 1, 399] }],
    ['the chunk of the 64-byte blob', { type: 'chunk', id: sm.id, index: 0, data: small }],
    ['the last chunk (1 byte) of a two-chunk blob', { type: 'chunk', id: two.id, index: 1, data: chunkOf(patternBlob(C + 1), 1).slice() }],
    ['unknown blob', { type: 'blob-error', id: sm.id, code: 'unknown-blob' }],
    ['missing chunks', { type: 'blob-error', id: two.id, code: 'missing', chunks: [1] }],
    ['busy', { type: 'blob-error', id: two.id, code: 'busy' }],
    ['bad request', { type: 'blob-error', id: two.id, code: 'bad-request' }]
  ]
  const raw = (t: string, fields: Record<string, CborValue>): string => hex(encodeCanonical({ v: 1, t, ...fields }))
  const packed = (hashes: readonly Uint8Array[]): Uint8Array => concat(...hashes)
  const invalid: [string, string][] = [
    ['manifest with a hash too few', raw('blob-manifest', { id: two.id, size: C + 1, hashes: packed(two.hashes.slice(1)) })],
    ['manifest of a blob over 100 MiB', raw('blob-manifest', { id: two.id, size: MAX_BLOB_SIZE + 1, hashes: new Uint8Array(0) })],
    ['get with indices out of order', raw('chunk-get', { id: two.id, chunks: [1, 0] })],
    ['get with no indices', raw('chunk-get', { id: two.id, chunks: [] })],
    [`get of ${MAX_CHUNKS_PER_GET + 1} chunks`, raw('chunk-get', { id: two.id, chunks: Array.from({ length: MAX_CHUNKS_PER_GET + 1 }, (_, i) => i) })],
    ['get of chunk 400', raw('chunk-get', { id: two.id, chunks: [400] })],
    ['empty chunk', raw('chunk', { id: sm.id, index: 0, data: new Uint8Array(0) })],
    ['missing error without chunks', raw('blob-error', { id: sm.id, code: 'missing' })],
    ['unknown error code', raw('blob-error', { id: sm.id, code: 'gone' })],
    ['unknown field', raw('blob-want', { id: sm.id, x: 0 })],
    ['unknown message type', raw('blob-have', { id: sm.id })]
  ]
  const flipped = sm.hashes.map((h) => h.map((b, i) => (i === 0 ? b ^ 1 : b)))
  const badManifests: [string, string, string][] = [
    ['changed chunk hash', raw('blob-manifest', { id: sm.id, size: 64, hashes: packed(flipped) }), hex(sm.id)],
    ['size changed', raw('blob-manifest', { id: sm.id, size: 63, hashes: packed(sm.hashes) }), hex(sm.id)],
    ['honest manifest of another blob', hex(encodeBlobMessage({ type: 'blob-manifest', manifest: two })), hex(sm.id)]
  ]
  const badChunks: [string, string, number, Uint8Array][] = [
    ['64 bytes with one bit flipped', '64 bytes', 0, small.map((b, i) => (i === 5 ? b ^ 1 : b))],
    ['the 64 bytes missing the last byte', '64 bytes', 0, small.subarray(0, 63)],
    ['index past the end', '64 bytes', 1, small],
    ['last chunk of two bytes instead of one', 'one chunk and one byte', 1, new Uint8Array([0, 0])]
  ]
  const manifests = new Map(BLOBS.map(([name, size, seed]) => [name, blobManifest(patternBlob(size, seed))]))
  return {
    description: 'Attachment blobs (PROTOCOL.md §9, draft in docs/drafts/blobs.md). Blob data: byte i = (7i + seed) mod 251.',
    chunkSize: C,
    maxBlobSize: MAX_BLOB_SIZE,
    chunkHash: `SHA-256(ascii("${BLOB_CHUNK_TAG}") || 0x00 || chunk)`,
    blobId: `SHA-256(ascii("${BLOB_ID_TAG}") || 0x00 || idPreimage), idPreimage = u64be(size) || chunkHashes`,
    blobs,
    messages: messages.map(([name, m]) => ({ name, type: m.type, encoding: hex(encodeBlobMessage(m)) })),
    invalid: invalid.map(([name, encoding]) => ({ name, encoding, ...outcome(() => decodeBlobMessage(fromHex(encoding))) })),
    invalidManifests: badManifests.map(([name, encoding, expectedId]) => ({
      name, expectedId, encoding, ...outcome(() => {
        const m = decodeBlobMessage(fromHex(encoding), ['blob-manifest'])
        if (m.type === 'blob-manifest') verifyManifest(m.manifest, fromHex(expectedId))
      })
    })),
    invalidChunks: badChunks.map(([name, blob, index, data]) => ({
      name, blob, index, data: hex(data), ...outcome(() => { verifyChunk(manifests.get(blob)!, index, data) })
    }))
  }
}

describe('blob.json', () => {
  it('matches the committed file byte for byte', () => {
    const text = `${JSON.stringify(generate(), null, 2)}\n`
    if (UPDATE) {
      fs.writeFileSync(FILE, text)
      return
    }
    expect(fs.existsSync(FILE), 'blob.json is missing: run UPDATE_VECTORS=1 npx vitest run packages/protocol/src/blob/vectors.test.ts').toBe(true)
    expect(fs.readFileSync(FILE, 'utf8')).toBe(text)
  })

  it.skipIf(UPDATE)('checks out independently', () => {
    const v = JSON.parse(fs.readFileSync(FILE, 'utf8')) as V
    const tagged = (tag: string, data: Uint8Array): Uint8Array => sha256(utf8(tag), new Uint8Array([0]), data)
    for (const b of v.blobs as V[]) {
      const data = patternBlob(b.size as number, b.seed as number)
      if (b.data !== null) expect(b.data).toBe(hex(data))
      const hashes = Array.from({ length: chunkCount(data.length) }, (_, i) => tagged('hearth/blob-chunk/v1', data.subarray(i * C, (i + 1) * C)))
      expect(b.chunkHashes).toEqual(hashes.map(hex))
      const preimage = fromHex(b.idPreimage as string)
      expect(hex(preimage.subarray(0, 8))).toBe((b.size as number).toString(16).padStart(16, '0'))
      expect(hex(tagged('hearth/blob-id/v1', preimage))).toBe(b.id)
      const decoded = decodeBlobMessage(fromHex(b.manifest as string), ['blob-manifest'])
      if (decoded.type !== 'blob-manifest') throw new Error('expected a manifest')
      expect(hex(verifyManifest(decoded.manifest, fromHex(b.id as string)).id)).toBe(b.id)
    }
    for (const m of v.messages as V[]) {
      const decoded = decodeBlobMessage(fromHex(m.encoding as string))
      expect(decoded.type).toBe(m.type)
      expect(hex(encodeBlobMessage(decoded))).toBe(m.encoding)
    }
    for (const c of v.invalid as V[]) {
      expect(c.error, c.name as string).not.toBe('valid')
      expect(outcome(() => decodeBlobMessage(fromHex(c.encoding as string))).error, c.name as string).toBe(c.error)
    }
    for (const c of [...(v.invalidManifests as V[]), ...(v.invalidChunks as V[])]) expect(c.error, c.name as string).not.toBe('valid')
  })
})
