/**
 * Typed errors of the storage port (storage/README.md).
 *
 * One class per condition; match on `err.name` (or `instanceof`), never on the
 * message. Invalid input (`InvalidKeyPathError`, `InvalidValueError`,
 * `InvalidRangeError`, `InvalidBatchError`) is rejected before anything is
 * written, so the store is unchanged. Damage found in stored data is reported
 * as `CorruptValueError` (one value, the adapter carries on) or
 * `CorruptDatabaseError` (the whole backing store, at open).
 */
import type { KeyPath } from './key-path.ts'

/** Base class of every error thrown or rejected by a storage adapter. */
export abstract class StorageError extends Error {
  abstract override readonly name: string
  /** Stable machine-readable copy of `name`. */
  get code(): string {
    return this.name
  }
}

/** Why a key path was refused. */
export type InvalidKeyPathReason =
  | 'not-an-array'
  | 'empty'
  | 'too-many-segments'
  | 'segment-not-a-string'
  | 'lone-surrogate'
  | 'segment-too-long'
  | 'malformed-encoding'

/** A key path (or prefix, or range bound) is not acceptable. */
export class InvalidKeyPathError extends StorageError {
  override readonly name = 'InvalidKeyPathError'
  /** Which rule the key broke. */
  readonly reason: InvalidKeyPathReason
  constructor(message: string, reason: InvalidKeyPathReason) {
    super(message)
    this.reason = reason
  }
}

/** A value to save is not a `Uint8Array`, or is over the size limit. */
export class InvalidValueError extends StorageError {
  override readonly name = 'InvalidValueError'
}

/** `loadRange` options are malformed (e.g. a negative or fractional `limit`). */
export class InvalidRangeError extends StorageError {
  override readonly name = 'InvalidRangeError'
}

/** `saveBatch` was not given an array of `{ key, data }` entries. */
export class InvalidBatchError extends StorageError {
  override readonly name = 'InvalidBatchError'
}

/** The adapter was closed (or its connection was taken away) before the call. */
export class StorageClosedError extends StorageError {
  override readonly name = 'StorageClosedError'
}

/** Why a stored value failed its integrity check. */
export type CorruptValueReason = 'truncated' | 'unknown-version' | 'checksum-mismatch' | 'malformed-key'

/**
 * One stored value failed its integrity check. It is reported as missing by
 * `load`/`loadRange` and listed by `integrity()` until it is saved or removed
 * again, so the caller can re-sync it from peers.
 */
export class CorruptValueError extends StorageError {
  override readonly name = 'CorruptValueError'
  /** The key path, or `undefined` when the stored key bytes do not decode. */
  readonly key: KeyPath | undefined
  /** The stored key bytes (storage/README.md §Key encoding). */
  readonly encodedKey: Uint8Array
  /** What was wrong. */
  readonly reason: CorruptValueReason
  constructor(key: KeyPath | undefined, encodedKey: Uint8Array, reason: CorruptValueReason) {
    super(`stored value ${key === undefined ? '(undecodable key)' : JSON.stringify(key)} is corrupt: ${reason}`)
    this.key = key
    this.encodedKey = encodedKey
    this.reason = reason
  }
}

/** Why a backing database could not be used. */
export type CorruptDatabaseReason = 'not-a-database' | 'malformed' | 'foreign-database'

/**
 * The backing database is damaged, truncated, or is not a Hearth store.
 * Recovery: move it aside and open a fresh store; the peer re-syncs its rooms
 * from other peers (see each adapter's README).
 */
export class CorruptDatabaseError extends StorageError {
  override readonly name = 'CorruptDatabaseError'
  /** File path or database name. */
  readonly location: string
  /** What was wrong. */
  readonly reason: CorruptDatabaseReason
  constructor(location: string, reason: CorruptDatabaseReason, message: string, options?: ErrorOptions) {
    super(`${location}: ${message}`, options)
    this.location = location
    this.reason = reason
  }
}

/** The backing store could not be opened for a reason other than damage (permissions, newer schema, blocked). */
export class StorageOpenError extends StorageError {
  override readonly name = 'StorageOpenError'
  /** File path or database name. */
  readonly location: string
  constructor(location: string, message: string, options?: ErrorOptions) {
    super(`${location}: ${message}`, options)
    this.location = location
  }
}

/** An I/O failure of the backing store during an operation (disk full, quota exceeded, locked). */
export class StorageIoError extends StorageError {
  override readonly name = 'StorageIoError'
}
