/**
 * `SqliteByteStore`: the `ByteStore` of `SqliteStorageAdapter`, one table
 *
 *   hearth_kv (key BLOB PRIMARY KEY, value BLOB) WITHOUT ROWID
 *
 * keyed by the encoded key path. SQLite compares BLOBs with memcmp (shorter
 * first on a tie), exactly the order the key encoding is designed for, so
 * prefix scans and paging are plain range queries on the primary key.
 * Statements are prepared once (range variants lazily, on first use).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { ByteEntry, ByteRange, ByteStore } from '@hearth/protocol'
import { mapSqliteError } from './map-sqlite-error.ts'

/** Name of the one table. */
export const TABLE = 'hearth_kv'

interface Row {
  readonly key: Uint8Array
  readonly value: Uint8Array
}

function asBytes(value: unknown): Uint8Array {
  // A value that is not a BLOB can only come from outside interference; the
  // envelope check then reports it as corrupt.
  return value instanceof Uint8Array ? value : new Uint8Array(0)
}

/** A `ByteStore` on an open `DatabaseSync` whose schema is already in place. */
export class SqliteByteStore implements ByteStore {
  readonly #db: DatabaseSync
  readonly #location: string
  readonly #get: StatementSync
  readonly #put: StatementSync
  readonly #delete: StatementSync
  readonly #statements = new Map<string, StatementSync>()

  /**
   * @param db an open database with the `hearth_kv` table
   * @param location its path, for error messages
   */
  constructor(db: DatabaseSync, location: string) {
    this.#db = db
    this.#location = location
    this.#get = db.prepare(`SELECT value FROM ${TABLE} WHERE key = ?`)
    this.#put = db.prepare(`INSERT OR REPLACE INTO ${TABLE} (key, value) VALUES (?, ?)`)
    this.#delete = db.prepare(`DELETE FROM ${TABLE} WHERE key = ?`)
  }

  /** Run synchronous work as a promise, mapping failures to typed errors. */
  #run<T>(work: () => T): Promise<T> {
    return new Promise((resolve) => {
      try {
        resolve(work())
      } catch (error) {
        throw mapSqliteError(error, this.#location)
      }
    })
  }

  #statement(kind: 'select' | 'delete', hasLower: boolean, hasUpper: boolean, reverse = false): StatementSync {
    const id = `${kind}:${hasLower}:${hasUpper}:${reverse}`
    let statement = this.#statements.get(id)
    if (statement === undefined) {
      const where = [hasLower ? 'key >= :lower' : '', hasUpper ? 'key < :upper' : ''].filter((c) => c !== '').join(' AND ')
      const filter = where === '' ? '' : ` WHERE ${where}`
      const sql = kind === 'select'
        ? `SELECT key, value FROM ${TABLE}${filter} ORDER BY key ${reverse ? 'DESC' : 'ASC'} LIMIT :limit`
        : `DELETE FROM ${TABLE}${filter}`
      statement = this.#db.prepare(sql)
      this.#statements.set(id, statement)
    }
    return statement
  }

  /** @inheritdoc */
  get(key: Uint8Array<ArrayBuffer>): Promise<Uint8Array | undefined> {
    return this.#run(() => {
      const row = this.#get.get(key)
      return row === undefined ? undefined : asBytes(row.value)
    })
  }

  /** @inheritdoc */
  put(key: Uint8Array<ArrayBuffer>, value: Uint8Array<ArrayBuffer>): Promise<void> {
    return this.#run(() => {
      this.#put.run(key, value)
    })
  }

  /** @inheritdoc */
  delete(key: Uint8Array<ArrayBuffer>): Promise<void> {
    return this.#run(() => {
      this.#delete.run(key)
    })
  }

  /** @inheritdoc */
  getRange(range: ByteRange): Promise<Row[]> {
    return this.#run(() => {
      const statement = this.#statement('select', range.lower !== undefined, range.upper !== undefined, range.reverse)
      const params: Record<string, Uint8Array | number> = { limit: range.limit ?? -1 }
      if (range.lower !== undefined) params.lower = range.lower
      if (range.upper !== undefined) params.upper = range.upper
      return statement.all(params).map((row) => ({ key: asBytes(row.key), value: asBytes(row.value) }))
    })
  }

  /** @inheritdoc */
  deleteRange(lower: Uint8Array<ArrayBuffer> | undefined, upper: Uint8Array<ArrayBuffer> | undefined): Promise<void> {
    return this.#run(() => {
      const params: Record<string, Uint8Array> = {}
      if (lower !== undefined) params.lower = lower
      if (upper !== undefined) params.upper = upper
      this.#statement('delete', lower !== undefined, upper !== undefined).run(params)
    })
  }

  /** @inheritdoc One `BEGIN IMMEDIATE … COMMIT`; rolled back on any failure. */
  putBatch(entries: readonly ByteEntry[]): Promise<void> {
    return this.#run(() => {
      this.#db.exec('BEGIN IMMEDIATE')
      try {
        for (const { key, value } of entries) this.#put.run(key, value)
        this.#db.exec('COMMIT')
      } catch (error) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK')
        throw error
      }
    })
  }

  /** @inheritdoc */
  close(): Promise<void> {
    return this.#run(() => {
      if (this.#db.isOpen) this.#db.close()
    })
  }
}
