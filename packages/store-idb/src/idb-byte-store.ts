/**
 * `IdbByteStore`: the `ByteStore` of `IdbStorageAdapter`. One object store,
 * out-of-line keys that are the encoded key paths as ArrayBuffers (IndexedDB
 * orders binary keys bytewise, shorter first on a tie: the order the key
 * encoding is designed for), values that are the enveloped bytes. Ranges are
 * `IDBKeyRange`s; reverse scans walk a cursor with direction `'prev'`.
 *
 * Uses only web APIs (through `idb`); `idb` checks the global IDB classes, so
 * an injected factory must come from the same realm as those globals.
 */
import type { DBSchema, IDBPDatabase } from 'idb'
import type { ByteEntry, ByteRange, ByteStore } from '@hearth/protocol'
import { mapIdbError } from './map-idb-error.ts'

/** Name of the one object store. */
export const OBJECT_STORE = 'kv'

/** The database layout, for `idb`'s typings. */
export interface HearthIdbSchema extends DBSchema {
  kv: { key: ArrayBuffer; value: Uint8Array }
}

// IndexedDB's `count` is an unsigned long; 0 there means "all".
const MAX_COUNT = 0xffffffff

function toKey(bytes: Uint8Array<ArrayBuffer>): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer
}

function asBytes(value: unknown): Uint8Array {
  // Anything else can only come from outside interference; the envelope check reports it.
  if (value instanceof Uint8Array) return value
  if (value instanceof ArrayBuffer) return new Uint8Array(value)
  return new Uint8Array(0)
}

function keyRange(lower: Uint8Array<ArrayBuffer> | undefined, upper: Uint8Array<ArrayBuffer> | undefined): IDBKeyRange | null {
  if (lower !== undefined && upper !== undefined) return IDBKeyRange.bound(toKey(lower), toKey(upper), false, true)
  if (lower !== undefined) return IDBKeyRange.lowerBound(toKey(lower))
  if (upper !== undefined) return IDBKeyRange.upperBound(toKey(upper), true)
  return null
}

/** A `ByteStore` on an open IndexedDB connection whose object store exists. */
export class IdbByteStore implements ByteStore {
  readonly #db: IDBPDatabase<HearthIdbSchema>
  readonly #location: string

  /**
   * @param db an open connection with the `kv` object store
   * @param location the database name, for error messages
   */
  constructor(db: IDBPDatabase<HearthIdbSchema>, location: string) {
    this.#db = db
    this.#location = location
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw mapIdbError(error, this.#location)
    }
  }

  /** @inheritdoc */
  get(key: Uint8Array<ArrayBuffer>): Promise<Uint8Array | undefined> {
    return this.#run(async () => {
      const value: unknown = await this.#db.get(OBJECT_STORE, toKey(key))
      return value === undefined ? undefined : asBytes(value)
    })
  }

  /** @inheritdoc */
  put(key: Uint8Array<ArrayBuffer>, value: Uint8Array<ArrayBuffer>): Promise<void> {
    return this.#run(async () => {
      await this.#db.put(OBJECT_STORE, value, toKey(key))
    })
  }

  /** @inheritdoc */
  delete(key: Uint8Array<ArrayBuffer>): Promise<void> {
    return this.#run(() => this.#db.delete(OBJECT_STORE, toKey(key)))
  }

  /** @inheritdoc */
  getRange(range: ByteRange): Promise<{ key: Uint8Array; value: Uint8Array }[]> {
    return this.#run(async () => {
      const limit = range.limit ?? Infinity
      if (limit <= 0) return []
      const query = keyRange(range.lower, range.upper)
      const tx = this.#db.transaction(OBJECT_STORE, 'readonly')
      if (!range.reverse) {
        const count = limit > MAX_COUNT ? undefined : limit
        const [keys, values] = await Promise.all([tx.store.getAllKeys(query, count), tx.store.getAll(query, count), tx.done])
        return keys.map((key, i) => ({ key: new Uint8Array(key), value: asBytes(values[i]) }))
      }
      const out: { key: Uint8Array; value: Uint8Array }[] = []
      let cursor = await tx.store.openCursor(query, 'prev')
      while (cursor !== null && out.length < limit) {
        out.push({ key: new Uint8Array(cursor.key), value: asBytes(cursor.value) })
        if (out.length < limit) cursor = await cursor.continue()
      }
      await tx.done
      return out
    })
  }

  /** @inheritdoc */
  deleteRange(lower: Uint8Array<ArrayBuffer> | undefined, upper: Uint8Array<ArrayBuffer> | undefined): Promise<void> {
    return this.#run(async () => {
      const query = keyRange(lower, upper)
      await (query === null ? this.#db.clear(OBJECT_STORE) : this.#db.delete(OBJECT_STORE, query))
    })
  }

  /** @inheritdoc One readwrite transaction: all puts commit or none do. */
  putBatch(entries: readonly ByteEntry[]): Promise<void> {
    return this.#run(async () => {
      const tx = this.#db.transaction(OBJECT_STORE, 'readwrite')
      await Promise.all([...entries.map(({ key, value }) => tx.store.put(value, toKey(key))), tx.done])
    })
  }

  /** @inheritdoc */
  close(): Promise<void> {
    this.#db.close()
    return Promise.resolve()
  }
}
