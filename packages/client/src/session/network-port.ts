/**
 * The network port of a room session: what `RoomSession` needs from the
 * network to make a room live (PROTOCOL.md §10.8). It only moves records and
 * names peers; every judgement is the room store's. `@hearth/net`'s
 * `Libp2pRoomNetwork` implements it on libp2p (DHT presence, GossipSub
 * topics, the sync stream protocol); tests use an in-memory double.
 */
import type { Bytes, RoomTopicKind, Signal, Verified } from '@hearth/protocol'
import type { SyncPeer } from '../sync/sync-peer.ts'
import type { ReplicaLookup } from '../sync/responder.ts'
import type { SyncReplica } from '../sync/replica.ts'
import type { MessageStream } from '../transport/message-stream.ts'

/** A gossip handler's answer (§10.4.2): forward, drop and blame the sender, or drop. */
export type GossipVerdict = 'accept' | 'reject' | 'ignore'

/** How we reach a peer: a direct connection, or only through a relay (limited). */
export type ConnectionKind = 'direct' | 'relayed'

/** A peer online in the room, as the network sees it now. */
export interface RoomPeerInfo {
  /** The peer's id (for libp2p: its peer id text). */
  readonly id: string
  readonly connection: ConnectionKind
}

/**
 * What the session does with the room's gossip. Called once per distinct
 * message, before it is forwarded; `from` is the peer that published it.
 */
export interface RoomGossipSink {
  onAuthority(bytes: Uint8Array, from: string): Promise<GossipVerdict>
  onEvent(bytes: Uint8Array, from: string): Promise<GossipVerdict>
  /** Signals that passed the protocol's validity check (§10.5). */
  onSignal(signal: Verified<Signal>, from: string): Promise<GossipVerdict>
  /** Encoded profiles (§3.2), for the room's profile set. */
  onProfile(bytes: Uint8Array, from: string): Promise<GossipVerdict>
}

/** Options of {@link RoomPresence.findPeers}. */
export interface FindPeersOptions {
  /** Stop looking after this many peers. */
  readonly limit?: number
  readonly signal?: AbortSignal
}

/** The room's presence on the network, from {@link RoomNetwork.join} until {@link leave}. */
export interface RoomPresence {
  readonly room: Bytes
  /**
   * Look the room up (for libp2p: the DHT's providers of the room CID) and
   * connect to the peers found. Resolves with the room's peers connected
   * then (those found and those already known, e.g. gossip subscribers);
   * an empty list means nobody of the room is reachable.
   */
  findPeers(options?: FindPeersOptions): Promise<readonly RoomPeerInfo[]>
  /** The room's peers we are connected to now. */
  peers(): readonly RoomPeerInfo[]
  /** A peer to sync with (its conversations run on the sync protocol). */
  syncPeer(id: string): SyncPeer
  /** Start receiving the room's gossip (authority, events, signals, profiles), judged by `sink`. */
  subscribe(sink: RoomGossipSink): void
  /** Publish one encoded record (or signal) on the room's topic of that kind. Resolves with the peers it was sent to. */
  publish(kind: RoomTopicKind, bytes: Uint8Array): Promise<number>
  /** Called when a peer appears in the room (joins its gossip, or connects); returns an unsubscribe function. */
  onPeer(listener: (peer: RoomPeerInfo) => void): () => void
  /** Stop announcing, unsubscribe, stop serving the room. Idempotent. */
  leave(): Promise<void>
}

/** Options of {@link RoomNetwork.lookup}. */
export interface LookupOptions {
  /** Stop looking after this many peers. */
  readonly limit?: number
  readonly signal?: AbortSignal
  /** Addresses to dial besides what the lookup finds (for libp2p: multiaddrs with `/p2p/`, e.g. from an invite). */
  readonly peers?: readonly string[]
}

/** A network a room session can go live on. */
export interface RoomNetwork {
  /**
   * Find peers of a room this node has not joined (a joiner with an
   * invite): look it up, dial what is found and the given addresses, and
   * return a sync peer for each peer reached. Empty when nobody is reachable.
   */
  lookup(room: Bytes, options?: LookupOptions): Promise<readonly SyncPeer[]>
  /**
   * Go online in the room `replica` holds: serve it to peers' sync
   * conversations and announce presence (in the background; a failed
   * announcement is reported through `onError` of the implementation).
   */
  join(replica: SyncReplica): Promise<RoomPresence>
}

/**
 * Serves one incoming sync conversation over the rooms a node replicates:
 * `serveSyncConversation` (sync/responder.ts) with its options. Network
 * implementations take it as a parameter so that they need not depend on
 * the client's code, only on these types.
 */
export type SyncResponder = (stream: MessageStream, replicas: ReplicaLookup) => Promise<unknown>
