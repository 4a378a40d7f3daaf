/**
 * `ByteStorageAdapter`: a full `StorageAdapter` over any ordered `ByteStore`.
 *
 * It owns everything the adapters must agree on: key validation and encoding
 * (key-path.ts), the integrity envelope (value-envelope.ts), range
 * arithmetic, corruption reporting and the closed state. Each call validates
 * and encodes synchronously and only then reaches the store, so calls reach
 * the store in the order they were made and invalid input never does.
 */
import type { ByteEntry, ByteRange, ByteStore } from './byte-store.ts'
import {
  CorruptValueError,
  InvalidBatchError,
  InvalidRangeError,
  InvalidValueError,
  StorageClosedError
} from './errors.ts'
import {
  bytesToHexKey,
  compareKeyBytes,
  decodeKeyPath,
  encodeKeyPath,
  hasBytePrefix,
  prefixUpperBound,
  type KeyPath
} from './key-path.ts'
import type {
  IntegrityReport,
  LoadedChunk,
  LoadRangeOptions,
  StorageAdapter,
  StorageAdapterOptions,
  StorageChunk
} from './storage-adapter.ts'
import { openValue, sealValue } from './value-envelope.ts'

/** Largest value accepted by `save`/`saveBatch` (64 MiB). */
export const MAX_VALUE_BYTES = 64 * 1024 * 1024

interface ResolvedRange {
  readonly lower: Uint8Array<ArrayBuffer> | undefined
  readonly upper: Uint8Array<ArrayBuffer> | undefined
  readonly limit: number | undefined
  readonly reverse: boolean
}

function isUint8Array(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]')
}

function checkValue(data: unknown, where: string): Uint8Array {
  if (!isUint8Array(data)) throw new InvalidValueError(`${where}: data must be a Uint8Array`)
  if (data.length > MAX_VALUE_BYTES) throw new InvalidValueError(`${where}: ${data.length} bytes; at most ${MAX_VALUE_BYTES}`)
  return data
}

function maxBytes(a: Uint8Array<ArrayBuffer> | undefined, b: Uint8Array<ArrayBuffer> | undefined): Uint8Array<ArrayBuffer> | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return compareKeyBytes(a, b) >= 0 ? a : b
}

function minBytes(a: Uint8Array<ArrayBuffer> | undefined, b: Uint8Array<ArrayBuffer> | undefined): Uint8Array<ArrayBuffer> | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return compareKeyBytes(a, b) <= 0 ? a : b
}

function resolveRange(prefix: unknown, options: unknown): ResolvedRange {
  const encodedPrefix = encodeKeyPath(prefix, 'prefix')
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidRangeError('loadRange options must be an object')
  }
  const { start, end, limit, reverse } = (options ?? {}) as Record<string, unknown>
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0)) {
    throw new InvalidRangeError('limit must be a non-negative safe integer')
  }
  if (reverse !== undefined && typeof reverse !== 'boolean') throw new InvalidRangeError('reverse must be a boolean')
  const lower = maxBytes(encodedPrefix.length === 0 ? undefined : encodedPrefix, start === undefined ? undefined : encodeKeyPath(start, 'bound'))
  const upper = minBytes(prefixUpperBound(encodedPrefix), end === undefined ? undefined : encodeKeyPath(end, 'bound'))
  return { lower, upper, limit, reverse: reverse === true }
}

/** The immediate successor of a byte string: `bytes ‖ 0x00`. */
function byteSuccessor(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const next = new Uint8Array(bytes.length + 1)
  next.set(bytes)
  return next
}

/**
 * A `StorageAdapter` over a `ByteStore`. Adapters extend it with a static
 * `open` that builds their store (see `MemoryStorageAdapter`).
 */
export class ByteStorageAdapter implements StorageAdapter {
  readonly #store: ByteStore
  readonly #onCorrupt: ((error: CorruptValueError) => void) | undefined
  readonly #corrupt = new Map<string, CorruptValueError>()
  #closed = false

  /**
   * @param store the backend; the adapter closes it on `close()`
   * @param options see {@link StorageAdapterOptions}
   */
  constructor(store: ByteStore, options: StorageAdapterOptions = {}) {
    this.#store = store
    this.#onCorrupt = options.onCorrupt
  }

  /** @inheritdoc */
  async load(key: KeyPath): Promise<Uint8Array<ArrayBuffer> | undefined> {
    this.#assertOpen()
    const encoded = encodeKeyPath(key)
    const stored = await this.#store.get(encoded)
    if (stored === undefined) return undefined
    const opened = openValue(encoded, stored)
    if (opened.ok) return opened.value
    this.#report(new CorruptValueError(decodeKeyPath(encoded), encoded, opened.reason))
    return undefined
  }

