/**
 * The web app's network: @hearth/client's `AppNetwork` port on a Hearth node
 * of the `browser` profile (PROTOCOL.md §10.1).
 *
 * - The daemon that served the page is the way in: its `/hearth-config.json`
 *   names its WebSocket addresses, which are the node's bootstrap list and
 *   its trusted addresses (the browser connection gater lets the node dial
 *   them, and relays through them, although they are private or plain `/ws`),
 *   the addresses invites made here carry, and the archivers the app counts.
 * - ICE servers: the caller's, else the daemon's config's, else libp2p's
 *   defaults (public STUN) for real users. Tests pass `[]`.
 * - The node's key and peer cache live in IndexedDB (`node-key.ts`,
 *   `idb-peer-cache.ts`), so the peer id and the known peers survive reloads.
 * - Rooms go live through `Libp2pRoomNetwork`, answering sync conversations
 *   with the client's `serveSyncConversation`.
 */
import { serveSyncConversation, type AppNetwork } from '@hearth/client'
import { createHearthNode, Libp2pRoomNetwork, observedAddresses, type HearthNode } from '@hearth/net'
import { MAX_INVITE_PEERS, MAX_MULTIADDR_LENGTH, type Keypair } from '@hearth/protocol'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { requestArchive } from './archive-requests.ts'
import { fetchDaemonConfig, type DaemonConfig } from '../daemon-config.ts'
import { IdbPeerCache } from './idb-peer-cache.ts'
import { openNetDatabase, type NetStorageOptions } from './net-database.ts'
import { inviteHints, summarizeConnections, peerIdOfAddress } from './network-summary.ts'
import { loadNodeKey, type KeyLocks } from './node-key.ts'

/** Options of {@link startBrowserNetwork}. */
export interface BrowserNetworkOptions {
  /** The daemon's config. @default fetched from /hearth-config.json (rejects when the daemon is unreachable) */
  readonly config?: DaemonConfig
  /** Where the node key and the peer cache are kept. @default the `hearth-net` database of this origin */
  readonly storage?: NetStorageOptions
  /** Used to fetch the config. @default globalThis.fetch */
  readonly fetch?: typeof fetch
  /** ICE servers for WebRTC. @default the config's `iceServers`, else libp2p's defaults */
  readonly iceServers?: RTCIceServer[]
  /** Web Locks guarding the stored node key. @default navigator.locks */
  readonly locks?: KeyLocks
  /**
   * How often a changed peer cache is saved, in ms. Shorter than a server's:
   * a tab is usually closed or reloaded without a clean stop. @default 30_000
   */
  readonly peerCacheSaveIntervalMs?: number
}

/** The running network: the `AppNetwork` port plus what diagnostics and tests look at. */
export interface BrowserNetwork extends AppNetwork {
  readonly rooms: Libp2pRoomNetwork
  /** The libp2p node. */
  readonly node: HearthNode
  /** Our peer id. */
  readonly peerId: string
  /** Whether the node runs on the profile's stored key (false: another tab has it, this one's peer id is throwaway). */
  readonly persistentKey: boolean
  /** The peer cache the node loads and saves. */
  readonly peerCache: IdbPeerCache
  /**
   * Count the peer an address names as an archiver (e.g. a daemon's address
   * from an invite). Returns false when the address names no peer.
   */
  addArchiver(address: string): boolean
}

/** Default of {@link BrowserNetworkOptions.peerCacheSaveIntervalMs}. */
export const DEFAULT_PEER_CACHE_SAVE_INTERVAL_MS = 30_000

/** The libp2p events after which the summary may have changed. */
const CHANGE_EVENTS = ['connection:open', 'connection:close', 'peer:identify', 'self:peer:update'] as const

/**
 * Start the browser node for the identity `keypair` (its public key selects
 * the stored node key; see node-key.ts) and return the app's network.
 * Rejects when the daemon's config cannot be fetched, IndexedDB is
 * unavailable, or libp2p does not start; nothing is left running then.
 */
