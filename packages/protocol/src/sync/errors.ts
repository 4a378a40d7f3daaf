/**
 * Why a reconciliation session refuses a peer's message (PROTOCOL.md §8.6).
 *
 * Every one ends the session: the caller drops the peer's session (and may
 * score the peer down) and reconciles with another peer. One class per kind
 * of violation, matched by `err.name`; `reason` is a stable code for the
 * exact rule. Malformed bytes are reported by the encoding layer's own
 * errors (`MalformedEncodingError`, `SchemaError`, `RecordTooLargeError`, …),
 * all {@link ProtocolError}s as well.
 */
import { ReasonedProtocolError } from '../errors.ts'

/** Rules about the order and form of a message's range bounds. */
export type SyncBoundsReason =
  | 'unsorted-bounds' // a bound is not strictly above the previous one (overlap, disorder, empty range)
  | 'bound-not-canonical' // a prefix longer than 32 bytes or ending in a zero byte, or a Lamport time over 2^53 − 1
  | 'infinity-not-last' // +∞ used before the last range
  | 'last-not-infinity' // the last range does not end at +∞
  | 'adjacent-skips' // two skip ranges in a row (they must be merged)

/** A message's bounds are out of order or not in their canonical form. */
export class SyncBoundsError extends ReasonedProtocolError<SyncBoundsReason> {
  override readonly name = 'SyncBoundsError'
}

/** Rules about how a reply's ranges relate to the ranges we left open. */
export type SyncStructureReason =
  | 'outside-open-range' // a fingerprint/ids/diff range over key space we did not leave open
  | 'crosses-open-range' // a range that starts inside one of our open ranges and ends outside it
  | 'mode-not-allowed' // e.g. a diff answering a fingerprint, or an id list answering an id list
  | 'no-progress' // our first open range was not answered (echoed back unchanged, or deferred)
  | 'too-deep' // a range split more times than any honest peer needs (endless splitting)
  | 'session-ended' // a message after the session finished

/** A reply does not answer the ranges we sent (a split outside its parent, no progress, …). */
export class SyncStructureError extends ReasonedProtocolError<SyncStructureReason> {
  override readonly name = 'SyncStructureError'
}

/** Rules about the item keys a message lists. */
export type SyncItemsReason =
  | 'count-mismatch' // the Lamport list and the id bytes disagree on the number of items
  | 'unsorted-items' // keys not strictly ascending
  | 'item-outside-range' // a key outside the range that lists it
  | 'claims-our-item' // a diff says we lack a key that we listed as ours
  | 'lack-length' // a lack bitmap of the wrong length for the ids we listed in that range
  | 'lack-padding' // a lack bitmap with padding bits set
  | 'empty-diff' // a diff with no ids and no lack bits (must be sent as skip)

/** A message lists item keys that are malformed or contradict what we sent. */
export class SyncItemsError extends ReasonedProtocolError<SyncItemsReason> {
  override readonly name = 'SyncItemsError'
}

/** Limits a message or session can exceed. */
export type SyncLimitReason = 'too-many-ranges' | 'too-many-ids' | 'too-many-rounds'

/** A message or session is over one of the protocol's limits (PROTOCOL.md §8.5). */
export class SyncLimitError extends ReasonedProtocolError<SyncLimitReason> {
  override readonly name = 'SyncLimitError'
}
