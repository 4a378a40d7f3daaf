/**
 * The room's rules, asked before acting so a refusal is a sentence and
 * nothing is written (PROTOCOL.md §6.5, §7.4). The store would refuse the
 * same writes; asking first only gives the person a better message.
 */
import {
  AuthorityRejectedError, Cap, ChannelRejectedError, channelCaps, hasCaps, isTimedOut, toHex, type Action, type AuthorityLog, type CapName
} from '@hearth/protocol'
import { NotPermittedError } from './errors.ts'

const REASONS: Readonly<Record<string, string>> = {
  'not-member': 'you are not a member of this room',
  banned: 'you are banned from this room',
  'missing-capability': 'your roles do not give you the right to do this',
  rank: 'you can only do this to members ranked below you (and never to the room\'s creator)',
  'self-action': 'you cannot do this to yourself',
  escalation: 'you cannot give rights or roles above your own',
  'unknown-role': 'there is no such role in this room',
  'builtin-role': 'the built-in roles (owner, moderator, member) cannot be changed, deleted or granted this way',
  'role-not-held': 'that member does not hold this role',
  'role-held': 'that member already holds this role',
  'last-owner': 'the room\'s last owner cannot give up ownership',
  'unknown-channel': 'there is no such channel',
  'channel-exists': 'that channel exists already',
  'not-banned': 'that key is not banned',
  'already-banned': 'that key is banned already',
  'already-member': 'you are a member already',
  'invite-required': 'this room is invite-only: joining needs an invite from a member who may invite',
  'invite-invalid': 'this invite is not valid in this room (its inviter may not invite, or it was not made for this room)',
  'invite-expired': 'this invite has expired',
  'invite-used-up': 'this invite has been used as many times as the room allows'
}

/** A refusal of the authority log as a sentence: "Cannot <doing>: <why>." */
export function refusal(error: AuthorityRejectedError, doing: string): NotPermittedError {
  const why = REASONS[error.reason] ?? `the room's rules refuse it (${error.reason})`
  return new NotPermittedError(error.reason, `Cannot ${doing}: ${why}.`)
}

/** Throw the refusal the authority log would give `act` by `me` now, if any. */
export function checkAuthority(log: AuthorityLog, me: Uint8Array, act: Action, at: number, doing: string): void {
  const refused = log.check(me, act, at)
  if (refused !== undefined) throw refusal(refused, doing)
}

/** Throw unless `me` may act in the room at all (a member, not banned). */
export function requireMember(log: AuthorityLog, me: Uint8Array, doing: string): void {
  const { state } = log
  const hex = toHex(me)
  if (state.bans.has(hex)) throw new NotPermittedError('banned', `Cannot ${doing}: ${REASONS.banned ?? ''}.`)
  if (!state.members.has(hex)) throw new NotPermittedError('not-member', `Cannot ${doing}: ${REASONS['not-member'] ?? ''}.`)
}

const CAP_LABELS: Readonly<Record<CapName, string>> = {
  POST: 'send messages', REACT: 'react', ATTACH: 'attach files', BAN: 'ban', KICK: 'kick', TIMEOUT: 'time out',
  DELETE_OTHERS: 'delete others\' messages', PIN: 'pin messages', INVITE: 'invite', MANAGE_CHANNELS: 'manage channels',
  MANAGE_ROLES: 'manage roles', SPEAK: 'speak', VIDEO: 'share video', SCREEN: 'share the screen', MANAGE_ROOM: 'manage the room'
}

/** Throw unless `me` holds `cap` in `channel` (or room-wide when no channel) at `at`. */
export function requireCap(log: AuthorityLog, me: Uint8Array, cap: CapName, at: number, doing: string, channel?: Uint8Array): void {
  requireMember(log, me, doing)
  const { state } = log
  const caps = channel !== undefined ? channelCaps(state, me, channel, at) : roomCaps(log, me, at)
  if (hasCaps(caps, Cap[cap])) return
  if (isTimedOut(state, me, at)) {
    const until = state.timeouts.get(toHex(me)) ?? at
    throw new NotPermittedError('timed-out', `Cannot ${doing}: you are timed out until ${new Date(until).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC.`)
  }
  throw new NotPermittedError('missing-capability', `Cannot ${doing}: you do not have the right to ${CAP_LABELS[cap]}${channel !== undefined ? ' in this channel' : ' in this room'}.`)
}

/** Room-wide capabilities of `me` at `at` (timeouts applied; 0 when banned or not a member). */
export function roomCaps(log: AuthorityLog, me: Uint8Array, at: number): number {
  // A channel id no channel has: channelCaps then gives the room capabilities with the timeout applied.
  return channelCaps(log.state, me, NO_CHANNEL, at)
}

const NO_CHANNEL = new Uint8Array(16)

/** The sentence for a refusal thrown by a write (the store checked again at writing). */
export function asRefusal(err: unknown, doing: string): unknown {
  if (err instanceof AuthorityRejectedError) return refusal(err, doing)
  if (err instanceof ChannelRejectedError) return new NotPermittedError(err.reason, `Cannot ${doing}: ${REASONS[err.reason] ?? `the room's rules refuse it (${err.reason})`}.`)
  return err
}
