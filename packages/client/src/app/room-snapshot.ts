/**
 * What the room screen and the sidebar show of a room, derived from its
 * authority state (PROTOCOL.md §6.4, §6.6), its channel views, signals and
 * session: a pure function of those inputs, rebuilt when any changes.
 */
import {
  Cap, MEMBER, OWNER, channelCaps, formatRoomId, fromHex, hasCaps, isRoomOwner, listChannels, listMembers, memberCaps, memberRank, toHex,
  type AuthorityState, type RoleDef
} from '@hearth/protocol'
import type { ReadMark } from './app-state.ts'
import type { AppRoom } from './app-room.ts'
import { unreadOf } from './message-page.ts'
import { imageUrl, type ProfileResolver } from './profiles.ts'
import { roomCaps } from './refusals.ts'
import type { ChannelSummary, Hex, MemberSummary, RoomConnection, RoomSnapshot, RoomSummary, Rights } from './types.ts'

/** Capability flags of a mask. */
export function rightsOf(caps: number): Rights {
  const has = (bit: number): boolean => (caps & bit) !== 0
  return {
    post: has(Cap.POST), react: has(Cap.REACT), attach: has(Cap.ATTACH), ban: has(Cap.BAN), kick: has(Cap.KICK),
    timeout: has(Cap.TIMEOUT), deleteOthers: has(Cap.DELETE_OTHERS), pin: has(Cap.PIN), invite: has(Cap.INVITE),
    manageChannels: has(Cap.MANAGE_CHANNELS), manageRoles: has(Cap.MANAGE_ROLES), manageRoom: has(Cap.MANAGE_ROOM)
  }
}

/** What I am in the room: a member, banned, kicked (my last membership change was a kick), left, or not (yet) a member. */
export function standingOf(room: AppRoom, me: Hex, left: boolean): RoomSummary['standing'] {
  const { state, entries } = room.store.authority
  if (state.bans.has(me)) return 'banned'
  if (left) return 'left'
  if (state.members.has(me)) return 'member'
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]
    if (e === undefined || e.rejection !== undefined) continue
    const act = e.node.entry.act
    const author = toHex(e.node.entry.author)
    if (act.op === 'kick' && toHex(act.target) === me) return 'kicked'
    if ((act.op === 'join' || act.op === 'leave') && author === me) break
  }
  return 'not-member'
}

/** Unread counts of a channel, cached while its log, the authority log and my mark are unchanged. */
export function channelUnread(room: AppRoom, channel: Hex, mark: ReadMark | undefined, me: Hex): { unread: number; mentions: number; first?: Hex } {
  const view = room.view(channel)
  if (view === undefined) return { unread: 0, mentions: 0 }
  const heads = room.store.heads({ kind: 'channel', channel: fromHex(channel) })
  const key = `${view.size}:${heads.lamport}:${heads.ids.map(toHex).join(',')}:${room.store.authority.size}:${mark?.key ?? ''}`
  const cached = room.unread.get(channel)
  if (cached?.key === key) return cached
  const counted = { key, ...unreadOf(view, mark, me) }
  room.unread.set(channel, counted)
  return counted
}

/** What a room build needs from the app. */
export interface RoomInput {
  readonly room: AppRoom
  readonly me: Hex
  readonly meBytes: Uint8Array
  readonly now: number
  readonly profiles: ProfileResolver
  readonly left: boolean
  readonly mark: (channel: Hex) => ReadMark | undefined
  readonly connection: RoomConnection
}

function channels(input: RoomInput, state: AuthorityState): ChannelSummary[] {
  return listChannels(state).map((c) => {
    const hex = toHex(c.id)
    const { unread, mentions } = channelUnread(input.room, hex, input.mark(hex), input.me)
    return {
      id: hex, name: c.name, kind: c.kind, position: c.position, ...(c.topic !== undefined ? { topic: c.topic } : {}),
      unread, mentions, rights: rightsOf(channelCaps(state, input.meBytes, c.id, input.now))
    }
  })
}

