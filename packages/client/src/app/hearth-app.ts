/**
 * `HearthApp`: the app core (types.ts is its contract). It composes the
 * identity vault, the storage port, a network, and per room a `RoomStore`
 * plus, while online, a `RoomSession`; it presents them as immutable
 * snapshots and actions. Rooms are readable offline: `ready` never waits
 * for the network, whose starting or failing is only `network.state`.
 *
 * Snapshots are rebuilt lazily after a change (one version counter), and a
 * rebuilt value equal to the previous one is the previous object, so
 * `useSyncExternalStore` re-renders only what changed. Listeners are called
 * once per microtask however many records a burst of gossip stored.
 */
import {
  auditLog, Cap, channelCaps, fromHex, hasCaps, toHex, type AuditRecord, type Keypair, type StorageAdapter
} from '@hearth/protocol'
import { IdentityVault } from '../identity-vault.ts'
import type { RoomSessionOptions } from '../session/room-session.ts'
import { RoomSession } from '../session/room-session.ts'
import { keepPresence } from '../session/presence.ts'
import { RoomStore } from '../store/room-store.ts'
import { systemClock, type Clock, type Timer } from '../transport/clock.ts'
import type { AppCore } from './app-core.ts'
import { AppRoom } from './app-room.ts'
import { AppState } from './app-state.ts'
import { roomConnection } from './connection.ts'
import { NotFoundError, NotReadyError } from './errors.ts'
import * as identity from './identity-actions.ts'
import { buildPage, emptyPage, newestMark, unreadOf, type PageContext } from './message-page.ts'
import * as messageActions from './message-actions.ts'
import { ProfileResolver, publishProfile, shortKey, summaryOf } from './profiles.ts'
import * as roomActions from './room-actions.ts'
import * as lifecycle from './room-lifecycle.ts'
import { buildRoomSnapshot, buildRoomSummary, type RoomInput } from './room-snapshot.ts'
import { Stable } from './stable.ts'
import type {
  AppNetwork, AppSnapshot, HearthAppApi, Hex, InviteOptions, InviteResult, MeSnapshot, MessagePage, ModerationReason,
  NetworkSummary, ProfileSummary, RoomSnapshot
} from './types.ts'
import { hexId } from './validate.ts'

/** What {@link HearthApp.open} needs: the composition root's pieces. */
export interface HearthAppDeps {
  /** The storage port (IndexedDB in the browser; in memory in tests). */
  readonly storage: StorageAdapter
  /** Start the network for my identity (called once an identity exists). */
  readonly network: (keypair: Keypair) => Promise<AppNetwork>
  /** The web app's origin, for https invite links (`origin/#/join/…`). */
  readonly origin: string
  /** Unix ms. @default Date.now */
  readonly now?: () => number
  readonly sessionOptions?: RoomSessionOptions
  /** The app's timers (presence heartbeat, typing expiry). @default systemClock */
  readonly clock?: Clock
  /** How often my presence is sent into each live room. @default 60_000 */
  readonly presenceIntervalMs?: number
  /** PBKDF2 iterations of new backups. @default the protocol's */
  readonly backupIterations?: number
}

const OFFLINE: Omit<NetworkSummary, 'state'> = { peers: 0, direct: 0, relayed: 0, bootstrapConnected: 0, bootstrapConfigured: 0, observedAddresses: [] }
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/** The app core. Create with {@link HearthApp.open}. */
export class HearthApp implements HearthAppApi {
  readonly #deps: HearthAppDeps
  readonly #now: () => number
  readonly #clock: Clock
  #status: AppSnapshot['status'] = 'loading'
  #error: string | undefined
  #vault: IdentityVault | undefined
  #state: AppState | undefined
  readonly #rooms = new Map<Hex, AppRoom>()
  #network: AppNetwork | undefined
  #networkState: NetworkSummary['state'] = 'offline'
  #networkError: string | undefined
  #networkReady: Promise<AppNetwork | undefined> | undefined
  #offNetwork: (() => void) | undefined
  readonly #listeners = new Set<() => void>()
  #version = 0
  #notifying = false
  readonly #stable = new Stable()
  #snapshot: { version: number; value: AppSnapshot } | undefined
  readonly #roomSnapshots = new Map<Hex, { version: number; value: RoomSnapshot }>()
  readonly #audit = new Map<Hex, { size: number; value: readonly AuditRecord[] }>()
  #active: { room: Hex; channel: Hex } | undefined
  readonly #timers = new Set<Timer>()
  #closed = false
  readonly #core: AppCore

