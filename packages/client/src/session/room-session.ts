/**
 * A room made live (PROTOCOL.md §10.8): `RoomSession` composes the room's
 * replica (`RoomStore`) with a network (`RoomNetwork`). Joining runs
 *
 *   find peers (DHT) → connect → sync the authority log, then every channel →
 *   subscribe to the room's gossip → catch-up sync
 *
 * and from then on gossip goes into the store (gossip-ingest.ts), local
 * writes are stored, then published, and sync runs again when a peer appears
 * and every `resyncIntervalMs`, to catch up what gossip missed. The state
 * (phase, peers direct or relayed, sync progress per log, the last error) is
 * exposed for the UI. Nothing the network does is fatal: errors are state.
 */
import {
  encodeProfile, encodeSignal, equalBytes, type Action, type Bytes, type ChannelEventNode, type EntryNode, type EventBody, type Keypair,
  type Profile, type RoomTopicKind, type Signal, type Verified
} from '@hearth/protocol'
import { NotInRoomError } from '../store/errors.ts'
import type { RoomStore } from '../store/room-store.ts'
import type { LogRef } from '../sync/replica.ts'
import { syncRoom, type SyncReport, type SyncRoomOptions } from '../sync/sync-room.ts'
import { systemClock, type Clock, type Timer } from '../transport/clock.ts'
import { GossipIngest } from './gossip-ingest.ts'
import type { RoomNetwork, RoomPeerInfo, RoomPresence } from './network-port.ts'
import { ProgressReplica } from './progress-replica.ts'
import {
  SessionEmitter, type RoomSessionEvents, type RoomSessionState, type SessionError, type SessionPhase, type SyncProgress, type SyncReason
} from './session-events.ts'

/** How a {@link RoomSession} behaves. Every field is optional. */
export interface RoomSessionOptions {
  /** Timers: the re-sync period, the lookup timeout, sync request timeouts. @default systemClock */
  readonly clock?: Clock
  /** Sync engine options (the session's clock is passed to it). */
  readonly sync?: Omit<SyncRoomOptions, 'clock'>
  /** Sync with the room's peers this often, to catch up what gossip missed; 0 turns it off. @default 60_000 */
  readonly resyncIntervalMs?: number
  /** Most peers one sync talks to (direct peers first, rotating). @default 4 */
  readonly maxSyncPeers?: number
  /** Give up the room lookup after this long. @default 20_000 */
  readonly findTimeoutMs?: number
  /** Sync with a peer when it appears in the room. @default true */
  readonly syncNewPeers?: boolean
  /** With fewer peers than this, each re-sync tick first looks the room up again (DHT) to find more. @default 8 */
  readonly targetPeers?: number
}

const AUTHORITY: LogRef = { kind: 'authority' }
const PROFILES: LogRef = { kind: 'profiles' }

/** A live room: its store on a network. */
export class RoomSession {
  readonly store: RoomStore
  readonly #network: RoomNetwork
  readonly #clock: Clock
  readonly #options: RoomSessionOptions
  readonly #events = new SessionEmitter<RoomSessionEvents>()
  #presence: RoomPresence | undefined
  #phase: SessionPhase = 'idle'
  #progress: SyncProgress | undefined
  #lastError: SessionError | undefined
  #offPeers: (() => void) | undefined
  #timer: Timer | undefined
  #rotation = 0
  /** The sync loop: one sync at a time; requests made meanwhile are merged into the next. */
  #syncing: Promise<void> | undefined
  #wanted: { reason: SyncReason; peers: Set<string> | 'all' } | undefined
  #lastReport: SyncReport | undefined

  /** A session not started yet: register listeners, then {@link start}. */
  constructor(store: RoomStore, network: RoomNetwork, options: RoomSessionOptions = {}) {
    this.store = store
    this.#network = network
    this.#options = options
    this.#clock = options.clock ?? systemClock
  }

  /** Create a session and join: resolves once it is live (synced and subscribed). */
  static async join(store: RoomStore, network: RoomNetwork, options: RoomSessionOptions = {}): Promise<RoomSession> {
    const session = new RoomSession(store, network, options)
    await session.start()
    return session
  }

  get room(): Bytes {
    return this.store.room
  }

  /** Listen to the session's events; returns the function that stops listening. */
  on<K extends keyof RoomSessionEvents>(name: K, listener: (value: RoomSessionEvents[K]) => void): () => void {
    return this.#events.on(name, listener)
  }

