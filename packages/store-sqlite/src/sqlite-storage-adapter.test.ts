/**
 * SqliteStorageAdapter against the storage contract (in memory, and on a
 * temporary file with reopen and corruption by editing the stored bytes),
 * plus what only a file can go through: damage, foreign files, recovery.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeKeyPath } from '@hearth/protocol'
import { corruptStoredBytes, runStorageAdapterTests } from '@hearth/protocol/storage-contract'
import { quarantineDatabase } from './quarantine-database.ts'
import { TABLE } from './sqlite-byte-store.ts'
import { HEARTH_APPLICATION_ID, SqliteStorageAdapter } from './sqlite-storage-adapter.ts'

runStorageAdapterTests('SqliteStorageAdapter (:memory:)', async () => ({
  adapter: await SqliteStorageAdapter.open(':memory:'),
  teardown: () => Promise.resolve()
}))

runStorageAdapterTests('SqliteStorageAdapter (file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-sqlite-'))
  const path = join(dir, 'store.db')
  return {
    adapter: await SqliteStorageAdapter.open(path),
    teardown: () => {
      rmSync(dir, { recursive: true, force: true })
      return Promise.resolve()
    },
    reopen: () => SqliteStorageAdapter.open(path),
    corrupt: (key, how) => {
      // A second connection edits the row behind the adapter's back (WAL lets both in).
      const raw = new DatabaseSync(path)
      try {
        const encoded = encodeKeyPath(key)
        const row = raw.prepare(`SELECT value FROM ${TABLE} WHERE key = ?`).get(encoded)
        if (!(row?.value instanceof Uint8Array)) throw new Error('nothing stored to corrupt')
        raw.prepare(`UPDATE ${TABLE} SET value = ? WHERE key = ?`).run(corruptStoredBytes(row.value, how), encoded)
      } finally {
        raw.close()
      }
      return Promise.resolve()
    }
  }
})

describe('SqliteStorageAdapter files', () => {
  let dir = ''
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-sqlite-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  async function filledDatabase(name: string): Promise<string> {
    const path = join(dir, name)
    const adapter = await SqliteStorageAdapter.open(path)
    const entries = Array.from({ length: 2000 }, (_, i) => ({ key: ['e', String(i).padStart(6, '0')], data: new Uint8Array(300).fill(i & 0xff) }))
    await adapter.saveBatch(entries)
    await adapter.close()
    const checkpoint = new DatabaseSync(path)
    checkpoint.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    checkpoint.close()
    return path
  }

  it('creates a WAL-mode store marked with the Hearth application id', async () => {
    const path = join(dir, 'new.db')
    const adapter = await SqliteStorageAdapter.open(path)
    await adapter.save(['k'], new Uint8Array([1]))
    await adapter.close()
    const raw = new DatabaseSync(path)
    expect(raw.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal')
    expect(raw.prepare('PRAGMA application_id').get()?.application_id).toBe(HEARTH_APPLICATION_ID)
    expect(String(raw.prepare("SELECT sql FROM sqlite_schema WHERE name = ?").get(TABLE)?.sql)).toMatch(/WITHOUT ROWID/)
    raw.close()
  })

  it('rolls back a whole batch when one write fails inside the transaction', async () => {
    const path = join(dir, 'atomic.db')
    const adapter = await SqliteStorageAdapter.open(path)
    await adapter.save(['before'], new Uint8Array([1]))
    // A trigger makes the 600th insert fail, after 599 have gone into the transaction.
    const raw = new DatabaseSync(path)
    const poison = Buffer.from(encodeKeyPath(['batch', '000599'])).toString('hex')
    raw.exec(`CREATE TRIGGER poison BEFORE INSERT ON ${TABLE} WHEN NEW.key = X'${poison}' BEGIN SELECT RAISE(ABORT, 'poisoned'); END`)
    raw.close()
    const entries = Array.from({ length: 1000 }, (_, i) => ({ key: ['batch', String(i).padStart(6, '0')], data: new Uint8Array([i & 0xff]) }))
    await expect(adapter.saveBatch(entries)).rejects.toMatchObject({ name: 'StorageIoError' })
    expect((await adapter.loadRange([])).map((c) => c.key)).toEqual([['before']])
    await adapter.save(['after'], new Uint8Array([2]))
    expect(await adapter.load(['after'])).toEqual(new Uint8Array([2]))
    await adapter.close()
  })

  it('refuses a file that is not a database with CorruptDatabaseError', async () => {
    const path = join(dir, 'garbage.db')
    writeFileSync(path, Buffer.alloc(8192, 0x5a))
    await expect(SqliteStorageAdapter.open(path)).rejects.toMatchObject({ name: 'CorruptDatabaseError', reason: 'not-a-database', location: path })
  })

  it.each([
    ['to half its size', (size: number) => Math.floor(size / 2)],
    ['by one page', (size: number) => size - 4096],
    ['to 50 bytes', () => 50]
  ])('refuses a database truncated %s with CorruptDatabaseError', async (_label, cut) => {
    const path = await filledDatabase('cut.db')
    truncateSync(path, cut(statSync(path).size))
    await expect(SqliteStorageAdapter.open(path)).rejects.toMatchObject({ name: 'CorruptDatabaseError' })
  })

  it('refuses a database with a damaged page, and recovers by quarantine', async () => {
    const path = await filledDatabase('torn.db')
    const bytes = readFileSync(path)
    bytes.fill(0xa5, 4096 * 5, 4096 * 6)
    writeFileSync(path, bytes)
    await expect(SqliteStorageAdapter.open(path)).rejects.toMatchObject({ name: 'CorruptDatabaseError', reason: 'malformed' })
    const aside = await quarantineDatabase(path, 1234)
    expect(aside).toBe(`${path}.corrupt-1234`)
    expect(existsSync(aside)).toBe(true)
    expect(existsSync(path)).toBe(false)
    const fresh = await SqliteStorageAdapter.open(path)
    expect(await fresh.loadRange([])).toEqual([])
    await fresh.save(['again'], new Uint8Array([1]))
    await fresh.close()
  })

  it('without the open check, a damaged page gives typed errors on use, not a crash', async () => {
    const path = await filledDatabase('late.db')
    const bytes = readFileSync(path)
    bytes.fill(0xa5, 4096 * 5, 4096 * 40)
    writeFileSync(path, bytes)
    const adapter = await SqliteStorageAdapter.open(path, { verifyOnOpen: false })
    await expect(adapter.loadRange([])).rejects.toMatchObject({ name: 'CorruptDatabaseError' })
    await adapter.close()
  })

  it('refuses a foreign SQLite database and a newer schema', async () => {
    const foreign = join(dir, 'foreign.db')
    const raw = new DatabaseSync(foreign)
    raw.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)')
    raw.close()
    await expect(SqliteStorageAdapter.open(foreign)).rejects.toMatchObject({ name: 'CorruptDatabaseError', reason: 'foreign-database' })

    const newer = join(dir, 'newer.db')
    await (await SqliteStorageAdapter.open(newer)).close()
    const bump = new DatabaseSync(newer)
    bump.exec('PRAGMA user_version = 99')
    bump.close()
    await expect(SqliteStorageAdapter.open(newer)).rejects.toMatchObject({ name: 'StorageOpenError' })
  })

  it('reports a missing directory as StorageOpenError', async () => {
    await expect(SqliteStorageAdapter.open(join(dir, 'no', 'such', 'dir', 'x.db'))).rejects.toMatchObject({ name: 'StorageOpenError' })
  })

  it('moves WAL companions aside with the database', async () => {
    const path = join(dir, 'wal.db')
    for (const suffix of ['', '-wal', '-shm']) writeFileSync(path + suffix, 'x')
    const aside = await quarantineDatabase(path, 7)
    for (const suffix of ['', '-wal', '-shm']) {
      expect(existsSync(path + suffix)).toBe(false)
      expect(existsSync(aside + suffix)).toBe(true)
    }
  })
})
