/**
 * The storage adapter contract suite (`@hearth/protocol/storage-contract`).
 *
 * Every `StorageAdapter` proves itself by calling
 * `runStorageAdapterTests(name, setup)` from a Vitest file. The suite covers
 * basic operations, hostile input, tuple ordering and paging (ranges file),
 * batches, large values, reopening and corruption (durability file), and a
 * fast-check comparison against a reference model (model file).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KeyPath } from './key-path.ts'
import { MAX_KEY_SEGMENTS, MAX_SEGMENT_BYTES } from './key-path.ts'
import type { StorageAdapter } from './storage-adapter.ts'
import {
  allKeys,
  expectRejectsNamed,
  utf8,
  type ContractHarness,
  type StorageAdapterTestContext,
  type StorageAdapterTestOptions,
  type StorageAdapterTestSetup
} from './storage-contract-harness.ts'
import { describeDurability } from './storage-contract-durability.ts'
import { describeModel } from './storage-contract-model.ts'
import { describeRanges } from './storage-contract-ranges.ts'

export {
  corruptStoredBytes,
  type CorruptionKind,
  type StorageAdapterTestContext,
  type StorageAdapterTestOptions,
  type StorageAdapterTestSetup
} from './storage-contract-harness.ts'

/** Key paths every adapter must refuse with `InvalidKeyPathError`. */
export const INVALID_KEYS: readonly (readonly [string, unknown])[] = [
  ['empty path', []],
  ['not an array', 'rooms/x'],
  ['null', null],
  ['number segment', ['rooms', 1]],
  ['undefined segment', ['rooms', undefined]],
  // eslint-disable-next-line no-sparse-arrays -- a hole is hostile input too
  ['sparse array', ['rooms', , 'x']],
  ['lone high surrogate', ['a\uD800']],
  ['lone low surrogate', ['\uDC00b']],
  ['reversed surrogate pair', ['\uDE00\uD83D']],
  ['segment over the byte limit', ['x'.repeat(MAX_SEGMENT_BYTES + 1)]],
  ['multi-byte segment over the byte limit', ['é'.repeat(MAX_SEGMENT_BYTES / 2 + 1)]],
  ['too many segments', Array.from({ length: MAX_KEY_SEGMENTS + 1 }, () => 's')]
]

function describeBasics(h: ContractHarness): void {
  it('saves, loads and removes', async () => {
    await h.adapter.save(['a', 'b'], utf8('hello'))
    expect(await h.adapter.load(['a', 'b'])).toEqual(utf8('hello'))
    await h.adapter.remove(['a', 'b'])
    expect(await h.adapter.load(['a', 'b'])).toBeUndefined()
  })

  it('overwrites, and keeps empty values distinct from missing ones', async () => {
    await h.adapter.save(['k'], utf8('one'))
    await h.adapter.save(['k'], utf8('two'))
    expect(await h.adapter.load(['k'])).toEqual(utf8('two'))
    await h.adapter.save(['k'], new Uint8Array(0))
    expect(await h.adapter.load(['k'])).toEqual(new Uint8Array(0))
    expect(await allKeys(h.adapter)).toEqual([['k']])
  })

  it('reports missing keys as undefined and removing them is fine', async () => {
    expect(await h.adapter.load(['nothing', 'here'])).toBeUndefined()
    await h.adapter.remove(['nothing', 'here'])
    await h.adapter.removeRange(['nothing'])
    expect(await h.adapter.loadRange(['nothing'])).toEqual([])
  })

  it('keeps keys that differ only in segmentation apart', async () => {
    const keys: KeyPath[] = [['ab'], ['a', 'b'], ['a', '', 'b'], ['a\u0000b'], ['', 'ab'], ['ab', '']]
    for (const [i, key] of keys.entries()) await h.adapter.save(key, utf8(String(i)))
    for (const [i, key] of keys.entries()) expect(await h.adapter.load(key)).toEqual(utf8(String(i)))
  })

  it('accepts segments at the limits and astral characters', async () => {
    const keys: KeyPath[] = [
      ['x'.repeat(MAX_SEGMENT_BYTES)],
      ['é'.repeat(MAX_SEGMENT_BYTES / 2)],
      Array.from({ length: MAX_KEY_SEGMENTS }, (_, i) => String(i)),
      ['\uFEFFbom', '😀', '\u{10FFFF}', '']
    ]
    for (const key of keys) await h.adapter.save(key, utf8('v'))
    for (const key of keys) expect(await h.adapter.load(key)).toEqual(utf8('v'))
    expect(await allKeys(h.adapter)).toHaveLength(keys.length)
  })

  it('copies values in and out', async () => {
    const data = utf8('abc')
    await h.adapter.save(['c'], data)
    data[0] = 0x7a
    const loaded = await h.adapter.load(['c'])
    expect(loaded).toEqual(utf8('abc'))
    if (loaded !== undefined) loaded[1] = 0x7a
    expect(await h.adapter.load(['c'])).toEqual(utf8('abc'))
  })
}

