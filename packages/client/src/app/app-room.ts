/**
 * One room held by the app: its store, its session while live, and what
 * the app keeps about it in memory — presence and typing from signals
 * (PROTOCOL.md §10.5), message page states, cached unread counts.
 * Writes go through the session when live (stored, then published) and
 * straight to the store otherwise (peers get them by sync later).
 */
import {
  fromHex, toHex, type Action, type Bytes, type ChannelEventNode, type ChannelView, type EntryNode,
  type EventBody, type Keypair, type Signal, type Verified
} from '@hearth/protocol'
import type { RoomSession } from '../session/room-session.ts'
import { ChannelNotLoadedError } from '../store/errors.ts'
import type { RoomStore } from '../store/room-store.ts'
import { NotFoundError } from './errors.ts'
import { PAGE_SIZE, type PageState } from './message-page.ts'
import type { Hex, Presence } from './types.ts'
import { hexId } from './validate.ts'

/** How long a typing signal shows. */
export const TYPING_MS = 6_000
/** A member without a presence signal for this long is offline. */
export const PRESENCE_TTL_MS = 120_000

/** What the room tells the app. */
export interface AppRoomHooks {
  /** Something shown changed. */
  changed(): void
  /** Records were stored in a channel (to mark the active channel read). */
  channelStored(room: AppRoom, channel: Hex): void
  /** A typing notice will expire at `at`: re-render then. */
  expireAt(at: number): void
  now(): number
  /** Keep my presence known in the room while `session` is attached; returns the function that stops it. */
  present(session: RoomSession): () => void
}

export class AppRoom {
  readonly id: Hex
  readonly store: RoomStore
  session: RoomSession | undefined
  readonly #hooks: AppRoomHooks
  readonly #offs: (() => void)[] = []
  readonly presence = new Map<Hex, { status: Presence; seen: number }>()
  /** channel → member → until. */
  readonly typing = new Map<Hex, Map<Hex, number>>()
  readonly pages = new Map<Hex, PageState>()
  /** Unread counts per channel, valid while `key` holds. */
  readonly unread = new Map<Hex, { key: string; unread: number; mentions: number; first?: Hex }>()
  /** When I last sent a typing signal, per channel. */
  readonly typingSent = new Map<Hex, number>()
  readonly #loading = new Set<Hex>()

  constructor(store: RoomStore, hooks: AppRoomHooks) {
    this.id = toHex(store.room)
    this.store = store
    this.#hooks = hooks
  }

  /** Make the room live on `session` (already started or not). */
  attach(session: RoomSession): void {
    this.detach()
    this.session = session
    this.#offs.push(
      session.on('stored', (notice) => {
        const log = notice.log as { kind: string; channel?: Uint8Array }
        if (log.kind === 'channel' && log.channel !== undefined) this.#hooks.channelStored(this, toHex(log.channel))
        this.#hooks.changed()
      }),
      session.on('state', () => { this.#hooks.changed() }),
      session.on('signal', ({ signal }) => { this.#signal(signal) }),
      this.#hooks.present(session)
    )
  }

  /** Stop listening to the session (it is not left here). */
  detach(): void {
    for (const off of this.#offs.splice(0)) off()
    this.session = undefined
  }

  /** A channel the room defines, by hex id; NotFoundError otherwise. */
  channel(value: unknown): { id: Bytes; hex: Hex; name: string } {
    const id = hexId(value, 16, 'The channel')
    const hex = toHex(id)
    const ch = this.store.authority.state.channels.get(hex)
    if (ch === undefined) throw new NotFoundError('channel', 'There is no such channel in this room (it may have been deleted).')
    return { id, hex, name: ch.name }
  }

  /** The channel's view, or undefined while it loads (a load is started and re-renders when done). */
  view(channel: Hex): ChannelView | undefined {
    try {
      return this.store.view(fromHex(channel))
    } catch (err) {
      if (err instanceof ChannelNotLoadedError) {
        this.load(channel)
        return undefined
      }
      return undefined
    }
  }

  /** Load a stored channel in the background. */
  load(channel: Hex): void {
    if (this.#loading.has(channel)) return
    this.#loading.add(channel)
    void this.store.loadChannel(fromHex(channel)).then(
      () => { this.#loading.delete(channel); this.#hooks.changed() },
      () => { this.#loading.delete(channel) }
    )
  }

  /** A channel's view, loading it first. */
  async loadedView(channel: Bytes): Promise<ChannelView> {
    await this.store.loadChannel(channel)
    return this.store.view(channel)
  }

  page(channel: Hex): PageState {
    let state = this.pages.get(channel)
    if (state === undefined) {
      state = { limit: PAGE_SIZE, shown: new Map() }
      this.pages.set(channel, state)
    }
    return state
  }

  /** Sign and store an authority entry; publish it when live. */
  async postAuthority(keypair: Keypair, act: Action, at: number): Promise<Verified<EntryNode>> {
    const node = this.session !== undefined && this.session.state().phase !== 'left'
      ? await this.session.postAuthority(keypair, act, at)
      : await this.store.postAuthority(keypair, act, at)
    this.#hooks.changed()
    return node
  }

  /** Sign and store a channel event; publish it when live. */
  async postEvent(keypair: Keypair, channel: Bytes, body: EventBody, at: number): Promise<Verified<ChannelEventNode>> {
    await this.store.loadChannel(channel)
    const node = this.session !== undefined && this.session.state().phase !== 'left'
      ? await this.session.postEvent(keypair, channel, body, at)
      : await this.store.postEvent(keypair, channel, body, at)
    this.#hooks.channelStored(this, toHex(channel))
    this.#hooks.changed()
    return node
  }

  /** A member's presence now. */
  presenceOf(key: Hex, now: number): Presence {
    const seen = this.presence.get(key)
    return seen !== undefined && now - seen.seen <= PRESENCE_TTL_MS ? seen.status : 'offline'
  }

  /** Names typing per channel now (`exclude`: me). */
  typingNow(now: number): Map<Hex, Hex[]> {
    const out = new Map<Hex, Hex[]>()
    for (const [channel, members] of this.typing) {
      const keys = [...members].filter(([, until]) => until > now).map(([k]) => k)
      if (keys.length > 0) out.set(channel, keys)
    }
    return out
  }

  #signal(signal: Verified<Signal>): void {
    const key = toHex(signal.identity)
    const now = this.#hooks.now()
    if (signal.kind === 'presence' && signal.status !== undefined) {
      this.presence.set(key, { status: signal.status, seen: now })
    } else if (signal.kind === 'typing' && signal.channel !== undefined) {
      const channel = toHex(signal.channel)
      let members = this.typing.get(channel)
      if (members === undefined) {
        members = new Map()
        this.typing.set(channel, members)
      }
      members.set(key, now + TYPING_MS)
      this.#hooks.expireAt(now + TYPING_MS)
      // Typing shows the member is here, when no presence says otherwise.
      if (this.presenceOf(key, now) === 'offline') this.presence.set(key, { status: 'online', seen: now })
    }
    this.#hooks.changed()
  }

  /** A member posted in a channel: stop showing them as typing there. */
  stoppedTyping(channel: Hex, key: Hex): void {
    this.typing.get(channel)?.delete(key)
  }
}
