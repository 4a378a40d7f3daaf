/**
 * What reconciliation needs from a set of items (PROTOCOL.md §8.3), and an
 * in-memory implementation.
 *
 * `MemoryReconcileStore` keeps the keys in sorted, packed typed arrays
 * (Lamport times, ids, item hashes) with prefix sums of the item hashes, so
 * a range's count and fingerprint cost two binary searches and one
 * subtraction — O(log n) — and splitting a range is index arithmetic.
 * Appending a key above every other (the usual case: new messages carry the
 * highest Lamport time) is amortised O(1); inserting in the middle shifts the
 * arrays and recomputes the prefix sums above it lazily, on the next query
 * that needs them. `insertMany`/`deleteMany` merge in one pass.
 */
import type { Bytes } from '../bytes.ts'
import {
  assertItemKey,
  boundAt,
  compareItemKeys,
  ITEM_ID_BYTES,
  isInfinite,
  type ItemKey,
  type SyncBound
} from './item-key.ts'
import { addLimbs, fingerprintOfSum, itemHash, readLimbs, subLimbs, SUM_LIMBS } from './fingerprint.ts'

/** A range's item count and fingerprint. */
export interface RangeSummary {
  readonly count: number
  readonly fingerprint: Bytes
}

/**
 * The read side of a set of items, as reconciliation sees it. The set must
 * not change during a reconciliation session (give the session a snapshot).
 */
export interface ReconcileStore {
  /** Number of items. */
  size(): number
  /** Count and fingerprint of the items in [lower, upper). */
  fingerprint(lower: SyncBound, upper: SyncBound): RangeSummary
  /** The first `limit` items of [lower, upper), in key order. */
  itemsIn(lower: SyncBound, upper: SyncBound, limit: number): readonly ItemKey[]
  /**
   * Bounds that cut the items of [lower, upper) into `parts` groups of equal
   * size (± 1), in ascending order, each strictly above `lower` and below
   * `upper`: min(parts, count) − 1 of them (none for fewer than 2 items).
   * Each is the shortest bound between two adjacent items.
   */
  splitPoints(lower: SyncBound, upper: SyncBound, parts: number): readonly SyncBound[]
}

const INITIAL_CAPACITY = 64

/** An in-memory {@link ReconcileStore} with O(log n) range fingerprints. */
export class MemoryReconcileStore implements ReconcileStore {
  #n = 0
  #lamports = new Float64Array(INITIAL_CAPACITY)
  #ids = new Uint8Array(INITIAL_CAPACITY * ITEM_ID_BYTES)
  #hashes = new Uint32Array(INITIAL_CAPACITY * SUM_LIMBS)
  /** prefix[i] = sum of the first i hashes; entries 0 … #validPrefix are current. */
  #prefix = new Uint32Array((INITIAL_CAPACITY + 1) * SUM_LIMBS)
  #validPrefix = 0

  /** A store holding `keys` (duplicates are ignored). */
  static from(keys: Iterable<ItemKey>): MemoryReconcileStore {
    const store = new MemoryReconcileStore()
    store.insertMany(keys)
    return store
  }

  size(): number {
    return this.#n
  }

  /** Whether the store holds `key`. */
  has(key: ItemKey): boolean {
    const i = this.#lowerIndex(boundAt(key))
    return i < this.#n && this.#compareAt(i, key) === 0
  }

