/**
 * Test-only: a small seeded PRNG (mulberry32) for reproducible delivery
 * schedules, histories and key sets. Same seed, same sequence, everywhere —
 * committed regression seeds depend on that.
 */

/** Seeded random numbers and the shuffles and splits tests need. */
export class Rng {
  #state: number
  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** Uniform in [0, 2^32). */
  u32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items]
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = out[i] as T
      out[i] = out[j] as T
      out[j] = t
    }
    return out
  }

  /** A random subset of `items` of size `k` (k ≤ length), in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = [...items]
    for (let i = 0; i < k; i++) {
      const j = i + this.int(copy.length - i)
      const a = copy[i] as T
      copy[i] = copy[j] as T
      copy[j] = a
    }
    return copy.slice(0, k)
  }

  /** Consecutive chunks of 1…`maxSize` items each. */
  chunks<T>(items: readonly T[], maxSize: number): T[][] {
    const out: T[][] = []
    for (let i = 0; i < items.length;) {
      const n = 1 + this.int(maxSize)
      out.push(items.slice(i, i + n))
      i += n
    }
    return out
  }

  /** Consecutive batches of random sizes, at most `maxBatches` of them. */
  batches<T>(items: readonly T[], maxBatches: number): T[][] {
    const out: T[][] = []
    let rest = [...items]
    while (rest.length > 0) {
      const n = out.length + 1 >= maxBatches ? rest.length : 1 + this.int(rest.length)
      out.push(rest.slice(0, n))
      rest = rest.slice(n)
    }
    return out
  }
}
