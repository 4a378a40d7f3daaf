/**
 * `HearthApp`: the app core (types.ts is its contract). It composes the
 * identity vault, the storage port, a network, and per room a `RoomStore`
 * plus, while online, a `RoomSession`; it presents them as immutable
 * snapshots and actions. Rooms are readable offline: `ready` never waits
 * for the network, whose starting or failing is only `network.state`.
 *
 * The class is the public face; the work is in its modules, over one shared
 * `AppContext` (core-context.ts): the network lifecycle (app-network.ts), the
 * rooms held (app-rooms.ts), what was read (read-state.ts), snapshots rebuilt
 * lazily and kept identical when equal (app-snapshots.ts), and the actions
 * (identity-actions.ts, room-actions.ts, message-actions.ts). Listeners are
 * called once per microtask however many records a burst of gossip stored.
 */
import type { AuditRecord } from '@hearth/protocol'
import { IdentityVault } from '../identity-vault.ts'
import { AppContext, message, type HearthAppDeps } from './core-context.ts'
import * as network from './app-network.ts'
import * as rooms from './app-rooms.ts'
import { AppSnapshots } from './app-snapshots.ts'
import { AppState } from './app-state.ts'
import * as identity from './identity-actions.ts'
import * as messageActions from './message-actions.ts'
import { publishProfile } from './profiles.ts'
import * as readState from './read-state.ts'
import * as roomActions from './room-actions.ts'
import type {
  AppSnapshot, HearthAppApi, Hex, InviteOptions, InviteResult, MessagePage, ModerationReason, ProfileSummary, RoomSnapshot
} from './types.ts'

export type { HearthAppDeps } from './core-context.ts'

/** The app core. Create with {@link HearthApp.open}. */
export class HearthApp implements HearthAppApi {
  readonly #ctx: AppContext
  readonly #snapshots: AppSnapshots

  private constructor(deps: HearthAppDeps) {
    this.#ctx = new AppContext(deps)
    this.#snapshots = new AppSnapshots(this.#ctx)
  }

  /**
   * Open the app on its storage: the vault, then (with an identity) every
   * stored room. Resolves when the snapshot is `onboarding`, `ready` or
   * `failed` (storage unavailable); the network starts in the background.
   */
  static async open(deps: HearthAppDeps): Promise<HearthApp> {
    const app = new HearthApp(deps)
    const ctx = app.#ctx
    try {
      ctx.vault = await IdentityVault.open({
        storage: deps.storage, now: () => ctx.now(), ...(deps.backupIterations !== undefined ? { backupIterations: deps.backupIterations } : {})
      })
      ctx.state = await AppState.load(deps.storage, (err) => { console.error('hearth: saving app state failed', err) })
      if (ctx.vault.identity !== undefined) await rooms.startAccount(ctx)
      else ctx.status = 'onboarding'
    } catch (err) {
      ctx.status = 'failed'
      ctx.error = `This device's storage could not be opened: ${message(err)}`
    }
    ctx.changed()
    return app
  }

  // --- observation -----------------------------------------------------------

