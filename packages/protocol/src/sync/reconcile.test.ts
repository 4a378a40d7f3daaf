/**
 * Reconciliation end to end: two honest sessions always find exactly the
 * symmetric difference, whatever the sets, the tuning or the budgets; cost
 * grows with the difference, not with the set size.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MemoryReconcileStore } from './item-store.ts'
import { compareItemKeys, type ItemKey } from './item-key.ts'
import { differingStores, itemKeyStrings, makeKeys, runSession, type RunResult } from './test-support.ts'

function expectExact(run: RunResult, onlyA: readonly ItemKey[], onlyB: readonly ItemKey[]): void {
  expect(itemKeyStrings(run.initiator.have())).toEqual(itemKeyStrings(onlyA))
  expect(itemKeyStrings(run.initiator.need())).toEqual(itemKeyStrings(onlyB))
  expect(itemKeyStrings(run.responder.have())).toEqual(itemKeyStrings(onlyB))
  expect(itemKeyStrings(run.responder.need())).toEqual(itemKeyStrings(onlyA))
}

describe('reconcile: two honest peers', () => {
  it('find exactly the symmetric difference of random sets (property)', () => {
    const options = fc.record({
      branching: fc.integer({ min: 4, max: 24 }),
      idsThreshold: fc.integer({ min: 1, max: 40 }),
      maxRangesPerMessage: fc.integer({ min: 28, max: 120 }),
      maxIdsPerMessage: fc.integer({ min: 40, max: 300 })
    })
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 400 }),
        fc.nat(), fc.oneof(fc.constant({}), options), fc.integer({ min: 0, max: 12 }),
        (sharedCount, onlyACount, onlyBCount, seed, opts, spread) => {
          const pool = makeKeys(sharedCount + onlyACount + onlyBCount, seed, spread)
          const shared = pool.slice(0, sharedCount)
          const onlyA = pool.slice(sharedCount, sharedCount + onlyACount)
          const onlyB = pool.slice(sharedCount + onlyACount)
          const a = MemoryReconcileStore.from([...shared, ...onlyA])
          const b = MemoryReconcileStore.from([...shared, ...onlyB])
          const run = runSession(a, b, opts)
          expectExact(run, onlyA, onlyB)
        }
      ),
      { numRuns: 150, seed: 0x5b5c }
    )
  })

  it('reconcile to the symmetric difference when d random items of n differ', () => {
    for (const [n, d] of [[1000, 0], [1000, 1], [1000, 10], [5000, 100], [3000, 3000], [20_000, 500]] as const) {
      const { a, b, onlyA, onlyB } = differingStores(n, d, n * 31 + d)
      expectExact(runSession(a, b), onlyA, onlyB)
    }
  })

  it('handles the edge cases: both empty, one empty, identical, disjoint, one item', () => {
    const keys = makeKeys(3000, 7)
    const empty = MemoryReconcileStore.from([])
    const all = MemoryReconcileStore.from(keys)
    const cases: [MemoryReconcileStore, MemoryReconcileStore, ItemKey[], ItemKey[]][] = [
      [empty, empty, [], []],
      [empty, all, [], keys],
      [all, empty, keys, []],
      [all, all.clone(), [], []],
      [MemoryReconcileStore.from(keys.filter((_, i) => i % 2 === 0)), MemoryReconcileStore.from(keys.filter((_, i) => i % 2 === 1)),
        keys.filter((_, i) => i % 2 === 0), keys.filter((_, i) => i % 2 === 1)],
      [MemoryReconcileStore.from(keys.slice(0, 1)), empty, keys.slice(0, 1), []]
    ]
    for (const [a, b, onlyA, onlyB] of cases) {
      expectExact(runSession(a, b), onlyA, onlyB)
      expectExact(runSession(b, a), onlyB, onlyA)
    }
  })

  it('identical sets finish in two messages (fingerprint, then all-skip)', () => {
    const store = MemoryReconcileStore.from(makeKeys(10_000, 3))
    const run = runSession(store, store.clone())
    expect(run.messages).toBe(2)
    expect(run.bytes).toBeLessThan(60)
  })

  it('a late joiner learns every item of a 100k history, within the message limits', () => {
    const keys = makeKeys(100_000, 11)
    const run = runSession(MemoryReconcileStore.from([]), MemoryReconcileStore.from(keys))
    expect(run.initiator.need()).toHaveLength(100_000)
    expect(itemKeyStrings(run.initiator.need())).toEqual(itemKeyStrings(keys))
    expect(run.largest).toBeLessThanOrEqual(262_144)
    // 100k keys at ≤ 4,096 per message: ~25 round trips.
    expect(run.messages).toBeLessThan(60)
  })

  it('steps report each key once, in key order within a step', () => {
    const { a, b, onlyA, onlyB } = differingStores(4000, 400, 99)
    const run = runSession(a, b, { maxIdsPerMessage: 50, maxRangesPerMessage: 40 })
    expectExact(run, onlyA, onlyB)
    const need = run.initiator.need()
    expect([...need].sort(compareItemKeys)).toEqual(need)
  })
})

describe('reconcile: cost grows with the difference, not the set size', () => {
  const cost = (n: number, d: number, seed = 1): RunResult => {
    const { a, b, onlyA, onlyB } = differingStores(n, d, seed + n)
    const run = runSession(a, b)
    expectExact(run, onlyA, onlyB)
    return run
  }

  it('d = 10: bytes(100k) < 3 × bytes(1k); messages grow by a few', () => {
    const small = cost(1000, 10)
    const mid = cost(10_000, 10)
    const large = cost(100_000, 10)
    console.info(`d=10: n=1k ${small.bytes} B/${small.messages} msgs, n=10k ${mid.bytes} B/${mid.messages}, n=100k ${large.bytes} B/${large.messages}`)
    expect(large.bytes).toBeLessThan(3 * small.bytes)
    expect(large.messages).toBeLessThanOrEqual(small.messages + 4)
    expect(large.bytes).toBeLessThan(40_000)
  })

  it('n = 10k: bytes grow about linearly with d', () => {
    const byD = [1, 10, 100, 1000].map((d) => ({ d, run: cost(10_000, d, 5) }))
    console.info(byD.map(({ d, run }) => `d=${d}: ${run.bytes} B/${run.messages} msgs`).join(', '))
    const perItem = byD.map(({ d, run }) => run.bytes / d)
    // Per differing item, never more than ~1.5 KB, and no worse for larger d.
    for (const p of perItem) expect(p).toBeLessThan(3000)
    expect(perItem[3]).toBeLessThan((perItem[1] ?? 0) * 1.5)
  })
})