function describeHostileInput(h: ContractHarness): void {
  async function seed(): Promise<KeyPath[]> {
    await h.adapter.save(['rooms', 'r', 'x'], utf8('kept'))
    return allKeys(h.adapter)
  }

  it.each(INVALID_KEYS)('refuses a key: %s, leaving the store unchanged', async (_label, key) => {
    const before = await seed()
    const k = key as KeyPath
    await expectRejectsNamed(h.adapter.save(k, utf8('v')), 'InvalidKeyPathError')
    await expectRejectsNamed(h.adapter.load(k), 'InvalidKeyPathError')
    await expectRejectsNamed(h.adapter.remove(k), 'InvalidKeyPathError')
    await expectRejectsNamed(h.adapter.saveBatch([{ key: ['ok'], data: utf8('v') }, { key: k, data: utf8('v') }]), 'InvalidKeyPathError')
    expect(await allKeys(h.adapter)).toEqual(before)
  })

  it('refuses malformed prefixes and bounds, leaving the store unchanged', async () => {
    const before = await seed()
    const bad = ['a\uD800'] as KeyPath
    await expectRejectsNamed(h.adapter.loadRange(bad), 'InvalidKeyPathError')
    await expectRejectsNamed(h.adapter.removeRange(bad), 'InvalidKeyPathError')
    await expectRejectsNamed(h.adapter.removeRange('rooms' as unknown as KeyPath), 'InvalidKeyPathError')
    await expectRejectsNamed(h.adapter.loadRange(['rooms'], { start: bad }), 'InvalidKeyPathError')
    await expectRejectsNamed(h.adapter.loadRange(['rooms'], { end: [1] as unknown as KeyPath }), 'InvalidKeyPathError')
    expect(await allKeys(h.adapter)).toEqual(before)
  })

  it('refuses malformed range options', async () => {
    for (const limit of [-1, 1.5, Number.NaN, Infinity, '3']) {
      await expectRejectsNamed(h.adapter.loadRange(['rooms'], { limit: limit as number }), 'InvalidRangeError')
    }
    await expectRejectsNamed(h.adapter.loadRange(['rooms'], { reverse: 'yes' as unknown as boolean }), 'InvalidRangeError')
    await expectRejectsNamed(h.adapter.loadRange(['rooms'], 7 as never), 'InvalidRangeError')
  })

  it('refuses values that are not Uint8Array, leaving the store unchanged', async () => {
    const before = await seed()
    for (const data of ['text', [1, 2], new ArrayBuffer(2), null, undefined, new Uint16Array(2)]) {
      await expectRejectsNamed(h.adapter.save(['v'], data as unknown as Uint8Array), 'InvalidValueError')
      await expectRejectsNamed(h.adapter.saveBatch([{ key: ['w'], data: utf8('ok') }, { key: ['v'], data: data as unknown as Uint8Array }]), 'InvalidValueError')
    }
    expect(await allKeys(h.adapter)).toEqual(before)
  })

  it('refuses malformed batches, leaving the store unchanged', async () => {
    const before = await seed()
    await expectRejectsNamed(h.adapter.saveBatch('x' as never), 'InvalidBatchError')
    await expectRejectsNamed(h.adapter.saveBatch([{ key: ['ok'], data: utf8('v') }, null] as never), 'InvalidBatchError')
    expect(await allKeys(h.adapter)).toEqual(before)
  })

  it('rejects every call after close with StorageClosedError; close is idempotent', async () => {
    await h.adapter.close()
    await h.adapter.close()
    await expectRejectsNamed(h.adapter.load(['a']), 'StorageClosedError')
    await expectRejectsNamed(h.adapter.save(['a'], utf8('v')), 'StorageClosedError')
    await expectRejectsNamed(h.adapter.remove(['a']), 'StorageClosedError')
    await expectRejectsNamed(h.adapter.loadRange(['a']), 'StorageClosedError')
    await expectRejectsNamed(h.adapter.removeRange(['a']), 'StorageClosedError')
    await expectRejectsNamed(h.adapter.saveBatch([]), 'StorageClosedError')
  })
}

/**
 * Register the contract suite for one adapter. `setup` is called before each
 * test and must return a fresh, empty store.
 * @param name shown in the test report
 * @param setup builds the adapter (and optional `reopen` / `corrupt` hooks)
 * @param options property-test tuning
 */
export function runStorageAdapterTests(name: string, setup: StorageAdapterTestSetup, options: StorageAdapterTestOptions = {}): void {
  describe(`StorageAdapter contract: ${name}`, () => {
    let context: StorageAdapterTestContext | undefined
    let current: StorageAdapter | undefined
    const h: ContractHarness = {
      get adapter(): StorageAdapter {
        if (current === undefined) throw new Error('storage contract: no adapter (setup failed?)')
        return current
      },
      get context(): StorageAdapterTestContext {
        if (context === undefined) throw new Error('storage contract: no context (setup failed?)')
        return context
      },
      async reopen(): Promise<StorageAdapter> {
        const reopen = h.context.reopen
        if (reopen === undefined) throw new Error('storage contract: this adapter has no reopen')
        await h.adapter.close()
        current = await reopen()
        return current
      }
    }

    beforeEach(async () => {
      context = await setup()
      current = context.adapter
    })

    afterEach(async () => {
      await current?.close()
      await context?.teardown()
      context = undefined
      current = undefined
    })

    describe('basics', () => {
      describeBasics(h)
    })
    describe('hostile input', () => {
      describeHostileInput(h)
    })
    describe('ordering and ranges', () => {
      describeRanges(h)
    })
    describe('batches, large values, persistence and integrity', () => {
      describeDurability(h)
    })
    describe('reference model', () => {
      describeModel(h, options)
    })
  })
}
