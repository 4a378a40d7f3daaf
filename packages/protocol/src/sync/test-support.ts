/**
 * Helpers for the sync tests and benchmark (not exported by the package):
 * a seeded generator of item keys, sets that differ by a known amount, and a
 * driver that runs two sessions back to back and counts what they sent.
 */
import { sha256 } from '../crypto/sha256.ts'
import { u64be } from './fingerprint.ts'
import { compareItemKeys, itemKeyString, type ItemKey } from './item-key.ts'
import { MemoryReconcileStore } from './item-store.ts'

import { Rng } from '../test-rng.ts'
export { Rng }

/**
 * `n` distinct keys from a seed: ids are SHA-256 of the seed and index;
 * Lamport times grow by 0–`spread` per item (so many share a time when small).
 */
export function makeKeys(n: number, seed: number, spread = 3): ItemKey[] {
  const rng = new Rng(seed)
  const seedBytes = u64be(seed >>> 0)
  const keys: ItemKey[] = []
  let lamport = rng.int(1000)
  for (let i = 0; i < n; i++) {
    lamport += rng.int(spread + 1)
    keys.push({ lamport, id: sha256(seedBytes, u64be(i)) })
  }
  return keys
}

/** Two stores sharing `n − d` keys; `d` keys are split at random between the two sides. */
export function differingStores(n: number, d: number, seed: number): {
  a: MemoryReconcileStore, b: MemoryReconcileStore, onlyA: ItemKey[], onlyB: ItemKey[]
} {
  const keys = makeKeys(n, seed)
  const rng = new Rng(seed ^ 0x5eed)
  const diff = rng.sample(keys, d)
  const onlyA: ItemKey[] = []
  const onlyB: ItemKey[] = []
  for (const key of diff) (rng.int(2) === 0 ? onlyA : onlyB).push(key)
  const common = MemoryReconcileStore.from(keys)
  const a = common.clone()
  a.deleteMany(onlyB)
  const b = common
  b.deleteMany(onlyA)
  return { a, b, onlyA: onlyA.sort(compareItemKeys), onlyB: onlyB.sort(compareItemKeys) }
}

export { runSession, type RunResult } from './run-session.ts'

/** Keys as sorted strings, for comparing sets in assertions. */
export function itemKeyStrings(keys: readonly ItemKey[]): string[] {
  return keys.map(itemKeyString).sort()
}
