import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { PeerPenalties, RateLimiter } from './rate-limit.ts'

describe('RateLimiter', () => {
  it('allows a burst, then the refill rate', () => {
    const r = new RateLimiter({ burst: 3, perSecond: 2 })
    expect([1, 2, 3, 4].map(() => r.take('a', 0))).toEqual([true, true, true, false])
    expect(r.take('b', 0)).toBe(true) // buckets are per key
    expect(r.take('a', 499)).toBe(false)
    expect(r.take('a', 500)).toBe(true)
    expect(r.take('a', 10_000)).toBe(true)
  })

  it('never allows more than burst + rate × time, whatever the arrival pattern', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.array(fc.nat({ max: 2000 }), { maxLength: 200 }), (burst, perSecond, gaps) => {
        const r = new RateLimiter({ burst, perSecond })
        let t = 0
        let allowed = 0
        for (const g of gaps) {
          t += g
          if (r.take('k', t)) allowed++
        }
        expect(allowed).toBeLessThanOrEqual(burst + Math.floor((t / 1000) * perSecond) + 1)
      })
    )
  })

  it('stays bounded, forgetting the least recently used keys', () => {
    const r = new RateLimiter({ burst: 1, perSecond: 1 }, 100)
    for (let i = 0; i < 1000; i++) r.take(`peer${i}`, 0)
    expect(r.size).toBeLessThanOrEqual(100)
  })

  it('refuses nonsense limits', () => {
    expect(() => new RateLimiter({ burst: 0, perSecond: 1 })).toThrow(RangeError)
    expect(() => new RateLimiter({ burst: 1, perSecond: 0 })).toThrow(RangeError)
  })
})

describe('PeerPenalties', () => {
  it('adds points that halve every half-life', () => {
    let now = 0
    const p = new PeerPenalties({ halfLifeMs: 1000, now: () => now })
    p.add('a')
    p.add('a', 3)
    expect(p.get('a')).toBe(4)
    now = 1000
    expect(p.get('a')).toBeCloseTo(2)
    now = 20_000
    expect(p.get('a')).toBe(0)
    expect(p.get('nobody')).toBe(0)
  })
})
