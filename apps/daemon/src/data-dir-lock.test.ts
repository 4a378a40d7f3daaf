// The data directory lock of `hearth serve`: one holder at a time, stale locks taken over,
// hostile lock file contents never mistaken for a live owner.

import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LOCK_FILE, lockDataDir } from './data-dir-lock.ts'
import { DataDirLockedError } from './errors.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-lock-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A process that runs until killed; resolves with its pid. */
function sleeper(): { pid: number; stop: () => Promise<void> } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  const exited = new Promise<void>((done) => child.once('exit', () => { done() }))
  return { pid: child.pid ?? -1, stop: async () => { child.kill('SIGKILL'); await exited } }
}

describe('lockDataDir', () => {
  it('writes our pid, and release removes the lock so it can be taken again', async () => {
    const lock = await lockDataDir(dir)
    expect((await readFile(join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid))
    await lock.release()
    await lock.release()
    const again = await lockDataDir(dir)
    await again.release()
  })

  it('refuses while another live process holds it, naming that pid', async () => {
    const other = sleeper()
    try {
      await writeFile(join(dir, LOCK_FILE), `${other.pid}\n`)
      const err = await lockDataDir(dir).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(DataDirLockedError)
      expect((err as Error).message).toContain(`pid ${other.pid}`)
      expect((err as Error).message).toContain('--data-dir')
    } finally {
      await other.stop()
    }
    // Its owner gone, the lock is stale and taken over.
    const lock = await lockDataDir(dir)
    expect((await readFile(join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid))
    await lock.release()
  })

  it.each(['', 'garbage', '-5', '0', '99999999999999', '12 34', '\u0000\u0001', 'x'.repeat(10_000)])(
    'takes over a lock file holding %j', async (content) => {
      await writeFile(join(dir, LOCK_FILE), content)
      const lock = await lockDataDir(dir)
      await lock.release()
    }
  )

  it('release does not remove a lock someone else took over meanwhile', async () => {
    const lock = await lockDataDir(dir)
    await writeFile(join(dir, LOCK_FILE), '1\n')
    await lock.release()
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe('1\n')
  })
})
