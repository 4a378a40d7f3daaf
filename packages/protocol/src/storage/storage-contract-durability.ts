/**
 * Contract tests for batches, large values, persistence across reopen and
 * detection of corrupted stored values. Reopen and corruption tests are
 * skipped for adapters whose setup provides no `reopen` / `corrupt` hook.
 */
import { expect, it } from 'vitest'
import type { KeyPath } from './key-path.ts'
import { allKeys, expectRejectsNamed, patternBytes, utf8, type ContractHarness, type CorruptionKind } from './storage-contract-harness.ts'

const MIB = 1024 * 1024

/** Contract tests for batches, large values, reopen and integrity. */
export function describeDurability(h: ContractHarness): void {
  it('saves a 1000-entry batch, in order, with a later duplicate winning', async () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({
      key: ['rooms', 'r', 'events', i.toString(16).padStart(16, '0'), `e${i}`] as KeyPath,
      data: patternBytes(200, i + 1)
    }))
    await h.adapter.saveBatch([...entries, { key: ['dup'], data: utf8('first') }, { key: ['dup'], data: utf8('second') }])
    const chunks = await h.adapter.loadRange(['rooms', 'r', 'events'])
    expect(chunks).toHaveLength(1000)
    expect(chunks.map((c) => c.key)).toEqual(entries.map((e) => e.key))
    expect(chunks[517]?.data).toEqual(patternBytes(200, 518))
    expect(await h.adapter.load(['dup'])).toEqual(utf8('second'))
    await h.adapter.saveBatch([])
    expect(await allKeys(h.adapter)).toHaveLength(1001)
  })

  it('applies a batch all-or-nothing when an entry is invalid', async () => {
    const good = Array.from({ length: 50 }, (_, i) => ({ key: ['b', String(i)] as KeyPath, data: utf8('v') }))
    await expectRejectsNamed(h.adapter.saveBatch([...good, { key: ['b', '\uD800'], data: utf8('v') }]), 'InvalidKeyPathError')
    expect(await allKeys(h.adapter)).toEqual([])
  })

  it('stores 1 MiB values, alone and in a batch', async () => {
    const big = patternBytes(MIB, 42)
    await h.adapter.save(['big'], big)
    expect(await h.adapter.load(['big'])).toEqual(big)
    const batch = [1, 2, 3].map((i) => ({ key: ['bigs', String(i)] as KeyPath, data: patternBytes(MIB, i) }))
    await h.adapter.saveBatch(batch)
    const chunks = await h.adapter.loadRange(['bigs'], { reverse: true, limit: 2 })
    expect(chunks.map((c) => c.key)).toEqual([['bigs', '3'], ['bigs', '2']])
    expect(chunks[0]?.data).toEqual(batch[2]?.data)
  })

  it('keeps data across close and reopen', async (t) => {
    if (h.context.reopen === undefined) {
      t.skip()
      return
    }
    await h.adapter.save(['p', 'one'], utf8('1'))
    await h.adapter.saveBatch([{ key: ['p', 'two'], data: utf8('2') }, { key: ['p', 'three'], data: patternBytes(MIB, 3) }])
    await h.adapter.save(['q'], utf8('gone soon'))
    const old = h.adapter
    let reopened = await h.reopen()
    await expectRejectsNamed(old.load(['p', 'one']), 'StorageClosedError')
    expect((await reopened.loadRange(['p'])).map((c) => c.key)).toEqual([['p', 'one'], ['p', 'three'], ['p', 'two']])
    expect(await reopened.load(['p', 'three'])).toEqual(patternBytes(MIB, 3))
    await reopened.remove(['q'])
    await reopened.removeRange(['p', 'two'])
    reopened = await h.reopen()
    expect(await allKeys(reopened)).toEqual([['p', 'one'], ['p', 'three']])
  })

  async function corrupt(key: KeyPath, how: CorruptionKind): Promise<boolean> {
    const hook = h.context.corrupt
    if (hook === undefined) return false
    await hook(key, how)
    return true
  }

  it.for([
    ['flip', 'checksum-mismatch'],
    ['truncate', 'truncated'],
    ['version', 'unknown-version']
  ] as const)('detects a corrupted value (%s): reported missing, listed, skipped in ranges', async ([how, reason], t) => {
    const keys: KeyPath[] = [['c', '1'], ['c', '2'], ['c', '3'], ['c', '4']]
    for (const key of keys) await h.adapter.save(key, utf8(key.join('/')))
    if (!(await corrupt(['c', '2'], how))) {
      t.skip()
      return
    }
    expect(await h.adapter.load(['c', '2'])).toBeUndefined()
    const report = h.adapter.integrity().corrupt
    expect(report).toHaveLength(1)
    expect(report[0]).toMatchObject({ name: 'CorruptValueError', key: ['c', '2'], reason })
    expect((await h.adapter.loadRange(['c'])).map((c) => c.key)).toEqual([['c', '1'], ['c', '3'], ['c', '4']])
    expect((await h.adapter.loadRange(['c'], { limit: 2 })).map((c) => c.key)).toEqual([['c', '1'], ['c', '3']])
    expect((await h.adapter.loadRange(['c'], { limit: 3, reverse: true })).map((c) => c.key)).toEqual([['c', '4'], ['c', '3'], ['c', '1']])
    expect(h.adapter.integrity().corrupt).toHaveLength(1)
    // Re-sync: saving the key again repairs it and clears the report.
    await h.adapter.save(['c', '2'], utf8('c/2'))
    expect(await h.adapter.load(['c', '2'])).toEqual(utf8('c/2'))
    expect(h.adapter.integrity().corrupt).toEqual([])
  })

  it('fills a page past a run of corrupt values, and clears reports on removeRange', async (t) => {
    const keys = Array.from({ length: 10 }, (_, i): KeyPath => ['run', String(i)])
    for (const key of keys) await h.adapter.save(key, utf8('ok'))
    for (const i of [1, 2, 3, 4, 6]) {
      if (!(await corrupt(['run', String(i)], 'flip'))) {
        t.skip()
        return
      }
    }
    expect((await h.adapter.loadRange(['run'], { limit: 3 })).map((c) => c.key)).toEqual([['run', '0'], ['run', '5'], ['run', '7']])
    expect(h.adapter.integrity().corrupt.map((e) => e.key)).toEqual([['run', '1'], ['run', '2'], ['run', '3'], ['run', '4'], ['run', '6']])
    await h.adapter.removeRange(['run'])
    expect(h.adapter.integrity().corrupt).toEqual([])
    expect(await allKeys(h.adapter)).toEqual([])
  })
}
