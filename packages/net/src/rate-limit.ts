/**
 * Per-key token buckets (docs/drafts/network.md §10.4.3). Each key (a peer id)
 * holds up to `burst` tokens and regains `perSecond` tokens a second; a
 * message takes one. Time is passed in, so the buckets are deterministic in
 * tests. The map is bounded: when full, the fullest (longest idle) buckets
 * are forgotten first, which only ever favours the peer, never penalises it.
 */

/** Rate of one bucket. */
export interface RateLimit {
  /** Tokens a full bucket holds (the largest burst allowed). */
  readonly burst: number
  /** Tokens regained per second. */
  readonly perSecond: number
}

interface Bucket {
  tokens: number
  at: number
}

/** Token buckets keyed by string (peer ids). */
export class RateLimiter {
  readonly limit: RateLimit
  readonly #buckets = new Map<string, Bucket>()
  readonly #maxKeys: number

  constructor(limit: RateLimit, maxKeys = 10_000) {
    if (!(limit.burst >= 1) || !(limit.perSecond > 0)) throw new RangeError('a rate limit needs burst ≥ 1 and perSecond > 0')
    this.limit = limit
    this.#maxKeys = maxKeys
  }

  /** Take one token for `key` at time `now` (ms). False when the bucket is empty. */
  take(key: string, now: number): boolean {
    let b = this.#buckets.get(key)
    if (b === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#evict()
      b = { tokens: this.limit.burst, at: now }
      this.#buckets.set(key, b)
    } else {
      const elapsed = Math.max(0, now - b.at) / 1000
      b.tokens = Math.min(this.limit.burst, b.tokens + elapsed * this.limit.perSecond)
      b.at = now
      // Move to the end: Map iteration order is then least-recently-used first.
      this.#buckets.delete(key)
      this.#buckets.set(key, b)
    }
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  /** Number of keys tracked. */
  get size(): number {
    return this.#buckets.size
  }

  #evict(): void {
    // Drop the least recently used tenth (at least one).
    let n = Math.max(1, Math.floor(this.#maxKeys / 10))
    for (const key of this.#buckets.keys()) {
      if (n-- <= 0) break
      this.#buckets.delete(key)
    }
  }
}

/**
 * Decaying penalty points per peer, fed into GossipSub's application-specific
 * score (P5). A peer earns a point when it exceeds its rate limit; points
 * halve every `halfLifeMs`. Bounded like {@link RateLimiter}.
 */
export class PeerPenalties {
  readonly #points = new Map<string, { value: number; at: number }>()
  readonly #halfLifeMs: number
  readonly #maxKeys: number
  readonly #now: () => number

  constructor(opts: { halfLifeMs?: number; maxKeys?: number; now?: () => number } = {}) {
    this.#halfLifeMs = opts.halfLifeMs ?? 60_000
    this.#maxKeys = opts.maxKeys ?? 10_000
    this.#now = opts.now ?? Date.now
  }

  /** Add `points` to a peer. */
  add(peer: string, points = 1): void {
    const current = this.get(peer)
    this.#points.delete(peer)
    if (this.#points.size >= this.#maxKeys) {
      const oldest = this.#points.keys().next()
      if (oldest.done !== true) this.#points.delete(oldest.value)
    }
    this.#points.set(peer, { value: current + points, at: this.#now() })
  }

  /** The peer's current (decayed) points. */
  get(peer: string): number {
    const p = this.#points.get(peer)
    if (p === undefined) return 0
    const decayed = p.value * 0.5 ** ((this.#now() - p.at) / this.#halfLifeMs)
    if (decayed < 0.01) {
      this.#points.delete(peer)
      return 0
    }
    return decayed
  }
}
