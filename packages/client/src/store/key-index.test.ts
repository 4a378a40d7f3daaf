import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareItemKeys, fingerprintOfKeys, INFINITY_BOUND, MIN_BOUND, type ItemKey } from '@hearth/protocol'
import { KeyIndex } from './key-index.ts'

const keyArb: fc.Arbitrary<ItemKey> = fc.record({
  lamport: fc.nat({ max: 40 }),
  id: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((a) => Uint8Array.from(a))
})

function keysOf(index: KeyIndex): ItemKey[] {
  const snap = index.snapshot()
  return [...snap.itemsIn(MIN_BOUND, INFINITY_BOUND, snap.size())]
}

function sortedUnique(keys: readonly ItemKey[]): ItemKey[] {
  const sorted = [...keys].sort(compareItemKeys)
  return sorted.filter((k, i) => i === 0 || compareItemKeys(k, sorted[i - 1] as ItemKey) !== 0)
}

describe('KeyIndex', () => {
  it('property: holds exactly the keys added (appends and merges alike); snapshots never change', () => {
    fc.assert(fc.property(
      fc.array(keyArb, { maxLength: 30 }),
      fc.array(fc.array(keyArb, { maxLength: 12 }), { maxLength: 8 }),
      fc.boolean(),
      (initial, batches, touchFirst) => {
        const log = [...initial]
        const index = new KeyIndex(() => log)
        if (touchFirst) expect(index.size).toBe(sortedUnique(initial).length)
        const snapshots: { snap: ReturnType<KeyIndex['snapshot']>; keys: ItemKey[] }[] = []
        for (const batch of batches) {
          const snap = index.snapshot()
          snapshots.push({ snap, keys: [...snap.itemsIn(MIN_BOUND, INFINITY_BOUND, snap.size())] })
          log.push(...batch)
          index.add(batch)
        }
        expect(keysOf(index)).toEqual(sortedUnique(log))
        for (const { snap, keys } of snapshots) {
          expect([...snap.itemsIn(MIN_BOUND, INFINITY_BOUND, snap.size())]).toEqual(keys)
          expect(snap.fingerprint(MIN_BOUND, INFINITY_BOUND).fingerprint).toEqual(fingerprintOfKeys(keys))
        }
      }
    ))
  })

  it('shares one snapshot until the next change, and copies 100k keys fast', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => {
      const id = new Uint8Array(32)
      new DataView(id.buffer).setUint32(0, i * 2654435761 >>> 0)
      return { lamport: i + 1, id }
    })
    const index = new KeyIndex(() => keys)
    const first = index.snapshot()
    expect(index.snapshot()).toBe(first)
    index.add([{ lamport: 100_001, id: new Uint8Array(32).fill(1) }])
    const start = performance.now()
    const second = index.snapshot()
    const ms = performance.now() - start
    expect(second).not.toBe(first)
    expect(second.size()).toBe(100_001)
    expect(first.size()).toBe(100_000)
    // A few memcpys of ~4.5 MB; generous bound for loaded CI machines.
    expect(ms).toBeLessThan(100)
  })
})
