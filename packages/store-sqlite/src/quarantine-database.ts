/**
 * The recovery path for a damaged SQLite store: move the database file and
 * its WAL/SHM companions aside (never delete: someone may want to inspect or
 * salvage it), then open a fresh store; the peer re-syncs its rooms from
 * other peers. The companions must move too: a stale `-wal` beside a new
 * database could be replayed into it.
 */
import { rename } from 'node:fs/promises'

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT'
}

/**
 * Rename `path`, `path-wal` and `path-shm` to `path.corrupt-<ms>` (+ the same
 * suffixes). Missing companions are fine.
 * @param path the database file (not `':memory:'`)
 * @param now timestamp for the new name @default Date.now()
 * @returns the new path of the database file
 */
export async function quarantineDatabase(path: string, now: number = Date.now()): Promise<string> {
  const aside = `${path}.corrupt-${now}`
  await rename(path, aside)
  for (const suffix of ['-wal', '-shm']) {
    try {
      await rename(path + suffix, aside + suffix)
    } catch (error) {
      if (!isMissing(error)) throw error
    }
  }
  return aside
}
