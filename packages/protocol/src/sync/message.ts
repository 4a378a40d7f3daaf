/**
 * The reconciliation message (PROTOCOL.md §8.4): one `rbsr` record holding
 * a partition of the whole key order into ranges, each with a mode. This
 * module is the byte format and the checks that need no session state; the
 * checks against what we sent are in reconcile-rules.ts.
 */
import { toBytes, type Bytes } from '../bytes.ts'
import { MAX_SAFE_UINT } from '../encoding/cbor.ts'
import { SchemaError } from '../errors.ts'
import { decodeRecord, encodeRecord, type RecordType } from '../records/record.ts'
import {
  compareBounds,
  compareItemKeys,
  compareKeyToBound,
  ITEM_ID_BYTES,
  INFINITY_BOUND,
  isCanonicalBound,
  isInfinite,
  MIN_BOUND,
  type ItemKey,
  type SyncBound
} from './item-key.ts'
import { FINGERPRINT_BYTES } from './fingerprint.ts'
import { SyncBoundsError, SyncItemsError, SyncLimitError } from './errors.ts'

/** The record tag of a reconciliation message. */
export const SYNC_MESSAGE_TAG = 'rbsr'
/** Most encoded bytes in one message. */
export const MAX_SYNC_MESSAGE_BYTES = 262_144
/** Most ranges in one message. */
export const MAX_SYNC_RANGES = 1024
/** Most item keys in one message, over all its `ids` and `diff` ranges. */
export const MAX_SYNC_IDS = 4096
/** Longest lack bitmap: one bit per key of the largest id list. */
export const MAX_SYNC_LACK_BYTES = MAX_SYNC_IDS / 8

/** Mode numbers on the wire. */
export const MODE_SKIP = 0
export const MODE_FINGERPRINT = 1
export const MODE_IDS = 2
export const MODE_DIFF = 3

/** One range [previous range's upper bound, `upper`) of a message. */
export type SyncRange =
  /** Nothing (more) to say about this range: it matches, or it is already done. */
  | { readonly upper: SyncBound; readonly mode: 'skip' }
  /** The sender's fingerprint of the range. */
  | { readonly upper: SyncBound; readonly mode: 'fingerprint'; readonly fingerprint: Bytes }
  /** Every key the sender holds in the range. */
  | { readonly upper: SyncBound; readonly mode: 'ids'; readonly keys: readonly ItemKey[] }
  /**
   * The answer to an `ids` range: the keys the sender holds there that the
   * receiver did not list, and a bitmap over the receiver's listed keys in
   * this range marking those the sender lacks.
   */
  | { readonly upper: SyncBound; readonly mode: 'diff'; readonly keys: readonly ItemKey[]; readonly lack: Bytes }

/** A decoded message: ranges in order, partitioning [MIN_BOUND, +∞). */
export interface SyncMessage {
  readonly ranges: readonly SyncRange[]
}

type WireBound = null | readonly [number, Bytes]
type WireRange = readonly [WireBound, number, ...unknown[]]

const messageType: RecordType<{ readonly r: readonly WireRange[] }> = {
  tag: SYNC_MESSAGE_TAG,
  maxBytes: MAX_SYNC_MESSAGE_BYTES,
  check: (value, path) => {
    const map = value as Record<string, unknown>
    for (const key of Object.keys(map)) {
      if (key !== 'v' && key !== 't' && key !== 'r') throw new SchemaError(key, 'unknown field')
    }
    if (!Array.isArray(map.r)) throw new SchemaError(`${path}r`, map.r === undefined ? 'missing' : 'expected an array')
    if (map.r.length === 0) throw new SchemaError('r', 'must not be empty')
    if (map.r.length > MAX_SYNC_RANGES) throw new SyncLimitError('too-many-ranges', `${map.r.length} ranges; the limit is ${MAX_SYNC_RANGES}`)
    return { r: map.r as WireRange[] }
  }
}

