// The daemon's persistent libp2p key: made once with mode 0600, reused, never silently replaced.

import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadOrCreateNodeKey, NODE_KEY_FILE } from './node-key.ts'

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-node-key-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

/** The public key in its text form (the peer id's base58 multihash for Ed25519). */
const peerId = (key: Awaited<ReturnType<typeof loadOrCreateNodeKey>>): string => key.privateKey.publicKey.toString()

describe('loadOrCreateNodeKey', () => {
  it('creates a private key file (0600) in a private data dir (0700), then reuses it', async () => {
    const dataDir = join(root, 'a', 'b')
    const first = await loadOrCreateNodeKey(dataDir)
    expect(first.created).toBe(true)
    expect(first.privateKey.type).toBe('Ed25519')
    expect((await stat(first.path)).mode & 0o777).toBe(0o600)
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700)
    const second = await loadOrCreateNodeKey(dataDir)
    expect(second.created).toBe(false)
    expect(peerId(second)).toBe(peerId(first))
    expect(await readdir(dataDir)).toEqual([NODE_KEY_FILE])
  })

  it('agrees on one key when started twice at once', async () => {
    const keys = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateNodeKey(root)))
    expect(new Set(keys.map(peerId)).size).toBe(1)
    expect(keys.filter((key) => key.created)).toHaveLength(1)
    expect(await readdir(root)).toEqual([NODE_KEY_FILE])
  })

  it('makes a key file readable by others private again', async () => {
    const { path } = await loadOrCreateNodeKey(root)
    await chmod(path, 0o644)
    await loadOrCreateNodeKey(root)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
  })

  it('refuses a damaged key file instead of changing the peer id', async () => {
    await writeFile(join(root, NODE_KEY_FILE), 'not a key')
    await expect(loadOrCreateNodeKey(root)).rejects.toMatchObject({ name: 'NodeKeyError' })
  })
})