  private constructor(deps: HearthAppDeps) {
    this.#deps = deps
    this.#now = deps.now ?? Date.now
    this.#clock = deps.clock ?? systemClock
    this.#core = {
      me: () => this.#me(),
      now: () => this.#now(),
      room: (id) => this.#room(id),
      profiles: (room) => new ProfileResolver(room.store, this.#vault?.identity?.profile),
      changed: () => { this.#changed() }
    }
  }

  /**
   * Open the app on its storage: the vault, then (with an identity) every
   * stored room. Resolves when the snapshot is `onboarding`, `ready` or
   * `failed` (storage unavailable); the network starts in the background.
   */
  static async open(deps: HearthAppDeps): Promise<HearthApp> {
    const app = new HearthApp(deps)
    try {
      app.#vault = await IdentityVault.open({
        storage: deps.storage, now: app.#now, ...(deps.backupIterations !== undefined ? { backupIterations: deps.backupIterations } : {})
      })
      app.#state = await AppState.load(deps.storage, (err) => { console.error('hearth: saving app state failed', err) })
      if (app.#vault.identity !== undefined) await app.#startAccount()
      else app.#status = 'onboarding'
    } catch (err) {
      app.#status = 'failed'
      app.#error = `This device's storage could not be opened: ${message(err)}`
    }
    app.#changed()
    return app
  }

