/**
 * The state a replay of the authority log derives (PROTOCOL.md §6.4): roles,
 * members with their roles and timeouts, bans, channels with overrides, room
 * policy and metadata, and the sequencer's checkpoint position. Created from
 * the genesis by {@link initialState}; changed only by `applyEntry`.
 */
import type { Bytes } from '../bytes.ts'
import { toHex } from '../bytes.ts'
import type { Genesis } from '../rooms/genesis.ts'
import { ALL_CAPS, MEMBER, MEMBER_RANK, OWNER, OWNER_RANK, STATIC_ROLES, type RoleDef, type RoleId } from './capabilities.ts'

/** A member of the room. */
export interface MemberState {
  readonly key: Bytes
  /** Roles besides the implicit `member`. */
  roles: Set<RoleId>
  /** Order position at which each role was granted (seniority). */
  roleSince: Map<RoleId, number>
  /** Order position of the join (−1 for the creator). */
  joinedAt: number
}

/** A permission override on a channel. */
export interface ChannelOverride {
  readonly allow: number
  readonly deny: number
}

/** A channel. */
export interface ChannelState {
  readonly id: Bytes
  name: string
  readonly kind: 'text' | 'voice'
  position: number
  topic?: string
  /** Overrides keyed `role:<id>` or `member:<hex key>`. */
  overrides: Map<string, ChannelOverride>
}

/** A ban. */
export interface BanState {
  readonly key: Bytes
  readonly by: string
  readonly position: number
  readonly reason?: string
}

/** The room's join and discovery policy. */
export interface PolicyState {
  join: 'open' | 'invite'
  discoverable: 'listed' | 'unlisted'
  inviteMaxUses?: number
}

/** The room's display metadata. */
export interface MetaState {
  name: string
  description?: string
  icon?: { readonly mime: string; readonly data: Bytes }
  tags: readonly string[]
}

/** Everything the authority log decides. Treat as read-only outside the reducer. */
export interface AuthorityState {
  readonly room: Bytes
  /** Hex key of the creator: the root of trust and the sequencer. */
  readonly creator: string
  policy: PolicyState
  meta: MetaState
  roles: Map<RoleId, RoleDef>
  /** Members by hex key. */
  members: Map<string, MemberState>
  /** Bans by hex key. */
  bans: Map<string, BanState>
  /**
   * Timeout ends (Unix ms) by hex key. Kept apart from membership so that
   * leaving and rejoining, or being kicked, does not shed a timeout.
   */
  timeouts: Map<string, number>
  /** Channels by hex id. */
  channels: Map<string, ChannelState>
  /** Joins counted per invite (hex of the invite signature). */
  inviteUses: Map<string, number>
  /** The last checkpoint applied: its seq and entry id (hex). */
  checkpoint?: { readonly seq: number; readonly id: string }
  /** Number of entries accepted so far; the next accepted entry's position. */
  position: number
}

/** The state before any entry: the creator is the only member and owner. */
export function initialState(genesis: Genesis): AuthorityState {
  const creator = toHex(genesis.creator)
  return {
    room: genesis.room,
    creator,
    policy: { join: genesis.policy.join, discoverable: genesis.policy.discoverable },
    meta: { name: genesis.name, tags: [] },
    roles: new Map(STATIC_ROLES.map((r) => [r.id, r])),
    members: new Map([[creator, { key: genesis.creator, roles: new Set([OWNER]), roleSince: new Map([[OWNER, -1]]), joinedAt: -1 }]]),
    bans: new Map(),
    timeouts: new Map(),
    channels: new Map(),
    inviteUses: new Map(),
    position: 0
  }
}

/** A deep copy, so a snapshot survives later changes. */
export function cloneState(s: AuthorityState): AuthorityState {
  return {
    ...s,
    policy: { ...s.policy },
    meta: { ...s.meta },
    roles: new Map(s.roles),
    members: new Map([...s.members].map(([k, m]) => [k, { ...m, roles: new Set(m.roles), roleSince: new Map(m.roleSince) }])),
    bans: new Map(s.bans),
    timeouts: new Map(s.timeouts),
    channels: new Map([...s.channels].map(([k, c]) => [k, { ...c, overrides: new Map(c.overrides) }])),
    inviteUses: new Map(s.inviteUses)
  }
}

/** Whether `key` (hex) holds the owner role. */
export function isOwner(s: AuthorityState, key: string): boolean {
  return s.members.get(key)?.roles.has(OWNER) ?? false
}

/** Room-wide capabilities of `key` (hex): the union of its roles' (0 for non-members). */
export function memberCaps(s: AuthorityState, key: string): number {
  const m = s.members.get(key)
  if (!m) return 0
  if (m.roles.has(OWNER)) return ALL_CAPS
  let caps = s.roles.get(MEMBER)?.caps ?? 0
  for (const id of m.roles) caps |= s.roles.get(id)?.caps ?? 0
  return caps
}

/** Rank of `key` (hex): the lowest rank number among its roles; members rank 1000; non-members rank after everyone. */
export function memberRank(s: AuthorityState, key: string): number {
  const m = s.members.get(key)
  if (!m) return MEMBER_RANK + 1
  if (m.roles.has(OWNER)) return OWNER_RANK
  let rank = MEMBER_RANK
  for (const id of m.roles) rank = Math.min(rank, s.roles.get(id)?.rank ?? MEMBER_RANK)
  return rank
}

/** Number of members holding the owner role. */
export function ownerCount(s: AuthorityState): number {
  let n = 0
  for (const m of s.members.values()) if (m.roles.has(OWNER)) n++
  return n
}

/**
 * Seniority of `key` for tie-breaking: the order position at which it gained
 * its highest-ranked current role (its join for plain members; −1 for the
 * creator). Non-members are the least senior.
 */
export function seniority(s: AuthorityState, key: string): number {
  const m = s.members.get(key)
  if (!m) return Number.MAX_SAFE_INTEGER
  let best = m.joinedAt
  let bestRank = MEMBER_RANK
  for (const id of m.roles) {
    const rank = s.roles.get(id)?.rank ?? MEMBER_RANK
    const since = m.roleSince.get(id) ?? m.joinedAt
    if (rank < bestRank || (rank === bestRank && since < best)) {
      bestRank = rank
      best = since
    }
  }
  return best
}
