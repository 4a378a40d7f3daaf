/**
 * The in-memory storage adapter: THE TEST ADAPTER. It keeps a sorted array in
 * the JS heap and nothing survives the process. Tests and the simulated
 * network use it; real peers use `@hearth/store-idb` or `@hearth/store-sqlite`.
 *
 * It runs the same code path as the real adapters (`ByteStorageAdapter`:
 * validation, key encoding, integrity envelope), so a test that passes here
 * exercises the byte format too. A `MemoryByteStore` plays the disk: it
 * outlives the adapters opened on it, which is how tests model a restart.
 */
import type { ByteEntry, ByteRange, ByteStore } from './byte-store.ts'
import { ByteStorageAdapter } from './byte-storage-adapter.ts'
import { compareKeyBytes } from './key-path.ts'
import type { StorageAdapterOptions } from './storage-adapter.ts'

interface Slot {
  readonly key: Uint8Array<ArrayBuffer>
  value: Uint8Array<ArrayBuffer>
}

/**
 * A sorted in-memory `ByteStore`. `close()` keeps the data (the store models a
 * disk), so a new adapter on the same store sees it. Its methods take and give
 * raw (encoded, enveloped) bytes; tests may use them to damage stored values.
 */
export class MemoryByteStore implements ByteStore {
  readonly #slots: Slot[] = []

  /** Number of stored entries. */
  get size(): number {
    return this.#slots.length
  }

  /** Index of the first slot whose key is >= `key`. */
  #search(key: Uint8Array): number {
    let low = 0
    let high = this.#slots.length
    while (low < high) {
      const mid = (low + high) >>> 1
      const slot = this.#slots[mid]
      if (slot !== undefined && compareKeyBytes(slot.key, key) < 0) low = mid + 1
      else high = mid
    }
    return low
  }

  #putNow(key: Uint8Array, value: Uint8Array): void {
    const at = this.#search(key)
    const slot = this.#slots[at]
    if (slot !== undefined && compareKeyBytes(slot.key, key) === 0) slot.value = value.slice()
    else this.#slots.splice(at, 0, { key: key.slice(), value: value.slice() })
  }

  #bounds(lower: Uint8Array | undefined, upper: Uint8Array | undefined): [number, number] {
    const from = lower === undefined ? 0 : this.#search(lower)
    const to = upper === undefined ? this.#slots.length : this.#search(upper)
    return [from, Math.max(from, to)]
  }

  /** @inheritdoc */
  get(key: Uint8Array<ArrayBuffer>): Promise<Uint8Array | undefined> {
    const slot = this.#slots[this.#search(key)]
    return Promise.resolve(slot !== undefined && compareKeyBytes(slot.key, key) === 0 ? slot.value.slice() : undefined)
  }

  /** @inheritdoc */
  put(key: Uint8Array<ArrayBuffer>, value: Uint8Array<ArrayBuffer>): Promise<void> {
    this.#putNow(key, value)
    return Promise.resolve()
  }

  /** @inheritdoc */
  delete(key: Uint8Array<ArrayBuffer>): Promise<void> {
    const at = this.#search(key)
    const slot = this.#slots[at]
    if (slot !== undefined && compareKeyBytes(slot.key, key) === 0) this.#slots.splice(at, 1)
    return Promise.resolve()
  }

  /** @inheritdoc */
  getRange(range: ByteRange): Promise<ByteEntry[]> {
    const [from, to] = this.#bounds(range.lower, range.upper)
    const limit = range.limit ?? Infinity
    const picked = range.reverse
      ? this.#slots.slice(Math.max(from, to - limit), to).reverse()
      : this.#slots.slice(from, Math.min(to, from + limit))
    return Promise.resolve(picked.map((slot) => ({ key: slot.key.slice(), value: slot.value.slice() })))
  }

  /** @inheritdoc */
  deleteRange(lower: Uint8Array<ArrayBuffer> | undefined, upper: Uint8Array<ArrayBuffer> | undefined): Promise<void> {
    const [from, to] = this.#bounds(lower, upper)
    this.#slots.splice(from, to - from)
    return Promise.resolve()
  }

  /** @inheritdoc Atomic trivially: nothing else runs in between. */
  putBatch(entries: readonly ByteEntry[]): Promise<void> {
    for (const entry of entries) this.#putNow(entry.key, entry.value)
    return Promise.resolve()
  }

  /** Keeps the data (see the class comment). */
  close(): Promise<void> {
    return Promise.resolve()
  }
}

/** Options of {@link MemoryStorageAdapter}. */
export interface MemoryStorageAdapterOptions extends StorageAdapterOptions {
  /** The "disk" to open; share it between adapters to model a restart. @default a new empty store */
  readonly store?: MemoryByteStore
}

/**
 * The test adapter: a `StorageAdapter` held in memory (see the module comment).
 * `new MemoryStorageAdapter({ store: previous.store })` reopens a "disk".
 */
export class MemoryStorageAdapter extends ByteStorageAdapter {
  /** The backing store, for reopening and for damaging values in tests. */
  readonly store: MemoryByteStore

  constructor(options: MemoryStorageAdapterOptions = {}) {
    const store = options.store ?? new MemoryByteStore()
    super(store, options)
    this.store = store
  }
}
