/**
 * Why a blob fetch stopped using a peer (PROTOCOL.md §9.6). Each is caused by
 * the remote side — bad data, silence, or simply not having the blob — so
 * it is a `ProtocolError` the caller may feed to peer scoring; `reason` says
 * which, and only the first four mean the peer misbehaved.
 */
import { ReasonedProtocolError } from '@hearth/protocol'

/** Why a peer was dropped from a fetch. */
export type BlobPeerDropReason =
  | 'bad-manifest' // a manifest that does not hash to the id asked for
  | 'bad-chunk' // a chunk that does not match the manifest (hash or length)
  | 'malformed-message' // bytes that do not decode as a blob message
  | 'unexpected-message' // a message not answering what we asked (unrequested chunk, other blob, wrong type)
  | 'timeout' // no answer within the timeout while we waited for one
  | 'disconnected' // the stream ended
  | 'unavailable' // the peer does not have the blob, or is busy

/** Reasons that mean the peer sent something no honest peer sends. */
export const MISBEHAVIOUR: readonly BlobPeerDropReason[] = ['bad-manifest', 'bad-chunk', 'malformed-message', 'unexpected-message']

/** A peer was dropped from a blob fetch; `peer` names it, `cause` holds the underlying error if any. */
export class BlobPeerDroppedError extends ReasonedProtocolError<BlobPeerDropReason> {
  override readonly name = 'BlobPeerDroppedError'
  readonly peer: string
  constructor(peer: string, reason: BlobPeerDropReason, message: string, options?: ErrorOptions) {
    super(reason, `peer ${peer}: ${message}`, options)
    this.peer = peer
  }

  /** Whether the peer sent something no honest peer sends (score it down), rather than being gone or lacking the blob. */
  get misbehaved(): boolean {
    return MISBEHAVIOUR.includes(this.reason)
  }
}