  /** Add one key; false if it was already there. */
  insert(key: ItemKey): boolean {
    assertItemKey(key)
    const i = this.#lowerIndex(boundAt(key))
    if (i < this.#n && this.#compareAt(i, key) === 0) return false
    this.#reserve(this.#n + 1)
    const n = this.#n
    this.#lamports.copyWithin(i + 1, i, n)
    this.#ids.copyWithin((i + 1) * ITEM_ID_BYTES, i * ITEM_ID_BYTES, n * ITEM_ID_BYTES)
    this.#hashes.copyWithin((i + 1) * SUM_LIMBS, i * SUM_LIMBS, n * SUM_LIMBS)
    this.#lamports[i] = key.lamport
    this.#ids.set(key.id, i * ITEM_ID_BYTES)
    readLimbs(itemHash(key), this.#hashes, i * SUM_LIMBS)
    this.#n = n + 1
    this.#validPrefix = Math.min(this.#validPrefix, i)
    return true
  }

  /** Add many keys in one merge; returns how many were new. */
  insertMany(keys: Iterable<ItemKey>): number {
    const incoming = [...keys]
    for (const key of incoming) assertItemKey(key)
    incoming.sort(compareItemKeys)
    const fresh: ItemKey[] = []
    for (const key of incoming) {
      const last = fresh[fresh.length - 1]
      if ((last === undefined || compareItemKeys(last, key) !== 0) && !this.has(key)) fresh.push(key)
    }
    if (fresh.length === 0) return 0
    const old = this.#snapshot()
    this.#reserve(old.n + fresh.length)
    let i = 0
    let j = 0
    let out = 0
    while (i < old.n || j < fresh.length) {
      const next = fresh[j]
      if (next !== undefined && (i >= old.n || compareItemKeys(next, this.#keyOf(old, i)) < 0)) {
        this.#lamports[out] = next.lamport
        this.#ids.set(next.id, out * ITEM_ID_BYTES)
        readLimbs(itemHash(next), this.#hashes, out * SUM_LIMBS)
        j++
      } else {
        this.#copyFrom(old, i, out)
        i++
      }
      out++
    }
    this.#n = out
    this.#validPrefix = 0
    return fresh.length
  }

  /** Remove one key; false if it was not there. */
  delete(key: ItemKey): boolean {
    return this.deleteMany([key]) === 1
  }

  /** Remove many keys in one pass; returns how many were removed. */
  deleteMany(keys: Iterable<ItemKey>): number {
    const doomed = new Set<number>()
    for (const key of keys) {
      const i = this.#lowerIndex(boundAt(key))
      if (i < this.#n && this.#compareAt(i, key) === 0) doomed.add(i)
    }
    if (doomed.size === 0) return 0
    const old = this.#snapshot()
    let out = 0
    for (let i = 0; i < old.n; i++) {
      if (doomed.has(i)) continue
      this.#copyFrom(old, i, out)
      out++
    }
    this.#n = out
    this.#validPrefix = 0
    return doomed.size
  }

  /** An independent copy. */
  clone(): MemoryReconcileStore {
    const copy = new MemoryReconcileStore()
    const n = this.#n
    copy.#reserve(n)
    copy.#lamports.set(this.#lamports.subarray(0, n))
    copy.#ids.set(this.#ids.subarray(0, n * ITEM_ID_BYTES))
    copy.#hashes.set(this.#hashes.subarray(0, n * SUM_LIMBS))
    copy.#n = n
    return copy
  }

  /** Every key, in order. */
  keys(): ItemKey[] {
    return Array.from({ length: this.#n }, (_, i) => this.#keyAt(i))
  }

  fingerprint(lower: SyncBound, upper: SyncBound): RangeSummary {
    const i = this.#lowerIndex(lower)
    const j = Math.max(i, this.#lowerIndex(upper))
    this.#ensurePrefix(j)
    const sum = new Uint32Array(SUM_LIMBS)
    subLimbs(sum, 0, this.#prefix, j * SUM_LIMBS, this.#prefix, i * SUM_LIMBS)
    return { count: j - i, fingerprint: fingerprintOfSum(sum, 0, j - i) }
  }

  itemsIn(lower: SyncBound, upper: SyncBound, limit: number): readonly ItemKey[] {
    const i = this.#lowerIndex(lower)
    const j = Math.min(this.#lowerIndex(upper), i + Math.max(0, limit))
    const out: ItemKey[] = []
    for (let k = i; k < j; k++) out.push(this.#keyAt(k))
    return out
  }

  splitPoints(lower: SyncBound, upper: SyncBound, parts: number): readonly SyncBound[] {
    const i = this.#lowerIndex(lower)
    const count = Math.max(0, this.#lowerIndex(upper) - i)
    const p = Math.min(Math.floor(parts), count)
    const out: SyncBound[] = []
    for (let k = 1; k < p; k++) {
      const at = i + Math.floor((k * count) / p)
      out.push(betweenAt(this.#lamports, this.#ids, at))
    }
    return out
  }

  /** Index of the first key ≥ `bound` (= number of keys below it). */
  #lowerIndex(bound: SyncBound): number {
    if (isInfinite(bound)) return this.#n
    let lo = 0
    let hi = this.#n
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.#compareAtBound(mid, bound) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  #compareAtBound(i: number, bound: SyncBound): number {
    const lamport = this.#lamports[i] ?? 0
    if (lamport !== bound.lamport) return lamport < bound.lamport ? -1 : 1
    const base = i * ITEM_ID_BYTES
    for (let b = 0; b < ITEM_ID_BYTES; b++) {
      const d = (this.#ids[base + b] ?? 0) - (bound.prefix[b] ?? 0)
      if (d !== 0) return d
    }
    return 0
  }

  #compareAt(i: number, key: ItemKey): number {
    const lamport = this.#lamports[i] ?? 0
    if (lamport !== key.lamport) return lamport < key.lamport ? -1 : 1
    const base = i * ITEM_ID_BYTES
    for (let b = 0; b < ITEM_ID_BYTES; b++) {
      const d = (this.#ids[base + b] ?? 0) - (key.id[b] ?? 0)
      if (d !== 0) return d
    }
    return 0
  }

  #keyAt(i: number): ItemKey {
    return { lamport: this.#lamports[i] ?? 0, id: this.#ids.slice(i * ITEM_ID_BYTES, (i + 1) * ITEM_ID_BYTES) }
  }

  #keyOf(old: Snapshot, i: number): ItemKey {
    return { lamport: old.lamports[i] ?? 0, id: old.ids.subarray(i * ITEM_ID_BYTES, (i + 1) * ITEM_ID_BYTES) }
  }

  #copyFrom(old: Snapshot, from: number, to: number): void {
    this.#lamports[to] = old.lamports[from] ?? 0
    this.#ids.set(old.ids.subarray(from * ITEM_ID_BYTES, (from + 1) * ITEM_ID_BYTES), to * ITEM_ID_BYTES)
    this.#hashes.set(old.hashes.subarray(from * SUM_LIMBS, (from + 1) * SUM_LIMBS), to * SUM_LIMBS)
  }

  /** Copies of the current arrays, for a merge that rewrites them in place. */
  #snapshot(): Snapshot {
    const n = this.#n
    return {
      n,
      lamports: this.#lamports.slice(0, n),
      ids: this.#ids.slice(0, n * ITEM_ID_BYTES),
      hashes: this.#hashes.slice(0, n * SUM_LIMBS)
    }
  }

  #reserve(needed: number): void {
    const capacity = this.#lamports.length
    if (needed <= capacity) return
    let next = capacity
    while (next < needed) next *= 2
    const lamports = new Float64Array(next)
    lamports.set(this.#lamports.subarray(0, this.#n))
    const ids = new Uint8Array(next * ITEM_ID_BYTES)
    ids.set(this.#ids.subarray(0, this.#n * ITEM_ID_BYTES))
    const hashes = new Uint32Array(next * SUM_LIMBS)
    hashes.set(this.#hashes.subarray(0, this.#n * SUM_LIMBS))
    const prefix = new Uint32Array((next + 1) * SUM_LIMBS)
    prefix.set(this.#prefix.subarray(0, (this.#validPrefix + 1) * SUM_LIMBS))
    this.#lamports = lamports
    this.#ids = ids
    this.#hashes = hashes
    this.#prefix = prefix
  }

  /** Bring prefix sums up to date through entry `j`. */
  #ensurePrefix(j: number): void {
    for (let k = this.#validPrefix; k < j; k++) {
      addLimbs(this.#prefix, (k + 1) * SUM_LIMBS, this.#prefix, k * SUM_LIMBS, this.#hashes, k * SUM_LIMBS)
    }
    if (j > this.#validPrefix) this.#validPrefix = j
  }
}

interface Snapshot {
  readonly n: number
  readonly lamports: Float64Array
  readonly ids: Bytes
  readonly hashes: Uint32Array
}

/** The shortest bound between packed keys at `at − 1` and `at`. */
function betweenAt(lamports: Float64Array, ids: Bytes, at: number): SyncBound {
  const lamport = lamports[at] ?? 0
  if ((lamports[at - 1] ?? 0) !== lamport) return { lamport, prefix: new Uint8Array(0) }
  const a = (at - 1) * ITEM_ID_BYTES
  const b = at * ITEM_ID_BYTES
  let k = 0
  while (k < ITEM_ID_BYTES - 1 && ids[a + k] === ids[b + k]) k++
  return { lamport, prefix: ids.slice(b, b + k + 1) }
}
