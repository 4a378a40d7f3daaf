/**
 * Why the sync engine stopped talking to a peer. Each is caused by the
 * remote side (or the network), never by a local bug: the engine drops the
 * peer, moves its share of the work to the other peers, and reports the
 * error. Matched by `name` and `reason`.
 */

/** What a peer did wrong (or what happened to the connection). */
export type SyncPeerFailure =
  | 'unreachable' // the conversation could not be opened
  | 'closed' // the peer hung up (or the stream broke) mid-request
  | 'timeout' // no answer within the request timeout
  | 'malformed' // a message that does not decode (the cause is the ProtocolError)
  | 'unexpected' // a message of the wrong type for the request
  | 'reconcile' // a reconciliation message that breaks §8.6 (lying, endless splitting, too many rounds…)
  | 'refused' // the peer answered with sync-error (unknown room, limit, busy, …)
  | 'unrequested-record' // records it was not asked for, or twice
  | 'bad-record' // records that failed verification or the log's rules
  | 'no-progress' // answered a fetch without answering any id
  | 'withheld' // advertised records (in reconciliation) that it then did not send
  | 'too-many-items' // claimed more items than the engine accepts from one peer

/** The engine gave up on a peer. */
export class SyncPeerError extends Error {
  override readonly name = 'SyncPeerError'
  readonly peer: string
  readonly reason: SyncPeerFailure
  constructor(peer: string, reason: SyncPeerFailure, message: string, options?: ErrorOptions) {
    super(`${peer}: ${reason}: ${message}`, options)
    this.peer = peer
    this.reason = reason
  }
}