/** Canonical bytes of a message. Throws a plain Error if the message breaks a limit (a local bug). */
export function encodeSyncMessage(message: SyncMessage): Bytes {
  let lower = MIN_BOUND
  const r = message.ranges.map((range): unknown[] => {
    const bound = isInfinite(range.upper) ? null : [range.upper.lamport - lower.lamport, range.upper.prefix]
    const start = lower
    lower = range.upper
    switch (range.mode) {
      case 'skip': return [bound, MODE_SKIP]
      case 'fingerprint': return [bound, MODE_FINGERPRINT, range.fingerprint]
      case 'ids': return [bound, MODE_IDS, ...wireKeys(range.keys, start)]
      case 'diff': return [bound, MODE_DIFF, ...wireKeys(range.keys, start), range.lack]
    }
  })
  const bytes = encodeRecord({ v: 1, t: SYNC_MESSAGE_TAG, r })
  if (bytes.length > MAX_SYNC_MESSAGE_BYTES) throw new Error(`sync message of ${bytes.length} bytes is over the limit`)
  return bytes
}

/** Lamport deltas and packed ids of keys listed in a range starting at `lower`. */
function wireKeys(keys: readonly ItemKey[], lower: SyncBound): [number[], Bytes] {
  const ids = new Uint8Array(keys.length * ITEM_ID_BYTES)
  let previous = lower.lamport
  const lamports = keys.map((key, i) => {
    ids.set(key.id, i * ITEM_ID_BYTES)
    const delta = key.lamport - previous
    previous = key.lamport
    return delta
  })
  return [lamports, ids]
}

/**
 * Decode a message and check everything that needs no session state: the
 * record envelope and size, each range's shape, bounds strictly ascending
 * and canonical, +∞ exactly at the end, no two skips in a row, listed keys
 * ascending inside their range, at most {@link MAX_SYNC_IDS} keys. Throws only
 * {@link ProtocolError}s.
 */
export function decodeSyncMessage(bytes: Uint8Array): SyncMessage {
  const wire = decodeRecord(messageType, bytes).r
  const ranges: SyncRange[] = []
  let lower = MIN_BOUND
  let ids = 0
  let previousMode = -1
  for (let i = 0; i < wire.length; i++) {
    const path = `r[${i}]`
    const item: unknown = wire[i]
    if (!Array.isArray(item) || item.length < 2) throw new SchemaError(path, 'expected an array [bound, mode, …]')
    const upper = decodeBound(item[0], lower, path, i === wire.length - 1)
    const mode: unknown = item[1]
    if (mode === MODE_SKIP && previousMode === MODE_SKIP) throw new SyncBoundsError('adjacent-skips', `${path} follows a skip`)
    const range = decodeRange(item, mode, lower, upper, path)
    if (range.mode === 'ids' || range.mode === 'diff') {
      ids += range.keys.length
      if (ids > MAX_SYNC_IDS) throw new SyncLimitError('too-many-ids', `more than ${MAX_SYNC_IDS} keys in one message`)
    }
    ranges.push(range)
    previousMode = mode as number
    lower = upper
  }
  return { ranges }
}

function decodeBound(value: unknown, lower: SyncBound, path: string, last: boolean): SyncBound {
  if (value === null) {
    if (!last) throw new SyncBoundsError('infinity-not-last', `${path} ends at +∞ but is not the last range`)
    return INFINITY_BOUND
  }
  if (last) throw new SyncBoundsError('last-not-infinity', `the last range ${path} must end at +∞ (null)`)
  if (!Array.isArray(value) || value.length !== 2) throw new SchemaError(`${path}[0]`, 'expected null or [lamport delta, id prefix]')
  const delta: unknown = value[0]
  const prefix: unknown = value[1]
  if (typeof delta !== 'number' || !Number.isSafeInteger(delta) || delta < 0) {
    throw new SchemaError(`${path}[0][0]`, 'expected an unsigned integer')
  }
  if (!(prefix instanceof Uint8Array)) throw new SchemaError(`${path}[0][1]`, 'expected bytes')
  const bound: SyncBound = { lamport: lower.lamport + delta, prefix: toBytes(prefix) }
  if (bound.lamport > MAX_SAFE_UINT || !isCanonicalBound(bound)) {
    throw new SyncBoundsError('bound-not-canonical', `${path}: prefixes are ≤ 32 bytes without a trailing zero, Lamport times ≤ 2^53 − 1`)
  }
  if (compareBounds(bound, lower) <= 0) throw new SyncBoundsError('unsorted-bounds', `${path} does not end above where it starts`)
  return bound
}

