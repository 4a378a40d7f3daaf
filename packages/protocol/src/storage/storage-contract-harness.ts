/**
 * Shared pieces of the storage contract suite: the setup types an adapter
 * package provides, the per-test harness, and small helpers. Imports Vitest,
 * so it is reachable only through `@hearth/protocol/storage-contract`.
 */
import { expect } from 'vitest'
import type { KeyPath } from './key-path.ts'
import type { StorageAdapter } from './storage-adapter.ts'
import { ENVELOPE_HEADER_BYTES } from './value-envelope.ts'

/** How `corrupt` damages a stored value (see {@link corruptStoredBytes}). */
export type CorruptionKind = 'flip' | 'truncate' | 'version'

/** What an adapter's setup returns for one test. */
export interface StorageAdapterTestContext {
  /** A fresh, empty, open adapter. */
  readonly adapter: StorageAdapter
  /** Release the backing storage. The suite has closed every adapter it got by then. */
  readonly teardown: () => Promise<void>
  /**
   * Open a new adapter over the same persistent storage. The suite closes the
   * previous adapter first. Omit for adapters without persistence.
   */
  readonly reopen?: () => Promise<StorageAdapter>
  /**
   * Damage the stored bytes of `key` behind the adapter's back, e.g. by
   * rewriting the row with {@link corruptStoredBytes}. Omit to skip the
   * corruption tests.
   */
  readonly corrupt?: (key: KeyPath, how: CorruptionKind) => Promise<void>
}

/** Builds the context of one test. */
export type StorageAdapterTestSetup = () => Promise<StorageAdapterTestContext>

/** Options of `runStorageAdapterTests`. */
export interface StorageAdapterTestOptions {
  /** Random operation sequences tried by the model-based property test. @default 60 */
  readonly propertyRuns?: number
  /** Fix the property test's seed (to replay a failure). */
  readonly propertySeed?: number
}

/** The current test's adapter and context, handed to each group of tests. */
export interface ContractHarness {
  /** The adapter currently open. */
  readonly adapter: StorageAdapter
  /** The context from setup. */
  readonly context: StorageAdapterTestContext
  /** Close the current adapter and open a new one on the same storage (requires `context.reopen`). */
  reopen(): Promise<StorageAdapter>
}

/**
 * Return damaged copies of an enveloped stored value: `'flip'` flips the low
 * bit of the last byte, `'truncate'` keeps fewer bytes than the header,
 * `'version'` changes the version byte.
 */
export function corruptStoredBytes(stored: Uint8Array, how: CorruptionKind): Uint8Array<ArrayBuffer> {
  if (how === 'truncate') return stored.slice(0, Math.min(stored.length, ENVELOPE_HEADER_BYTES - 5))
  const out = stored.slice()
  if (how === 'version') out[0] = 0xff
  else out[out.length - 1] = (out[out.length - 1] ?? 0) ^ 0x01
  return out
}

const encoder = new TextEncoder()

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text)
}

/** Deterministic pseudo-random bytes (xorshift32), for large values. */
export function patternBytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  let x = seed | 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/**
 * Tuple order written independently of the key encoding: segment by segment,
 * each by its UTF-8 bytes, a path before its extensions.
 */
export function compareTuples(a: KeyPath, b: KeyPath): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = encoder.encode(a[i] ?? '')
    const y = encoder.encode(b[i] ?? '')
    const m = Math.min(x.length, y.length)
    for (let j = 0; j < m; j++) {
      const d = (x[j] ?? 0) - (y[j] ?? 0)
      if (d !== 0) return d
    }
    if (x.length !== y.length) return x.length - y.length
  }
  return a.length - b.length
}

/** True when `key` equals or extends `prefix`. */
export function startsWithPath(key: KeyPath, prefix: KeyPath): boolean {
  return prefix.length <= key.length && prefix.every((segment, i) => key[i] === segment)
}

/** Expect `promise` to reject with an error whose `name` is `name`. */
export async function expectRejectsNamed(promise: Promise<unknown>, name: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name })
}

/** All keys currently stored, in order. */
export async function allKeys(adapter: StorageAdapter): Promise<KeyPath[]> {
  return (await adapter.loadRange([])).map((chunk) => chunk.key)
}
