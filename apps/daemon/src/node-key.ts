// The daemon's libp2p identity: an Ed25519 key kept in `<dataDir>/peer.key`, made on first
// start and reused afterwards, so the daemon's peer id (and with it every multiaddr that
// others saved, e.g. in bootstrap lists and peer caches) survives restarts.
//
// Format: the libp2p protobuf encoding of the private key (`privateKeyToProtobuf`), the same
// bytes other libp2p implementations store. The file is created with mode 0600 under an
// exclusive link, so two daemons starting at once on a fresh data dir agree on one key.

import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { HearthNodeConfig } from '@hearth/net'
import { chmod, link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { NodeKeyError } from './errors.ts'

type PrivateKey = NonNullable<HearthNodeConfig['privateKey']>

/** File name of the key inside the data directory. */
export const NODE_KEY_FILE = 'peer.key'

/** A loaded key and whether this call created it. */
export interface LoadedNodeKey {
  privateKey: PrivateKey
  path: string
  created: boolean
}

/**
 * Load the daemon's key from `dataDir`, creating the directory (0700) and the key (0600) if
 * missing. A key file readable by others is made private again. Rejects with NodeKeyError
 * when the file exists but is not a usable key: a new key would silently change the peer id.
 */
export async function loadOrCreateNodeKey(dataDir: string): Promise<LoadedNodeKey> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, NODE_KEY_FILE)
  const existing = await readKey(path)
  if (existing !== undefined) return { privateKey: existing, path, created: false }

  const privateKey = await generateKeyPair('Ed25519')
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`
  await writeFile(tmp, privateKeyToProtobuf(privateKey), { mode: 0o600, flag: 'wx' })
  try {
    // link() fails if the key appeared meanwhile; then that one wins.
    await link(tmp, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const winner = await readKey(path)
    if (winner === undefined) throw new NodeKeyError(`Key file ${path} vanished while starting`)
    return { privateKey: winner, path, created: false }
  } finally {
    await rm(tmp, { force: true })
  }
  return { privateKey, path, created: true }
}

async function readKey(path: string): Promise<PrivateKey | undefined> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new NodeKeyError(`Cannot read key file ${path}: ${(error as Error).message}`)
  }
  let key: PrivateKey
  try {
    key = privateKeyFromProtobuf(bytes)
  } catch (error) {
    throw new NodeKeyError(
      `Key file ${path} is damaged (${(error as Error).message}). Restore it from a backup, or delete it to get a new peer id.`
    )
  }
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600)
  return key
}
