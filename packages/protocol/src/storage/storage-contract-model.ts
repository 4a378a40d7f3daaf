/**
 * Model-based property test of the storage contract: random sequences of
 * operations run against the adapter and against a reference model (a JS Map
 * sorted with a tuple comparator written independently of the key encoding),
 * and every read must agree. The segment alphabet is small and full of
 * prefix relations ('a', 'ab', 'a\u0000', '') and encoding edge cases, so
 * collisions, shared string prefixes and UTF-16/UTF-8 order differences are
 * common. A failure prints its seed; replay it with `propertySeed`.
 */
import fc from 'fast-check'
import { expect, it } from 'vitest'
import type { KeyPath } from './key-path.ts'
import type { LoadRangeOptions, StorageAdapter, StorageChunk } from './storage-adapter.ts'
import { compareTuples, startsWithPath, type ContractHarness, type StorageAdapterTestOptions } from './storage-contract-harness.ts'

type Op =
  | { readonly kind: 'save'; readonly key: KeyPath; readonly data: Uint8Array }
  | { readonly kind: 'remove'; readonly key: KeyPath }
  | { readonly kind: 'load'; readonly key: KeyPath }
  | { readonly kind: 'batch'; readonly entries: readonly StorageChunk[] }
  | { readonly kind: 'removeRange'; readonly prefix: KeyPath }
  | { readonly kind: 'range'; readonly prefix: KeyPath; readonly options: LoadRangeOptions }

/** The reference model: the obvious implementation of the contract. */
class ReferenceStore {
  readonly #entries = new Map<string, { key: KeyPath; data: number[] }>()

  save(key: KeyPath, data: Uint8Array): void {
    this.#entries.set(JSON.stringify(key), { key: [...key], data: [...data] })
  }

  remove(key: KeyPath): void {
    this.#entries.delete(JSON.stringify(key))
  }

  load(key: KeyPath): number[] | undefined {
    return this.#entries.get(JSON.stringify(key))?.data
  }

  removeRange(prefix: KeyPath): void {
    for (const [id, entry] of this.#entries) if (startsWithPath(entry.key, prefix)) this.#entries.delete(id)
  }

  range(prefix: KeyPath, options: LoadRangeOptions): { key: KeyPath; data: number[] }[] {
    const { start, end, limit, reverse } = options
    const hits = [...this.#entries.values()]
      .filter((e) => startsWithPath(e.key, prefix))
      .filter((e) => start === undefined || compareTuples(e.key, start) >= 0)
      .filter((e) => end === undefined || compareTuples(e.key, end) < 0)
      .sort((a, b) => compareTuples(a.key, b.key))
    if (reverse === true) hits.reverse()
    return hits.slice(0, limit ?? hits.length)
  }
}

// Weighted towards one family of mutual string prefixes, where range bugs live.
const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'a\u0000', 'a\u0001', 'ab') },
  { weight: 2, arbitrary: fc.constantFrom('', '\u0000', '\u0001', 'b', 'é', '\uffff', '😀', '\ue000') }
)
const key = fc.array(segment, { minLength: 1, maxLength: 3 })
const prefix = fc.array(segment, { maxLength: 2 })
const data = fc.uint8Array({ maxLength: 12 })
const rangeOptions = fc
  .tuple(fc.option(fc.array(segment, { maxLength: 3 }), { nil: undefined }), fc.option(fc.array(segment, { maxLength: 3 }), { nil: undefined }), fc.option(fc.nat(6), { nil: undefined }), fc.boolean())
  .map(([start, end, limit, reverse]): LoadRangeOptions => ({
    ...(start === undefined ? {} : { start }),
    ...(end === undefined ? {} : { end }),
    ...(limit === undefined ? {} : { limit }),
    reverse
  }))

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('save' as const), key, data }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), key }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('load' as const), key }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('batch' as const), entries: fc.array(fc.record({ key, data }), { maxLength: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeRange' as const), prefix }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('range' as const), prefix, options: rangeOptions }) }
)

const plain = (chunks: readonly StorageChunk[]): { key: KeyPath; data: number[] }[] => chunks.map((c) => ({ key: c.key, data: [...c.data] }))

async function step(adapter: StorageAdapter, model: ReferenceStore, o: Op): Promise<void> {
  switch (o.kind) {
    case 'save':
      await adapter.save(o.key, o.data)
      model.save(o.key, o.data)
      return
    case 'remove':
      await adapter.remove(o.key)
      model.remove(o.key)
      return
    case 'load': {
      const loaded = await adapter.load(o.key)
      expect(loaded === undefined ? undefined : [...loaded]).toEqual(model.load(o.key))
      return
    }
    case 'batch':
      await adapter.saveBatch(o.entries)
      for (const e of o.entries) model.save(e.key, e.data)
      return
    case 'removeRange':
      await adapter.removeRange(o.prefix)
      model.removeRange(o.prefix)
      return
    case 'range':
      expect(plain(await adapter.loadRange(o.prefix, o.options))).toEqual(model.range(o.prefix, o.options))
      return
  }
}

/** The model-based property test. */
export function describeModel(h: ContractHarness, options: StorageAdapterTestOptions): void {
  it('agrees with a reference model under random operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 50, size: 'max' }), async (ops) => {
        const adapter = h.adapter
        await adapter.removeRange([])
        const model = new ReferenceStore()
        for (const o of ops) await step(adapter, model, o)
        expect(plain(await adapter.loadRange([]))).toEqual(model.range([], {}))
        expect(adapter.integrity().corrupt).toEqual([])
      }),
      { numRuns: options.propertyRuns ?? 60, ...(options.propertySeed === undefined ? {} : { seed: options.propertySeed }) }
    )
  })
}
