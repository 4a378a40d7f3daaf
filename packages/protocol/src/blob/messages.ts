/**
 * The blob transfer messages (PROTOCOL.md §9.4): five unsigned records with
 * strict limits, exchanged over one stream per transfer.
 *
 *     blob-want  {id}                 → blob-manifest {id, size, hashes} | blob-error
 *     chunk-get  {id, chunks}         → chunk {id, index, data} per chunk held, then blob-error "missing" for the rest
 *
 * Unsigned because nothing here needs an author: the manifest is checked
 * against the id asked for, and each chunk against the manifest. This module
 * is the byte format and the checks that need no manifest; verification is
 * manifest.ts.
 */
import { toBytes, type Bytes } from '../bytes.ts'
import { bytes, literal, oneOf, optional, struct, uint, type Check } from '../encoding/schema.ts'
import { RecordTooLargeError, SchemaError, UnknownRecordTypeError } from '../errors.ts'
import { decodeRecordEnvelope, describeValue, encodeRecord, RECORD_VERSION } from '../records/record.ts'
import { BLOB_CHUNK_SIZE, chunkCount, MAX_BLOB_CHUNKS, MAX_BLOB_SIZE } from './chunking.ts'
import { BLOB_ID_BYTES, type BlobManifest } from './manifest.ts'
import { BlobManifestError } from './errors.ts'

/** Most chunk indices in one `chunk-get` (and one `missing` error): 32 chunks, 8 MiB. */
export const MAX_CHUNKS_PER_GET = 32
/** Encoded size limits per message type. */
export const MAX_BLOB_WANT_BYTES = 128
export const MAX_BLOB_MANIFEST_BYTES = 13_312
export const MAX_CHUNK_GET_BYTES = 256
export const MAX_CHUNK_BYTES = BLOB_CHUNK_SIZE + 256
export const MAX_BLOB_ERROR_BYTES = 256
/** The largest blob message of any type. */
export const MAX_BLOB_MESSAGE_BYTES = MAX_CHUNK_BYTES

/** Why a holder does not answer with data. */
export type BlobErrorCode =
  | 'unknown-blob' // no manifest of this blob here
  | 'missing' // the listed chunks are not here (a partial holder); the others of the request were sent
  | 'busy' // try another peer; nothing was sent for this request
  | 'bad-request' // a chunk index past the blob's end

/** Every error code, in the order of PROTOCOL.md §9.4. */
export const BLOB_ERROR_CODES: readonly BlobErrorCode[] = ['unknown-blob', 'missing', 'busy', 'bad-request']

/** A decoded blob message; `type` is its record tag. */
export type BlobMessage =
  | { readonly type: 'blob-want'; readonly id: Bytes }
  | { readonly type: 'blob-manifest'; readonly manifest: BlobManifest }
  | { readonly type: 'chunk-get'; readonly id: Bytes; readonly chunks: readonly number[] }
  | { readonly type: 'chunk'; readonly id: Bytes; readonly index: number; readonly data: Bytes }
  | { readonly type: 'blob-error'; readonly id: Bytes; readonly code: BlobErrorCode; readonly chunks?: readonly number[] }

/** The record tags, one per message type. */
export type BlobMessageType = BlobMessage['type']

const blobIdField = bytes(BLOB_ID_BYTES)

/** 1 … MAX_CHUNKS_PER_GET chunk indices, strictly ascending, so each list has one spelling. */
const chunkList: Check<readonly number[]> = (value, path) => {
  if (!Array.isArray(value)) throw new SchemaError(path, 'expected an array')
  if (value.length > MAX_CHUNKS_PER_GET) throw new RecordTooLargeError(`${path}: ${value.length} chunks; the limit is ${MAX_CHUNKS_PER_GET}`)
  if (value.length === 0) throw new SchemaError(path, 'must name at least one chunk')
  const index = uint(0, MAX_BLOB_CHUNKS - 1)
  const out = value.map((v: unknown, i) => index(v, `${path}[${i}]`))
  for (let i = 1; i < out.length; i++) {
    if ((out[i] as number) <= (out[i - 1] as number)) throw new SchemaError(path, 'chunk indices must be strictly ascending')
  }
  return out
}

const envelope = { v: literal(RECORD_VERSION) }
const shapes = {
  'blob-want': { maxBytes: MAX_BLOB_WANT_BYTES, check: struct({ ...envelope, t: literal('blob-want'), id: blobIdField }) },
  'blob-manifest': {
    maxBytes: MAX_BLOB_MANIFEST_BYTES,
    check: struct({
      ...envelope,
      t: literal('blob-manifest'),
      id: blobIdField,
      size: uint(0, MAX_BLOB_SIZE),
      hashes: bytes({ max: MAX_BLOB_CHUNKS * BLOB_ID_BYTES })
    })
  },
  'chunk-get': { maxBytes: MAX_CHUNK_GET_BYTES, check: struct({ ...envelope, t: literal('chunk-get'), id: blobIdField, chunks: chunkList }) },
  chunk: {
    maxBytes: MAX_CHUNK_BYTES,
    check: struct({
      ...envelope,
      t: literal('chunk'),
      id: blobIdField,
      index: uint(0, MAX_BLOB_CHUNKS - 1),
      data: bytes({ min: 1, max: BLOB_CHUNK_SIZE })
    })
  },
  'blob-error': {
    maxBytes: MAX_BLOB_ERROR_BYTES,
    check: struct({ ...envelope, t: literal('blob-error'), id: blobIdField, code: oneOf(...BLOB_ERROR_CODES), chunks: optional(chunkList) })
  }
} as const

