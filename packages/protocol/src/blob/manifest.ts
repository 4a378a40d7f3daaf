/**
 * The blob id and manifest (PROTOCOL.md §9.2): what lets every chunk be
 * verified the moment it arrives, from any peer.
 *
 *     h_i    = taggedHash("hearth/blob-chunk/v1", chunk_i)
 *     blobId = taggedHash("hearth/blob-id/v1", u64be(size) ‖ h_0 ‖ … ‖ h_{n−1})
 *
 * A plain SHA-256 of the whole file could only be checked once all of it had
 * arrived, so one lying peer could poison a 100 MiB download without being
 * identified. Here the receiver first fetches the manifest (size and chunk
 * hashes, ≤ 12,800 bytes), checks that it hashes to the id it asked for, and
 * then checks each chunk against its entry. A flat list rather than a Merkle
 * tree: at 400 entries the whole list is smaller than one chunk, so proofs
 * would add bytes and rules without saving any. The size is in the preimage,
 * so one id names one length and the last chunk's length is fixed by it.
 */
import { equalBytes, type Bytes } from '../bytes.ts'
import { taggedHash, SHA256_BYTES } from '../crypto/sha256.ts'
import { InvalidArgumentError } from '../errors.ts'
import { markVerified, type Verified } from '../verified.ts'
import { chunkCount, chunkHash, chunkLength, chunkOf } from './chunking.ts'
import { BlobChunkError, BlobManifestError } from './errors.ts'

/** Domain tag of a blob id (PROTOCOL.md §2.1). */
export const BLOB_ID_TAG = 'hearth/blob-id/v1'
/** Length of a blob id in bytes. */
export const BLOB_ID_BYTES = SHA256_BYTES

/** A blob's size and chunk hashes, under the id they hash to. */
export interface BlobManifest {
  /** The blob id the manifest claims (checked by {@link verifyManifest}). */
  readonly id: Bytes
  /** Length of the blob in bytes. */
  readonly size: number
  /** `h_i` of every chunk, in order; exactly `chunkCount(size)` of them. */
  readonly hashes: readonly Bytes[]
}

/** The blob id of a blob with this size and these chunk hashes. */
export function blobIdOf(size: number, hashes: readonly Uint8Array[]): Bytes {
  if (hashes.length !== chunkCount(size)) throw new InvalidArgumentError(`${hashes.length} chunk hashes for ${size} bytes`)
  const prefix = new Uint8Array(8)
  const view = new DataView(prefix.buffer)
  view.setUint32(0, Math.floor(size / 2 ** 32))
  view.setUint32(4, size >>> 0)
  return taggedHash(BLOB_ID_TAG, prefix, ...hashes)
}

/** The manifest of a local blob (hashes every chunk). Throws `InvalidArgumentError` over 100 MiB. */
export function blobManifest(blob: Uint8Array): Verified<BlobManifest> {
  const count = chunkCount(blob.length)
  const hashes: Bytes[] = []
  for (let i = 0; i < count; i++) hashes.push(chunkHash(chunkOf(blob, i)))
  return markVerified({ id: blobIdOf(blob.length, hashes), size: blob.length, hashes })
}

/** The blob id of a local blob. */
export function blobId(blob: Uint8Array): Bytes {
  return blobManifest(blob).id
}

/**
 * Check a received manifest: the right number of hashes, hashing to its id,
 * and that id being `expectedId` (the one we asked for). Throws
 * {@link BlobManifestError}.
 */
export function verifyManifest(manifest: BlobManifest, expectedId: Uint8Array): Verified<BlobManifest> {
  if (manifest.hashes.length !== chunkCount(manifest.size) || manifest.hashes.some((h) => h.length !== SHA256_BYTES)) {
    throw new BlobManifestError('chunk-count', `${manifest.hashes.length} chunk hashes for a ${manifest.size}-byte blob`)
  }
  if (!equalBytes(manifest.id, expectedId)) throw new BlobManifestError('id-mismatch', 'a manifest of another blob')
  if (!equalBytes(blobIdOf(manifest.size, manifest.hashes), manifest.id)) {
    throw new BlobManifestError('id-mismatch', 'the size and chunk hashes do not hash to the blob id')
  }
  return markVerified({ id: manifest.id, size: manifest.size, hashes: [...manifest.hashes] })
}

/**
 * Check chunk `index` of a verified manifest's blob: in range, exactly its
 * length, and hashing to its entry. Throws {@link BlobChunkError}.
 */
export function verifyChunk(manifest: Verified<BlobManifest>, index: number, data: Uint8Array): void {
  const expected = manifest.hashes[index]
  if (!Number.isSafeInteger(index) || expected === undefined) {
    throw new BlobChunkError('index-out-of-range', `chunk ${index} of a ${manifest.hashes.length}-chunk blob`)
  }
  const length = chunkLength(manifest.size, index)
  if (data.length !== length) throw new BlobChunkError('wrong-length', `chunk ${index} is ${length} bytes, not ${data.length}`)
  if (!equalBytes(chunkHash(data), expected)) throw new BlobChunkError('hash-mismatch', `chunk ${index} does not match the manifest`)
}
