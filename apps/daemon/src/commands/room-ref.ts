// How people name things on the command line: a room by its id, a unique prefix of the id,
// or its name; a channel by its name (with or without `#`) or its hex id; a user by the
// user id's text form. Anything else is a clear error, never a guess.

import type { RoomStore } from '@hearth/client'
import { formatRoomId, listChannels, parseUserId, toHex, type Bytes, type ChannelState } from '@hearth/protocol'
import { UsageError } from '../errors.ts'
import { NotFoundError } from './errors.ts'

/** Shortest id prefix accepted for a room. */
const MIN_PREFIX = 6

/** The room's current name (the authority log's, which starts as the genesis name). */
export function roomName(store: RoomStore): string {
  return store.authority.state.meta.name
}

/** Pick the room `ref` names among `stores`. */
export function resolveRoomRef(stores: readonly RoomStore[], ref: string): RoomStore {
  const wanted = ref.trim().toLowerCase()
  if (wanted === '') throw new UsageError('the room is empty: give its id or name')
  const byId = stores.find((s) => formatRoomId(s.room) === wanted)
  if (byId !== undefined) return byId
  const byPrefix = wanted.length >= MIN_PREFIX ? stores.filter((s) => formatRoomId(s.room).startsWith(wanted)) : []
  const byName = stores.filter((s) => roomName(s).toLowerCase() === wanted || s.genesis.name.toLowerCase() === wanted)
  const matches = [...new Set([...byPrefix, ...byName])]
  const only = matches[0]
  if (matches.length === 1 && only !== undefined) return only
  if (matches.length > 1) {
    const list = matches.map((s) => `  ${formatRoomId(s.room)}  ${roomName(s)}`).join('\n')
    throw new NotFoundError(`"${ref}" matches ${matches.length} rooms; give the room id:\n${list}`)
  }
  const known = stores.length === 0 ? 'no rooms are stored here yet ("hearth room create <name>")' : 'see "hearth room list"'
  throw new NotFoundError(`no room "${ref}" is stored here: ${known}`)
}

/** Pick the channel `ref` names in the room. */
export function resolveChannelRef(store: RoomStore, ref: string): ChannelState {
  const channels = listChannels(store.authority.state)
  const wanted = ref.trim().replace(/^#/, '').toLowerCase()
  const byId = /^[0-9a-f]{32}$/.test(wanted) ? channels.filter((c) => toHex(c.id) === wanted) : []
  const matches = byId.length > 0 ? byId : channels.filter((c) => c.name.toLowerCase() === wanted)
  const only = matches[0]
  if (matches.length === 1 && only !== undefined) return only
  if (matches.length > 1) {
    const list = matches.map((c) => `  ${toHex(c.id)}  #${c.name}`).join('\n')
    throw new NotFoundError(`"${ref}" matches ${matches.length} channels; give the channel id:\n${list}`)
  }
  const names = channels.map((c) => `#${c.name}`).join(', ')
  throw new NotFoundError(`room "${roomName(store)}" has no channel "${ref}"${names === '' ? '' : ` (channels: ${names})`}`)
}

/** Parse a user id argument; a malformed one is a usage error naming the argument. */
export function parseUserArg(text: string, what = 'user id'): Bytes {
  try {
    return parseUserId(text.trim().toLowerCase())
  } catch {
    throw new UsageError(`${what} ${JSON.stringify(text.slice(0, 80))} is not a user id (52 characters of base32, as "hearth identity show" prints)`)
  }
}