  /** @inheritdoc */
  async save(key: KeyPath, data: Uint8Array): Promise<void> {
    this.#assertOpen()
    const encoded = encodeKeyPath(key)
    const stored = sealValue(encoded, checkValue(data, 'save'))
    await this.#store.put(encoded, stored)
    if (this.#corrupt.size > 0) this.#corrupt.delete(bytesToHexKey(encoded))
  }

  /** @inheritdoc */
  async remove(key: KeyPath): Promise<void> {
    this.#assertOpen()
    const encoded = encodeKeyPath(key)
    await this.#store.delete(encoded)
    if (this.#corrupt.size > 0) this.#corrupt.delete(bytesToHexKey(encoded))
  }

  /** @inheritdoc */
  async loadRange(prefix: KeyPath, options?: LoadRangeOptions): Promise<LoadedChunk[]> {
    this.#assertOpen()
    const { limit, reverse, ...bounds } = resolveRange(prefix, options)
    let { lower, upper } = bounds
    const chunks: LoadedChunk[] = []
    if (limit === 0 || (lower !== undefined && upper !== undefined && compareKeyBytes(lower, upper) >= 0)) return chunks
    for (;;) {
      const wanted = limit === undefined ? undefined : limit - chunks.length
      const range: ByteRange = { lower, upper, limit: wanted, reverse }
      const entries = await this.#store.getRange(range)
      for (const entry of entries) {
        const chunk = this.#decodeEntry(entry.key, entry.value)
        if (chunk !== undefined) chunks.push(chunk)
      }
      // Done unless corrupt entries were skipped from a full page.
      const last = entries[entries.length - 1]
      if (wanted === undefined || last === undefined || entries.length < wanted || chunks.length >= (limit ?? 0)) return chunks
      if (reverse) upper = last.key.slice()
      else lower = byteSuccessor(last.key)
    }
  }

  /** @inheritdoc */
  async removeRange(prefix: KeyPath): Promise<void> {
    this.#assertOpen()
    const encoded = encodeKeyPath(prefix, 'prefix')
    await this.#store.deleteRange(encoded.length === 0 ? undefined : encoded, prefixUpperBound(encoded))
    for (const [hex, error] of this.#corrupt) {
      if (hasBytePrefix(error.encodedKey, encoded)) this.#corrupt.delete(hex)
    }
  }

  /** @inheritdoc */
  async saveBatch(entries: readonly StorageChunk[]): Promise<void> {
    this.#assertOpen()
    if (!Array.isArray(entries)) throw new InvalidBatchError('saveBatch takes an array of { key, data }')
    const raw: ByteEntry[] = []
    const list: readonly unknown[] = entries
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]
      if (typeof entry !== 'object' || entry === null) throw new InvalidBatchError(`saveBatch entry ${i} is not an object`)
      const { key: path, data } = entry as Record<string, unknown>
      const key = encodeKeyPath(path)
      raw.push({ key, value: sealValue(key, checkValue(data, `saveBatch entry ${i}`)) })
    }
    if (raw.length === 0) return
    await this.#store.putBatch(raw)
    if (this.#corrupt.size > 0) for (const { key } of raw) this.#corrupt.delete(bytesToHexKey(key))
  }

  /** @inheritdoc */
  integrity(): IntegrityReport {
    return { corrupt: [...this.#corrupt.values()] }
  }

  /** @inheritdoc */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#store.close()
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageClosedError('storage adapter is closed')
  }

  #decodeEntry(rawKey: Uint8Array, stored: Uint8Array): LoadedChunk | undefined {
    let key: KeyPath
    try {
      key = decodeKeyPath(rawKey)
    } catch {
      this.#report(new CorruptValueError(undefined, rawKey.slice(), 'malformed-key'))
      return undefined
    }
    const opened = openValue(rawKey, stored)
    if (opened.ok) return { key, data: opened.value }
    this.#report(new CorruptValueError(key, rawKey.slice(), opened.reason))
    return undefined
  }

  #report(error: CorruptValueError): void {
    const hex = bytesToHexKey(error.encodedKey)
    if (this.#corrupt.has(hex)) return
    this.#corrupt.set(hex, error)
    try {
      this.#onCorrupt?.(error)
    } catch {
      // A faulty listener must not turn a recoverable data problem into a failed read.
    }
  }
}
