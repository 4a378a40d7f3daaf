/**
 * Item keys and range bounds of range-based set reconciliation
 * (PROTOCOL.md §8.1).
 *
 * An item is known by its key (lamport, id): sets are sorted by Lamport time,
 * then by the id's bytes. A range [lower, upper) of that order is named by
 * its two bounds. A bound is a point between keys: a Lamport time and an id
 * *prefix*, read as the prefix padded with zero bytes to 32. Between two
 * adjacent items the shortest separating bound is used (a bare Lamport time
 * when theirs differ, else the shortest prefix of the upper id that sorts
 * above the lower id), so a bound usually costs a few bytes instead of 40.
 * The top bound, +∞, sorts above every key.
 */
import { compareBytes, type Bytes } from '../bytes.ts'
import { MAX_SAFE_UINT } from '../encoding/cbor.ts'
import { InvalidArgumentError } from '../errors.ts'

/** Length of an item id in bytes. */
export const ITEM_ID_BYTES = 32

/** An item's sort key: Lamport time, then id bytes. */
export interface ItemKey {
  /** Lamport time, 0 … 2^53 − 1. */
  readonly lamport: number
  /** The item's 32-byte id. */
  readonly id: Bytes
}

/**
 * A point of the key order: every key below it has a smaller Lamport time, or
 * the same time and an id below `prefix` padded with zeros to 32 bytes.
 * `lamport` is `Infinity` only in {@link INFINITY_BOUND}. A canonical prefix
 * is at most 32 bytes and does not end with a zero byte.
 */
export interface SyncBound {
  readonly lamport: number
  readonly prefix: Bytes
}

const EMPTY = new Uint8Array(0)

/** The lowest bound: (0, empty prefix); no key sorts below it. */
export const MIN_BOUND: SyncBound = Object.freeze({ lamport: 0, prefix: EMPTY })

/** The top bound +∞: every key sorts below it. */
export const INFINITY_BOUND: SyncBound = Object.freeze({ lamport: Infinity, prefix: EMPTY })

/** Whether `bound` is +∞. */
export function isInfinite(bound: SyncBound): boolean {
  return bound.lamport === Infinity
}

/** Order of keys: negative when a sorts before b. */
export function compareItemKeys(a: ItemKey, b: ItemKey): number {
  if (a.lamport !== b.lamport) return a.lamport < b.lamport ? -1 : 1
  return compareBytes(a.id, b.id)
}

/** Order of bounds (prefixes compared as if padded with zeros). */
export function compareBounds(a: SyncBound, b: SyncBound): number {
  if (a.lamport !== b.lamport) return a.lamport < b.lamport ? -1 : 1
  return comparePadded(a.prefix, b.prefix)
}

/** Negative when `key` sorts below `bound`, zero when it sits exactly on it, positive above. */
export function compareKeyToBound(key: ItemKey, bound: SyncBound): number {
  if (key.lamport !== bound.lamport) return key.lamport < bound.lamport ? -1 : 1
  return comparePadded(key.id, bound.prefix)
}

/** Whether `key` lies in [lower, upper). */
export function keyInRange(key: ItemKey, lower: SyncBound, upper: SyncBound): boolean {
  return compareKeyToBound(key, lower) >= 0 && compareKeyToBound(key, upper) < 0
}

/** Compare two byte strings as if both were padded with zeros to the same length. */
function comparePadded(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/**
 * The shortest bound b with `below` < b ≤ `above` (`below` must sort before
 * `above`): `above`'s Lamport time alone when the times differ, else the
 * shortest prefix of `above.id` that sorts above `below.id`.
 */
export function boundBetween(below: ItemKey, above: ItemKey): SyncBound {
  if (below.lamport !== above.lamport) return { lamport: above.lamport, prefix: EMPTY }
  let i = 0
  while (i < ITEM_ID_BYTES && below.id[i] === above.id[i]) i++
  if (i === ITEM_ID_BYTES) throw new InvalidArgumentError('boundBetween: the keys are equal')
  return { lamport: above.lamport, prefix: above.id.slice(0, i + 1) }
}

/** The bound sitting exactly on `key` (its range starts with `key`): the id without trailing zeros. */
export function boundAt(key: ItemKey): SyncBound {
  let end = key.id.length
  while (end > 0 && key.id[end - 1] === 0) end--
  return { lamport: key.lamport, prefix: key.id.slice(0, end) }
}

/** Whether a finite bound is canonical: Lamport time in range, prefix ≤ 32 bytes without a trailing zero. */
export function isCanonicalBound(bound: SyncBound): boolean {
  if (isInfinite(bound)) return bound.prefix.length === 0
  const { lamport, prefix } = bound
  return Number.isSafeInteger(lamport) && lamport >= 0 && lamport <= MAX_SAFE_UINT &&
    prefix.length <= ITEM_ID_BYTES && (prefix.length === 0 || prefix[prefix.length - 1] !== 0)
}

/**
 * Check a locally supplied key (a bug in the caller, not remote input, but
 * the store's order depends on it): throws {@link InvalidArgumentError}.
 */
export function assertItemKey(key: ItemKey): void {
  if (!Number.isSafeInteger(key.lamport) || key.lamport < 0) {
    throw new InvalidArgumentError(`item lamport ${String(key.lamport)} is not an unsigned safe integer`)
  }
  if (!(key.id instanceof Uint8Array) || key.id.length !== ITEM_ID_BYTES) {
    throw new InvalidArgumentError(`item id must be ${ITEM_ID_BYTES} bytes`)
  }
}

/**
 * A compact string that identifies a key, for sets and maps (not for display):
 * the Lamport time, a colon, and the id as 16 UTF-16 code units of two bytes
 * each. The id part has a fixed length, so two keys have the same string
 * exactly when they are equal. (Several times faster than hex, which matters
 * when a joiner learns 100k keys.)
 */
export function itemKeyString(key: ItemKey): string {
  const id = key.id
  const u = (i: number): number => ((id[i] ?? 0) << 8) | (id[i + 1] ?? 0)
  return `${key.lamport}:${String.fromCharCode(
    u(0), u(2), u(4), u(6), u(8), u(10), u(12), u(14), u(16), u(18), u(20), u(22), u(24), u(26), u(28), u(30)
  )}`
}
