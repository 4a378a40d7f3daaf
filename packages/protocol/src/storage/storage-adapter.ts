/**
 * The storage port: bytes under a key path (storage/README.md).
 *
 * Modelled on automerge-repo's split: the core owns this interface, each
 * adapter is a small package, and every adapter proves itself against one
 * suite (`runStorageAdapterTests` in `@hearth/protocol/storage-contract`).
 * Keys are ordered as tuples of UTF-8 byte strings, identically everywhere,
 * because adapters compare the encoded key bytes (see key-path.ts).
 */
import type { CorruptValueError } from './errors.ts'
import type { KeyPath } from './key-path.ts'

/** One stored value with its key. */
export interface StorageChunk {
  readonly key: KeyPath
  readonly data: Uint8Array
}

/** A value read back from the store (its bytes are the caller's to keep; may be a view). */
export interface LoadedChunk extends StorageChunk {
  readonly data: Uint8Array<ArrayBuffer>
}

/**
 * Paging options of {@link StorageAdapter.loadRange}. Bounds are full key
 * paths (not suffixes of the prefix) and are intersected with the prefix.
 */
export interface LoadRangeOptions {
  /** Inclusive lower bound. To continue after a key `k`, pass `keyAfter(k)`. */
  readonly start?: KeyPath
  /** Exclusive upper bound. To continue a reverse scan before `k`, pass `k`. */
  readonly end?: KeyPath
  /** At most this many chunks (a non-negative safe integer). @default unlimited */
  readonly limit?: number
  /** Return the chunks in descending key order (the limit then keeps the greatest). @default false */
  readonly reverse?: boolean
}

/** Values found corrupt since the adapter opened, and not yet saved or removed again. */
export interface IntegrityReport {
  readonly corrupt: readonly CorruptValueError[]
}

/** Options every adapter accepts. */
export interface StorageAdapterOptions {
  /**
   * Called once per key when a stored value fails its integrity check (the
   * value is then treated as missing). Exceptions it throws are ignored.
   */
  readonly onCorrupt?: (error: CorruptValueError) => void
}

/**
 * Bytes under key paths. Every method validates its input first and rejects
 * with a typed error (storage/errors.ts) without touching the store.
 * Operations apply in the order they are called.
 */
export interface StorageAdapter {
  /** The value under `key`, or `undefined` when absent or found corrupt. */
  load(key: KeyPath): Promise<Uint8Array<ArrayBuffer> | undefined>
  /** Store `data` under `key`, replacing any value. The bytes are copied. */
  save(key: KeyPath, data: Uint8Array): Promise<void>
  /** Delete the value under `key`; absent keys are fine. */
  remove(key: KeyPath): Promise<void>
  /**
   * The chunks whose key equals `prefix` or extends it, in tuple order
   * (reversed with `reverse`), within `start`/`end`, at most `limit`.
   * Corrupt values are skipped (and reported); the page is still filled.
   * The empty prefix `[]` covers the whole store.
   */
  loadRange(prefix: KeyPath, options?: LoadRangeOptions): Promise<LoadedChunk[]>
  /** Delete `prefix` and every key that extends it (`[]` deletes everything). */
  removeRange(prefix: KeyPath): Promise<void>
  /** Save every entry in one atomic transaction; a later duplicate key wins. */
  saveBatch(entries: readonly StorageChunk[]): Promise<void>
  /** Values found corrupt so far (see {@link IntegrityReport}). */
  integrity(): IntegrityReport
  /** Release the backing store; later calls reject with `StorageClosedError`. Idempotent. */
  close(): Promise<void>
}
