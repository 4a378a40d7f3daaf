/**
 * The in-memory test adapter against the storage contract, plus what only it
 * can show cheaply: the onCorrupt callback and a damaged key.
 */
import { describe, expect, it } from 'vitest'
import type { CorruptValueError } from './errors.ts'
import { encodeKeyPath } from './key-path.ts'
import { MemoryByteStore, MemoryStorageAdapter } from './memory-storage-adapter.ts'
import { runStorageAdapterTests } from './storage-contract.ts'
import { corruptStoredBytes } from './storage-contract-harness.ts'
import { sealValue } from './value-envelope.ts'

runStorageAdapterTests('MemoryStorageAdapter', () => {
  const store = new MemoryByteStore()
  return Promise.resolve({
    adapter: new MemoryStorageAdapter({ store }),
    teardown: () => Promise.resolve(),
    reopen: () => Promise.resolve(new MemoryStorageAdapter({ store })),
    corrupt: async (key, how) => {
      const encoded = encodeKeyPath(key)
      const stored = await store.get(encoded)
      if (stored === undefined) throw new Error('nothing stored to corrupt')
      await store.put(encoded, corruptStoredBytes(stored, how))
    }
  })
})

describe('MemoryStorageAdapter', () => {
  it('calls onCorrupt once per key, and survives a listener that throws', async () => {
    const seen: CorruptValueError[] = []
    const adapter = new MemoryStorageAdapter({
      onCorrupt: (error) => {
        seen.push(error)
        throw new Error('listener bug')
      }
    })
    await adapter.save(['x'], new Uint8Array([1, 2, 3]))
    const encoded = encodeKeyPath(['x'])
    const stored = await adapter.store.get(encoded)
    await adapter.store.put(encoded, corruptStoredBytes(stored ?? new Uint8Array(0), 'flip'))
    expect(await adapter.load(['x'])).toBeUndefined()
    expect(await adapter.loadRange(['x'])).toEqual([])
    expect(seen.map((e) => [e.name, e.reason, e.key])).toEqual([['CorruptValueError', 'checksum-mismatch', ['x']]])
  })

  it('detects a value moved under another key', async () => {
    const adapter = new MemoryStorageAdapter()
    await adapter.save(['a'], new Uint8Array([7]))
    const moved = await adapter.store.get(encodeKeyPath(['a']))
    await adapter.store.put(encodeKeyPath(['b']), (moved ?? new Uint8Array(0)).slice())
    expect(await adapter.load(['b'])).toBeUndefined()
    expect(adapter.integrity().corrupt[0]?.reason).toBe('checksum-mismatch')
  })

  it('skips and reports a stored key that does not decode', async () => {
    const adapter = new MemoryStorageAdapter()
    const badKey = new Uint8Array([0x61, 0x01, 0x07, 0x00])
    await adapter.store.put(badKey, sealValue(badKey, new Uint8Array([1])))
    await adapter.save(['b'], new Uint8Array([2]))
    expect((await adapter.loadRange([])).map((c) => c.key)).toEqual([['b']])
    expect(adapter.integrity().corrupt.map((e) => [e.reason, e.key])).toEqual([['malformed-key', undefined]])
  })
})
