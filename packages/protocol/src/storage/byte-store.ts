/**
 * The narrow port a storage backend implements: an ordered map of byte
 * strings. `ByteStorageAdapter` turns any `ByteStore` into a full
 * `StorageAdapter` (key validation, key encoding, integrity envelope), so the
 * IndexedDB, SQLite and in-memory backends contain only their own I/O.
 */

/** One raw entry: encoded key and enveloped value. */
export interface ByteEntry {
  readonly key: Uint8Array<ArrayBuffer>
  readonly value: Uint8Array<ArrayBuffer>
}

/** A scan over raw keys. Keys compare bytewise (memcmp: unsigned, a prefix first). */
export interface ByteRange {
  /** Inclusive lower bound; none when absent. */
  readonly lower?: Uint8Array<ArrayBuffer>
  /** Exclusive upper bound; none when absent. */
  readonly upper?: Uint8Array<ArrayBuffer>
  /** At most this many entries; unlimited when absent. */
  readonly limit?: number
  /** Descending order; with `limit`, the greatest keys are kept. */
  readonly reverse: boolean
}

/**
 * An ordered byte-string map. Implementations may assume their inputs are
 * valid (the adapter checks them) and must apply calls in the order made.
 * Returned byte arrays must not alias anything the store keeps.
 */
export interface ByteStore {
  /** The value under `key`, if any. */
  get(key: Uint8Array<ArrayBuffer>): Promise<Uint8Array | undefined>
  /** Store or replace the value under `key`. */
  put(key: Uint8Array<ArrayBuffer>, value: Uint8Array<ArrayBuffer>): Promise<void>
  /** Delete `key` if present. */
  delete(key: Uint8Array<ArrayBuffer>): Promise<void>
  /** Entries in the range, in key order (descending when `reverse`). */
  getRange(range: ByteRange): Promise<{ readonly key: Uint8Array; readonly value: Uint8Array }[]>
  /** Delete every key in [lower, upper); an absent bound is open. */
  deleteRange(lower: Uint8Array<ArrayBuffer> | undefined, upper: Uint8Array<ArrayBuffer> | undefined): Promise<void>
  /** Put every entry in one atomic transaction, in order. */
  putBatch(entries: readonly ByteEntry[]): Promise<void>
  /** Release resources. */
  close(): Promise<void>
}