export async function startBrowserNetwork(keypair: Keypair, options: BrowserNetworkOptions = {}): Promise<BrowserNetwork> {
  const config = options.config ?? (await fetchDaemonConfig(options.fetch === undefined ? {} : { fetch: options.fetch }))
  const iceServers = options.iceServers ?? config.iceServers
  const bootstrap = [...config.bootstrap]

  const db = await openNetDatabase(options.storage)
  let release = (): void => undefined
  try {
    const key = await loadNodeKey(db, keypair.publicKey, options.locks === undefined ? {} : { locks: options.locks })
    release = key.release
    const peerCache = new IdbPeerCache(db)
    const node = await createHearthNode({
      profile: 'browser',
      privateKey: key.privateKey,
      bootstrap,
      trustedAddresses: bootstrap,
      peerCache,
      peerCacheSaveIntervalMs: options.peerCacheSaveIntervalMs ?? DEFAULT_PEER_CACHE_SAVE_INTERVAL_MS,
      ...(iceServers !== undefined ? { iceServers } : {})
    })
    let rooms: Libp2pRoomNetwork
    try {
      await rememberDaemons(node, bootstrap)
      rooms = await Libp2pRoomNetwork.start(node, {
        respond: (stream, replicas) => serveSyncConversation(stream, replicas),
        // Network failures are state, not errors (the UI shows the room's connection); keep
        // them visible in the developer console for whoever debugs connectivity.
        observer: { error: (err, context) => { console.debug(`hearth: ${context}:`, err) } }
      })
    } catch (error) {
      await node.stop().catch(() => undefined)
      throw error
    }
    return browserNetwork({ node, rooms, peerCache, bootstrap, persistentKey: key.persistent, close: () => { release(); db.close() } })
  } catch (error) {
    release()
    db.close()
    throw error
  }
}

/**
 * Put the daemons' addresses in the peer store now: libp2p's bootstrap
 * discovery adds them only after its first timer (1 s), and until then a
 * dial by peer id (an archive request, a sync) finds no address and waits
 * for a DHT lookup that cannot succeed yet.
 */
async function rememberDaemons(node: HearthNode, addresses: readonly string[]): Promise<void> {
  for (const address of addresses) {
    const peer = peerIdOfAddress(address)
    if (peer === undefined) continue
    try {
      await node.libp2p.peerStore.merge(peerIdFromString(peer), { multiaddrs: [multiaddr(address)] })
    } catch {
      // An unreadable address: the bootstrap module skips (and logs) it too.
    }
  }
}

interface Parts {
  readonly node: HearthNode
  readonly rooms: Libp2pRoomNetwork
  readonly peerCache: IdbPeerCache
  readonly bootstrap: readonly string[]
  readonly persistentKey: boolean
  /** Release the node key and close the database. */
  readonly close: () => void
}

function browserNetwork({ node, rooms, peerCache, bootstrap, persistentKey, close }: Parts): BrowserNetwork {
  const { libp2p } = node
  const bootstrapPeers = new Set(bootstrap.flatMap((address) => peerIdOfAddress(address) ?? []))
  const archivers = new Set(bootstrapPeers)
  const listeners = new Set<() => void>()
  const changed = (): void => {
    for (const listener of [...listeners]) {
      try {
        listener()
      } catch (error) {
        // A listener's bug must not break libp2p's event dispatch; report it as uncaught.
        globalThis.reportError(error)
      }
    }
  }
  for (const event of CHANGE_EVENTS) libp2p.addEventListener(event, changed)

  let stopping: Promise<void> | undefined
  return {
    rooms,
    node,
    peerId: libp2p.peerId.toString(),
    persistentKey,
    peerCache,
    summary: () => summarizeConnections(libp2p.getConnections(), bootstrapPeers, observedAddresses(node)),
    onChange(listener) {
      const wrapped = (): void => { listener() }
      listeners.add(wrapped)
      return () => { listeners.delete(wrapped) }
    },
    isArchiver: (peerId) => archivers.has(peerId),
    addArchiver(address) {
      const peer = peerIdOfAddress(address)
      if (peer === undefined) return false
      archivers.add(peer)
      return true
    },
    inviteAddresses: () => inviteHints(bootstrap, libp2p.getMultiaddrs().map(String), MAX_INVITE_PEERS, MAX_MULTIADDR_LENGTH),
    requestArchive: (invite) => requestArchive(node, bootstrapPeers, invite),
    stop() {
      stopping ??= (async () => {
        for (const event of CHANGE_EVENTS) libp2p.removeEventListener(event, changed)
        listeners.clear()
        try {
          await rooms.stop()
        } finally {
          // Stopping the node saves the peer cache, so the database closes after it.
          await node.stop().finally(close)
        }
      })()
      return stopping
    }
  }
}
