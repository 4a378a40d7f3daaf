/**
 * Turn IndexedDB failures (DOMExceptions, matched by name) into the storage
 * port's typed errors. https://w3c.github.io/IndexedDB/#exceptions
 */
import { StorageClosedError, StorageError, StorageIoError } from '@hearth/protocol'

/** The `name` of a DOMException-like error, if any. */
export function errorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name
  return typeof name === 'string' ? name : undefined
}

/**
 * Map an IndexedDB error (or pass through one of ours).
 * @param location the database name, for the message
 */
export function mapIdbError(error: unknown, location: string): StorageError {
  if (error instanceof StorageError) return error
  const message = error instanceof Error ? error.message : String(error)
  // The connection was closed under us: another tab upgraded, or the browser cleared site data.
  if (errorName(error) === 'InvalidStateError') return new StorageClosedError(`${location}: connection closed (${message})`)
  if (errorName(error) === 'QuotaExceededError') return new StorageIoError(`${location}: storage quota exceeded (${message})`, { cause: error })
  return new StorageIoError(`${location}: ${message}`, { cause: error })
}
