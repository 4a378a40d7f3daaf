/**
 * Test double of the network port (not exported by the package): an
 * in-memory hub where every joined presence of a room is one hop from every
 * other (a full mesh). Sync conversations run over `memoryStreamPair` with
 * the real responder; gossip is delivered to every other subscribed
 * presence, each verdict recorded; `gossip = false` loses every message
 * (as a partition of the mesh would), so only sync can deliver.
 */
import { equalBytes, toHex, validateSignal, type Bytes, type RoomTopicKind } from '@hearth/protocol'
import { serveSyncConversation } from '../sync/responder.ts'
import type { SyncReplica } from '../sync/replica.ts'
import type { SyncPeer } from '../sync/sync-peer.ts'
import { memoryStreamPair } from '../transport/message-stream.ts'
import type {
  ConnectionKind, FindPeersOptions, GossipVerdict, RoomGossipSink, RoomNetwork, RoomPeerInfo, RoomPresence
} from './network-port.ts'

/** One gossip delivery and its verdict. */
export interface Delivery {
  readonly from: string
  readonly to: string
  readonly kind: RoomTopicKind
  readonly verdict: GossipVerdict
}

/** The in-memory network. */
export class MemoryRoomHub {
  /** Deliver gossip (false: every published message is lost). */
  gossip = true
  readonly deliveries: Delivery[] = []
  /** Sync conversations opened, as `initiator→responder`. */
  readonly conversations: string[] = []
  readonly #online = new Map<string, Set<MemoryPresence>>()

  /** A node's network; its peers see its connection as `connection`. */
  network(id: string, connection: ConnectionKind = 'direct'): RoomNetwork {
    return {
      join: (replica) => Promise.resolve(this.#join(id, connection, replica)),
      lookup: (room) => Promise.resolve(this.online(room).filter((p) => p.id !== id).map((p): SyncPeer => ({
        id: p.id,
        open: () => {
          this.conversations.push(`${id}→${p.id}`)
          const [mine, theirs] = memoryStreamPair()
          void serveSyncConversation(theirs, (asked) => (equalBytes(asked, p.room) ? p.replica : undefined))
          return Promise.resolve(mine)
        }
      })))
    }
  }

  /** The presences online in `room`. */
  online(room: Bytes): MemoryPresence[] {
    return [...(this.#online.get(toHex(room)) ?? [])]
  }

  #join(id: string, connection: ConnectionKind, replica: SyncReplica): MemoryPresence {
    const presence = new MemoryPresence(this, id, connection, replica)
    const key = toHex(replica.room)
    let set = this.#online.get(key)
    if (set === undefined) {
      set = new Set()
      this.#online.set(key, set)
    }
    set.add(presence)
    return presence
  }

  /** @internal */
  remove(presence: MemoryPresence): void {
    this.#online.get(toHex(presence.room))?.delete(presence)
  }
}

/** One node's presence in one room. */
export class MemoryPresence implements RoomPresence {
  readonly room: Bytes
  readonly id: string
  readonly connection: ConnectionKind
  readonly replica: SyncReplica
  sink: RoomGossipSink | undefined
  readonly #hub: MemoryRoomHub
  readonly #connected = new Set<MemoryPresence>()
  readonly #listeners = new Set<(peer: RoomPeerInfo) => void>()

  constructor(hub: MemoryRoomHub, id: string, connection: ConnectionKind, replica: SyncReplica) {
    this.#hub = hub
    this.id = id
    this.connection = connection
    this.replica = replica
    this.room = replica.room
  }

  get info(): RoomPeerInfo {
    return { id: this.id, connection: this.connection }
  }

  findPeers(options: FindPeersOptions = {}): Promise<readonly RoomPeerInfo[]> {
    for (const other of this.#others().slice(0, options.limit ?? Infinity)) this.#connect(other)
    return Promise.resolve(this.peers())
  }

  peers(): RoomPeerInfo[] {
    const online = new Set(this.#hub.online(this.room))
    return [...this.#connected].filter((p) => online.has(p)).map((p) => p.info)
  }

  syncPeer(id: string): SyncPeer {
    return {
      id,
      open: () => {
        const other = this.#others().find((p) => p.id === id)
        if (other === undefined) return Promise.reject(new Error(`${id} is not online`))
        this.#hub.conversations.push(`${this.id}→${id}`)
        const [mine, theirs] = memoryStreamPair()
        void serveSyncConversation(theirs, (room) => (equalBytes(room, other.room) ? other.replica : undefined))
        return Promise.resolve(mine)
      }
    }
  }

  subscribe(sink: RoomGossipSink): void {
    this.sink = sink
    for (const other of this.#others()) {
      this.#connect(other)
      other.#connect(this)
    }
  }

  async publish(kind: RoomTopicKind, bytes: Uint8Array): Promise<number> {
    const targets = this.#others().filter((p) => p.sink !== undefined)
    if (!this.#hub.gossip) return targets.length
    await Promise.all(targets.map(async (target) => {
      const verdict = await target.#deliver(kind, bytes, this.id)
      this.#hub.deliveries.push({ from: this.id, to: target.id, kind, verdict })
    }))
    return targets.length
  }

  onPeer(listener: (peer: RoomPeerInfo) => void): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  leave(): Promise<void> {
    this.sink = undefined
    this.#hub.remove(this)
    return Promise.resolve()
  }

  async #deliver(kind: RoomTopicKind, bytes: Uint8Array, from: string): Promise<GossipVerdict> {
    const sink = this.sink
    if (sink === undefined) return 'ignore'
    switch (kind) {
      case 'authority':
        return sink.onAuthority(bytes, from)
      case 'events':
        return sink.onEvent(bytes, from)
      case 'signals':
        return sink.onSignal(await validateSignal(bytes, this.room, Date.now()), from)
      case 'profiles':
        return sink.onProfile(bytes, from)
    }
  }

  #connect(other: MemoryPresence): void {
    if (this.#connected.has(other)) return
    this.#connected.add(other)
    for (const listener of [...this.#listeners]) listener(other.info)
  }

  #others(): MemoryPresence[] {
    return this.#hub.online(this.room).filter((p) => p !== this)
  }
}

/** Wait (yielding to timers and promises) until `condition` holds; fail after `rounds` polls. */
export async function until(what: string, condition: () => boolean, rounds = 500): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (condition()) return
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  throw new Error(`gave up waiting for: ${what}`)
}
