/**
 * Where a room's data lives in the storage port (docs/drafts/storage-layout.md,
 * to become PROTOCOL.md §5.5):
 *
 *   ['rooms', R]                          the room's genesis record (the room index)
 *   ['room', R, 'auth', L, I]             an authority entry
 *   ['room', R, 'ch', C, 'ev', L, I]      an event of channel C
 *   ['room', R, 'prof', K, U, I]          the profile of identity K (at most one per K)
 *
 * R, C and I are the room, channel and record ids in lowercase hex; L is the
 * record's Lamport time as 16 lowercase hex digits; K an identity key in
 * lowercase hex, U a profile's `updated` as 16 lowercase hex digits (its
 * item key's time, PROTOCOL.md §5.5.1). Fixed-width hex sorts like
 * the numbers it spells, so a log's keys come back from `loadRange` in the
 * sync order (lamport, id) of PROTOCOL.md §7.2 and §8.1, and the newest
 * records are a reverse range read away. The key alone names the record
 * (its log, Lamport time and id): a value found corrupt still tells exactly
 * what was lost, and re-storing that record overwrites the damaged value.
 */
import { fromHex, MAX_SAFE_UINT, toHex, type KeyPath } from '@hearth/protocol'
import type { LogRef } from '../sync/replica.ts'

/** First segment of the room index key. */
export const ROOMS_SEGMENT = 'rooms'
/** First segment of every key of a room's logs. */
export const ROOM_SEGMENT = 'room'
const AUTH = 'auth'
const CHANNEL = 'ch'
const EVENTS = 'ev'
const PROFILES = 'prof'

const LAMPORT_DIGITS = 16
const HEX_ID = /^[0-9a-f]{64}$/
const HEX_CHANNEL = /^[0-9a-f]{32}$/
const HEX_LAMPORT = /^[0-9a-f]{16}$/

/** A record's place, as its key spells it. */
export interface RecordAddress {
  readonly log: LogRef
  readonly lamport: number
  /** The record id in lowercase hex, as in the key. */
  readonly idHex: string
  /** Profiles: the identity key in lowercase hex, as in the key. */
  readonly keyHex?: string
}

/** Key of the room's genesis (one per room; listing `['rooms']` lists the stored rooms). */
export function genesisKey(room: Uint8Array): KeyPath {
  return [ROOMS_SEGMENT, toHex(room)]
}

/** Prefix of every key of a room's logs. */
export function roomPrefix(room: Uint8Array): KeyPath {
  return [ROOM_SEGMENT, toHex(room)]
}

/** Prefix of a log's records. */
export function logPrefix(room: Uint8Array, log: LogRef): KeyPath {
  switch (log.kind) {
    case 'authority':
      return [ROOM_SEGMENT, toHex(room), AUTH]
    case 'channel':
      return [ROOM_SEGMENT, toHex(room), CHANNEL, toHex(log.channel), EVENTS]
    case 'profiles':
      return [ROOM_SEGMENT, toHex(room), PROFILES]
  }
}

/** Key of a stored profile, given the profile set's prefix (see {@link logPrefix}). */
export function profileKey(prefix: KeyPath, keyHex: string, updated: number, idHex: string): KeyPath {
  return recordKey([...prefix, keyHex], updated, idHex)
}

/** Prefix under which channels are listed (one subtree per channel). */
export function channelsPrefix(room: Uint8Array): KeyPath {
  return [ROOM_SEGMENT, toHex(room), CHANNEL]
}

/** Lamport time as fixed-width hex (sorts numerically). */
export function lamportSegment(lamport: number): string {
  return lamport.toString(16).padStart(LAMPORT_DIGITS, '0')
}

/** Key of one record, given its log prefix (see {@link logPrefix}), Lamport time and id in hex. */
export function recordKey(prefix: KeyPath, lamport: number, idHex: string): KeyPath {
  return [...prefix, lamportSegment(lamport), idHex]
}

/**
 * The record a key of this room names, or undefined when the key is not a
 * record key of the layout (a stray key: another version's, or damage).
 */
export function parseRecordKey(roomHex: string, key: KeyPath): RecordAddress | undefined {
  if (key[0] !== ROOM_SEGMENT || key[1] !== roomHex) return undefined
  if (key.length === 6 && key[2] === PROFILES && HEX_ID.test(key[3] ?? '')) {
    const at = parseRecordTail(key.slice(0, 4), key)
    return at === undefined ? undefined : { log: { kind: 'profiles' }, ...at, keyHex: key[3] as string }
  }
  if (key.length === 5 && key[2] === AUTH) {
    const at = parseRecordTail(key.slice(0, 3), key)
    return at === undefined ? undefined : { log: { kind: 'authority' }, ...at }
  }
  if (key.length === 7 && key[2] === CHANNEL && key[4] === EVENTS && HEX_CHANNEL.test(key[3] ?? '')) {
    const at = parseRecordTail(key.slice(0, 5), key)
    return at === undefined ? undefined : { log: { kind: 'channel', channel: fromHex(key[3] as string) }, ...at }
  }
  return undefined
}

/**
 * Lamport time and id of a record key known to be under the log prefix
 * `prefix` (as `loadRange(prefix)` returns), or undefined when the rest of
 * the key is not `[L, I]`. The fast path of loading.
 */
export function parseRecordTail(prefix: KeyPath, key: KeyPath): { lamport: number; idHex: string } | undefined {
  if (key.length !== prefix.length + 2) return undefined
  const l = key[prefix.length] as string
  const i = key[prefix.length + 1] as string
  if (!HEX_LAMPORT.test(l) || !HEX_ID.test(i)) return undefined
  const lamport = Number.parseInt(l, 16)
  return lamport > MAX_SAFE_UINT ? undefined : { lamport, idHex: i }
}
