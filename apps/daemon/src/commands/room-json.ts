// A room as the commands show it: how the acting identity stands in it, and the room as
// one JSON object (name, policy, members, channels) for `room list`, `room create` and
// `room join`.

import type { RoomStore } from '@hearth/client'
import { formatRoomId, formatUserId, listChannels, memberView, toHex, type AuthorityState } from '@hearth/protocol'

/** How the acting identity stands in a room. */
export function standing(state: AuthorityState, me: Uint8Array): { roles: string[]; status: 'member' | 'banned' | 'not-member' } {
  if (state.bans.has(toHex(me))) return { roles: [], status: 'banned' }
  const view = memberView(state, me)
  return view === undefined ? { roles: [], status: 'not-member' } : { roles: view.roles.map((r) => r.id), status: 'member' }
}

/** A room as `room list --json` shows it. */
export function roomJson(store: RoomStore, me: Uint8Array): Record<string, unknown> {
  const { state } = store.authority
  const { roles, status } = standing(state, me)
  return {
    room: formatRoomId(store.room),
    name: state.meta.name,
    ...(state.meta.description !== undefined ? { description: state.meta.description } : {}),
    policy: { join: state.policy.join, ...(state.policy.inviteMaxUses !== undefined ? { inviteMaxUses: state.policy.inviteMaxUses } : {}) },
    status,
    roles,
    memberCount: state.members.size,
    channels: listChannels(state).map((c) => ({ id: toHex(c.id), name: c.name, kind: c.kind })),
    creator: formatUserId(store.genesis.creator)
  }
}
