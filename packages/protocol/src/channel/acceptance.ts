/**
 * The acceptance interface of a channel log (PROTOCOL.md §7.4): what the
 * caller's hook is asked and may answer, and why the log refuses an event
 * (PROTOCOL.md §7.3).
 */
import { ReasonedProtocolError } from '../errors.ts'
import type { Bytes } from '../bytes.ts'
import type { Verified } from '../verified.ts'
import type { ChannelEventNode } from './event.ts'

/**
 * What an acceptance hook may answer instead of `true` (PROTOCOL.md §7.4).
 * `unknown-authority` is not a refusal: the event is held and offered again
 * by {@link ChannelLog.retryHeld} once the cited authority heads are known.
 * `quarantine` is not a refusal either: the event is admissible at its
 * cited point but its author is banned now (§7.4.2); the log keeps it aside,
 * unstored, until an event that witnesses it arrives.
 */
export type AcceptRefusal =
  | 'unknown-authority' | 'quarantine' | 'not-member' | 'banned' | 'missing-capability' | 'unknown-channel' | 'refused'

/** Every reason an event is not stored, as a stable code. */
export type ChannelRejectReason =
  // the bytes or the signature
  | 'malformed' | 'bad-signature'
  // linkage, checked by the log
  | 'wrong-room' | 'wrong-channel' | 'bad-lamport' | 'parent-rejected' | 'target-rejected'
  // bounded waiting sets are full (not a verdict on the event: offer it again later)
  | 'pending-full' | 'held-full' | 'quarantine-full'
  // the acceptance hook
  | Exclude<AcceptRefusal, 'unknown-authority' | 'quarantine'>

/** Whether a refusal is only a full bounded set (not a verdict on the event or its sender: offer it again later). */
export function isSetFull(reason: ChannelRejectReason): boolean {
  return reason === 'pending-full' || reason === 'held-full' || reason === 'quarantine-full'
}

/** An event was refused and is not stored; `reason` says why. */
export class ChannelRejectedError extends ReasonedProtocolError<ChannelRejectReason> {
  override readonly name = 'ChannelRejectedError'
  /** The refused event's id; absent when the bytes did not decode. */
  readonly id: Bytes | undefined
  constructor(reason: ChannelRejectReason, message: string, id?: Bytes, options?: ErrorOptions) {
    super(reason, message, options)
    this.id = id
  }
}

/** What the acceptance hook is asked about one event (PROTOCOL.md §7.4). */
export interface ChannelAcceptRequest {
  readonly event: Verified<ChannelEventNode>
  /** Capability bits the author must hold in the channel (0: none beyond being allowed to write at all). */
  readonly needed: number
  /** Present exactly for deletes: the author of the deleted event. */
  readonly targetAuthor?: Bytes
}

/**
 * Decides whether an event is admitted. It MUST be a deterministic function
 * of the request and the authority entries the event cites in `auth`, or
 * replicas diverge: the log records each answer and never asks again
 * (except for `unknown-authority`).
 */
export type ChannelAcceptHook = (request: ChannelAcceptRequest) => true | AcceptRefusal

/**
 * Whether `waiting` (an event that waits, directly or through others, for a
 * quarantined event by `author`) releases it (PROTOCOL.md §7.4.2): its own
 * author is not banned now. A member in good standing built on the event,
 * so peers must store it to keep that member's event; whether it is shown
 * is the ban rule's business (§7.4.1).
 */
export type ChannelWitnessCheck = (waiting: Verified<ChannelEventNode>, author: Bytes) => boolean
