/**
 * The browser node's libp2p key: a fresh Ed25519 key per browser profile and
 * identity, kept in the network database (libp2p's protobuf encoding, as the
 * daemon's `peer.key`) so the peer id survives reloads. Not the identity key:
 * the peer id would then name the user to everyone who sees the connection,
 * and two devices restored from one backup would share it. (PROTOCOL.md
 * §10.1 asks for the device key once devices exist; until then this key
 * plays that part.) Per identity, so a second identity created or restored
 * on the same profile is not linked to the first by its peer id.
 *
 * Two tabs of one profile must not run two nodes with one peer id (relay
 * reservations and DHT entries would fight), so the stored key is claimed
 * with a Web Lock; a tab that cannot get it runs on a throwaway key.
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { HearthNodeConfig } from '@hearth/net'
import { toHex } from '@hearth/protocol'
import { STORE, type NetDatabase } from './net-database.ts'

/** A libp2p private key. */
export type NodePrivateKey = NonNullable<HearthNodeConfig['privateKey']>

/** The key a node runs on. */
export interface NodeKey {
  readonly privateKey: NodePrivateKey
  /** Whether it is the profile's stored key (false: another tab holds it; this one is throwaway). */
  readonly persistent: boolean
  /** Let another tab claim the stored key (call when the node stops). Idempotent. */
  readonly release: () => void
}

/** The part of the Web Locks API used here (`navigator.locks`). */
export type KeyLocks = Pick<LockManager, 'request'>

/** Options of {@link loadNodeKey}. */
export interface LoadNodeKeyOptions {
  /** @default navigator.locks when present; without locks every caller shares the stored key */
  readonly locks?: KeyLocks
}

/** Database key of the node key for `identity`. */
export function nodeKeyKey(identity: Uint8Array): string {
  return `node-key/${toHex(identity)}`
}

/** Claim the lock `name` if nobody holds it: resolves with its release function, or undefined when taken. */
function claim(locks: KeyLocks, name: string): Promise<(() => void) | undefined> {
  return new Promise((resolve, reject) => {
    let release = (): void => undefined
    const held = new Promise<void>((done) => {
      release = done
    })
    locks.request(name, { ifAvailable: true }, (lock) => {
      if (lock === null) {
        resolve(undefined)
        return undefined
      }
      resolve(release)
      return held
    }).catch(reject)
  })
}

async function readKey(db: NetDatabase, key: string): Promise<NodePrivateKey | undefined> {
  const stored = await db.get(STORE, key)
  if (!(stored instanceof Uint8Array)) return undefined
  try {
    const privateKey = privateKeyFromProtobuf(stored)
    return privateKey.type === 'Ed25519' ? privateKey : undefined
  } catch {
    return undefined
  }
}

/**
 * The node key of this profile for `identity` (its public key): the stored
 * one, made and stored on first use (an unreadable record is replaced), or a
 * throwaway key when another tab holds the stored one.
 */
export async function loadNodeKey(db: NetDatabase, identity: Uint8Array, options: LoadNodeKeyOptions = {}): Promise<NodeKey> {
  const key = nodeKeyKey(identity)
  const locks = options.locks ?? (globalThis as { navigator?: { locks?: KeyLocks } }).navigator?.locks
  const release = locks === undefined ? () => undefined : await claim(locks, `hearth/${key}`)
  if (release === undefined) return { privateKey: await generateKeyPair('Ed25519'), persistent: false, release: () => undefined }
  try {
    const existing = await readKey(db, key)
    if (existing !== undefined) return { privateKey: existing, persistent: true, release }
    const privateKey = await generateKeyPair('Ed25519')
    await db.put(STORE, privateKeyToProtobuf(privateKey), key)
    return { privateKey, persistent: true, release }
  } catch (error) {
    release()
    throw error
  }
}
