/**
 * MemoryReconcileStore against a plain sorted-array model, under random
 * inserts, bulk inserts and deletes: counts, fingerprints, item lists and
 * split points must agree with the definitions.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MemoryReconcileStore } from './item-store.ts'
import { fingerprintOfKeys } from './fingerprint.ts'
import {
  boundAt,
  boundBetween,
  compareBounds,
  compareItemKeys,
  INFINITY_BOUND,
  isCanonicalBound,
  keyInRange,
  itemKeyString,
  MIN_BOUND,
  type ItemKey,
  type SyncBound
} from './item-key.ts'
import { makeKeys, Rng } from './test-support.ts'
import { InvalidArgumentError } from '../errors.ts'

/** A random bound: on a key, between two keys, or one of the ends. */
function randomBound(rng: Rng, universe: readonly ItemKey[]): SyncBound {
  const pick = rng.int(10)
  if (pick === 0 || universe.length < 2) return pick % 2 === 0 ? MIN_BOUND : INFINITY_BOUND
  const i = 1 + rng.int(universe.length - 1)
  const below = universe[i - 1] as ItemKey
  const above = universe[i] as ItemKey
  return pick < 5 ? boundAt(above) : boundBetween(below, above)
}

describe('MemoryReconcileStore', () => {
  it('agrees with a sorted-array model under random operations (property)', () => {
    fc.assert(fc.property(fc.nat(), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 40 }), (seed, ops) => {
      const universe = makeKeys(300, seed, 2)
      const rng = new Rng(seed)
      const store = new MemoryReconcileStore()
      let model = new Map<string, ItemKey>()
      for (const op of ops) {
        if (op === 0) {
          const key = universe[rng.int(universe.length)] as ItemKey
          expect(store.insert(key)).toBe(!model.has(itemKeyString(key)))
          model.set(itemKeyString(key), key)
        } else if (op === 1) {
          const batch = rng.sample(universe, rng.int(40))
          const fresh = new Set(batch.map(itemKeyString).filter((k) => !model.has(k)))
          expect(store.insertMany([...batch, ...batch.slice(0, 3)])).toBe(fresh.size)
          for (const key of batch) model.set(itemKeyString(key), key)
        } else if (op === 2) {
          const batch = rng.sample(universe, rng.int(30))
          const present = batch.filter((k) => model.has(itemKeyString(k))).length
          expect(store.deleteMany(batch)).toBe(present)
          model = new Map([...model].filter(([k]) => !batch.some((b) => itemKeyString(b) === k)))
        } else {
          // Query.
          const sorted = [...model.values()].sort(compareItemKeys)
          let lower = randomBound(rng, universe)
          let upper = randomBound(rng, universe)
          if (compareBounds(lower, upper) > 0) [lower, upper] = [upper, lower]
          const inRange = sorted.filter((k) => keyInRange(k, lower, upper))
          const summary = store.fingerprint(lower, upper)
          expect(summary.count).toBe(inRange.length)
          expect(summary.fingerprint).toEqual(fingerprintOfKeys(inRange))
          const limit = rng.int(inRange.length + 3)
          expect(store.itemsIn(lower, upper, limit).map(itemKeyString)).toEqual(inRange.slice(0, limit).map(itemKeyString))
          checkSplit(store, lower, upper, inRange, 1 + rng.int(20))
        }
        expect(store.size()).toBe(model.size)
      }
      expect(store.keys().map(itemKeyString)).toEqual([...model.values()].sort(compareItemKeys).map(itemKeyString))
      for (const key of universe.slice(0, 20)) expect(store.has(key)).toBe(model.has(itemKeyString(key)))
    }), { numRuns: 120, seed: 0x5707e })
  })

  it('splits 100k items into equal parts with short bounds, and fingerprints any range in O(log n)', () => {
    const keys = makeKeys(100_000, 42)
    const store = MemoryReconcileStore.from(keys)
    checkSplit(store, MIN_BOUND, INFINITY_BOUND, keys, 16)
    const points = store.splitPoints(MIN_BOUND, INFINITY_BOUND, 16)
    // Lamport times are spread out, so most bounds need no id prefix at all.
    expect(points.reduce((n, b) => n + b.prefix.length, 0)).toBeLessThan(16 * 2)
    const whole = store.fingerprint(MIN_BOUND, INFINITY_BOUND)
    expect(whole.count).toBe(100_000)
    expect(whole.fingerprint).toEqual(fingerprintOfKeys(keys))
  })

  it('appending at the end keeps prefix sums valid; clone is independent', () => {
    const keys = makeKeys(1000, 8)
    const store = MemoryReconcileStore.from(keys.slice(0, 500))
    store.fingerprint(MIN_BOUND, INFINITY_BOUND)
    for (const key of keys.slice(500)) store.insert(key)
    expect(store.fingerprint(MIN_BOUND, INFINITY_BOUND).fingerprint).toEqual(fingerprintOfKeys(keys))
    const copy = store.clone()
    copy.delete(keys[3] as ItemKey)
    expect(store.size()).toBe(1000)
    expect(copy.size()).toBe(999)
    expect(copy.fingerprint(MIN_BOUND, INFINITY_BOUND).fingerprint).toEqual(fingerprintOfKeys(keys.filter((_, i) => i !== 3)))
  })

  it('refuses malformed keys', () => {
    const store = new MemoryReconcileStore()
    expect(() => store.insert({ lamport: -1, id: new Uint8Array(32) })).toThrow(InvalidArgumentError)
    expect(() => store.insert({ lamport: 1.5, id: new Uint8Array(32) })).toThrow(InvalidArgumentError)
    expect(() => store.insertMany([{ lamport: 1, id: new Uint8Array(31) }])).toThrow(InvalidArgumentError)
  })
})

function checkSplit(store: MemoryReconcileStore, lower: SyncBound, upper: SyncBound, inRange: readonly ItemKey[], parts: number): void {
  const points = store.splitPoints(lower, upper, parts)
  const expectedParts = Math.min(parts, inRange.length)
  expect(points.length).toBe(Math.max(0, expectedParts - 1))
  let previous = lower
  const sizes: number[] = []
  for (const point of [...points, upper]) {
    if (points.length > 0) expect(compareBounds(previous, point)).toBeLessThan(0)
    if (point !== upper) expect(isCanonicalBound(point)).toBe(true)
    sizes.push(store.fingerprint(previous, point).count)
    previous = point
  }
  if (points.length > 0) {
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(inRange.length)
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
  }
}