  // --- observation -----------------------------------------------------------

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  snapshot(): AppSnapshot {
    if (this.#snapshot?.version === this.#version) return this.#snapshot.value
    const rooms = this.#stable.keep('rooms', [...this.#rooms.values()]
      .sort((a, b) => (this.#state?.room(a.id)?.added ?? 0) - (this.#state?.room(b.id)?.added ?? 0) || (a.id < b.id ? -1 : 1))
      .map((room) => this.#stable.keep(`summary:${room.id}`, buildRoomSummary(this.#roomInput(room)))))
    const me = this.#meSnapshot()
    const value = this.#stable.keep('app', {
      status: this.#status,
      ...(this.#error !== undefined ? { error: this.#error } : {}),
      ...(me !== undefined ? { me } : {}),
      rooms,
      network: this.#networkSummary()
    } satisfies AppSnapshot)
    this.#snapshot = { version: this.#version, value }
    return value
  }

  room(id: Hex): RoomSnapshot | undefined {
    const room = this.#rooms.get(typeof id === 'string' ? id.toLowerCase() : '')
    if (room === undefined || this.#vault?.identity === undefined) return undefined
    const cached = this.#roomSnapshots.get(room.id)
    if (cached?.version === this.#version) return cached.value
    const value = this.#stable.keep(`room:${room.id}`, buildRoomSnapshot(this.#roomInput(room)))
    this.#roomSnapshots.set(room.id, { version: this.#version, value })
    return value
  }

  messages(roomId: Hex, channelId: Hex): MessagePage {
    let room: AppRoom
    let channel: Hex
    try {
      room = this.#room(roomId)
      channel = room.channel(channelId).hex
    } catch {
      return this.#stable.keep(`empty:${roomId}/${channelId}`, emptyPage(channelId))
    }
    const view = room.view(channel)
    if (view === undefined) return this.#stable.keep(`empty:${room.id}/${channel}`, emptyPage(channel))
    const page = room.page(channel)
    if (page.needsMarker === true) {
      page.needsMarker = false
      this.#setMarker(room, channel)
    }
    if (page.builtAt === this.#version && page.last !== undefined) return page.last
    const built = buildPage(channel, view, page, this.#pageContext(room, channel))
    page.builtAt = this.#version
    return built
  }

  profile(roomId: Hex, key: Hex): ProfileSummary {
    const hex = typeof key === 'string' ? key.toLowerCase() : ''
    if (!/^[0-9a-f]{64}$/.test(hex)) return { key, name: hex.slice(0, 8), known: false }
    const room = this.#rooms.get(typeof roomId === 'string' ? roomId.toLowerCase() : '')
    if (room === undefined) return { key: hex, name: shortKey(hex), known: false }
    return this.#core.profiles(room).get(hex)
  }

  auditLog(roomId: Hex): readonly AuditRecord[] {
    const room = this.#rooms.get(typeof roomId === 'string' ? roomId.toLowerCase() : '')
    if (room === undefined) return []
    const { authority } = room.store
    const cached = this.#audit.get(room.id)
    if (cached?.size === authority.size) return cached.value
    const value = auditLog(authority.entries)
    this.#audit.set(room.id, { size: authority.size, value })
    return value
  }

  // --- identity -------------------------------------------------------------

  async createIdentity(fields: { name: string; avatar?: { mime: string; data: Uint8Array } }): Promise<void> {
    await identity.createIdentity(this.#requireVault(), this.#status, fields)
    await this.#startAccount()
    this.#changed()
  }

  async restoreIdentity(file: Uint8Array, passphrase: string): Promise<void> {
    await identity.restoreIdentity(this.#requireVault(), file, passphrase)
    if (this.#status === 'onboarding') await this.#startAccount()
    this.#changed()
  }

  async exportBackup(passphrase: string): Promise<Uint8Array> {
    this.#me()
    const file = await identity.exportBackup(this.#requireVault(), passphrase)
    this.#changed()
    return file
  }

  async updateProfile(fields: { name: string; bio?: string; status?: string; avatar?: { mime: string; data: Uint8Array }; removeAvatar?: boolean }): Promise<void> {
    this.#me()
    const profile = await identity.updateProfile(this.#requireVault(), fields)
    this.#changed()
    for (const room of this.#rooms.values()) {
      if (room.session !== undefined) void publishProfile(room.session, profile).catch(() => undefined)
    }
  }

  // --- rooms ------------------------------------------------------------------

  async createRoom(fields: { name: string; description?: string; icon?: { mime: string; data: Uint8Array }; inviteOnly?: boolean }): Promise<Hex> {
    const { keypair } = this.#me()
    const store = await lifecycle.createRoomStore(this.#deps.storage, keypair, fields, this.#now())
    const room = this.#adopt(store)
    this.#goLive(room)
    this.#changed()
    return room.id
  }

  async joinByInvite(link: string): Promise<Hex> {
    const { keypair, hex: me } = this.#me()
    const invite = await lifecycle.checkInvite(link, this.#now())
    const id = toHex(invite.room)
    const held = this.#rooms.get(id)
    if (held !== undefined && this.#state?.room(id)?.left === undefined && held.store.authority.state.members.has(me)) {
      this.#goLive(held)
      return id
    }
    const network = await this.#networkReady
    if (network === undefined || this.#closed) throw lifecycle.networkDown(this.#networkError)
    if (held !== undefined) await this.#drop(held)
    let session: RoomSession
    try {
      session = await lifecycle.join(invite, {
        network: network.rooms, adapter: this.#deps.storage, identity: keypair, at: this.#now(), held: held !== undefined,
        ...(this.#deps.sessionOptions !== undefined ? { session: this.#deps.sessionOptions } : {})
      })
    } catch (err) {
      if (held !== undefined) await this.#reopen(id)
      this.#changed()
      throw err
    }
    const room = this.#adopt(session.store)
    this.#state?.setRoom(id, { added: this.#state.room(id)?.added ?? this.#now() })
    room.attach(session)
    void this.#announce(room)
    this.#changed()
    return id
  }

  async createInvite(room: Hex, options: InviteOptions = {}): Promise<InviteResult> {
    let addresses: readonly string[] = []
    try {
      addresses = this.#network?.inviteAddresses() ?? []
    } catch { /* no hints: joiners look the room up */ }
    return roomActions.createInvite(this.#core, room, options, { origin: this.#deps.origin, addresses })
  }

  async leaveRoom(roomId: Hex): Promise<void> {
    const room = this.#room(roomId)
    if (this.#state?.room(room.id)?.left !== undefined) return
    const { keypair } = this.#me()
    await lifecycle.postLeave(room, keypair, this.#now())
    const session = room.session
    room.detach()
    await session?.leave()
    this.#state?.setRoom(room.id, { added: this.#now(), ...this.#state.room(room.id), left: this.#now() })
    if (this.#active?.room === room.id) this.#active = undefined
    this.#changed()
  }

  updateRoom(room: Hex, fields: { name: string; description?: string; icon?: { mime: string; data: Uint8Array } }): Promise<void> {
    return roomActions.updateRoom(this.#core, room, fields)
  }

  setPolicy(room: Hex, policy: { join: 'open' | 'invite'; inviteMaxUses?: number }): Promise<void> {
    return roomActions.setPolicy(this.#core, room, policy)
  }

  // --- channels ---------------------------------------------------------------

  createChannel(room: Hex, fields: { name: string; topic?: string; kind?: 'text' | 'voice' }): Promise<Hex> {
    return roomActions.createChannel(this.#core, room, fields)
  }

  updateChannel(room: Hex, channel: Hex, fields: { name?: string; topic?: string; position?: number }): Promise<void> {
    return roomActions.updateChannel(this.#core, room, channel, fields)
  }

  deleteChannel(room: Hex, channel: Hex): Promise<void> {
    return roomActions.deleteChannel(this.#core, room, channel)
  }

  moveChannel(room: Hex, channel: Hex, index: number): Promise<void> {
    return roomActions.moveChannel(this.#core, room, channel, index)
  }

  setOverride(room: Hex, channel: Hex, target: { role: string } | { member: Hex }, allow: number, deny: number): Promise<void> {
    return roomActions.setOverride(this.#core, room, channel, target, allow, deny)
  }

  // --- messages -----------------------------------------------------------------

  openChannel(roomId: Hex, channelId: Hex): void {
    const room = this.#room(roomId)
    const channel = room.channel(channelId).hex
    const previous = this.#active
    if (previous !== undefined && (previous.room !== room.id || previous.channel !== channel)) {
      const before = this.#rooms.get(previous.room)?.pages.get(previous.channel)
      if (before !== undefined) delete before.marker
    }
    this.#active = { room: room.id, channel }
    this.#setMarker(room, channel)
    this.#changed()
  }

  /** No channel is being read now (the window lost focus, or the room screen closed). Added to the contract. */
  closeChannel(): void {
    this.#active = undefined
  }

  async loadOlder(roomId: Hex, channelId: Hex): Promise<void> {
    const room = this.#room(roomId)
    const channel = room.channel(channelId)
    await room.store.loadChannel(channel.id)
    room.page(channel.hex).limit += 50
    this.#changed()
  }

  markRead(roomId: Hex, channelId: Hex): void {
    const room = this.#room(roomId)
    this.#markRead(room, room.channel(channelId).hex)
  }

  send(room: Hex, channel: Hex, text: string, options?: { replyTo?: Hex }): Promise<void> {
    return messageActions.send(this.#core, room, channel, text, options)
  }

  edit(room: Hex, channel: Hex, messageId: Hex, text: string): Promise<void> {
    return messageActions.edit(this.#core, room, channel, messageId, text)
  }

  deleteMessage(room: Hex, channel: Hex, messageId: Hex): Promise<void> {
    return messageActions.deleteMessage(this.#core, room, channel, messageId)
  }

  react(room: Hex, channel: Hex, messageId: Hex, emoji: string, on: boolean): Promise<void> {
    return messageActions.react(this.#core, room, channel, messageId, emoji, on)
  }

  pin(room: Hex, channel: Hex, messageId: Hex, on: boolean): Promise<void> {
    return messageActions.pin(this.#core, room, channel, messageId, on)
  }

  typing(room: Hex, channel: Hex): void {
    messageActions.typing(this.#core, room, channel)
  }

  // --- moderation ---------------------------------------------------------------

  defineRole(room: Hex, role: { id: string; name: string; caps: number; rank: number }): Promise<void> {
    return roomActions.defineRole(this.#core, room, role)
  }

  deleteRole(room: Hex, role: string): Promise<void> {
    return roomActions.deleteRole(this.#core, room, role)
  }

  grantRole(room: Hex, member: Hex, role: string): Promise<void> {
    return roomActions.grantRole(this.#core, room, member, role)
  }

  revokeRole(room: Hex, member: Hex, role: string): Promise<void> {
    return roomActions.revokeRole(this.#core, room, member, role)
  }

  ban(room: Hex, member: Hex, options?: ModerationReason): Promise<void> {
    return roomActions.ban(this.#core, room, member, options)
  }

  unban(room: Hex, member: Hex): Promise<void> {
    return roomActions.unban(this.#core, room, member)
  }

  kick(room: Hex, member: Hex, options?: ModerationReason): Promise<void> {
    return roomActions.kick(this.#core, room, member, options)
  }

  timeout(room: Hex, member: Hex, untilMs: number, options?: ModerationReason): Promise<void> {
    return roomActions.timeout(this.#core, room, member, untilMs, options)
  }

  // --- connection ---------------------------------------------------------------

  async resync(roomId: Hex): Promise<void> {
    const room = this.#room(roomId)
    if (room.session === undefined) {
      if (this.#state?.room(room.id)?.left !== undefined) throw new NotReadyError('You left this room: join it again with an invite to sync it.')
      throw lifecycle.networkDown(this.#networkError)
    }
    await room.session.resync()
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const timer of this.#timers) timer.cancel()
    this.#timers.clear()
    this.#offNetwork?.()
    for (const room of this.#rooms.values()) {
      const session = room.session
      room.detach()
      await session?.leave().catch(() => undefined)
      await room.store.close()
    }
    await this.#network?.stop().catch(() => undefined)
    this.#network = undefined
    this.#networkState = 'offline'
    await this.#state?.flush()
    this.#changed()
  }

  // --- internals ------------------------------------------------------------------

  #changed(): void {
    this.#version++
    if (this.#notifying) return
    this.#notifying = true
    queueMicrotask(() => {
      this.#notifying = false
      for (const listener of [...this.#listeners]) {
        try {
          listener()
        } catch (err) {
          console.error('hearth: an app listener failed', err)
        }
      }
    })
  }

  #requireVault(): IdentityVault {
    if (this.#vault === undefined || this.#closed) throw new NotReadyError(this.#closed ? 'The app is closed.' : 'The app is still loading.')
    return this.#vault
  }

  #me(): { keypair: Keypair; hex: Hex } {
    const vault = this.#requireVault()
    if (vault.identity === undefined) throw new NotReadyError('Create an account (or restore one) first.')
    return { keypair: vault.keypair, hex: toHex(vault.identity.publicKey) }
  }

  #room(id: unknown): AppRoom {
    const hex = toHex(hexId(id, 32, 'The room'))
    const room = this.#rooms.get(hex)
    if (room === undefined) throw new NotFoundError('room', 'That room is not on this device (join it with an invite link).')
    return room
  }

  async #startAccount(): Promise<void> {
    for (const id of await RoomStore.storedRooms(this.#deps.storage)) {
      if (this.#rooms.has(toHex(id))) continue
      try {
        this.#adopt(await RoomStore.open(this.#deps.storage, id, { preload: 'none' }))
      } catch (err) {
        console.error('hearth: a stored room could not be opened', err)
      }
    }
    this.#status = 'ready'
    this.#changed()
    this.#startNetwork()
    this.#heartbeat()
  }

  #adopt(store: RoomStore): AppRoom {
    const room = new AppRoom(store, {
      changed: () => { this.#changed() },
      channelStored: (r, channel) => {
        if (this.#active?.room === r.id && this.#active.channel === channel) this.#markRead(r, channel)
      },
      expireAt: (at) => { this.#after(Math.max(at - this.#now(), 0) + 10, () => { this.#changed() }) },
      now: () => this.#now(),
      present: (session) => keepPresence(session, this.#me().keypair, {
        clock: this.#clock, now: () => this.#now(), ...(this.#deps.presenceIntervalMs !== undefined ? { intervalMs: this.#deps.presenceIntervalMs } : {})
      })
    })
    this.#rooms.set(room.id, room)
    if (this.#state?.room(room.id) === undefined) this.#state?.setRoom(room.id, { added: this.#now() })
    for (const channel of store.knownChannels()) room.load(channel)
    return room
  }

  /** Close a held room's store (to open it again through a join). */
  async #drop(room: AppRoom): Promise<void> {
    const session = room.session
    room.detach()
    await session?.leave()
    await room.store.close()
    this.#rooms.delete(room.id)
  }

  async #reopen(id: Hex): Promise<void> {
    try {
      this.#adopt(await RoomStore.open(this.#deps.storage, fromHex(id), { preload: 'none' }))
    } catch (err) {
      console.error('hearth: a room could not be opened again', err)
    }
  }

  #startNetwork(): void {
    if (this.#networkReady !== undefined) return
    const { keypair } = this.#me()
    this.#networkState = 'starting'
    this.#changed()
    this.#networkReady = Promise.resolve().then(() => this.#deps.network(keypair)).then(async (network) => {
      if (this.#closed) {
        await network.stop().catch(() => undefined)
        return undefined
      }
      this.#network = network
      this.#networkState = 'online'
      this.#offNetwork = network.onChange(() => { this.#changed() })
      for (const room of this.#rooms.values()) this.#goLive(room)
      this.#changed()
      return network
    }, (err: unknown) => {
      this.#networkState = 'failed'
      this.#networkError = message(err)
      this.#changed()
      return undefined
    })
  }

  /** Start a session for a room not left, once the network runs. */
  #goLive(room: AppRoom): void {
    const network = this.#network
    if (network === undefined || room.session !== undefined || this.#closed || this.#state?.room(room.id)?.left !== undefined) return
    const session = new RoomSession(room.store, network.rooms, this.#deps.sessionOptions)
    room.attach(session)
    void session.start().then(() => this.#announce(room), () => { this.#changed() })
  }

  /** Publish my profile into a live room, and ask the daemons to archive it (presence: keepPresence, attached with the session). */
  async #announce(room: AppRoom): Promise<void> {
    const session = room.session
    const profile = this.#vault?.identity?.profile
    if (session === undefined || profile === undefined) return
    await publishProfile(session, profile).catch(() => undefined)
    await this.#requestArchive(room)
  }

  /**
   * Ask the bootstrap daemons to archive a room not known to be archived,
   * handing them a counted invite of mine (needs the INVITE right; skipped without).
   */
  async #requestArchive(room: AppRoom): Promise<void> {
    const network = this.#network
    const record = this.#state?.room(room.id)
    if (network === undefined || record === undefined || record.archived !== undefined || record.left !== undefined) return
    try {
      const { link } = await roomActions.createInvite(this.#core, room.id, { counted: true }, { origin: this.#deps.origin, addresses: network.inviteAddresses() })
      const answers = await network.requestArchive(link)
      const current = this.#state?.room(room.id)
      if (current !== undefined && answers.some((a) => a.status === 'archiving')) {
        this.#state?.setRoom(room.id, { ...current, archived: this.#now() })
        this.#changed()
      }
    } catch { /* not allowed to invite, or no daemon: the room stays unarchived */ }
  }

  /** Re-render every `presenceIntervalMs`: others' presence expires with time. */
  #heartbeat(): void {
    this.#after(this.#deps.presenceIntervalMs ?? 60_000, () => {
      this.#changed()
      this.#heartbeat()
    })
  }

  #after(ms: number, run: () => void): void {
    if (this.#closed) return
    const timer = this.#clock.after(ms)
    this.#timers.add(timer)
    void timer.promise.then(() => {
      this.#timers.delete(timer)
      if (!this.#closed) run()
    })
  }

  #markRead(room: AppRoom, channel: Hex): void {
    const view = room.view(channel)
    const mark = view !== undefined ? newestMark(view) : undefined
    if (mark === undefined || this.#state?.read(room.id, channel)?.key === mark.key) return
    this.#state?.setRead(room.id, channel, mark)
    this.#changed()
  }

  /** Set the "new messages" marker of an opened channel, then mark it read. */
  #setMarker(room: AppRoom, channel: Hex): void {
    const page = room.page(channel)
    const view = room.view(channel)
    if (view === undefined) {
      page.needsMarker = true
      return
    }
    const { first } = unreadOf(view, this.#state?.read(room.id, channel), this.#me().hex)
    if (first !== undefined) page.marker = first
    else delete page.marker
    this.#markRead(room, channel)
  }

  #pageContext(room: AppRoom, channel: Hex): PageContext {
    const { hex } = this.#me()
    const { state } = room.store.authority
    const caps = channelCaps(state, fromHex(hex), fromHex(channel), this.#now())
    return {
      me: hex,
      profiles: this.#core.profiles(room),
      deleteOthers: hasCaps(caps, Cap.DELETE_OTHERS),
      member: state.members.has(hex) && !state.bans.has(hex)
    }
  }

  #roomInput(room: AppRoom): RoomInput {
    const { hex } = this.#me()
    const left = this.#state?.room(room.id)?.left !== undefined
    return {
      room,
      me: hex,
      meBytes: fromHex(hex),
      now: this.#now(),
      profiles: this.#core.profiles(room),
      left,
      mark: (channel) => this.#state?.read(room.id, channel),
      connection: roomConnection({
        session: room.session?.state(), network: this.#network, networkState: this.#networkState, left,
        archived: this.#state?.room(room.id)?.archived !== undefined
      })
    }
  }

  #meSnapshot(): MeSnapshot | undefined {
    const id = this.#vault?.identity
    if (id === undefined) return undefined
    return {
      ...summaryOf(id.profile),
      userId: id.userId,
      created: id.created,
      ...(id.backedUpAt !== undefined ? { backedUpAt: id.backedUpAt } : {}),
      // The account exists only in this browser until it is backed up: remind from the start
      // (the UI's reminder can be put off with "Later").
      needsBackup: id.backedUpAt === undefined
    }
  }

  #networkSummary(): NetworkSummary {
    let summary = OFFLINE
    if (this.#network !== undefined) {
      try {
        summary = this.#network.summary()
      } catch { /* shown as no peers */ }
    }
    return { state: this.#networkState, ...summary, ...(this.#networkError !== undefined ? { error: this.#networkError } : {}) }
  }
}