function members(input: RoomInput, state: AuthorityState): MemberSummary[] {
  const myRank = memberRank(state, input.me)
  const iAmOwner = isRoomOwner(state, input.meBytes)
  const iAmMember = state.members.has(input.me) && !state.bans.has(input.me)
  return listMembers(state).map((m) => {
    const key = toHex(m.key)
    const owner = m.roles.some((r) => r.id === 'owner')
    return {
      ...input.profiles.get(key),
      roles: m.roles,
      presence: key === input.me ? 'online' : input.room.presenceOf(key, input.now),
      ...(m.timeoutUntil !== undefined && m.timeoutUntil > input.now ? { timeoutUntil: m.timeoutUntil } : {}),
      owner,
      outranked: iAmMember && key !== input.me && key !== state.creator && (iAmOwner || myRank < m.rank)
    }
  })
}

/**
 * Roles I may grant or revoke (PROTOCOL.md §6.4): with MANAGE_ROLES, owners any
 * but `member`; others those ranked below them with no capability they lack.
 */
function assignableRoles(input: RoomInput, state: AuthorityState, roles: readonly RoleDef[], rights: Rights): string[] {
  if (!rights.manageRoles) return []
  const iAmOwner = isRoomOwner(state, input.meBytes)
  const myRank = memberRank(state, input.me)
  const myCaps = memberCaps(state, input.me)
  return roles
    .filter((r) => r.id !== MEMBER && (iAmOwner || (r.id !== OWNER && r.rank > myRank && hasCaps(myCaps, r.caps))))
    .map((r) => r.id)
}

/** The room screen's snapshot. */
export function buildRoomSnapshot(input: RoomInput): RoomSnapshot {
  const { room } = input
  const state = room.store.authority.state
  const typing: Record<Hex, string[]> = {}
  for (const [channel, keys] of room.typingNow(input.now)) {
    const names = keys.filter((k) => k !== input.me).map((k) => input.profiles.get(k).name)
    if (names.length > 0) typing[channel] = names
  }
  const overrides: Record<Hex, RoomSnapshot['overrides'][string]> = {}
  for (const c of state.channels.values()) {
    if (c.overrides.size === 0) continue
    overrides[toHex(c.id)] = [...c.overrides].map(([target, o]) => ({
      target: target.startsWith('role:') ? { role: target.slice(5) } : { member: target.slice(7) },
      allow: o.allow,
      deny: o.deny
    }))
  }
  const roles: RoleDef[] = [...state.roles.values()].sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1))
  const rights = rightsOf(roomCaps(room.store.authority, input.meBytes, input.now))
  return {
    id: room.id,
    idText: formatRoomId(room.store.room),
    name: state.meta.name,
    ...(state.meta.description !== undefined ? { description: state.meta.description } : {}),
    ...(state.meta.icon !== undefined ? { iconUrl: imageUrl(state.meta.icon, state.meta.icon) } : {}),
    policy: { join: state.policy.join, ...(state.policy.inviteMaxUses !== undefined ? { inviteMaxUses: state.policy.inviteMaxUses } : {}) },
    rights,
    channels: channels(input, state),
    members: members(input, state),
    bans: [...state.bans.values()].map((b) => ({
      ...input.profiles.get(toHex(b.key)), ...(b.reason !== undefined ? { reason: b.reason } : {}), by: b.by
    })),
    roles,
    assignableRoles: assignableRoles(input, state, roles, rights),
    typing,
    connection: input.connection,
    warnings: room.store.authority.equivocations.map((p) =>
      `The room's creator signed two different versions of checkpoint ${p.seq}: the room's history may be forked. Peers keep the proof.`),
    overrides
  }
}

/** The sidebar's line for a room. */
export function buildRoomSummary(input: RoomInput): RoomSummary {
  const { room } = input
  const state = room.store.authority.state
  let unread = 0
  let mentions = 0
  for (const c of state.channels.values()) {
    const hex = toHex(c.id)
    const counts = channelUnread(room, hex, input.mark(hex), input.me)
    unread += counts.unread
    mentions += counts.mentions
  }
  return {
    id: room.id,
    idText: formatRoomId(room.store.room),
    name: state.meta.name,
    ...(state.meta.icon !== undefined ? { iconUrl: imageUrl(state.meta.icon, state.meta.icon) } : {}),
    unread,
    mentions,
    phase: input.connection.phase,
    standing: standingOf(room, input.me, input.left)
  }
}