function decodeRange(item: readonly unknown[], mode: unknown, lower: SyncBound, upper: SyncBound, path: string): SyncRange {
  const expectLength = (n: number): void => {
    if (item.length !== n) throw new SchemaError(path, `a mode ${String(mode)} range has ${n} elements`)
  }
  switch (mode) {
    case MODE_SKIP:
      expectLength(2)
      return { upper, mode: 'skip' }
    case MODE_FINGERPRINT: {
      expectLength(3)
      const fp: unknown = item[2]
      if (!(fp instanceof Uint8Array) || fp.length !== FINGERPRINT_BYTES) {
        throw new SchemaError(`${path}[2]`, `expected exactly ${FINGERPRINT_BYTES} bytes`)
      }
      return { upper, mode: 'fingerprint', fingerprint: toBytes(fp) }
    }
    case MODE_IDS:
      expectLength(4)
      return { upper, mode: 'ids', keys: decodeKeys(item[2], item[3], lower, upper, path) }
    case MODE_DIFF: {
      expectLength(5)
      const keys = decodeKeys(item[2], item[3], lower, upper, path)
      const lack: unknown = item[4]
      if (!(lack instanceof Uint8Array)) throw new SchemaError(`${path}[4]`, 'expected bytes')
      if (lack.length > MAX_SYNC_LACK_BYTES) throw new SyncItemsError('lack-length', `${path}: a lack bitmap of ${lack.length} bytes`)
      if (keys.length === 0 && lack.every((b) => b === 0)) {
        throw new SyncItemsError('empty-diff', `${path}: a diff with nothing in it must be sent as skip`)
      }
      return { upper, mode: 'diff', keys, lack: toBytes(lack) }
    }
    default:
      throw new SchemaError(`${path}[1]`, 'expected mode 0, 1, 2 or 3')
  }
}

function decodeKeys(lamports: unknown, ids: unknown, lower: SyncBound, upper: SyncBound, path: string): ItemKey[] {
  if (!Array.isArray(lamports)) throw new SchemaError(`${path}[2]`, 'expected an array of Lamport deltas')
  if (!(ids instanceof Uint8Array)) throw new SchemaError(`${path}[3]`, 'expected bytes')
  if (lamports.length > MAX_SYNC_IDS) throw new SyncLimitError('too-many-ids', `${path}: ${lamports.length} keys`)
  if (ids.length !== lamports.length * ITEM_ID_BYTES) {
    throw new SyncItemsError('count-mismatch', `${path}: ${lamports.length} Lamport times but ${ids.length} id bytes`)
  }
  const keys: ItemKey[] = []
  let lamport = lower.lamport
  for (let i = 0; i < lamports.length; i++) {
    const delta: unknown = lamports[i]
    if (typeof delta !== 'number' || !Number.isSafeInteger(delta) || delta < 0) {
      throw new SchemaError(`${path}[2][${i}]`, 'expected an unsigned integer')
    }
    lamport += delta
    if (lamport > MAX_SAFE_UINT) throw new SchemaError(`${path}[2][${i}]`, 'Lamport time over 2^53 − 1')
    const key: ItemKey = { lamport, id: ids.slice(i * ITEM_ID_BYTES, (i + 1) * ITEM_ID_BYTES) }
    const previous = keys[keys.length - 1]
    if (previous !== undefined && compareItemKeys(previous, key) >= 0) {
      throw new SyncItemsError('unsorted-items', `${path}: key ${i} is not above the one before it`)
    }
    if (compareKeyToBound(key, lower) < 0 || compareKeyToBound(key, upper) >= 0) {
      throw new SyncItemsError('item-outside-range', `${path}: key ${i} lies outside its range`)
    }
    keys.push(key)
  }
  return keys
}
