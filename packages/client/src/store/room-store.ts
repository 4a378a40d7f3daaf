/**
 * `RoomStore`: a room's persistent replica — its authority log, channel logs
 * and profile set (profile-set.ts) over the storage port — and the implementation of the sync port
 * (`SyncReplica`). Layout, load checks and damage handling are specified in
 * docs/drafts/storage-layout.md (PROTOCOL.md §5.5 to be).
 *
 * Every record a log stores is written under its key before the call that
 * stored it returns: one atomic `saveBatch` per authority ingest (with the
 * channel events its entries release), per post, and per piece of 256
 * records of a channel ingest (stored-channel.ts says why pieces). Records
 * are independent and self-certifying, so a crash between two batches only
 * means sync fetches the rest again. Records a log keeps waiting
 * (missing parents) or held (unknown authority) are in memory only: they
 * are not the log's yet, and after a restart sync offers them again.
 *
 * Opening never fails because of damaged records: see room-loader.ts and
 * damage.ts. The logs are in memory once loaded (every stored channel at
 * open, or on first use with `preload: 'none'`); reads are synchronous.
 */
import {
  AuthorityLog, AuthorityRejectedError, authorityAcceptHook, encodeGenesis, fromHex, signAuthorityEntry, toHex, verifyChannelEvents,
  type Action, type AddResult, type Bytes, type ChannelAcceptHook, type ChannelEventNode, type ChannelMessage,
  type ChannelPageQuery, type ChannelView, type EntryNode, type EventBody, type Genesis, type ItemKey, type Keypair, type KeyPath,
  type Profile, type ReconcileStore, type StorageAdapter, type StorageChunk, type Verified
} from '@hearth/protocol'
import type { IngestResult, LogRef, SyncReplica } from '../sync/replica.ts'
import { DamageLedger, type DamageReport } from './damage.ts'
import { ChannelNotLoadedError, RoomStoreClosedError, UnknownLogError } from './errors.ts'
import { KeyIndex } from './key-index.ts'
import { ProfileSet } from './profile-set.ts'
import { loadAuthority, loadGenesis, loadProfiles, readChannel, storedChannelIds } from './room-loader.ts'
import { genesisKey, logPrefix, recordKey, roomPrefix, ROOMS_SEGMENT } from './room-layout.ts'
import { StoredChannel } from './stored-channel.ts'

/** Options of {@link RoomStore.open}. */
export interface RoomStoreOptions {
  /**
   * `'all'`: load every stored channel while opening. `'none'`: load a
   * channel on first use (`loadChannel`, or any async call naming it); the
   * synchronous reads (`channel`, `reconcileStore`, `has`, `view`, `history`)
   * throw `ChannelNotLoadedError` for a stored channel not loaded yet.
   * @default 'all'
   */
  readonly preload?: 'all' | 'none'
  /**
   * Check channel event signatures again when loading (room-loader.ts says
   * why this is off by default). Authority entries are always checked.
   * @default false
   */
  readonly verifyOnLoad?: boolean
}

/** A room's logs, persisted through a storage adapter. */
export class RoomStore implements SyncReplica {
  readonly room: Bytes
  readonly genesis: Verified<Genesis>
  readonly authority: AuthorityLog
  readonly #adapter: StorageAdapter
  readonly #options: RoomStoreOptions
  readonly #accept: ChannelAcceptHook
  readonly #authorityKeys: KeyIndex
  readonly #authorityPrefix
  readonly #profiles: ProfileSet
  readonly #channels = new Map<string, StoredChannel>()
  /** Channels with stored events not loaded yet, and loads under way. */
  readonly #unloaded = new Set<string>()
  readonly #loading = new Map<string, Promise<StoredChannel>>()
  readonly #damage = new DamageLedger()
  readonly #writes = new Set<Promise<void>>()
  /** Chunks whose write failed, retried with the next write. */
  readonly #unwritten: StorageChunk[] = []
  #closed = false

  private constructor(adapter: StorageAdapter, genesis: Verified<Genesis>, options: RoomStoreOptions) {
    this.#adapter = adapter
    this.#options = options
    this.genesis = genesis
    this.room = genesis.room
    this.authority = new AuthorityLog(genesis)
    this.#accept = authorityAcceptHook(this.authority)
    const authority = this.authority
    this.#authorityKeys = new KeyIndex(() => authority.entries.map((e) => ({ lamport: e.node.entry.lamport, id: e.node.id })))
    this.#authorityPrefix = logPrefix(this.room, { kind: 'authority' })
    this.#profiles = new ProfileSet(logPrefix(this.room, { kind: 'profiles' }), genesis.creator)
  }

