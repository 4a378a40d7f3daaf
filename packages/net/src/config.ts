/**
 * Configuration of a Hearth libp2p node (PROTOCOL.md §10.1).
 *
 * Production defaults keep libp2p's secure behaviour: the default connection
 * gater, the kad-dht mapper that drops private addresses, libp2p's WebRTC ICE
 * defaults. Everything a loopback test needs to change is collected in
 * {@link loopbackTestConfig}, under the one field `insecureTestOverrides`, so
 * that no production code path can switch these on by accident.
 */
import type { ConnectionGater, PrivateKey } from '@libp2p/interface'
import type { PeerInfoMapper } from '@libp2p/kad-dht'
import { passthroughMapper } from '@libp2p/kad-dht'
import type { Libp2pOptions } from 'libp2p'
import type { PeerCacheStore } from './peer-cache-store.ts'

/** libp2p's datastore interface (from `interface-datastore`, through libp2p's own options type). */
export type Datastore = NonNullable<Libp2pOptions['datastore']>

/** Which transports and roles a node takes (see {@link HearthNodeConfig.profile}). */
export type NodeProfile = 'server' | 'browser'

/** Settings only loopback tests may use. */
export interface InsecureTestOverrides {
  /** kad-dht's address mapper; tests need `passthroughMapper` so 127.0.0.1 peers enter routing tables. */
  readonly peerInfoMapper?: PeerInfoMapper
  /** Replaces libp2p's connection gater (the browser default refuses private and `/ws` addresses). */
  readonly connectionGater?: ConnectionGater
  /** Address ranges (as `/ip4/…/ipcidr/…` multiaddrs) exempt from per-host inbound connection limits. */
  readonly connectionAllow?: readonly string[]
  /** IPs whose co-located peers GossipSub does not score down (all test nodes share 127.0.0.1). */
  readonly gossipIpColocationWhitelist?: readonly string[]
}

/** DHT timing (provider record lifetime and republishing). */
export interface DhtTiming {
  /**
   * How long a provider record lives on the nodes storing it, in ms. Servers
   * delete expired records on their cleanup pass (every `reprovideIntervalMs`).
   *
   * @default 1_800_000 (30 minutes)
   */
  readonly providerValidityMs?: number
  /**
   * How often the node checks its own provider records for republishing and
   * drops expired foreign ones, in ms.
   *
   * @default 300_000 (5 minutes)
   */
  readonly reprovideIntervalMs?: number
  /**
   * Republish our own provider record when it expires within this many ms.
   *
   * @default 900_000 (15 minutes: republished every 15–20 minutes)
   */
  readonly reprovideThresholdMs?: number
}

/**
 * Limits of the circuit-relay v2 server (server profile), per PROTOCOL.md §10.1.
 *
 * libp2p's defaults (go-libp2p's: 2 minutes and 128 KiB per relayed
 * connection) are meant for hole-punching signalling only; they would cut a
 * Hearth history sync (§8.10: frames up to 1 MiB) and any chat session. A
 * Hearth relay is a fallback for peers that cannot connect directly, so its
 * defaults let one relayed connection carry a catch-up sync of a typical room
 * and half an hour of chat, while bounding what a volunteer donates: 30 minutes
 * and 32 MiB per relayed connection, at most 128 reservations. A connection
 * cut by a limit is re-dialled through the relay by the room session; sync is
 * idempotent (§8.10), so a cut sync resumes with what is still missing.
 */
export interface RelayServerConfig {
  /** Most peers holding a reservation (reachable through this relay) at once. @default 128 */
  readonly maxReservations?: number
  /** Longest life of one relayed connection, in ms. @default 1_800_000 (30 minutes) */
  readonly durationLimit?: number
  /** Most bytes one relayed connection carries (both directions together). @default 33_554_432 (32 MiB) */
  readonly dataLimit?: number
}

/** The defaults of {@link RelayServerConfig}. */
export const DEFAULT_RELAY_LIMITS: Required<RelayServerConfig> = {
  maxReservations: 128,
  durationLimit: 1_800_000,
  dataLimit: 32 * 1024 * 1024
}

