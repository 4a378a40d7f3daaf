/**
 * Assembles one outgoing message within its budgets (PROTOCOL.md §8.5):
 * merges adjacent skips, remembers which ranges it leaves open (for checking
 * the peer's answer), and, when the next answer would not fit, ends the
 * message with a *rest range* — our fingerprint of everything from there to
 * +∞ — so the peer picks the remainder up in its next message.
 */
import type { Bytes } from '../bytes.ts'
import { compareBounds, INFINITY_BOUND, MIN_BOUND, type ItemKey, type SyncBound } from './item-key.ts'
import type { ReconcileStore } from './item-store.ts'
import type { SyncMessage, SyncRange } from './message.ts'
import type { OpenRange } from './reconcile-rules.ts'

/** Ranges kept free while answering: one skip and the rest range. */
const RESERVED_RANGES = 2

export class ReplyBuilder {
  readonly #maxRanges: number
  readonly #maxIds: number
  readonly #ranges: SyncRange[] = []
  readonly #open: OpenRange[] = []
  #ids = 0
  #end: SyncBound = MIN_BOUND
  #deferred = false

  constructor(maxRanges: number, maxIds: number) {
    this.#maxRanges = maxRanges
    this.#maxIds = maxIds
  }

  /** Whether the message already ends with a rest range (later answers are dropped). */
  get deferred(): boolean {
    return this.#deferred
  }

  /** Keys that still fit. */
  get idsLeft(): number {
    return this.#maxIds - this.#ids
  }

  /** Whether `ranges` more ranges and `ids` more keys fit, keeping room for a rest range. */
  fits(ranges: number, ids: number): boolean {
    return this.#ranges.length + ranges + RESERVED_RANGES <= this.#maxRanges && this.#ids + ids <= this.#maxIds
  }

  /** Close key space up to `upper` (merged into a preceding skip). */
  skip(upper: SyncBound): void {
    if (this.#deferred) return
    const last = this.#ranges[this.#ranges.length - 1]
    if (last?.mode === 'skip') this.#ranges[this.#ranges.length - 1] = { upper, mode: 'skip' }
    else this.#ranges.push({ upper, mode: 'skip' })
    this.#end = upper
  }

  /** A fingerprint range we expect the peer to answer. */
  fingerprint(upper: SyncBound, fingerprint: Bytes, depth: number): void {
    this.#push({ upper, mode: 'fingerprint', fingerprint }, { kind: 'fingerprint', depth, keys: [] })
  }

  /** Our complete list of keys in the range; we expect a diff back. */
  ids(upper: SyncBound, keys: readonly ItemKey[], depth: number): void {
    this.#push({ upper, mode: 'ids', keys }, { kind: 'ids', depth, keys })
  }

  /** The answer to the peer's id list; closes the range. */
  diff(upper: SyncBound, keys: readonly ItemKey[], lack: Bytes): void {
    this.#push({ upper, mode: 'diff', keys, lack }, undefined)
  }

  /** End the message with our fingerprint of [lower, +∞); `lower` must be where the message has reached. */
  defer(store: ReconcileStore, lower: SyncBound): void {
    if (compareBounds(lower, this.#end) !== 0) throw new Error('reconcile: a rest range must start where the reply has reached')
    this.#push({ upper: INFINITY_BOUND, mode: 'fingerprint', fingerprint: store.fingerprint(lower, INFINITY_BOUND).fingerprint }, {
      kind: 'fingerprint', depth: 0, keys: []
    })
    this.#deferred = true
  }

  /** The finished message and the ranges it leaves open. */
  finish(): { message: SyncMessage; open: readonly OpenRange[] } {
    if (!this.#deferred && this.#end.lamport !== Infinity) throw new Error('reconcile: the reply does not reach +∞')
    return { message: { ranges: this.#ranges }, open: this.#open }
  }

  #push(range: SyncRange, open: Omit<OpenRange, 'lower' | 'upper'> | undefined): void {
    if (this.#deferred) throw new Error('reconcile: nothing may follow the rest range')
    this.#ranges.push(range)
    if (open !== undefined) this.#open.push({ lower: this.#end, upper: range.upper, ...open })
    if (range.mode === 'ids' || range.mode === 'diff') this.#ids += range.keys.length
    this.#end = range.upper
  }
}
