/**
 * The client's network port (`RoomNetwork`, PROTOCOL.md §10.8) on a Hearth
 * libp2p node: a room's presence is
 *
 * - the DHT: the node provides the room's CID while joined (§10.2, in the
 *   background, again when a room peer appears and the last announcement
 *   failed); `findPeers` looks the providers up and dials them;
 * - gossip: the room's four topics through `RoomGossip` (§10.4), each
 *   message judged by the session's sink;
 * - sync: one `/hearth/sync/1.0.0` service per node (§10.7) answering for
 *   every room the node has joined, by room id.
 *
 * A room's peers are the peers we hold a connection with that either
 * announced the room in the DHT or are subscribed to its authority topic;
 * `direct` when some connection to the peer is unlimited, `relayed` when we
 * reach it only through a relay (limited). @hearth/net imports only the
 * port's types from @hearth/client; the responder (`serveSyncConversation`)
 * is passed in by whoever composes the two.
 */
import type { Connection, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { isMultiaddr, multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { roomTopic, toHex, type Bytes, type RoomTopicKind } from '@hearth/protocol'
import type {
  FindPeersOptions, GossipVerdict, LookupOptions, RoomGossipSink, RoomNetwork, RoomPeerInfo, RoomPresence, SyncPeer, SyncReplica, SyncResponder
} from '@hearth/client'
import { announceRoom, findRoomPeers, leaveRoom } from './dht.ts'
import { RoomGossip } from './gossip.ts'
import { dialRoomPeer } from './room-dial.ts'
import type { HearthNode } from './node.ts'
import { handleSync, syncPeerOf } from './streams/sync-protocol.ts'
import type { DialOptions, ServeOptions, StreamService } from './streams/stream-service.ts'

/** First wait before announcing a room again when no DHT node took the announcement; doubles per failure. */
const ANNOUNCE_RETRY_MS = 1_000
const MAX_ANNOUNCE_RETRY_MS = 60_000

/**
 * Once a room lookup has reached a provider it found, the rest of the DHT query may run
 * for this long before it is cut short: providers known locally or found
 * first are what a join needs, and a DHT query with few servers about can
 * otherwise wait out its whole timeout (a lone daemon has no DHT peers, so
 * its own query for a room it stores providers of never settles).
 */
const LOOKUP_SETTLE_MS = 2_000

/** The signal of one room lookup: the caller's, or {@link LOOKUP_SETTLE_MS} after the first peer reached. */
class LookupSettle {
  readonly #stop = new AbortController()
  readonly signal: AbortSignal
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(outer: AbortSignal | undefined) {
    this.signal = outer === undefined ? this.#stop.signal : AbortSignal.any([outer, this.#stop.signal])
  }

  reached(): void {
    this.#timer ??= setTimeout(() => { this.#stop.abort() }, LOOKUP_SETTLE_MS)
  }

  done(): void {
    clearTimeout(this.#timer)
  }
}

/** Longest wait for one peer hint (an invite's address) in a room lookup. */
const HINT_DIAL_TIMEOUT_MS = 10_000

/** What a room network reports, for diagnostics, metrics and tests. */
export interface RoomNetworkObserver {
  /** A gossip message of the room, published by `from`, was judged (`bytes`: the record; empty for signals). */
  verdict?(room: Bytes, kind: RoomTopicKind, from: string, verdict: GossipVerdict, bytes: Uint8Array): void
  /** The room's DHT lookup found a peer (before dialling it). */
  found?(room: Bytes, peer: string): void
  /** Something failed locally or on the network (announce, dial, lookup): never fatal. */
  error?(err: unknown, context: string): void
}

/** Options of {@link Libp2pRoomNetwork.start}. */
export interface Libp2pRoomNetworkOptions {
  /** Serves incoming sync conversations: the client's `serveSyncConversation` (with its options). */
  readonly respond: SyncResponder
  /** The node's room gossip, when the app has one already. @default a new RoomGossip on the node */
  readonly gossip?: RoomGossip
  /** Limits of the sync service. */
  readonly serve?: ServeOptions
  /** Options of outgoing sync conversations. */
  readonly dial?: DialOptions
  /** Most peers one room lookup dials. @default 20 */
  readonly findLimit?: number
  readonly observer?: RoomNetworkObserver
}

/** `RoomNetwork` on a Hearth node. Start one per node; join any number of rooms. */
export class Libp2pRoomNetwork implements RoomNetwork {
  readonly node: HearthNode
  readonly gossip: RoomGossip
  readonly #options: Libp2pRoomNetworkOptions
  readonly #rooms = new Map<string, Libp2pRoomPresence>()
  #sync: StreamService | undefined

  private constructor(node: HearthNode, options: Libp2pRoomNetworkOptions) {
    this.node = node
    this.#options = options
    this.gossip = options.gossip ?? new RoomGossip(node, { onLocalError: (err) => options.observer?.error?.(err, 'gossip check') })
  }

  /** Start serving sync on `node` for the rooms it will join. */
  static async start(node: HearthNode, options: Libp2pRoomNetworkOptions): Promise<Libp2pRoomNetwork> {
    const network = new Libp2pRoomNetwork(node, options)
    network.#sync = await handleSync(node, (stream) => options.respond(stream, (room) => network.#rooms.get(toHex(room))?.replica), options.serve)
    return network
  }

  /** Go online in `replica`'s room: serve it, announce it, and return its presence. */
  join(replica: SyncReplica): Promise<RoomPresence> {
    const key = toHex(replica.room)
    if (this.#rooms.has(key)) return Promise.reject(new Error(`already joined room ${key}`))
    const presence = new Libp2pRoomPresence(this.node, this.gossip, replica, this.#options, () => { this.#rooms.delete(key) })
    this.#rooms.set(key, presence)
    presence.announce()
    return Promise.resolve(presence)
  }

  /** Find and dial a room's peers without joining it (DHT providers plus `options.peers`). */
  async lookup(room: Bytes, options: LookupOptions = {}): Promise<readonly SyncPeer[]> {
    const { libp2p } = this.node
    const reached = new Map<string, PeerId>()
    const settle = new LookupSettle(options.signal)
    const dial = async (target: PeerId | Multiaddr): Promise<void> => {
      try {
        // A hint is dialled at most HINT_DIAL_TIMEOUT_MS: a stale or unreachable one must not hold up the lookup.
        const hintSignal = AbortSignal.any([AbortSignal.timeout(HINT_DIAL_TIMEOUT_MS), ...(options.signal === undefined ? [] : [options.signal])])
        const connection = isMultiaddr(target)
          ? await libp2p.dial(target, { signal: hintSignal })
          : await dialRoomPeer(libp2p, target, options.signal === undefined ? {} : { signal: options.signal })
        reached.set(connection.remotePeer.toString(), connection.remotePeer)
        // A provider the lookup found settles it; a hint (e.g. a daemon that may not hold the room yet) does not.
        if (!isMultiaddr(target)) settle.reached()
      } catch (err) {
        this.#options.observer?.error?.(err, `dial ${target.toString()}`)
      }
    }
    const self = libp2p.peerId.toString()
    const dials: Promise<void>[] = (options.peers ?? []).flatMap((text) => {
      try {
        const address = multiaddr(text)
        // The peer id the address ends with (`…/p2p/<id>`), if any.
        const last = address.getComponents().at(-1)
        const peer = last?.name === 'p2p' ? last.value : undefined
        // A hint naming us, or relaying through us (we cannot be our own relay), is skipped;
        // a hint naming a peer we are connected to already is that connection.
        if (peer === self || text.includes(`/p2p/${self}/p2p-circuit`)) {
          if (peer !== self && peer !== undefined) return [dial(peerIdFromString(peer))]
          return []
        }
        return [dial(address)]
      } catch (err) {
        this.#options.observer?.error?.(err, `address ${text}`)
        return []
      }
    })
    try {
      const limit = options.limit ?? this.#options.findLimit ?? 20
      for await (const peer of findRoomPeers(libp2p, room, { limit, signal: settle.signal })) {
        this.#options.observer?.found?.(room, peer.id.toString())
        if (peer.multiaddrs.length > 0) await libp2p.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs })
        dials.push(dial(peer.id))
      }
    } catch (err) {
      if (!settle.signal.aborted) this.#options.observer?.error?.(err, 'room lookup')
    }
    await Promise.all(dials)
    settle.done()
    return [...reached.values()].map((peer) => syncPeerOf(this.node, peer, this.#options.dial))
  }

  /** Leave every room and stop serving sync (the node keeps running). */
  async stop(): Promise<void> {
    await Promise.all([...this.#rooms.values()].map((p) => p.leave()))
    await this.#sync?.stop()
  }
}

/** One room's presence on the node. */
class Libp2pRoomPresence implements RoomPresence {
  readonly room: Bytes
  readonly replica: SyncReplica
  readonly #node: HearthNode
  readonly #gossip: RoomGossip
  readonly #options: Libp2pRoomNetworkOptions
  readonly #onLeave: () => void
  readonly #topic: string
  /** Peers the DHT named as providers of the room. */
  readonly #providers = new Set<string>()
  readonly #listeners = new Set<(peer: RoomPeerInfo) => void>()
  #announcing: Promise<void> | undefined
  /** Announce again when the running announcement ends (our addresses changed meanwhile). */
  #announceAgain = false
  /** The next try after an announcement no DHT node took, and the wait before it (doubling). */
  #retry: ReturnType<typeof setTimeout> | undefined
  #retryMs = ANNOUNCE_RETRY_MS
  /** Our addresses as last announced (a provider record carries them). */
  #addresses = ''
  /** Aborts an announcement still running when the room is left (it can take a DHT query timeout). */
  readonly #abort = new AbortController()
  #announced = false
  #subscribed = false
  #left = false

  readonly #onSubscription = (event: CustomEvent<{ peerId: PeerId; subscriptions: { topic: string; subscribe: boolean }[] }>): void => {
    if (!event.detail.subscriptions.some((s) => s.topic === this.#topic && s.subscribe)) return
    this.#appeared(event.detail.peerId.toString())
  }

  constructor(node: HearthNode, gossip: RoomGossip, replica: SyncReplica, options: Libp2pRoomNetworkOptions, onLeave: () => void) {
    this.#node = node
    this.#gossip = gossip
    this.replica = replica
    this.room = replica.room
    this.#options = options
    this.#onLeave = onLeave
    this.#topic = roomTopic(replica.room, 'authority')
    node.libp2p.services.pubsub.addEventListener('subscription-change', this.#onSubscription)
    node.libp2p.addEventListener('self:peer:update', this.#onSelfUpdate)
  }

  /**
   * Our addresses changed (e.g. a relay reservation gave a browser its first
   * dialable address): the provider records out there carry the old ones, so
   * announce again.
   */
  readonly #onSelfUpdate = (): void => {
    if (this.#left || this.#addressKey() === this.#addresses) return
    if (this.#announcing !== undefined) this.#announceAgain = true
    else this.announce()
  }

  #addressKey(): string {
    return this.#node.libp2p.getMultiaddrs().map(String).sort().join(' ')
  }

  /**
   * Provide the room's CID (in the background; one announcement at a time).
   * An announcement that no DHT node took (none known yet, or all failed) is
   * tried again after 1 s, doubling up to a minute, until one succeeds.
   */
  announce(): void {
    if (this.#announcing !== undefined || this.#left) return
    clearTimeout(this.#retry)
    this.#retry = undefined
    this.#addresses = this.#addressKey()
    this.#announcing = announceRoom(this.#node.libp2p, this.room, { signal: this.#abort.signal })
      .then((stored) => {
        if (stored === 0) throw new Error('no DHT node took the room announcement')
        this.#announced = true
        this.#retryMs = ANNOUNCE_RETRY_MS
      })
      .catch((err: unknown) => {
        if (this.#abort.signal.aborted) return
        this.#options.observer?.error?.(err, 'announce')
        this.#retry = setTimeout(() => { this.announce() }, this.#retryMs)
        this.#retryMs = Math.min(this.#retryMs * 2, MAX_ANNOUNCE_RETRY_MS)
      })
      .finally(() => {
        this.#announcing = undefined
        if (this.#announceAgain && !this.#left) {
          this.#announceAgain = false
          this.announce()
        }
      })
  }

  async findPeers(options: FindPeersOptions = {}): Promise<readonly RoomPeerInfo[]> {
    const { libp2p } = this.#node
    const dials: Promise<void>[] = []
    const settle = new LookupSettle(options.signal)
    try {
      const limit = options.limit ?? this.#options.findLimit ?? 20
      for await (const peer of findRoomPeers(libp2p, this.room, { limit, signal: settle.signal })) {
        const id = peer.id.toString()
        this.#options.observer?.found?.(this.room, id)
        this.#providers.add(id)
        dials.push((async () => {
          if (peer.multiaddrs.length > 0) await libp2p.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs })
          await dialRoomPeer(libp2p, peer.id, options.signal === undefined ? {} : { signal: options.signal })
          settle.reached()
          this.#appeared(id)
        })().catch((err: unknown) => { this.#options.observer?.error?.(err, `dial ${id}`) }))
      }
    } catch (err) {
      // An aborted or failed lookup still leaves the peers found so far, and those we know from gossip.
      if (!settle.signal.aborted) this.#options.observer?.error?.(err, 'room lookup')
    }
    await Promise.all(dials)
    settle.done()
    return this.peers()
  }

  peers(): RoomPeerInfo[] {
    if (this.#left) return []
    const subscribers = new Set(this.#node.libp2p.services.pubsub.getSubscribers(this.#topic).map((p) => p.toString()))
    const byPeer = new Map<string, Connection[]>()
    for (const connection of this.#node.libp2p.getConnections()) {
      if (connection.status !== 'open') continue
      const id = connection.remotePeer.toString()
      if (!subscribers.has(id) && !this.#providers.has(id)) continue
      byPeer.set(id, [...(byPeer.get(id) ?? []), connection])
    }
    return [...byPeer].map(([id, connections]) => ({
      id,
      connection: connections.some((c) => c.limits === undefined) ? 'direct' : 'relayed'
    }))
  }

  syncPeer(id: string): SyncPeer {
    return syncPeerOf(this.#node, peerIdFromString(id), this.#options.dial)
  }

  subscribe(sink: RoomGossipSink): void {
    if (this.#left || this.#subscribed) return
    this.#subscribed = true
    const judged = async (kind: RoomTopicKind, from: PeerId, bytes: Uint8Array, check: (from: string) => Promise<GossipVerdict>): Promise<GossipVerdict> => {
      const verdict = await check(from.toString())
      this.#options.observer?.verdict?.(this.room, kind, from.toString(), verdict, bytes)
      return verdict
    }
    this.#gossip.join(this.room, {
      onAuthority: (bytes, origin) => judged('authority', origin.from, bytes, (from) => sink.onAuthority(bytes, from)),
      onEvent: (bytes, origin) => judged('events', origin.from, bytes, (from) => sink.onEvent(bytes, from)),
      onSignal: (signal, origin) => judged('signals', origin.from, new Uint8Array(0), (from) => sink.onSignal(signal, from)),
      onProfile: (bytes, origin) => judged('profiles', origin.from, bytes, (from) => sink.onProfile(bytes, from))
    })
  }

  publish(kind: RoomTopicKind, bytes: Uint8Array): Promise<number> {
    return this.#gossip.publish(this.room, kind, bytes)
  }

  onPeer(listener: (peer: RoomPeerInfo) => void): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  async leave(): Promise<void> {
    if (this.#left) return
    this.#left = true
    this.#listeners.clear()
    this.#node.libp2p.services.pubsub.removeEventListener('subscription-change', this.#onSubscription)
    this.#node.libp2p.removeEventListener('self:peer:update', this.#onSelfUpdate)
    clearTimeout(this.#retry)
    if (this.#subscribed) this.#gossip.leave(this.room)
    this.#onLeave()
    this.#abort.abort()
    await this.#announcing
    await leaveRoom(this.#node.libp2p, this.room).catch((err: unknown) => { this.#options.observer?.error?.(err, 'leave') })
  }

  /** A peer of the room appeared: tell the listeners, and announce again if the last announcement failed. */
  #appeared(id: string): void {
    if (this.#left) return
    const info = this.peers().find((p) => p.id === id)
    if (info === undefined) return
    if (!this.#announced) this.announce()
    for (const listener of [...this.#listeners]) listener(info)
  }
}