function isBlobMessageType(tag: unknown): tag is BlobMessageType {
  return typeof tag === 'string' && Object.hasOwn(shapes, tag)
}

/**
 * Decode one blob message of any type, checking everything that needs no
 * manifest: size limit of its type, canonical CBOR, the record envelope,
 * every field and no others, chunk lists strictly ascending, a manifest's
 * hash count matching its size, `chunks` present exactly on `missing` errors.
 * Throws only `ProtocolError`s. `expected` narrows the accepted types.
 */
export function decodeBlobMessage(bytes: Uint8Array, expected?: readonly BlobMessageType[]): BlobMessage {
  const { map, tag } = decodeRecordEnvelope(bytes, MAX_BLOB_MESSAGE_BYTES)
  if (!isBlobMessageType(tag) || (expected !== undefined && !expected.includes(tag))) {
    throw new UnknownRecordTypeError(`expected a blob message${expected ? ` (${expected.join(', ')})` : ''}, got ${describeValue(tag)}`)
  }
  const shape = shapes[tag]
  if (bytes.length > shape.maxBytes) throw new RecordTooLargeError(`a ${tag} of ${bytes.length} bytes; the limit is ${shape.maxBytes}`)
  switch (tag) {
    case 'blob-want':
      return { type: tag, id: shapes[tag].check(map, '').id }
    case 'blob-manifest': {
      const m = shapes[tag].check(map, '')
      const count = chunkCount(m.size)
      if (m.hashes.length !== count * BLOB_ID_BYTES) {
        throw new BlobManifestError('chunk-count', `${m.hashes.length} hash bytes for ${count} chunks of a ${m.size}-byte blob`)
      }
      const hashes: Bytes[] = []
      for (let i = 0; i < count; i++) hashes.push(toBytes(m.hashes.subarray(i * BLOB_ID_BYTES, (i + 1) * BLOB_ID_BYTES)))
      return { type: tag, manifest: { id: m.id, size: m.size, hashes } }
    }
    case 'chunk-get': {
      const m = shapes[tag].check(map, '')
      return { type: tag, id: m.id, chunks: m.chunks }
    }
    case 'chunk': {
      const m = shapes[tag].check(map, '')
      return { type: tag, id: m.id, index: m.index, data: m.data }
    }
    case 'blob-error': {
      const m = shapes[tag].check(map, '')
      if ((m.code === 'missing') !== (m.chunks !== undefined)) {
        throw new SchemaError('chunks', m.code === 'missing' ? 'missing' : `not allowed with code ${m.code}`)
      }
      return m.chunks === undefined ? { type: tag, id: m.id, code: m.code } : { type: tag, id: m.id, code: m.code, chunks: m.chunks }
    }
  }
}

/**
 * Canonical bytes of a blob message. Throws a plain Error when the message
 * breaks a rule the decoder enforces (a local bug: we never send what we
 * would refuse).
 */
export function encodeBlobMessage(message: BlobMessage): Bytes {
  let record: Record<string, unknown>
  switch (message.type) {
    case 'blob-want':
      record = { id: message.id }
      break
    case 'blob-manifest': {
      const { id, size, hashes } = message.manifest
      const packed = new Uint8Array(hashes.length * BLOB_ID_BYTES)
      hashes.forEach((h, i) => {
        packed.set(h, i * BLOB_ID_BYTES)
      })
      record = { id, size, hashes: packed }
      break
    }
    case 'chunk-get':
      record = { id: message.id, chunks: message.chunks }
      break
    case 'chunk':
      record = { id: message.id, index: message.index, data: message.data }
      break
    case 'blob-error':
      record = { id: message.id, code: message.code, chunks: message.chunks }
      break
  }
  const encoded = encodeRecord({ v: RECORD_VERSION, t: message.type, ...record })
  if (message.type === 'chunk') {
    // A chunk is checked by hand rather than decoded again: a server sends thousands of them.
    const { index, data } = message
    if (!Number.isSafeInteger(index) || index < 0 || index >= MAX_BLOB_CHUNKS || data.length < 1 || data.length > BLOB_CHUNK_SIZE) {
      throw new Error(`refusing to send an invalid chunk (index ${index}, ${data.length} bytes)`)
    }
    return encoded
  }
  try {
    decodeBlobMessage(encoded, [message.type])
  } catch (err) {
    throw new Error(`refusing to send an invalid ${message.type}: ${(err as Error).message}`, { cause: err })
  }
  return encoded
}
