/**
 * The peer cache (PROTOCOL.md §10.1): multiaddrs (with `/p2p/<id>`) of peers
 * a node was connected to, kept across restarts so that it can rejoin without
 * its bootstrap list. Where they are kept is a port, {@link PeerCacheStore}:
 * a file in a server's data directory (`peer-cache.ts`, Node only), IndexedDB
 * in the web app. This module is browser-safe: the port, the checks applied
 * to what a store hands back, and {@link PeerCacheKeeper}, which collects the
 * addresses of a running node and saves them.
 */
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'

/** Where a node keeps its peer cache. `load` of a missing or corrupt cache resolves to `[]`. */
export interface PeerCacheStore {
  /** The cached addresses, newest first. */
  load(): Promise<readonly string[]>
  /** Replace the cache (at most {@link MAX_CACHED_PEERS} addresses, newest first). */
  save(addresses: readonly string[]): Promise<void>
}

/** Most addresses kept. */
export const MAX_CACHED_PEERS = 64

/** Longest address kept (a multiaddr with a peer id and a relay hop is ~200 characters). */
const MAX_ADDRESS_CHARS = 1024

/**
 * The usable entries of a loaded cache: strings that parse as multiaddrs and
 * name a peer (`/p2p/<id>`), distinct, at most {@link MAX_CACHED_PEERS}.
 * Anything else (a store written by another version, a corrupt file) is dropped.
 */
export function cleanPeerAddresses(list: unknown): string[] {
  if (!Array.isArray(list)) return []
  const kept: string[] = []
  for (const item of list as unknown[]) {
    if (kept.length >= MAX_CACHED_PEERS) break
    if (typeof item !== 'string' || item.length > MAX_ADDRESS_CHARS || kept.includes(item)) continue
    try {
      const peer = multiaddr(item).getComponents().findLast((c) => c.name === 'p2p')?.value
      if (peer === undefined) continue
      peerIdFromString(peer)
      kept.push(item)
    } catch {
      // Not a multiaddr, or not a peer id: skip it.
    }
  }
  return kept
}

/** The part of libp2p the keeper reads. */
export type PeerCacheHost = Pick<Libp2p, 'getConnections' | 'peerStore'>

/**
 * Dialable addresses of the peers `libp2p` is connected to now, without
 * limited (relayed) connections: the address we dialled for outbound
 * connections; for inbound ones (whose remote address is the other side's
 * ephemeral source port, not dialable) the listen addresses the peer told us
 * through identify, relay addresses left out.
 */
export async function connectedPeerAddresses(libp2p: PeerCacheHost): Promise<string[]> {
  const withPeer = (addr: string, peer: string): string => (addr.includes('/p2p/') ? addr : `${addr}/p2p/${peer}`)
  const fresh: string[] = []
  for (const c of libp2p.getConnections()) {
    if (c.limits !== undefined) continue
    const peer = c.remotePeer.toString()
    if (c.direction === 'outbound') {
      fresh.push(withPeer(c.remoteAddr.toString(), peer))
      continue
    }
    const known = await libp2p.peerStore.get(c.remotePeer).catch(() => undefined)
    for (const { multiaddr: addr } of known?.addresses ?? []) {
      const text = addr.toString()
      if (!text.includes('/p2p-circuit')) fresh.push(withPeer(text, peer))
    }
  }
  return fresh
}

/**
 * A running node's peer cache: what was loaded at start, merged with the
 * peers connected at each save (newest first), written only when it changed.
 */
export class PeerCacheKeeper {
  readonly #store: PeerCacheStore
  #cached: string[] = []
  #saved = ''
  #saving: Promise<void> = Promise.resolve()

  constructor(store: PeerCacheStore) {
    this.#store = store
  }

  /** Load the cache; a store that fails to load is an empty cache. Resolves with the usable addresses. */
  async load(): Promise<readonly string[]> {
    const loaded = await this.#store.load().catch(() => [])
    this.#cached = cleanPeerAddresses(loaded)
    this.#saved = JSON.stringify(this.#cached)
    return this.#cached
  }

  /** The addresses the cache holds now, newest first. */
  addresses(): readonly string[] {
    return this.#cached
  }

  /** Merge in the peers `libp2p` is connected to and save, if anything changed. Saves never overlap. */
  save(libp2p: PeerCacheHost): Promise<void> {
    const run = async (): Promise<void> => {
      const fresh = await connectedPeerAddresses(libp2p)
      this.#cached = cleanPeerAddresses([...fresh, ...this.#cached])
      const text = JSON.stringify(this.#cached)
      if (text === this.#saved) return
      await this.#store.save(this.#cached)
      this.#saved = text
    }
    this.#saving = this.#saving.catch(() => undefined).then(run)
    return this.#saving
  }
}