  /** The session now, for the UI. */
  state(): RoomSessionState {
    const peers = this.#presence?.peers() ?? []
    const direct = peers.filter((p) => p.connection === 'direct').length
    return {
      phase: this.#phase,
      peers,
      direct,
      relayed: peers.length - direct,
      ...(this.#progress === undefined ? {} : { sync: this.#progress }),
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError })
    }
  }

  /** The report of the last sync that ended. */
  get lastSync(): SyncReport | undefined {
    return this.#lastReport
  }

  /**
   * Join: go online in the room, find its peers, sync, subscribe, catch up.
   * Resolves when live; nobody online is not a failure (`lastError`
   * `nobody-online`: the session is live alone and syncs when peers appear).
   * Rejects only on a local failure (the store failing).
   */
  async start(): Promise<void> {
    if (this.#phase !== 'idle') throw new Error('a room session starts once')
    this.#setPhase('finding-peers')
    const presence = await this.#network.join(this.store)
    this.#presence = presence
    const found = await this.#findPeers(presence)
    if (this.#left()) return
    if (found.length === 0) {
      this.#fail({ code: 'nobody-online', message: 'no peer of this room is reachable: the room is not known, or nobody is online' })
    } else {
      this.#setPhase('syncing')
      await this.#sync('join', found.map((p) => p.id))
    }
    if (this.#left()) return
    presence.subscribe(new GossipIngest(this.store, {
      stored: (log, count) => { this.#events.emit('stored', { log, count, via: 'gossip' }) },
      signal: (signal, from) => { this.#events.emit('signal', { signal, from }) },
      localFailure: (err) => { this.#fail({ code: 'local-failure', message: `ingesting gossip failed: ${String(err)}`, cause: err }) }
    }))
    this.#offPeers = presence.onPeer((peer) => {
      if (this.#lastError?.code === 'nobody-online') this.#lastError = undefined
      this.#emitState()
      if (this.#options.syncNewPeers !== false) void this.#request('new-peer', [peer.id])
    })
    this.#setPhase('live')
    // What was published between the sync's snapshot and the subscription reached us by neither: fetch it now.
    if (found.length > 0) await this.#request('catch-up', 'all')
    this.#schedule()
  }

  /** Sync with the room's peers now (e.g. a "refresh" in the UI); resolves when that sync is over. */
  resync(): Promise<void> {
    return this.#request('manual', 'all')
  }

  /**
   * Sign `body` in `channel`, store it, then publish it. Throws what the
   * store throws (a refused event is neither stored nor published); a
   * failed publish is only `lastError` (`publish-failed`): sync delivers it.
   */
  async postEvent(keypair: Keypair, channel: Bytes, body: EventBody, at: number): Promise<Verified<ChannelEventNode>> {
    const node = await this.store.postEvent(keypair, channel, body, at)
    this.#events.emit('stored', { log: { kind: 'channel', channel }, count: 1, via: 'local' })
    await this.#publish('events', node.bytes)
    return node
  }

  /** Sign `act` on the authority heads, store it, then publish it (as {@link postEvent}). */
  async postAuthority(keypair: Keypair, act: Action, at: number): Promise<Verified<EntryNode>> {
    const node = await this.store.postAuthority(keypair, act, at)
    this.#events.emit('stored', { log: AUTHORITY, count: 1, via: 'local' })
    await this.#publish('authority', node.bytes)
    return node
  }

  /**
   * Store a signed profile in the room's profile set, then publish it on the
   * profiles topic (as {@link postEvent}; PROTOCOL.md §3.2). A profile older
   * than the one stored is neither stored nor published (peers hold a newer
   * one); the one stored is published again. Rejects with `NotInRoomError`
   * when the room does not know the identity (no peer would store it).
   */
  async publishProfile(profile: Verified<Profile>): Promise<void> {
    const bytes = encodeProfile(profile)
    const result = await this.store.ingest(PROFILES, [bytes])
    if ((result.deferred ?? 0) > 0) throw new NotInRoomError('this identity is not known in the room: join it before publishing a profile there')
    if (result.rejected > 0) throw new Error('the room store refused a verified profile')
    if (result.stored > 0) this.#events.emit('stored', { log: PROFILES, count: 1, via: 'local' })
    const stored = this.store.profile(profile.id)
    if (stored !== undefined && equalBytes(encodeProfile(stored), bytes)) await this.#publish('profiles', bytes)
  }

  /** Publish a signal (typing, presence: never stored, §10.5) on the room's signals topic. */
  async sendSignal(signal: Verified<Signal>): Promise<void> {
    await this.#publish('signals', encodeSignal(signal))
  }

  /** Leave the room's network (stop syncing, announcing, gossip). The store stays open: it is the caller's. Idempotent. */
  async leave(): Promise<void> {
    if (this.#left()) return
    this.#setPhase('left')
    this.#timer?.cancel()
    this.#offPeers?.()
    this.#wanted = undefined
    await this.#syncing?.catch(() => undefined)
    await this.#presence?.leave()
  }

  // --- internals -------------------------------------------------------------

  async #findPeers(presence: RoomPresence): Promise<readonly RoomPeerInfo[]> {
    const controller = new AbortController()
    const timer = this.#clock.after(this.#options.findTimeoutMs ?? 20_000)
    void timer.promise.then(() => { controller.abort() })
    try {
      return await presence.findPeers({ signal: controller.signal })
    } catch (err) {
      this.#fail({ code: 'local-failure', message: `the room lookup failed: ${String(err)}`, cause: err })
      return presence.peers()
    } finally {
      timer.cancel()
    }
  }

  /** Ask for a sync; merged with requests waiting. Resolves when a sync covering it is over. */
  #request(reason: SyncReason, peers: readonly string[] | 'all'): Promise<void> {
    if (this.#left()) return Promise.resolve()
    const wanted = this.#wanted
    if (wanted === undefined) this.#wanted = { reason, peers: peers === 'all' ? 'all' : new Set(peers) }
    else if (peers === 'all') this.#wanted = { reason, peers: 'all' }
    else if (wanted.peers !== 'all') for (const p of peers) wanted.peers.add(p)
    if (this.#syncing === undefined) {
      this.#syncing = this.#loop().finally(() => { this.#syncing = undefined })
    }
    return this.#syncing
  }

  async #loop(): Promise<void> {
    for (;;) {
      const wanted = this.#wanted
      this.#wanted = undefined
      if (wanted === undefined || this.#left()) return
      await this.#sync(wanted.reason, wanted.peers === 'all' ? this.#pickPeers() : [...wanted.peers])
    }
  }

  /** Up to `maxSyncPeers` of the room's peers, direct ones first, rotating so every peer gets its turn. */
  #pickPeers(): string[] {
    const peers = [...(this.#presence?.peers() ?? [])].sort((a, b) => Number(a.connection === 'relayed') - Number(b.connection === 'relayed'))
    const max = this.#options.maxSyncPeers ?? 4
    if (peers.length <= max) return peers.map((p) => p.id)
    const direct = peers.filter((p) => p.connection === 'direct')
    const pool = direct.length >= max ? direct : peers
    const start = this.#rotation++ % pool.length
    return Array.from({ length: max }, (_, i) => (pool[(start + i) % pool.length] as RoomPeerInfo).id)
  }

  async #sync(reason: SyncReason, peerIds: readonly string[]): Promise<void> {
    const presence = this.#presence
    if (presence === undefined || peerIds.length === 0) return
    const ids = peerIds.slice(0, Math.max(this.#options.maxSyncPeers ?? 4, 1))
    const progress = (logs: SyncProgress['logs'], running: boolean, complete?: boolean): void => {
      this.#progress = { reason, running, peers: ids.length, logs, ...(complete === undefined ? {} : { complete }) }
      this.#events.emit('progress', this.#progress)
      this.#emitState()
    }
    const replica = new ProgressReplica(this.store, (logs, log, result) => {
      if (result.stored > 0) this.#events.emit('stored', { log, count: result.stored, via: 'sync' })
      progress(logs, true)
    })
    progress([], true)
    const report = await syncRoom(replica, ids.map((id) => presence.syncPeer(id)), { ...this.#options.sync, clock: this.#clock })
    this.#lastReport = report
    progress(replica.logs, false, report.complete)
    if (!report.complete) {
      const failures = report.peers.flatMap((p) => (p.failure === undefined ? [] : [p.failure.message]))
      this.#fail({ code: 'sync-incomplete', message: `a ${reason} sync did not settle${failures.length > 0 ? `: ${failures.join('; ')}` : ''}` })
    }
  }

  #schedule(): void {
    const every = this.#options.resyncIntervalMs ?? 60_000
    if (every <= 0 || this.#left()) return
    const timer = this.#clock.after(every)
    this.#timer = timer
    void timer.promise.then(async () => {
      const presence = this.#presence
      if (this.#left() || presence === undefined) return
      // A room with few peers keeps looking: announcements made after ours, and a mesh with gaps, heal here.
      if (presence.peers().length < (this.#options.targetPeers ?? 8)) await this.#findPeers(presence)
      if (this.#left()) return
      await this.#request('periodic', 'all').catch((err: unknown) => {
        this.#fail({ code: 'local-failure', message: `a periodic sync failed: ${String(err)}`, cause: err })
      })
      this.#schedule()
    })
  }

  async #publish(kind: RoomTopicKind, bytes: Uint8Array): Promise<void> {
    const presence = this.#presence
    if (presence === undefined || this.#left()) return
    try {
      await presence.publish(kind, bytes)
    } catch (err) {
      this.#fail({ code: 'publish-failed', message: `stored but not published (sync will deliver it): ${String(err)}`, cause: err })
    }
  }

  #fail(error: SessionError): void {
    this.#lastError = error
    this.#events.emit('error', error)
    this.#emitState()
  }

  #setPhase(phase: SessionPhase): void {
    this.#phase = phase
    this.#emitState()
  }

  /** Whether {@link leave} was called (a method, so that checks after an await are not narrowed away). */
  #left(): boolean {
    return this.#phase === 'left'
  }

  #emitState(): void {
    this.#events.emit('state', this.state())
  }
}
