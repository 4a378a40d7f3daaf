/**
 * Queries over derived authority state for clients (PROTOCOL.md §6.6): a
 * member's roles and capabilities, per-channel capabilities after overrides,
 * the channel list, bans and timeouts, and the audit log.
 */
import { toHex, type Bytes } from '../bytes.ts'
import { ALL_CAPS, MEMBER, OWNER, TIMEOUT_SUSPENDS, type RoleDef } from './capabilities.ts'
import type { Action } from './entry.ts'
import type { OrderedEntry } from './authority-log.ts'
import type { RejectReason } from './rejection.ts'
import { isOwner, memberCaps, memberRank, type AuthorityState, type ChannelState } from './state.ts'

/** A member as the member list shows it. */
export interface MemberView {
  readonly key: Bytes
  /** Role definitions held, highest rank first; `member` last. */
  readonly roles: readonly RoleDef[]
  readonly caps: number
  readonly rank: number
  readonly timeoutUntil?: number
}

/** A member's view, or undefined for a non-member. */
export function memberView(state: AuthorityState, key: Uint8Array): MemberView | undefined {
  const hex = toHex(key)
  const m = state.members.get(hex)
  if (!m) return undefined
  const roles = [...m.roles, MEMBER]
    .map((id) => state.roles.get(id))
    .filter((r): r is RoleDef => r !== undefined)
    .sort((a, b) => a.rank - b.rank)
  const timeoutUntil = state.timeouts.get(hex)
  return {
    key: m.key, roles, caps: memberCaps(state, hex), rank: memberRank(state, hex),
    ...(timeoutUntil !== undefined ? { timeoutUntil } : {})
  }
}

/** Every member, highest rank first, then by key. */
export function listMembers(state: AuthorityState): MemberView[] {
  return [...state.members.values()]
    .map((m) => memberView(state, m.key) as MemberView)
    .sort((a, b) => a.rank - b.rank || (toHex(a.key) < toHex(b.key) ? -1 : 1))
}

/** Channels by position, then id. */
export function listChannels(state: AuthorityState): ChannelState[] {
  return [...state.channels.values()].sort((a, b) => a.position - b.position || (toHex(a.id) < toHex(b.id) ? -1 : 1))
}

/**
 * What `key` may do in `channel` at time `at`: room capabilities, then the
 * overrides of the roles it holds (all role denies, then all role allows),
 * then its own member override (deny, then allow), then a running timeout
 * suspends posting, reacting, attaching and voice. Owners always hold every
 * capability. Non-members and banned keys hold none.
 */
export function channelCaps(state: AuthorityState, key: Uint8Array, channel: Uint8Array, at: number): number {
  const hex = toHex(key)
  const m = state.members.get(hex)
  if (!m || state.bans.has(hex)) return 0
  if (isOwner(state, hex)) return ALL_CAPS
  let caps = memberCaps(state, hex)
  const ch = state.channels.get(toHex(channel))
  if (ch) {
    let roleAllow = 0
    let roleDeny = 0
    for (const id of [MEMBER, ...m.roles]) {
      const o = ch.overrides.get(`role:${id}`)
      if (o) {
        roleAllow |= o.allow
        roleDeny |= o.deny
      }
    }
    caps = (caps & ~roleDeny) | roleAllow
    const own = ch.overrides.get(`member:${hex}`)
    if (own) caps = (caps & ~own.deny) | own.allow
  }
  const until = state.timeouts.get(hex)
  if (until !== undefined && at < until) caps &= ~TIMEOUT_SUSPENDS
  return caps
}

/** Whether `key` is timed out at `at`. */
export function isTimedOut(state: AuthorityState, key: Uint8Array, at: number): boolean {
  const until = state.timeouts.get(toHex(key))
  return until !== undefined && at < until
}

/** One line of the audit log. */
export interface AuditRecord {
  readonly id: Bytes
  readonly author: Bytes
  readonly at: number
  readonly lamport: number
  readonly action: Action
  /** `accepted`, or the reason it was refused at its place. */
  readonly status: 'accepted' | RejectReason
  /** The checkpoint that made its place final, or undefined while provisional. */
  readonly checkpoint?: number
}

/** The audit log: every entry in order, newest last. */
export function auditLog(entries: readonly OrderedEntry[]): AuditRecord[] {
  return entries.map((e) => ({
    id: e.node.id,
    author: e.node.entry.author,
    at: e.node.entry.at,
    lamport: e.node.entry.lamport,
    action: e.node.entry.act,
    status: e.rejection ? e.rejection.reason : 'accepted',
    ...(e.checkpoint !== undefined ? { checkpoint: e.checkpoint } : {})
  }))
}

/** Whether `key` holds the owner role. */
export function isRoomOwner(state: AuthorityState, key: Uint8Array): boolean {
  return state.members.get(toHex(key))?.roles.has(OWNER) ?? false
}
