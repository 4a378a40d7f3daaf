/**
 * The checks a message must pass against the ranges we left open in our
 * previous message (PROTOCOL.md §8.6): every fingerprint, id-list or diff
 * range the peer sends must answer one of our open ranges, in a way that
 * makes progress. This is what stops a peer from re-opening settled key
 * space, answering a question we did not ask, splitting forever, or stalling.
 */
import { compareBounds, compareItemKeys, compareKeyToBound, INFINITY_BOUND, MIN_BOUND, type ItemKey, type SyncBound } from './item-key.ts'
import type { SyncMessage, SyncRange } from './message.ts'
import { SyncItemsError, SyncStructureError } from './errors.ts'

/** A range we sent and expect the peer to answer. */
export interface OpenRange {
  readonly lower: SyncBound
  readonly upper: SyncBound
  /**
   * `fingerprint` or `ids` as we sent it; `initial` is the whole key space
   * before the first message, which the initiator may describe any way
   * except with a diff.
   */
  readonly kind: 'fingerprint' | 'ids' | 'initial'
  /** Splits above this range (PROTOCOL.md §8.6, rule 7). */
  readonly depth: number
  /** For `ids`: every key we listed, in order. */
  readonly keys: readonly ItemKey[]
}

/** A received range with where it sits relative to our open ranges. */
export interface CheckedRange {
  readonly range: SyncRange
  readonly lower: SyncBound
  /** For `ids`/`diff`/`fingerprint`: our open range it answers (undefined for a rest range). */
  readonly parent: OpenRange | undefined
  /** Depth the peer's range has (for `fingerprint`/`ids`); our answers build on it. */
  readonly depth: number
}

/** The open ranges of a session that has not seen a message yet (the responder's start). */
export const INITIAL_OPEN: readonly OpenRange[] = [
  { lower: MIN_BOUND, upper: INFINITY_BOUND, kind: 'initial', depth: 0, keys: [] }
]

/**
 * Check `message` against `open` (sorted, disjoint). Returns the ranges with
 * their lower bounds, parents and depths; throws {@link SyncStructureError}
 * or {@link SyncItemsError}.
 */
export function checkAgainstOpen(message: SyncMessage, open: readonly OpenRange[], maxDepth: number): CheckedRange[] {
  const out: CheckedRange[] = []
  let lower = MIN_BOUND
  let j = 0
  const last = message.ranges.length - 1
  message.ranges.forEach((range, i) => {
    const lo = lower
    lower = range.upper
    while (j < open.length && compareBounds((open[j] as OpenRange).upper, lo) <= 0) j++
    const candidate = open[j]
    const parent = candidate !== undefined && compareBounds(candidate.lower, lo) <= 0 ? candidate : undefined
    if (range.mode === 'skip') {
      out.push({ range, lower: lo, parent, depth: parent?.depth ?? 0 })
      return
    }
    const where = `range ${i}`
    const isRest = range.mode === 'fingerprint' && i === last && candidate !== undefined && compareBounds(candidate.lower, lo) === 0
    if (parent !== undefined && compareBounds(range.upper, parent.upper) <= 0) {
      const whole = compareBounds(lo, parent.lower) === 0 && compareBounds(range.upper, parent.upper) === 0
      if (isRest && whole && parent.kind !== 'initial') {
        // Our open range handed back unchanged at the end of the message: a deferral (rest range).
        if (j === 0) throw new SyncStructureError('no-progress', `${where} hands back our first open range unanswered`)
        out.push({ range, lower: lo, parent: undefined, depth: 0 })
        return
      }
      const depth = checkAnswer(range, lo, parent, whole, where)
      if (depth > maxDepth) throw new SyncStructureError('too-deep', `${where} is split ${depth} times; the limit is ${maxDepth}`)
      out.push({ range, lower: lo, parent, depth })
      return
    }
    if (isRest) {
      // Fingerprint of everything from one of our open ranges on: the peer ran out of budget there.
      if (j === 0) throw new SyncStructureError('no-progress', `${where} defers our first open range`)
      out.push({ range, lower: lo, parent: undefined, depth: 0 })
      return
    }
    if (parent === undefined) throw new SyncStructureError('outside-open-range', `${where} (${range.mode}) lies over key space we did not leave open`)
    throw new SyncStructureError('crosses-open-range', `${where} runs past the end of the open range it starts in`)
  })
  return out
}

/** Check one range inside `parent`; returns its depth. */
function checkAnswer(range: SyncRange, lo: SyncBound, parent: OpenRange, whole: boolean, where: string): number {
  switch (parent.kind) {
    case 'initial':
      if (range.mode === 'diff') throw new SyncStructureError('mode-not-allowed', `${where}: a diff in the first message`)
      return whole ? 0 : 1
    case 'fingerprint':
      if (range.mode === 'diff') throw new SyncStructureError('mode-not-allowed', `${where}: a diff answering a fingerprint`)
      if (range.mode === 'fingerprint' && whole) {
        throw new SyncStructureError('no-progress', `${where} answers our fingerprint with a fingerprint of the same range`)
      }
      return whole ? parent.depth : parent.depth + 1
    case 'ids':
      if (range.mode === 'ids') throw new SyncStructureError('mode-not-allowed', `${where}: an id list answering an id list`)
      if (range.mode === 'fingerprint') {
        // Only as the continuation after a partial diff: the tail of our range, not all of it.
        if (whole) throw new SyncStructureError('no-progress', `${where} answers our id list with a fingerprint of the same range`)
        if (compareBounds(range.upper, parent.upper) !== 0) {
          throw new SyncStructureError('mode-not-allowed', `${where}: inside our id list, a fingerprint may only cover its tail`)
        }
        return parent.depth
      }
      if (range.mode === 'diff') checkDiff(range, lo, parent, where)
      return parent.depth
  }
}

/** A diff names only keys we did not list, and its bitmap has one bit per key we listed in it. */
function checkDiff(range: Extract<SyncRange, { mode: 'diff' }>, lo: SyncBound, parent: OpenRange, where: string): void {
  const listed = listedIn(parent.keys, lo, range.upper)
  const expected = Math.ceil(listed.length / 8)
  if (range.lack.length !== expected) {
    throw new SyncItemsError('lack-length', `${where}: ${range.lack.length} bitmap bytes for ${listed.length} listed keys`)
  }
  const spare = listed.length % 8
  const lastByte = range.lack[expected - 1]
  if (spare !== 0 && lastByte !== undefined && lastByte >> spare !== 0) {
    throw new SyncItemsError('lack-padding', `${where}: padding bits set in the lack bitmap`)
  }
  // Both lists are sorted: one merge walk finds a key in both.
  let i = 0
  for (const key of range.keys) {
    while (i < listed.length && compareItemKeys(listed[i] as ItemKey, key) < 0) i++
    if (i < listed.length && compareItemKeys(listed[i] as ItemKey, key) === 0) {
      throw new SyncItemsError('claims-our-item', `${where}: says we lack a key we listed`)
    }
  }
}

/** The keys of `keys` (sorted) inside [lower, upper). */
export function listedIn(keys: readonly ItemKey[], lower: SyncBound, upper: SyncBound): readonly ItemKey[] {
  const start = firstAtOrAbove(keys, lower, 0)
  const end = firstAtOrAbove(keys, upper, start)
  return start === 0 && end === keys.length ? keys : keys.slice(start, end)
}

/** Index of the first key (from `from` on) not below `bound`: a binary search. */
function firstAtOrAbove(keys: readonly ItemKey[], bound: SyncBound, from: number): number {
  let lo = from
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareKeyToBound(keys[mid] as ItemKey, bound) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}
