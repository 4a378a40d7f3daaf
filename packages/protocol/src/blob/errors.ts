/**
 * Why a blob manifest, chunk or transfer message is refused (PROTOCOL.md
 * §9.7). All are caused by remote input: the receiver drops the message,
 * and a peer that sent it is dropped from the transfer. Malformed bytes are
 * reported by the encoding layer's own errors (`SchemaError`,
 * `RecordTooLargeError`, …), ProtocolErrors as well.
 */
import { ReasonedProtocolError } from '../errors.ts'

/** Rules a manifest breaks. */
export type BlobManifestReason =
  | 'chunk-count' // the hash list does not have exactly ⌈size / chunk size⌉ entries
  | 'id-mismatch' // size and chunk hashes do not hash to the blob id asked for
  | 'size-mismatch' // the blob's size is not the size the attachment announced

/** A manifest that does not describe the blob it claims to. */
export class BlobManifestError extends ReasonedProtocolError<BlobManifestReason> {
  override readonly name = 'BlobManifestError'
}

/** Rules a chunk breaks, checked against a verified manifest. */
export type BlobChunkReason =
  | 'index-out-of-range' // the blob has no chunk with this index
  | 'wrong-length' // not exactly the chunk size (or, for the last chunk, the rest of the blob)
  | 'hash-mismatch' // the data does not hash to the manifest's entry

/** A chunk that is not the one the manifest names. */
export class BlobChunkError extends ReasonedProtocolError<BlobChunkReason> {
  override readonly name = 'BlobChunkError'
}
