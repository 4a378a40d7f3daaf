/**
 * The item keys (lamport, id) of one log's stored records, for range
 * reconciliation (PROTOCOL.md §8.3): a live `MemoryReconcileStore` updated as
 * records are stored, and frozen snapshots for sessions.
 *
 * Built on first use from the log itself, so opening a room does not hash
 * every key before anyone syncs (an item hash is a SHA-256 per record).
 *
 * A session needs a set that does not change while it runs (§8.3), but
 * ingest goes on meanwhile. A snapshot is a copy of the packed arrays: for
 * 100k keys about 4–6 ms, plus 8–9 ms to recompute its prefix sums on the
 * first fingerprint (the clone does not carry them). The copy is shared by
 * every session that starts before the next change, so a busy responder
 * pays that once per change, not per session. A change drops the shared
 * copy; the next session makes a new one. (Building the set from 100k
 * records costs ~300 ms, one item hash each, which is why it waits for
 * the first session rather than slowing down opening the room.)
 */
import { compareItemKeys, MemoryReconcileStore, type ItemKey, type ReconcileStore } from '@hearth/protocol'

/** The live key set of one log and its current snapshot. */
export class KeyIndex {
  readonly #source: () => readonly ItemKey[]
  #live: MemoryReconcileStore | undefined
  #snapshot: MemoryReconcileStore | undefined
  /** Highest key so far, to tell appends (amortised O(1) each) from merges. */
  #top: ItemKey | undefined

  /** @param source every key the log stores now (read once, on first use) */
  constructor(source: () => readonly ItemKey[]) {
    this.#source = source
  }

  /** Number of keys. */
  get size(): number {
    return this.#store().size()
  }

  /** Whether the log stores the record with this key. */
  has(key: ItemKey): boolean {
    return this.#store().has(key)
  }

  /**
   * Add keys of records the log just stored (any order). When every new key
   * sorts above the present ones (new messages, an in-order sync) they are
   * appended, amortised O(1) each; anything else goes through one merge,
   * which copies the arrays once. Before first use there is nothing to do:
   * the set will be read from the log.
   */
  add(keys: readonly ItemKey[]): void {
    const live = this.#live
    if (live === undefined || keys.length === 0) return
    this.#snapshot = undefined
    const sorted = [...keys].sort(compareItemKeys)
    const first = sorted[0] as ItemKey
    if (this.#top === undefined || compareItemKeys(first, this.#top) > 0) {
      for (const key of sorted) live.insert(key)
    } else {
      live.insertMany(sorted)
    }
    const last = sorted[sorted.length - 1] as ItemKey
    if (this.#top === undefined || compareItemKeys(last, this.#top) > 0) this.#top = last
  }

  /**
   * Drop keys of records the log no longer stores (the profile set replaces
   * versions). The highest key is left as it was: a stale one only sends the
   * next adds through the merge path.
   */
  remove(keys: readonly ItemKey[]): void {
    const live = this.#live
    if (live === undefined || keys.length === 0) return
    this.#snapshot = undefined
    live.deleteMany(keys)
  }

  /** Every key, in sync order. */
  keys(): ItemKey[] {
    return this.#store().keys()
  }

  /** A set that never changes, equal to the current keys. */
  snapshot(): ReconcileStore {
    this.#snapshot ??= this.#store().clone()
    return this.#snapshot
  }

  #store(): MemoryReconcileStore {
    if (this.#live === undefined) {
      const keys = this.#source()
      for (const key of keys) if (this.#top === undefined || compareItemKeys(key, this.#top) > 0) this.#top = key
      this.#live = MemoryReconcileStore.from(keys)
    }
    return this.#live
  }
}
