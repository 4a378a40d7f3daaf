/**
 * Storage port of Hearth (storage/README.md): the `StorageAdapter` interface,
 * key paths and their byte encoding, the integrity envelope, the `ByteStore`
 * backend port with `ByteStorageAdapter`, and the in-memory test adapter.
 * The contract suite lives apart, at `@hearth/protocol/storage-contract`,
 * because it imports Vitest.
 */
export type {
  IntegrityReport,
  LoadedChunk,
  LoadRangeOptions,
  StorageAdapter,
  StorageAdapterOptions,
  StorageChunk
} from './storage-adapter.ts'
export type { ByteEntry, ByteRange, ByteStore } from './byte-store.ts'
export { ByteStorageAdapter, MAX_VALUE_BYTES } from './byte-storage-adapter.ts'
export { MemoryByteStore, MemoryStorageAdapter, type MemoryStorageAdapterOptions } from './memory-storage-adapter.ts'
export {
  bytesToHexKey,
  compareKeyBytes,
  decodeKeyPath,
  encodeKeyPath,
  hasBytePrefix,
  keyAfter,
  MAX_KEY_SEGMENTS,
  MAX_SEGMENT_BYTES,
  prefixUpperBound,
  type KeyPath,
  type KeyRole
} from './key-path.ts'
export { ENVELOPE_HEADER_BYTES, ENVELOPE_VERSION, openValue, sealValue, type OpenedValue } from './value-envelope.ts'
export {
  CorruptDatabaseError,
  CorruptValueError,
  InvalidBatchError,
  InvalidKeyPathError,
  InvalidRangeError,
  InvalidValueError,
  StorageClosedError,
  StorageError,
  StorageIoError,
  StorageOpenError,
  type CorruptDatabaseReason,
  type CorruptValueReason,
  type InvalidKeyPathReason
} from './errors.ts'
