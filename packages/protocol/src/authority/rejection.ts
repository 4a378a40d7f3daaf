/** Why the authority log refuses an entry (PROTOCOL.md §6.5). */
import { ReasonedProtocolError } from '../errors.ts'

/** Every reason an entry can be refused, as a stable code. */
export type RejectReason =
  // structure and linkage (the entry is not stored)
  | 'wrong-room' | 'bad-signature' | 'bad-lamport' | 'duplicate' | 'missing-parents' | 'pending-full'
  // authority at the entry's place in the order (stored, without effect)
  | 'not-member' | 'banned' | 'missing-capability' | 'rank' | 'self-action' | 'escalation'
  | 'unknown-role' | 'builtin-role' | 'role-not-held' | 'role-held' | 'last-owner'
  | 'unknown-channel' | 'channel-exists' | 'not-banned' | 'already-banned' | 'already-member'
  | 'invite-required' | 'invite-invalid' | 'invite-expired' | 'invite-used-up'
  | 'not-creator' | 'checkpoint-seq' | 'checkpoint-prev'

/** An entry was refused; `reason` says why. */
export class AuthorityRejectedError extends ReasonedProtocolError<RejectReason> {
  override readonly name = 'AuthorityRejectedError'
}
