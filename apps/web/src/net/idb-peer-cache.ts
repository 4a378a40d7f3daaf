/**
 * The browser node's peer cache (PROTOCOL.md §10.1: the addresses of peers
 * it was connected to, so a reload can reach them without asking anyone) on
 * IndexedDB: `@hearth/net`'s `PeerCacheStore` port. The node decides what to
 * save and when; this only keeps the list, under the key `peers` of the
 * network database, as `{ v: 1, peers: [multiaddr text with /p2p/…] }` (the
 * shape of a server's `peers.json`).
 *
 * What comes back from storage is checked like remote input (anything on the
 * origin can edit the database, and another version may have written it):
 * `cleanPeerAddresses` keeps multiaddrs that name a peer, at most 64.
 */
import { cleanPeerAddresses, type PeerCacheStore } from '@hearth/net'
import { STORE, type NetDatabase } from './net-database.ts'

/** Key of the list in the network database. */
export const PEER_CACHE_KEY = 'peers'

/** `PeerCacheStore` on the network database. */
export class IdbPeerCache implements PeerCacheStore {
  readonly #db: NetDatabase

  constructor(db: NetDatabase) {
    this.#db = db
  }

  /** The saved addresses, newest first; empty when none were saved or the record is unreadable. */
  async load(): Promise<readonly string[]> {
    const stored = await this.#db.get(STORE, PEER_CACHE_KEY)
    if (typeof stored !== 'object' || stored === null) return []
    const { v, peers } = stored as { v?: unknown; peers?: unknown }
    return v === 1 ? cleanPeerAddresses(peers) : []
  }

  /** Replace the list (cleaned the same way, so what is saved is what loads). */
  async save(addresses: readonly string[]): Promise<void> {
    await this.#db.put(STORE, { v: 1, peers: cleanPeerAddresses(addresses) }, PEER_CACHE_KEY)
  }
}
