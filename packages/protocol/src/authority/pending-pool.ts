/**
 * Entries waiting for their parents (PROTOCOL.md §6.5): a bounded pool that
 * parks an entry until every parent is stored, hands it back when the last
 * one arrives, and drops everything that waits, directly or not, on an entry
 * that was refused.
 */

/** Something with a hex id. */
export interface Keyed {
  readonly key: string
}

/** A bounded pool of items waiting for other items, by hex id. */
export class PendingPool<N extends Keyed> {
  readonly #limit: number
  readonly #pending = new Map<string, { node: N; missing: Set<string> }>()
  /** For each missing id, the waiting items that name it. */
  readonly #waiting = new Map<string, Set<string>>()

  constructor(limit: number) {
    this.#limit = limit
  }

  /** Number of waiting items. */
  get size(): number {
    return this.#pending.size
  }

  /** Whether an item with this id is waiting. */
  has(key: string): boolean {
    return this.#pending.has(key)
  }

  /** Park `node` until every id in `missing` is released. False (and nothing parked) when the pool is full. */
  park(node: N, missing: ReadonlySet<string>): boolean {
    if (this.#pending.size >= this.#limit) return false
    this.#pending.set(node.key, { node, missing: new Set(missing) })
    for (const m of missing) {
      const set = this.#waiting.get(m) ?? new Set()
      set.add(node.key)
      this.#waiting.set(m, set)
    }
    return true
  }

  /** `key` is now stored: the waiting items it completes, removed from the pool. */
  release(key: string): N[] {
    const waiters = this.#waiting.get(key)
    this.#waiting.delete(key)
    const ready: N[] = []
    for (const w of waiters ?? []) {
      const p = this.#pending.get(w)
      if (!p) continue
      p.missing.delete(key)
      if (p.missing.size === 0) {
        this.#pending.delete(w)
        ready.push(p.node)
      }
    }
    return ready
  }

  /**
   * `key` was refused: drop every item waiting on it, and transitively what
   * waits on those, so nothing is left waiting or reported missing on its
   * account. Returns how many were dropped.
   */
  dropDependents(key: string): number {
    const drop = [...(this.#waiting.get(key) ?? [])]
    this.#waiting.delete(key)
    let dropped = 0
    while (drop.length > 0) {
      const w = drop.pop() as string
      const p = this.#pending.get(w)
      if (!p) continue
      this.#pending.delete(w)
      dropped++
      for (const m of p.missing) {
        const set = this.#waiting.get(m)
        set?.delete(w)
        if (set?.size === 0) this.#waiting.delete(m)
      }
      const next = this.#waiting.get(w)
      this.#waiting.delete(w)
      if (next) drop.push(...next)
    }
    return dropped
  }

  /** Ids named by waiting items that are neither stored nor waiting themselves. */
  missing(): string[] {
    return [...this.#waiting.keys()].filter((key) => !this.#pending.has(key))
  }
}
