/**
 * Snapshot assembly and caching. Snapshots are rebuilt lazily after a change
 * (the context's version counter), and a rebuilt value equal to the previous
 * one is the previous object (stable.ts), so `useSyncExternalStore`
 * re-renders only what changed.
 */
import { auditLog, Cap, channelCaps, fromHex, hasCaps, type AuditRecord } from '@hearth/protocol'
import type { AppContext } from './core-context.ts'
import { networkSummary } from './app-network.ts'
import type { AppRoom } from './app-room.ts'
import { roomConnection } from './connection.ts'
import { buildPage, emptyPage, type PageContext } from './message-page.ts'
import { shortKey, summaryOf } from './profiles.ts'
import { setMarker } from './read-state.ts'
import { buildRoomSnapshot, buildRoomSummary, type RoomInput } from './room-snapshot.ts'
import { Stable } from './stable.ts'
import type { AppSnapshot, Hex, MeSnapshot, MessagePage, ProfileSummary, RoomSnapshot } from './types.ts'

/** The snapshots of one app, each cached until the next change. */
export class AppSnapshots {
  readonly #ctx: AppContext
  readonly #stable = new Stable()
  #snapshot: { version: number; value: AppSnapshot } | undefined
  readonly #rooms = new Map<Hex, { version: number; value: RoomSnapshot }>()
  readonly #audit = new Map<Hex, { size: number; value: readonly AuditRecord[] }>()

  constructor(ctx: AppContext) {
    this.#ctx = ctx
  }

  /** The whole app: status, me, the rooms in the order added, the network. */
  app(): AppSnapshot {
    const ctx = this.#ctx
    if (this.#snapshot?.version === ctx.version) return this.#snapshot.value
    const rooms = this.#stable.keep('rooms', [...ctx.rooms.values()]
      .sort((a, b) => (ctx.state?.room(a.id)?.added ?? 0) - (ctx.state?.room(b.id)?.added ?? 0) || (a.id < b.id ? -1 : 1))
      .map((room) => this.#stable.keep(`summary:${room.id}`, buildRoomSummary(this.#roomInput(room)))))
    const me = this.#me()
    const value = this.#stable.keep('app', {
      status: ctx.status,
      ...(ctx.error !== undefined ? { error: ctx.error } : {}),
      ...(me !== undefined ? { me } : {}),
      rooms,
      network: networkSummary(ctx)
    } satisfies AppSnapshot)
    this.#snapshot = { version: ctx.version, value }
    return value
  }

  room(id: Hex): RoomSnapshot | undefined {
    const ctx = this.#ctx
    const room = ctx.held(id)
    if (room === undefined || ctx.vault?.identity === undefined) return undefined
    const cached = this.#rooms.get(room.id)
    if (cached?.version === ctx.version) return cached.value
    const value = this.#stable.keep(`room:${room.id}`, buildRoomSnapshot(this.#roomInput(room)))
    this.#rooms.set(room.id, { version: ctx.version, value })
    return value
  }

  /** A channel's page of messages; an empty page while it loads or when there is no such channel. */
  messages(roomId: Hex, channelId: Hex): MessagePage {
    const ctx = this.#ctx
    let room: AppRoom
    let channel: Hex
    try {
      room = ctx.room(roomId)
      channel = room.channel(channelId).hex
    } catch {
      return this.#stable.keep(`empty:${roomId}/${channelId}`, emptyPage(channelId))
    }
    const view = room.view(channel)
    if (view === undefined) return this.#stable.keep(`empty:${room.id}/${channel}`, emptyPage(channel))
    const page = room.page(channel)
    if (page.needsMarker === true) {
      page.needsMarker = false
      setMarker(ctx, room, channel)
    }
    if (page.builtAt === ctx.version && page.last !== undefined) return page.last
    const built = buildPage(channel, view, page, this.#pageContext(room, channel))
    page.builtAt = ctx.version
    return built
  }

  profile(roomId: Hex, key: Hex): ProfileSummary {
    const hex = typeof key === 'string' ? key.toLowerCase() : ''
    if (!/^[0-9a-f]{64}$/.test(hex)) return { key, name: hex.slice(0, 8), known: false }
    const room = this.#ctx.held(roomId)
    if (room === undefined) return { key: hex, name: shortKey(hex), known: false }
    return this.#ctx.profiles(room).get(hex)
  }

  /** The room's audit log, rebuilt when its authority log grows. */
  auditLog(roomId: Hex): readonly AuditRecord[] {
    const room = this.#ctx.held(roomId)
    if (room === undefined) return []
    const { authority } = room.store
    const cached = this.#audit.get(room.id)
    if (cached?.size === authority.size) return cached.value
    const value = auditLog(authority.entries)
    this.#audit.set(room.id, { size: authority.size, value })
    return value
  }

  #pageContext(room: AppRoom, channel: Hex): PageContext {
    const ctx = this.#ctx
    const { hex } = ctx.me()
    const { state } = room.store.authority
    const caps = channelCaps(state, fromHex(hex), fromHex(channel), ctx.now())
    return {
      me: hex,
      profiles: ctx.profiles(room),
      deleteOthers: hasCaps(caps, Cap.DELETE_OTHERS),
      member: state.members.has(hex) && !state.bans.has(hex)
    }
  }

  #roomInput(room: AppRoom): RoomInput {
    const ctx = this.#ctx
    const { hex } = ctx.me()
    const left = ctx.state?.room(room.id)?.left !== undefined
    return {
      room,
      me: hex,
      meBytes: fromHex(hex),
      now: ctx.now(),
      profiles: ctx.profiles(room),
      left,
      mark: (channel) => ctx.state?.read(room.id, channel),
      connection: roomConnection({
        session: room.session?.state(), network: ctx.network, networkState: ctx.networkState, left,
        archived: ctx.state?.room(room.id)?.archived !== undefined
      })
    }
  }

  #me(): MeSnapshot | undefined {
    const id = this.#ctx.vault?.identity
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
}