  /**
   * Open a room stored in `adapter`. Pass the verified genesis (a room just
   * created or joined; it is stored, or its stored copy repaired) or the room
   * id of a room stored before (rejects with `RoomNotStoredError` when its
   * genesis is absent or damaged). Damaged records never make this fail:
   * they are reported in {@link damage} and fetched again by sync.
   * The adapter stays the caller's; {@link close} does not close it.
   */
  static async open(adapter: StorageAdapter, room: Verified<Genesis> | Uint8Array, options: RoomStoreOptions = {}): Promise<RoomStore> {
    const genesis = await loadGenesis(adapter, room)
    const store = new RoomStore(adapter, genesis, options)
    await loadAuthority(adapter, store.authority, store.#damage)
    store.#profiles.learn(store.authority.entries.map((e) => e.node))
    await store.#remove(await loadProfiles(adapter, genesis.room, store.#profiles, store.#damage))
    for (const hex of await storedChannelIds(adapter, genesis.room)) store.#unloaded.add(hex)
    if (options.preload !== 'none') for (const hex of [...store.#unloaded]) await store.loadChannel(fromHex(hex))
    return store
  }

  /** Ids of the rooms stored in `adapter` (those with a genesis under `['rooms']`), sorted. */
  static async storedRooms(adapter: StorageAdapter): Promise<Bytes[]> {
    const chunks = await adapter.loadRange([ROOMS_SEGMENT])
    return chunks.flatMap((c) => (c.key.length === 2 && /^[0-9a-f]{64}$/.test(c.key[1] ?? '') ? [fromHex(c.key[1] ?? '')] : []))
  }

  /** Delete everything stored for a room (its logs, then its genesis). Close its open store first. */
  static async removeRoom(adapter: StorageAdapter, room: Uint8Array): Promise<void> {
    await adapter.removeRange(roomPrefix(room))
    await adapter.remove(genesisKey(room))
  }

  /** What was found damaged in storage and is not repaired yet (sync repairs it). */
  get damage(): DamageReport {
    return this.#damage.report((log, id) => (log.kind === 'channel' ? this.#channels.get(toHex(log.channel))?.log.has(id) ?? false
      : log.kind === 'authority' ? this.authority.has(id) : this.#profiles.repaired(id)))
  }

  /** Whether a channel (hex id) is loaded or known from storage or the authority state: one of {@link knownChannels}. */
  knowsChannel(hex: string): boolean {
    return this.#channels.has(hex) || this.#unloaded.has(hex) || this.authority.state.channels.has(hex)
  }

  /** Ids of channels loaded or known from storage or the authority state (hex, sorted). */
  knownChannels(): string[] {
    return [...new Set([...this.#channels.keys(), ...this.#unloaded, ...this.authority.state.channels.keys()])].sort()
  }

  /**
   * A channel's log, ready to read. Loads its stored events first if needed.
   * Rejects with `UnknownLogError` for a channel neither stored nor defined.
   */
  async loadChannel(channel: Uint8Array): Promise<StoredChannel> {
    const hex = toHex(channel)
    const ready = this.#channels.get(hex)
    if (ready !== undefined) return ready
    let loading = this.#loading.get(hex)
    if (loading === undefined) {
      loading = this.#load(hex)
      this.#loading.set(hex, loading)
    }
    try {
      return await loading
    } finally {
      this.#loading.delete(hex)
    }
  }

  async #load(hex: string): Promise<StoredChannel> {
    this.#assertOpen()
    const channel = fromHex(hex)
    if (!this.#unloaded.has(hex)) return this.#channelFor(channel)
    let nodes = await readChannel(this.#adapter, this.room, channel, this.#damage)
    if (this.#options.verifyOnLoad === true) {
      const checked = await verifyChannelEvents(nodes)
      const good = checked.filter((v): v is Verified<ChannelEventNode> => !(v instanceof Error))
      this.#damage.refuse(nodes.length - good.length)
      nodes = good
    }
    const stored = new StoredChannel({
      room: this.room, channel, authority: this.authority, accept: this.#accept, prefix: logPrefix(this.room, { kind: 'channel', channel }), loading: nodes.length
    })
    const result = stored.log.insert(nodes)
    stored.stored(result.added)
    this.#damage.refuse(result.rejected.length)
    this.#unloaded.delete(hex)
    this.#channels.set(hex, stored)
    return stored
  }

  /** A loaded or defined channel (created empty when defined and nothing is stored). */
  #channelFor(channel: Uint8Array): StoredChannel {
    const hex = toHex(channel)
    const ready = this.#channels.get(hex)
    if (ready !== undefined) return ready
    if (this.#unloaded.has(hex)) throw new ChannelNotLoadedError(`channel ${hex} is stored but not loaded yet`)
    if (!this.authority.state.channels.has(hex)) throw new UnknownLogError(`channel ${hex} is not defined in this room`)
    const id = fromHex(hex)
    const created = new StoredChannel({
      room: this.room, channel: id, authority: this.authority, accept: this.#accept, prefix: logPrefix(this.room, { kind: 'channel', channel: id })
    })
    this.#channels.set(hex, created)
    return created
  }

  /** The log of a channel (loaded, or defined and empty). */
  channel(channel: Uint8Array): StoredChannel['log'] {
    return this.#channelFor(channel).log
  }

  /** The derived view of a channel's visible events (PROTOCOL.md §7.5). */
  view(channel: Uint8Array): ChannelView {
    return this.#channelFor(channel).view()
  }

  /**
   * Paged history, newest first: up to `limit` messages before the message
   * `before` (or the newest). Scroll back by passing the last id returned.
   */
  history(channel: Uint8Array, query: ChannelPageQuery): ChannelMessage[] {
    return this.view(channel).page(query)
  }

  /** The room's profile set: the newest signed profile of each identity the room knows, by hex key (PROTOCOL.md §3.2). */
  profiles(): ReadonlyMap<string, Verified<Profile>> {
    return this.#profiles.profiles()
  }

  /** The newest stored profile of an identity key. */
  profile(key: Uint8Array): Verified<Profile> | undefined {
    return this.#profiles.profile(key)
  }

  // --- the sync port -------------------------------------------------------

  reconcileStore(log: LogRef): ReconcileStore {
    if (log.kind === 'profiles') return this.#profiles.reconcileStore()
    return log.kind === 'authority' ? this.#authorityKeys.snapshot() : this.#channelFor(log.channel).keys.snapshot()
  }

  has(log: LogRef, key: ItemKey): boolean {
    if (log.kind === 'profiles') return this.#profiles.has(key)
    if (log.kind === 'authority') return this.authority.get(key.id)?.entry.lamport === key.lamport
    const channel = this.#channelFor(log.channel).log
    // Set aside as by an author banned now (§7.4.2): the log has it; fetching it again would change nothing.
    if (channel.status(key.id) === 'quarantined') return true
    return channel.get(key.id)?.event.lamport === key.lamport
  }

  async records(log: LogRef, ids: readonly Uint8Array[]): Promise<Uint8Array[]> {
    if (log.kind === 'profiles') return this.#profiles.records(ids)
    if (log.kind === 'authority') return ids.flatMap((id) => this.authority.get(id)?.bytes ?? [])
    const { log: channel } = await this.loadChannel(log.channel)
    return ids.flatMap((id) => channel.get(id)?.bytes ?? [])
  }

  async ingest(log: LogRef, records: readonly Uint8Array[]): Promise<IngestResult> {
    this.#assertOpen()
    if (log.kind === 'authority') {
      const { stored, rejected, deferred, duplicates, missing } = await this.#afterAuthority(await this.authority.add(records))
      return { stored, rejected, deferred, duplicates, missing }
    }
    if (log.kind === 'profiles') {
      const { result, changes } = await this.#profiles.ingest(records)
      await this.#write(changes.put)
      await this.#remove(changes.removed)
      return result
    }
    const channel = await this.loadChannel(log.channel)
    return channel.ingest(records, (chunks) => this.#write(chunks))
  }

  channels(): Bytes[] {
    return [...this.authority.state.channels.keys()].sort().map(fromHex)
  }

  genesisRecord(): Uint8Array {
    return encodeGenesis(this.genesis)
  }

  /** Heads a new record of the log names as parents, and its Lamport time. */
  heads(log: LogRef): { ids: Bytes[]; lamport: number } {
    if (log.kind === 'profiles') throw new UnknownLogError('the profile set is not a DAG: it has no heads')
    return log.kind === 'authority' ? this.authority.heads() : this.#channelFor(log.channel).log.heads()
  }

  /** Hex ids of the log's stored records, in the log's order. */
  storedIds(log: LogRef): string[] {
    if (log.kind === 'profiles') return this.#profiles.storedIds()
    if (log.kind === 'authority') return this.authority.entries.map((e) => e.node.key)
    return this.#channelFor(log.channel).log.events.map((e) => e.key)
  }

  // --- writing -------------------------------------------------------------

  /**
   * Sign `act` on the authority heads, store it and persist it. Throws the
   * `AuthorityRejectedError` peers would give (nothing is stored then), or
   * the one its place in the order gives (it is stored, as peers would).
   */
  async postAuthority(keypair: Keypair, act: Action, at: number): Promise<Verified<EntryNode>> {
    this.#assertOpen()
    const refusal = this.authority.check(keypair.publicKey, act, at)
    if (refusal) throw refusal
    const { ids, lamport } = this.authority.heads()
    const node = await signAuthorityEntry(keypair, { room: this.room, parents: ids, lamport, at, act })
    const result = await this.#afterAuthority(await this.authority.addNodes([node]))
    const invalid = result.invalid[0]
    if (invalid) throw invalid
    const placed = this.authority.lookup(node.id)
    if (placed?.rejection) throw placed.rejection
    return node
  }

  /**
   * Sign an event on the channel's heads, citing the authority heads, store
   * it and persist it. Throws the `ChannelRejectedError` when the log refuses
   * it; an event that waits (a delete of an event not stored here) is returned
   * unpersisted, and persisted when the log stores it.
   */
  async postEvent(keypair: Keypair, channel: Uint8Array, body: EventBody, at: number): Promise<Verified<ChannelEventNode>> {
    this.#assertOpen()
    const stored = await this.loadChannel(channel)
    const node = await stored.log.author(keypair, { body, at, auth: this.authority.heads().ids })
    if (stored.log.has(node.id)) await this.#write(stored.stored([node]))
    return node
  }

  /** Wait for writes under way, then refuse further writes. Does not close the adapter. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true
    await Promise.allSettled([...this.#writes])
  }

  // --- internals -----------------------------------------------------------

  /** Persist what an authority add stored, and the channel events it released. */
  async #afterAuthority(result: AddResult): Promise<{ stored: number; rejected: number; deferred: number; duplicates: number; missing: readonly Bytes[]; invalid: AddResult['invalid'] }> {
    const chunks: StorageChunk[] = []
    for (const node of result.added) chunks.push({ key: recordKey(this.#authorityPrefix, node.entry.lamport, node.key), data: node.bytes })
    this.#authorityKeys.add(result.added.map((n) => ({ lamport: n.entry.lamport, id: n.id })))
    this.#profiles.learn(result.added)
    if (result.added.length > 0) {
      for (const channel of this.#channels.values()) {
        chunks.push(...channel.stored(channel.log.retryHeld().added))
        channel.authorityChanged()
      }
    }
    await this.#write(chunks)
    const reasonCount = (reason: string): number => result.invalid.filter((e) => e instanceof AuthorityRejectedError && e.reason === reason).length
    const duplicates = reasonCount('duplicate')
    const deferred = reasonCount('pending-full')
    return { stored: result.added.length, rejected: result.invalid.length - duplicates - deferred, deferred, duplicates, missing: result.missing, invalid: result.invalid }
  }

  /**
   * Write chunks in one atomic batch, with any left over from a failed
   * write before (so a transient storage error delays persistence instead of
   * losing records the logs already hold until the next restart).
   */
  async #write(chunks: readonly StorageChunk[]): Promise<void> {
    const batch = this.#unwritten.length > 0 ? [...this.#unwritten.splice(0), ...chunks] : chunks
    if (batch.length === 0) return
    const write = this.#adapter.saveBatch(batch)
    this.#writes.add(write)
    try {
      await write
    } catch (err) {
      this.#unwritten.push(...batch)
      throw err
    } finally {
      this.#writes.delete(write)
    }
  }

  /**
   * Delete rows a newer profile replaced. A failure leaves a stale row, which
   * is harmless: loading keeps the newest row of each identity and deletes the rest.
   */
  async #remove(keys: readonly KeyPath[]): Promise<void> {
    for (const key of keys) await this.#adapter.remove(key).catch(() => undefined)
  }

  #assertOpen(): void {
    if (this.#closed) throw new RoomStoreClosedError('the room store is closed')
  }
}
