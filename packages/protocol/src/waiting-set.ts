/**
 * Records waiting for other records (PROTOCOL.md §6.5, §7.3): each waits for
 * a set of ids (missing parents, a delete's missing target) and leaves when
 * the last arrives or when one of them is refused. Bounded. Shared by the
 * authority log and the channel log.
 */

/** A bounded set of records, each waiting for some ids. */
export class WaitingSet<N extends { readonly key: string }> {
  readonly #limit: number
  readonly #pending = new Map<string, { readonly node: N; readonly missing: Set<string> }>()
  /** Missing id → keys of the events that wait for it. */
  readonly #waiting = new Map<string, Set<string>>()

  constructor(limit: number) {
    this.#limit = limit
  }

  /** Number of waiting events. */
  get size(): number {
    return this.#pending.size
  }

  /** Whether the event with this key waits. */
  has(key: string): boolean {
    return this.#pending.has(key)
  }

  /** Make `node` wait for the (non-empty) `missing` ids. False, and nothing done, when full. */
  add(node: N, missing: ReadonlySet<string>): boolean {
    if (this.#pending.size >= this.#limit) return false
    this.#pending.set(node.key, { node, missing: new Set(missing) })
    for (const m of missing) {
      const set = this.#waiting.get(m)
      if (set) set.add(node.key)
      else this.#waiting.set(m, new Set([node.key]))
    }
    return true
  }

  /** `key` was stored: the events that now wait for nothing leave and are returned. */
  arrived(key: string): N[] {
    const released: N[] = []
    for (const w of this.#take(key)) {
      const p = this.#pending.get(w)
      if (!p) continue
      p.missing.delete(key)
      if (p.missing.size === 0) {
        this.#pending.delete(w)
        released.push(p.node)
      }
    }
    return released
  }

  /** `key` was refused: the events that waited for it leave (whatever else they waited for) and are returned. */
  refused(key: string): N[] {
    const dropped: N[] = []
    for (const w of this.#take(key)) {
      const p = this.#pending.get(w)
      if (!p) continue
      this.#pending.delete(w)
      for (const m of p.missing) {
        const set = this.#waiting.get(m)
        set?.delete(w)
        if (set?.size === 0) this.#waiting.delete(m)
      }
      dropped.push(p.node)
    }
    return dropped
  }

  /** Keys of the events that wait for `key` (directly). */
  waitersOf(key: string): string[] {
    return [...(this.#waiting.get(key) ?? [])]
  }

  /** The ids the waiting event `key` still waits for (empty when it does not wait). */
  missingOf(key: string): string[] {
    return [...(this.#pending.get(key)?.missing ?? [])]
  }

  /** The waiting event with this key. */
  get(key: string): N | undefined {
    return this.#pending.get(key)?.node
  }

  /** Ids some event waits for that are not waiting events themselves, sorted. */
  wanted(): string[] {
    return [...this.#waiting.keys()].filter((k) => !this.#pending.has(k)).sort()
  }

  #take(key: string): Set<string> {
    const waiters = this.#waiting.get(key) ?? new Set<string>()
    this.#waiting.delete(key)
    return waiters
  }
}
