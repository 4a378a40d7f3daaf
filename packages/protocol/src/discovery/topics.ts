/**
 * GossipSub topic names of a room (PROTOCOL.md §10.4.1). Each room has four
 * topics, so that peers can validate, prioritise and rate-limit them
 * separately:
 *
 *   hearth/1/room/<room id text>/authority   authority-log entries (§6), handled first
 *   hearth/1/room/<room id text>/events      channel events (§7)
 *   hearth/1/room/<room id text>/signals     typing and presence (§10.5), never stored
 *   hearth/1/room/<room id text>/profiles    members' signed profiles (§3.2), the room's profile set
 *
 * `<room id text>` is the room id's 52-character lowercase base32 form (§1.3).
 */
import { InvalidArgumentError } from '../errors.ts'
import { type Bytes } from '../bytes.ts'
import { formatRoomId, parseRoomId, ROOM_ID_BYTES } from '../rooms/room-id.ts'

/** The four kinds of room topic. */
export const ROOM_TOPIC_KINDS = ['authority', 'events', 'signals', 'profiles'] as const
/** One kind of room topic. */
export type RoomTopicKind = (typeof ROOM_TOPIC_KINDS)[number]

const PREFIX = 'hearth/1/room/'

/** A room's topic names. */
export interface RoomTopics {
  readonly authority: string
  readonly events: string
  readonly signals: string
  readonly profiles: string
}

/** The topic name of one kind for a room. */
export function roomTopic(roomId: Uint8Array, kind: RoomTopicKind): string {
  if (roomId.length !== ROOM_ID_BYTES) throw new InvalidArgumentError(`a room id is ${ROOM_ID_BYTES} bytes`)
  return `${PREFIX}${formatRoomId(roomId)}/${kind}`
}

/** All four topic names of a room. */
export function roomTopics(roomId: Uint8Array): RoomTopics {
  return {
    authority: roomTopic(roomId, 'authority'),
    events: roomTopic(roomId, 'events'),
    signals: roomTopic(roomId, 'signals'),
    profiles: roomTopic(roomId, 'profiles')
  }
}

/** The room and kind a topic name stands for, or undefined when it is not a Hearth room topic in its one spelling. */
export function parseRoomTopic(topic: string): { room: Bytes; kind: RoomTopicKind } | undefined {
  if (!topic.startsWith(PREFIX)) return undefined
  const rest = topic.slice(PREFIX.length)
  const slash = rest.indexOf('/')
  if (slash < 0) return undefined
  const idText = rest.slice(0, slash)
  const kind = ROOM_TOPIC_KINDS.find((k) => k === rest.slice(slash + 1))
  if (kind === undefined || idText !== idText.toLowerCase()) return undefined
  try {
    return { room: parseRoomId(idText), kind }
  } catch {
    return undefined
  }
}
