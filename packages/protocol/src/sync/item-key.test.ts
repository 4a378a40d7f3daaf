import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  boundAt,
  boundBetween,
  compareBounds,
  compareItemKeys,
  compareKeyToBound,
  INFINITY_BOUND,
  isCanonicalBound,
  itemKeyString,
  MIN_BOUND,
  type ItemKey
} from './item-key.ts'
import { fromHex, type Bytes } from '../bytes.ts'

const id = (fill: number, last?: number): Bytes => {
  const out = new Uint8Array(32).fill(fill)
  if (last !== undefined) out[31] = last
  return out
}

/** Keys drawn so that equal Lamport times and long shared id prefixes are common. */
const keyArb: fc.Arbitrary<ItemKey> = fc.record({
  lamport: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.maxSafeNat()),
  id: fc.tuple(fc.integer({ min: 0, max: 31 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }))
    .map(([shared, a, b]) => Uint8Array.from([...a.subarray(0, shared), ...b.subarray(shared)]))
})

describe('item keys and bounds', () => {
  it('order keys by Lamport time, then id bytes', () => {
    expect(compareItemKeys({ lamport: 1, id: id(0xff) }, { lamport: 2, id: id(0) })).toBeLessThan(0)
    expect(compareItemKeys({ lamport: 2, id: id(1) }, { lamport: 2, id: id(1, 2) })).toBeLessThan(0)
    expect(compareItemKeys({ lamport: 2, id: id(1) }, { lamport: 2, id: id(1) })).toBe(0)
  })

  it('read a bound prefix as padded with zeros', () => {
    const key = { lamport: 5, id: fromHex('ab00'.padEnd(64, '0')) }
    expect(compareKeyToBound(key, { lamport: 5, prefix: fromHex('ab') })).toBe(0)
    expect(compareKeyToBound(key, { lamport: 5, prefix: fromHex('ab01') })).toBeLessThan(0)
    expect(compareKeyToBound(key, { lamport: 6, prefix: new Uint8Array(0) })).toBeLessThan(0)
    expect(compareKeyToBound(key, INFINITY_BOUND)).toBeLessThan(0)
    expect(compareKeyToBound({ lamport: 0, id: id(0) }, MIN_BOUND)).toBe(0)
    expect(compareBounds(MIN_BOUND, INFINITY_BOUND)).toBeLessThan(0)
  })

  it('boundBetween is the shortest bound separating two keys (property)', () => {
    fc.assert(fc.property(keyArb, keyArb, (x, y) => {
      const c = compareItemKeys(x, y)
      fc.pre(c !== 0)
      const [below, above] = c < 0 ? [x, y] : [y, x]
      const b = boundBetween(below, above)
      expect(compareKeyToBound(below, b)).toBeLessThan(0)
      expect(compareKeyToBound(above, b)).toBeGreaterThanOrEqual(0)
      expect(isCanonicalBound(b)).toBe(true)
      if (below.lamport !== above.lamport) expect(b.prefix).toHaveLength(0)
      else if (b.prefix.length > 1) {
        // One byte shorter no longer separates them.
        const shorter = { lamport: b.lamport, prefix: b.prefix.slice(0, -1) }
        expect(compareKeyToBound(below, shorter) < 0 && compareKeyToBound(above, shorter) >= 0).toBe(false)
      }
    }), { seed: 1 })
  })

  it('boundAt sits exactly on its key and is canonical', () => {
    fc.assert(fc.property(keyArb, (key) => {
      const b = boundAt(key)
      expect(compareKeyToBound(key, b)).toBe(0)
      expect(isCanonicalBound(b)).toBe(true)
    }), { seed: 2 })
  })

  it('canonical bounds: ≤ 32 bytes, no trailing zero, safe Lamport time', () => {
    expect(isCanonicalBound({ lamport: 1, prefix: fromHex('0100') })).toBe(false)
    expect(isCanonicalBound({ lamport: 1, prefix: fromHex('00') })).toBe(false)
    expect(isCanonicalBound({ lamport: 1, prefix: new Uint8Array(33).fill(1) })).toBe(false)
    expect(isCanonicalBound({ lamport: 2 ** 53, prefix: new Uint8Array(0) })).toBe(false)
    expect(isCanonicalBound({ lamport: 1, prefix: fromHex('0001') })).toBe(true)
    expect(isCanonicalBound(INFINITY_BOUND)).toBe(true)
  })

  it('itemKeyString tells keys apart exactly', () => {
    expect(itemKeyString({ lamport: 1, id: id(2) })).toBe(`1:${'\u0202'.repeat(16)}`)
    expect(itemKeyString({ lamport: 1, id: id(2) })).not.toBe(itemKeyString({ lamport: 12, id: id(2) }))
  })
})
