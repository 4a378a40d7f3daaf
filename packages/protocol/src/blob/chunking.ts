/**
 * How a blob is cut into chunks (PROTOCOL.md §9.1).
 *
 * Every chunk is {@link BLOB_CHUNK_SIZE} bytes except the last, which holds
 * the rest (1 … chunk size bytes); an empty blob has no chunks. Why 256 KiB:
 * the manifest of the largest attachment (100 MiB) is 400 hashes, 12,800
 * bytes, so it travels in one small message; a chunk plus its envelope is one
 * message of about 256 KiB, the size of the sync layer's largest message;
 * a lying peer wastes at most 256 KiB of our bandwidth per chunk before it is
 * caught; small files (avatars, screenshots) are one chunk and one round trip;
 * and it is the default chunk size of IPFS's UnixFS, a scale the swarm world
 * has tuned for. Smaller chunks would multiply requests and hashes for no gain
 * in verification (each chunk is verified on arrival either way).
 */
import { InvalidArgumentError } from '../errors.ts'
import { taggedHash } from '../crypto/sha256.ts'
import { MAX_ATTACHMENT_SIZE } from '../channel/event.ts'
import type { Bytes } from '../bytes.ts'

/** Bytes in every chunk but the last: 256 KiB. */
export const BLOB_CHUNK_SIZE = 262_144
/** Largest blob: the largest attachment a post may announce (100 MiB). */
export const MAX_BLOB_SIZE = MAX_ATTACHMENT_SIZE
/** Most chunks in a blob: ⌈100 MiB / 256 KiB⌉ = 400. */
export const MAX_BLOB_CHUNKS = Math.ceil(MAX_BLOB_SIZE / BLOB_CHUNK_SIZE)
/** Domain tag of a chunk hash (PROTOCOL.md §2.1). */
export const BLOB_CHUNK_TAG = 'hearth/blob-chunk/v1'

/** Number of chunks of a blob of `size` bytes. Throws `InvalidArgumentError` for a size out of range. */
export function chunkCount(size: number): number {
  assertBlobSize(size)
  return Math.ceil(size / BLOB_CHUNK_SIZE)
}

/** Length of chunk `index` of a blob of `size` bytes (the index must be in range). */
export function chunkLength(size: number, index: number): number {
  const count = chunkCount(size)
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new InvalidArgumentError(`chunk ${index} of a ${count}-chunk blob`)
  }
  return index === count - 1 ? size - index * BLOB_CHUNK_SIZE : BLOB_CHUNK_SIZE
}

/** Chunk `index` of `blob`: a view, not a copy. */
export function chunkOf(blob: Uint8Array, index: number): Uint8Array {
  const start = index * BLOB_CHUNK_SIZE
  return blob.subarray(start, start + chunkLength(blob.length, index))
}

/** `taggedHash("hearth/blob-chunk/v1", chunk)`: what a manifest lists per chunk. */
export function chunkHash(chunk: Uint8Array): Bytes {
  return taggedHash(BLOB_CHUNK_TAG, chunk)
}

/** Throws `InvalidArgumentError` unless `size` is an integer in 0 … {@link MAX_BLOB_SIZE}. */
export function assertBlobSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_BLOB_SIZE) {
    throw new InvalidArgumentError(`a blob is 0–${MAX_BLOB_SIZE} bytes, not ${size}`)
  }
}
