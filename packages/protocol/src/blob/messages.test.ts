/**
 * The transfer messages: byte-exact example, round trips of random messages,
 * the largest message of each type within its limit, every rule refused with
 * its typed error, and hostile bytes giving only ProtocolErrors.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fromHex, toHex } from '../bytes.ts'
import { encodeCanonical, type CborValue } from '../encoding/cbor.ts'
import {
  NonCanonicalEncodingError,
  ProtocolError,
  RecordTooLargeError,
  SchemaError,
  UnknownRecordTypeError,
  UnknownVersionError
} from '../errors.ts'
import { BLOB_CHUNK_SIZE, MAX_BLOB_CHUNKS, MAX_BLOB_SIZE } from './chunking.ts'
import { blobIdOf, blobManifest } from './manifest.ts'
import {
  decodeBlobMessage,
  encodeBlobMessage,
  MAX_BLOB_MANIFEST_BYTES,
  MAX_CHUNK_BYTES,
  MAX_CHUNK_GET_BYTES,
  MAX_BLOB_ERROR_BYTES,
  MAX_BLOB_WANT_BYTES,
  MAX_CHUNKS_PER_GET,
  type BlobMessage
} from './messages.ts'
import { BlobManifestError } from './errors.ts'
import { patternBlob } from './test-support.ts'

const id = new Uint8Array(32).fill(0xab)
const raw = (t: string, fields: Record<string, CborValue>, v = 1): Uint8Array => encodeCanonical({ v, t, ...fields })
const ascending = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i)

describe('blob message encoding', () => {
  it('matches the byte-exact example of PROTOCOL.md §9.4', () => {
    const bytes = encodeBlobMessage({ type: 'chunk-get', id, chunks: [0, 1, 24] })
    // Keys sort by their encoded bytes: "t", "v" (1 character), "id", then "chunks".
    const expected = 'a4' + '6174' + '69' + toHex(new TextEncoder().encode('chunk-get')) + '6176' + '01' +
      '626964' + '5820' + 'ab'.repeat(32) + '66' + toHex(new TextEncoder().encode('chunks')) + '83' + '00' + '01' + '1818'
    expect(toHex(bytes)).toBe(expected)
    expect(decodeBlobMessage(fromHex(expected))).toEqual({ type: 'chunk-get', id, chunks: [0, 1, 24] })
  })

  it('round-trips random messages of every type (property)', () => {
    fc.assert(fc.property(randomMessage, (message) => {
      expect(decodeBlobMessage(encodeBlobMessage(message))).toEqual(message)
    }), { numRuns: 300 })
  })

  it('the largest message of each type fits its limit', () => {
    const hashes = Array.from({ length: MAX_BLOB_CHUNKS }, () => new Uint8Array(32).fill(0xff))
    const biggest: [BlobMessage, number][] = [
      [{ type: 'blob-want', id }, MAX_BLOB_WANT_BYTES],
      [{ type: 'blob-manifest', manifest: { id: blobIdOf(MAX_BLOB_SIZE, hashes), size: MAX_BLOB_SIZE, hashes } }, MAX_BLOB_MANIFEST_BYTES],
      [{ type: 'chunk-get', id, chunks: ascending(MAX_CHUNKS_PER_GET, MAX_BLOB_CHUNKS - MAX_CHUNKS_PER_GET) }, MAX_CHUNK_GET_BYTES],
      [{ type: 'chunk', id, index: MAX_BLOB_CHUNKS - 1, data: new Uint8Array(BLOB_CHUNK_SIZE) }, MAX_CHUNK_BYTES],
      [{ type: 'blob-error', id, code: 'missing', chunks: ascending(MAX_CHUNKS_PER_GET, MAX_BLOB_CHUNKS - MAX_CHUNKS_PER_GET) }, MAX_BLOB_ERROR_BYTES]
    ]
    for (const [message, limit] of biggest) {
      const bytes = encodeBlobMessage(message)
      expect(bytes.length, message.type).toBeLessThanOrEqual(limit)
      expect(decodeBlobMessage(bytes).type).toBe(message.type)
    }
  })

  it('refuses to encode what it would refuse to decode (a local bug)', () => {
    expect(() => encodeBlobMessage({ type: 'chunk-get', id, chunks: [2, 1] })).toThrow(Error)
    expect(() => encodeBlobMessage({ type: 'chunk', id, index: 0, data: new Uint8Array(0) })).toThrow(Error)
    expect(() => encodeBlobMessage({ type: 'chunk', id, index: MAX_BLOB_CHUNKS, data: new Uint8Array(1) })).toThrow(Error)
    expect(() => encodeBlobMessage({ type: 'blob-error', id, code: 'missing' })).toThrow(Error)
  })
})

describe('blob message decoding refuses', () => {
  const m = blobManifest(patternBlob(BLOB_CHUNK_SIZE + 1))
  const packed = new Uint8Array([...m.hashes[0]!, ...m.hashes[1]!])
  const cases: [string, Uint8Array, new (...args: never[]) => ProtocolError, string?][] = [
    ['an unknown record type', raw('blob-have', { id }), UnknownRecordTypeError],
    ['another protocol\'s record', raw('rbsr', { r: [] }), UnknownRecordTypeError],
    ['version 2', raw('blob-want', { id }, 2), UnknownVersionError],
    ['no type', encodeCanonical({ v: 1, id }), SchemaError],
    ['not a map', encodeCanonical([1, 'blob-want']), SchemaError],
    ['an unknown field', raw('blob-want', { id, x: 1 }), SchemaError],
    ['a short id', raw('blob-want', { id: id.subarray(1) }), SchemaError],
    ['a want padded over its limit', raw('blob-want', { id, pad: new Uint8Array(MAX_BLOB_WANT_BYTES) }), RecordTooLargeError],
    ['a manifest with a hash too few', raw('blob-manifest', { id: m.id, size: m.size, hashes: packed.subarray(32) }), BlobManifestError, 'chunk-count'],
    ['a manifest with a partial hash', raw('blob-manifest', { id: m.id, size: m.size, hashes: packed.subarray(1) }), BlobManifestError, 'chunk-count'],
    ['a manifest of a blob over 100 MiB', raw('blob-manifest', { id, size: MAX_BLOB_SIZE + 1, hashes: new Uint8Array(0) }), SchemaError],
    ['a manifest with more than 400 hashes', raw('blob-manifest', { id, size: 1, hashes: new Uint8Array(401 * 32) }), RecordTooLargeError],
    ['a manifest with a negative size', raw('blob-manifest', { id, size: -1, hashes: new Uint8Array(0) }), SchemaError],
    ['an empty chunk list', raw('chunk-get', { id, chunks: [] }), SchemaError],
    ['unsorted chunk indices', raw('chunk-get', { id, chunks: [3, 2] }), SchemaError],
    ['a repeated chunk index', raw('chunk-get', { id, chunks: [2, 2] }), SchemaError],
    ['a chunk index past the largest blob', raw('chunk-get', { id, chunks: [MAX_BLOB_CHUNKS] }), SchemaError],
    ['too many chunk indices', raw('chunk-get', { id, chunks: ascending(MAX_CHUNKS_PER_GET + 1) }), RecordTooLargeError],
    ['a text chunk index', raw('chunk-get', { id, chunks: ['1'] }), SchemaError],
    ['an empty chunk', raw('chunk', { id, index: 0, data: new Uint8Array(0) }), SchemaError],
    ['a chunk one byte over the chunk size', raw('chunk', { id, index: 0, data: new Uint8Array(BLOB_CHUNK_SIZE + 1) }), RecordTooLargeError],
    ['a chunk message over every limit', raw('chunk', { id, index: 0, data: new Uint8Array(MAX_CHUNK_BYTES) }), RecordTooLargeError],
    ['a chunk without an index', raw('chunk', { id, data: new Uint8Array(1) }), SchemaError],
    ['an unknown error code', raw('blob-error', { id, code: 'nope' }), SchemaError],
    ['a missing error without chunks', raw('blob-error', { id, code: 'missing' }), SchemaError],
    ['chunks on an unknown-blob error', raw('blob-error', { id, code: 'unknown-blob', chunks: [0] }), SchemaError],
    ['non-canonical CBOR (long-form integer)', fromHex(toHex(raw('chunk-get', { id, chunks: [1] })).replace('8101', '811801')), NonCanonicalEncodingError]
  ]
  for (const [what, bytes, type, reason] of cases) {
    it(what, () => {
      let caught: unknown
      try {
        decodeBlobMessage(bytes)
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(type)
      if (reason !== undefined) expect((caught as { reason: string }).reason).toBe(reason)
    })
  }

  it('a type the caller does not expect here', () => {
    expect(() => decodeBlobMessage(encodeBlobMessage({ type: 'blob-want', id }), ['chunk', 'blob-error'])).toThrow(UnknownRecordTypeError)
  })
})

describe('hostile bytes', () => {
  const decodeOrProtocolError = (bytes: Uint8Array): void => {
    try {
      decodeBlobMessage(bytes)
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err
    }
  }

  it('give only ProtocolErrors: random bytes, mutated and truncated messages, random CBOR (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodeOrProtocolError), { numRuns: 500 })
    fc.assert(fc.property(randomMessage, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(),
      (message, flips, cut) => {
        const bytes = encodeBlobMessage(message).slice()
        for (const [at, value] of flips) bytes[at % bytes.length] = value
        decodeOrProtocolError(bytes)
        decodeOrProtocolError(bytes.subarray(0, cut % (bytes.length + 1)))
      }), { numRuns: 400 })
    const cbor: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' },
        fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 500 }), fc.uint8Array({ maxLength: 70 }),
        fc.string({ maxLength: 4 }), fc.array(tie('v'), { maxLength: 5 }))
    })).v
    const tags = fc.constantFrom('blob-want', 'blob-manifest', 'chunk-get', 'chunk', 'blob-error')
    const fields = fc.dictionary(fc.constantFrom('id', 'size', 'hashes', 'chunks', 'index', 'data', 'code', 'x'), cbor, { maxKeys: 5 })
    fc.assert(fc.property(tags, fields, (t, f) => { decodeOrProtocolError(raw(t, f)) }), { numRuns: 1000 })
  })
})

/** Random valid messages of every type. */
const chunkIndices = fc.uniqueArray(fc.nat({ max: MAX_BLOB_CHUNKS - 1 }), { minLength: 1, maxLength: MAX_CHUNKS_PER_GET }).map((a) => a.sort((x, y) => x - y))
const anyId = fc.uint8Array({ minLength: 32, maxLength: 32 })
const randomMessage: fc.Arbitrary<BlobMessage> = fc.oneof(
  anyId.map((i): BlobMessage => ({ type: 'blob-want', id: i })),
  fc.integer({ min: 0, max: 3 * BLOB_CHUNK_SIZE }).map((size): BlobMessage => {
    const hashes = Array.from({ length: Math.ceil(size / BLOB_CHUNK_SIZE) }, (_, i) => new Uint8Array(32).fill(i + size))
    return { type: 'blob-manifest', manifest: { id: blobIdOf(size, hashes), size, hashes } }
  }),
  fc.tuple(anyId, chunkIndices).map(([i, chunks]): BlobMessage => ({ type: 'chunk-get', id: i, chunks })),
  fc.tuple(anyId, fc.nat({ max: MAX_BLOB_CHUNKS - 1 }), fc.uint8Array({ minLength: 1, maxLength: 300 })).map(([i, index, data]): BlobMessage => ({ type: 'chunk', id: i, index, data })),
  fc.tuple(anyId, fc.constantFrom<'unknown-blob' | 'busy' | 'bad-request'>('unknown-blob', 'busy', 'bad-request')).map(([i, code]): BlobMessage => ({ type: 'blob-error', id: i, code })),
  fc.tuple(anyId, chunkIndices).map(([i, chunks]): BlobMessage => ({ type: 'blob-error', id: i, code: 'missing', chunks }))
)
