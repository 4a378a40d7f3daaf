// One `hearth serve` per data directory. Two daemons on one directory would both archive
// the same rooms into one SQLite file and overwrite each other's peer cache and node key
// use; the second one must refuse to start, with a message that names the first.
//
// The lock is a file `serve.lock` in the data directory, created exclusively, holding the
// owner's pid. A lock whose pid no longer runs (a crash, kill -9) is stale and taken over.
// Headless CLI commands do not take it: they share the SQLite file with a running daemon
// (SQLite's own locking covers that).

import { open, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DataDirLockedError } from './errors.ts'

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'serve.lock'

/** A held lock. */
export interface DataDirLock {
  readonly path: string
  /** Remove the lock (idempotent). */
  release(): Promise<void>
}

/** Whether a process with this pid runs (and is not us). */
function running(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else; it still holds the directory.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Take the data directory's lock, or reject with `DataDirLockedError` naming the pid that
 * holds it. A stale lock (its process gone, or an unreadable file) is replaced.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_FILE)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600)
      try {
        await handle.writeFile(`${process.pid}\n`)
      } finally {
        await handle.close()
      }
      let released = false
      return {
        path,
        async release() {
          if (released) return
          released = true
          // Only remove a lock that is still ours.
          const owner = await readFile(path, 'utf8').catch(() => '')
          if (Number.parseInt(owner, 10) === process.pid) await rm(path, { force: true })
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const text = await readFile(path, 'utf8').catch(() => '')
    const pid = /^\d{1,10}\s*$/.test(text) ? Number.parseInt(text, 10) : Number.NaN
    if (running(pid)) {
      throw new DataDirLockedError(
        `Another hearth serve (pid ${pid}) is using the data directory ${dataDir}. Stop it first, or start this one with another --data-dir.`
      )
    }
    await rm(path, { force: true })
  }
  throw new DataDirLockedError(`Cannot take the lock ${path}: it keeps being recreated by another process.`)
}
