/**
 * `SqliteStorageAdapter`: the storage port on `node:sqlite` (built into Node
 * 24; no native build), for `hearth serve`, archivers and headless clients.
 *
 * Opening checks that the file is a Hearth store before anything else touches
 * it: SQLite must be able to read it, it must carry Hearth's application id
 * and a known schema version, and (by default) `PRAGMA quick_check` must pass.
 * Any failure is a typed error (`CorruptDatabaseError`, `StorageOpenError`),
 * never a crash. Recovery: `quarantineDatabase(path)` moves the damaged file
 * aside and a fresh store is opened; the peer then re-syncs from its rooms.
 */
import { DatabaseSync } from 'node:sqlite'
import {
  ByteStorageAdapter,
  CorruptDatabaseError,
  StorageError,
  StorageOpenError,
  type StorageAdapterOptions
} from '@hearth/protocol'
import { mapSqliteError, sqliteResultCode } from './map-sqlite-error.ts'
import { SqliteByteStore, TABLE } from './sqlite-byte-store.ts'

/** `PRAGMA application_id` of a Hearth store: 'HRTH'. */
export const HEARTH_APPLICATION_ID = 0x48525448
/** `PRAGMA user_version` of the current schema. */
export const SQLITE_SCHEMA_VERSION = 1

const SQLITE_CANTOPEN = 14

/** Options of {@link SqliteStorageAdapter.open}. */
export interface SqliteStorageAdapterOptions extends StorageAdapterOptions {
  /**
   * Run `PRAGMA quick_check` at open. It reads the whole file (roughly a
   * sequential read of it), which is what catches truncation and torn pages
   * before they surprise a later query. @default true
   */
  readonly verifyOnOpen?: boolean
  /** How long to wait for another connection's lock, in milliseconds. @default 5000 */
  readonly busyTimeoutMs?: number
}

function pragmaNumber(db: DatabaseSync, name: string): number {
  const row = db.prepare(`PRAGMA ${name}`).get()
  const value = row?.[name]
  return typeof value === 'number' ? value : Number(value ?? 0)
}

function initialise(db: DatabaseSync): void {
  db.exec('BEGIN IMMEDIATE')
  try {
    db.exec(`CREATE TABLE ${TABLE} (key BLOB PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID`)
    db.exec(`PRAGMA application_id = ${HEARTH_APPLICATION_ID}`)
    db.exec(`PRAGMA user_version = ${SQLITE_SCHEMA_VERSION}`)
    db.exec('COMMIT')
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK')
    throw error
  }
}

/** Check (or create) the schema; throws typed errors. */
function prepareDatabase(db: DatabaseSync, location: string, verify: boolean): void {
  // The first read of the header is where a non-database file fails (SQLITE_NOTADB).
  const applicationId = pragmaNumber(db, 'application_id')
  const version = pragmaNumber(db, 'user_version')
  const objects = Number(db.prepare('SELECT count(*) AS n FROM sqlite_schema').get()?.n ?? 0)
  if (applicationId === 0 && objects === 0) {
    initialise(db)
  } else if (applicationId !== HEARTH_APPLICATION_ID) {
    throw new CorruptDatabaseError(location, 'foreign-database', `not a Hearth store (application_id ${applicationId})`)
  } else if (version > SQLITE_SCHEMA_VERSION) {
    throw new StorageOpenError(location, `written by a newer Hearth (schema ${version}; this one reads ${SQLITE_SCHEMA_VERSION})`)
  } else if (version !== SQLITE_SCHEMA_VERSION) {
    throw new CorruptDatabaseError(location, 'malformed', `unknown schema version ${version}`)
  }
  if (verify) {
    const problems = db.prepare('PRAGMA quick_check(5)').all().map((row) => String(row.quick_check))
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new CorruptDatabaseError(location, 'malformed', `quick_check: ${problems.join('; ')}`)
    }
  }
  const table = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").get(TABLE)
  if (table === undefined) throw new CorruptDatabaseError(location, 'malformed', `table ${TABLE} is missing`)
  db.exec('PRAGMA journal_mode = WAL')
  // NORMAL in WAL mode: a power cut may lose the last commits, never corrupt; peers re-sync them.
  db.exec('PRAGMA synchronous = NORMAL')
}

function openDatabase(location: string, options: SqliteStorageAdapterOptions): DatabaseSync {
  let db: DatabaseSync
  try {
    db = new DatabaseSync(location, { timeout: options.busyTimeoutMs ?? 5000 })
  } catch (error) {
    const why = sqliteResultCode(error) === SQLITE_CANTOPEN ? 'cannot open the file' : 'cannot open'
    throw new StorageOpenError(location, `${why}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  try {
    prepareDatabase(db, location, options.verifyOnOpen ?? true)
    return db
  } catch (error) {
    try {
      db.close()
    } catch {
      // Already failing; the original error is the one to report.
    }
    if (error instanceof StorageError) throw error
    const mapped = mapSqliteError(error, location)
    throw mapped.name === 'StorageIoError' ? new StorageOpenError(location, mapped.message, { cause: error }) : mapped
  }
}

/** A `StorageAdapter` on one SQLite file (or `:memory:`). */
export class SqliteStorageAdapter extends ByteStorageAdapter {
  /** The database path, or `':memory:'`. */
  readonly location: string

  private constructor(store: SqliteByteStore, location: string, options: StorageAdapterOptions) {
    super(store, options)
    this.location = location
  }

  /**
   * Open (creating if absent) a store.
   * @param location a file path, or `':memory:'` for a private in-memory database
   * @returns the adapter; rejects with `CorruptDatabaseError` when the file is
   *   damaged, truncated or not a Hearth store (move it aside with
   *   `quarantineDatabase` and open again), or `StorageOpenError` when it
   *   cannot be opened at all (missing directory, permissions, newer schema)
   */
  static open(location: string, options: SqliteStorageAdapterOptions = {}): Promise<SqliteStorageAdapter> {
    return new Promise((resolve) => {
      const db = openDatabase(location, options)
      resolve(new SqliteStorageAdapter(new SqliteByteStore(db, location), location, options))
    })
  }
}