  subscribe(listener: () => void): () => void {
    this.#ctx.listeners.add(listener)
    return () => { this.#ctx.listeners.delete(listener) }
  }

  snapshot(): AppSnapshot {
    return this.#snapshots.app()
  }

  room(id: Hex): RoomSnapshot | undefined {
    return this.#snapshots.room(id)
  }

  messages(roomId: Hex, channelId: Hex): MessagePage {
    return this.#snapshots.messages(roomId, channelId)
  }

  profile(roomId: Hex, key: Hex): ProfileSummary {
    return this.#snapshots.profile(roomId, key)
  }

  auditLog(roomId: Hex): readonly AuditRecord[] {
    return this.#snapshots.auditLog(roomId)
  }

  // --- identity -------------------------------------------------------------

  async createIdentity(fields: { name: string; avatar?: { mime: string; data: Uint8Array } }): Promise<void> {
    await identity.createIdentity(this.#ctx.requireVault(), this.#ctx.status, fields)
    await rooms.startAccount(this.#ctx)
    this.#ctx.changed()
  }

  async restoreIdentity(file: Uint8Array, passphrase: string): Promise<void> {
    await identity.restoreIdentity(this.#ctx.requireVault(), file, passphrase)
    if (this.#ctx.status === 'onboarding') await rooms.startAccount(this.#ctx)
    this.#ctx.changed()
  }

  async exportBackup(passphrase: string): Promise<Uint8Array> {
    this.#ctx.me()
    const file = await identity.exportBackup(this.#ctx.requireVault(), passphrase)
    this.#ctx.changed()
    return file
  }

  async updateProfile(fields: { name: string; bio?: string; status?: string; avatar?: { mime: string; data: Uint8Array } }): Promise<void> {
    this.#ctx.me()
    const profile = await identity.updateProfile(this.#ctx.requireVault(), fields)
    this.#ctx.changed()
    for (const room of this.#ctx.rooms.values()) {
      if (room.session !== undefined) void publishProfile(room.session, profile).catch(() => undefined)
    }
  }

  // --- rooms ------------------------------------------------------------------

  createRoom(fields: { name: string; description?: string; icon?: { mime: string; data: Uint8Array }; inviteOnly?: boolean }): Promise<Hex> {
    return rooms.createRoom(this.#ctx, fields)
  }

  joinByInvite(link: string): Promise<Hex> {
    return rooms.joinByInvite(this.#ctx, link)
  }

  async createInvite(room: Hex, options: InviteOptions = {}): Promise<InviteResult> {
    const addresses = network.inviteAddresses(this.#ctx)
    return roomActions.createInvite(this.#ctx, room, options, { origin: this.#ctx.deps.origin, addresses })
  }

  leaveRoom(roomId: Hex): Promise<void> {
    return rooms.leaveRoom(this.#ctx, roomId)
  }

  updateRoom(room: Hex, fields: { name: string; description?: string; icon?: { mime: string; data: Uint8Array } }): Promise<void> {
    return roomActions.updateRoom(this.#ctx, room, fields)
  }

  setPolicy(room: Hex, policy: { join: 'open' | 'invite'; inviteMaxUses?: number }): Promise<void> {
    return roomActions.setPolicy(this.#ctx, room, policy)
  }

  // --- channels ---------------------------------------------------------------

  createChannel(room: Hex, fields: { name: string; topic?: string; kind?: 'text' | 'voice' }): Promise<Hex> {
    return roomActions.createChannel(this.#ctx, room, fields)
  }

  updateChannel(room: Hex, channel: Hex, fields: { name?: string; topic?: string; position?: number }): Promise<void> {
    return roomActions.updateChannel(this.#ctx, room, channel, fields)
  }

  deleteChannel(room: Hex, channel: Hex): Promise<void> {
    return roomActions.deleteChannel(this.#ctx, room, channel)
  }

  moveChannel(room: Hex, channel: Hex, index: number): Promise<void> {
    return roomActions.moveChannel(this.#ctx, room, channel, index)
  }

  setOverride(room: Hex, channel: Hex, target: { role: string } | { member: Hex }, allow: number, deny: number): Promise<void> {
    return roomActions.setOverride(this.#ctx, room, channel, target, allow, deny)
  }

  // --- messages -----------------------------------------------------------------

  openChannel(roomId: Hex, channelId: Hex): void {
    const room = this.#ctx.room(roomId)
    readState.openChannel(this.#ctx, room, room.channel(channelId).hex)
  }

  /** No channel is being read now (the window lost focus, or the room screen closed). Added to the contract. */
  closeChannel(): void {
    this.#ctx.active = undefined
  }

  async loadOlder(roomId: Hex, channelId: Hex): Promise<void> {
    const room = this.#ctx.room(roomId)
    const channel = room.channel(channelId)
    await room.store.loadChannel(channel.id)
    room.page(channel.hex).limit += 50
    this.#ctx.changed()
  }

  markRead(roomId: Hex, channelId: Hex): void {
    const room = this.#ctx.room(roomId)
    readState.markRead(this.#ctx, room, room.channel(channelId).hex)
  }

  send(room: Hex, channel: Hex, text: string, options?: { replyTo?: Hex }): Promise<void> {
    return messageActions.send(this.#ctx, room, channel, text, options)
  }

  edit(room: Hex, channel: Hex, messageId: Hex, text: string): Promise<void> {
    return messageActions.edit(this.#ctx, room, channel, messageId, text)
  }

  deleteMessage(room: Hex, channel: Hex, messageId: Hex): Promise<void> {
    return messageActions.deleteMessage(this.#ctx, room, channel, messageId)
  }

  react(room: Hex, channel: Hex, messageId: Hex, emoji: string, on: boolean): Promise<void> {
    return messageActions.react(this.#ctx, room, channel, messageId, emoji, on)
  }

  pin(room: Hex, channel: Hex, messageId: Hex, on: boolean): Promise<void> {
    return messageActions.pin(this.#ctx, room, channel, messageId, on)
  }

  typing(room: Hex, channel: Hex): void {
    messageActions.typing(this.#ctx, room, channel)
  }

  // --- moderation ---------------------------------------------------------------

  defineRole(room: Hex, role: { id: string; name: string; caps: number; rank: number }): Promise<void> {
    return roomActions.defineRole(this.#ctx, room, role)
  }

  deleteRole(room: Hex, role: string): Promise<void> {
    return roomActions.deleteRole(this.#ctx, room, role)
  }

  grantRole(room: Hex, member: Hex, role: string): Promise<void> {
    return roomActions.grantRole(this.#ctx, room, member, role)
  }

  revokeRole(room: Hex, member: Hex, role: string): Promise<void> {
    return roomActions.revokeRole(this.#ctx, room, member, role)
  }

  ban(room: Hex, member: Hex, options?: ModerationReason): Promise<void> {
    return roomActions.ban(this.#ctx, room, member, options)
  }

  unban(room: Hex, member: Hex): Promise<void> {
    return roomActions.unban(this.#ctx, room, member)
  }

  kick(room: Hex, member: Hex, options?: ModerationReason): Promise<void> {
    return roomActions.kick(this.#ctx, room, member, options)
  }

  timeout(room: Hex, member: Hex, untilMs: number, options?: ModerationReason): Promise<void> {
    return roomActions.timeout(this.#ctx, room, member, untilMs, options)
  }

  // --- connection ---------------------------------------------------------------

  async resync(roomId: Hex): Promise<void> {
    await network.resync(this.#ctx, this.#ctx.room(roomId))
  }

  close(): Promise<void> {
    return network.shutDown(this.#ctx)
  }
}