/** Everything `createHearthNode` accepts. Every field has a production default except `profile`. */
export interface HearthNodeConfig {
  /**
   * `server`: TCP, WebSockets, WebRTC (node-datachannel), circuit-relay
   * transport and server, Kademlia in server mode. `browser`: WebSockets,
   * WebRTC, circuit-relay transport, Kademlia in client mode.
   */
  readonly profile: NodeProfile
  /** The node's libp2p key; a fresh Ed25519 key when absent. Use the device key so the routing record's peer id matches. */
  readonly privateKey?: PrivateKey
  /**
   * Listen addresses. Defaults: server `/ip4/0.0.0.0/tcp/0`, `/ip4/0.0.0.0/tcp/0/ws`, `/webrtc`;
   * browser `/p2p-circuit`, `/webrtc`.
   */
  readonly listen?: readonly string[]
  /** Addresses to announce instead of the listen addresses (e.g. a public DNS name). */
  readonly announce?: readonly string[]
  /** Bootstrap peers (multiaddrs with `/p2p/<peer id>`); dialled at start. Default: none. */
  readonly bootstrap?: readonly string[]
  /** ICE servers for WebRTC. Default: libp2p's (public STUN). Tests pass `[]`. */
  readonly iceServers?: readonly RTCIceServer[]
  /** Node only: the local address node-datachannel binds ICE to (needed in a loopback-only namespace). */
  readonly rtcBindAddress?: string
  /**
   * Server: a directory for the node's own files (currently `peers.json`, the
   * peer cache, used when `peerCache` is not set).
   */
  readonly dataDir?: string
  /**
   * Where the node keeps the addresses of peers it was connected to (the web
   * app: IndexedDB). Loaded at start (added to the bootstrap list), saved
   * every `peerCacheSaveIntervalMs` when changed and when the node stops.
   * Default: `<dataDir>/peers.json` when `dataDir` is set, else none.
   */
  readonly peerCache?: PeerCacheStore
  /** How often a changed peer cache is saved while running, in ms; 0: only on stop. @default 300_000 */
  readonly peerCacheSaveIntervalMs?: number
  /**
   * Multiaddrs this node may always dial, even where libp2p's default
   * connection gater refuses them (a browser refuses insecure `/ws` and private
   * addresses): the address of the daemon that served the app, e.g.
   * `/ip4/127.0.0.1/tcp/4002/ws/p2p/<id>`. A dialled address is allowed when
   * it starts with a trusted address (so `…/p2p-circuit/webrtc/p2p/<peer>`
   * through that daemon is allowed too) or has the same host and port; every
   * other address keeps libp2p's default gating. Production-safe.
   */
  readonly trustedAddresses?: readonly string[]
  /** A libp2p datastore (DHT records, peer store). Default: in memory. */
  readonly datastore?: Datastore
  /** DHT mode override; by default servers are DHT servers and browsers DHT clients. */
  readonly dhtClientMode?: boolean
  /** DHT timing overrides. */
  readonly dht?: DhtTiming
  /** Circuit-relay server limits (server profile); see {@link RelayServerConfig}. */
  readonly relay?: RelayServerConfig
  /** The clock (Unix ms) DHT validators judge record expiry by. Default `Date.now`; tests shift it. */
  readonly clock?: () => number
  /** Test-only settings; see {@link loopbackTestConfig}. Never set in production. */
  readonly insecureTestOverrides?: InsecureTestOverrides
}

/** The defaults of {@link DhtTiming}. */
export const DEFAULT_DHT_TIMING: Required<DhtTiming> = {
  providerValidityMs: 1_800_000,
  reprovideIntervalMs: 300_000,
  reprovideThresholdMs: 900_000
}

/**
 * The settings loopback tests need (TESTING.md), to spread into a config:
 * `createHearthNode({ ...loopbackTestConfig(), profile: 'server' })`.
 * Listens on 127.0.0.1 only, no STUN servers, ICE bound to 127.0.0.1, and
 * the insecure overrides (private addresses dialable and kept in the DHT,
 * no per-host limits or IP co-location penalty for 127.0.0.1).
 */
export function loopbackTestConfig(profile: NodeProfile = 'server'): Omit<HearthNodeConfig, 'profile'> {
  return {
    listen: profile === 'server' ? ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'] : ['/p2p-circuit', '/webrtc'],
    iceServers: [],
    rtcBindAddress: '127.0.0.1',
    insecureTestOverrides: {
      peerInfoMapper: passthroughMapper,
      connectionGater: { denyDialMultiaddr: () => false },
      connectionAllow: ['/ip4/127.0.0.0/ipcidr/8', '/ip6/::1/ipcidr/128'],
      gossipIpColocationWhitelist: ['127.0.0.1', '::1']
    }
  }
}
