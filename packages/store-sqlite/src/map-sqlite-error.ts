/**
 * Turn errors thrown by `node:sqlite` into the storage port's typed errors,
 * so callers match on `name` and a damaged file never surfaces as an
 * anonymous exception. SQLite result codes: https://sqlite.org/rescode.html
 */
import { CorruptDatabaseError, StorageError, StorageIoError } from '@hearth/protocol'

const SQLITE_CORRUPT = 11
const SQLITE_NOTADB = 26

/** The primary SQLite result code of an error from `node:sqlite`, if it has one. */
export function sqliteResultCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown } | null)?.errcode
  return typeof code === 'number' ? code & 0xff : undefined
}

/**
 * Map an error from `node:sqlite` (or pass through one of ours).
 * @param location the database path, for the message
 */
export function mapSqliteError(error: unknown, location: string): StorageError {
  if (error instanceof StorageError) return error
  const message = error instanceof Error ? error.message : String(error)
  const code = sqliteResultCode(error)
  if (code === SQLITE_NOTADB) return new CorruptDatabaseError(location, 'not-a-database', message, { cause: error })
  if (code === SQLITE_CORRUPT) return new CorruptDatabaseError(location, 'malformed', message, { cause: error })
  return new StorageIoError(`${location}: ${message}`, { cause: error })
}
