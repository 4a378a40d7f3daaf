// A small in-memory HearthAppApi for component tests (never imported by product code).
// Tests set snapshots directly (setRoom, setPage, patch) and read what the UI asked for
// in `calls`. A few actions change state the way the real app would (send, react,
// createRoom, createIdentity) so flows can be followed through the UI.

import { STATIC_ROLES, type AuditRecord } from '@hearth/protocol'
import type {
  AppSnapshot,
  ChannelSummary,
  HearthAppApi,
  Hex,
  InviteOptions,
  InviteResult,
  MemberSummary,
  MessagePage,
  MessageSummary,
  ProfileSummary,
  Rights,
  RoomSnapshot
} from '../hearth-api.ts'

export const ME = 'aa'.repeat(32)
export const ROOM = '11'.repeat(32)
export const GENERAL = '22'.repeat(16)
export const RANDOM = '33'.repeat(16)

/** Every right, or none, with overrides. */
export function rights(all: boolean, overrides: Partial<Rights> = {}): Rights {
  return {
    post: all, react: all, attach: all, ban: all, kick: all, timeout: all, deleteOthers: all,
    pin: all, invite: all, manageChannels: all, manageRoles: all, manageRoom: all, ...overrides
  }
}

export function profile(name: string, key: Hex = name.padEnd(64, '0').slice(0, 64)): ProfileSummary {
  return { key, name, known: true }
}

export function member(name: string, fields: Partial<MemberSummary> = {}): MemberSummary {
  return {
    ...profile(name), roles: STATIC_ROLES.filter((r) => r.id === 'member'), presence: 'online', owner: false, outranked: true, ...fields
  }
}

export function channel(id: Hex, name: string, fields: Partial<ChannelSummary> = {}): ChannelSummary {
  return { id, name, kind: 'text', position: 0, unread: 0, mentions: 0, rights: rights(true), ...fields }
}

let nextId = 1
export function message(text: string, fields: Partial<MessageSummary> = {}): MessageSummary {
  const id = (nextId++).toString(16).padStart(64, '0')
  return {
    id, author: profile('Alice'), at: Date.UTC(2026, 0, 2, 10, 0), text, deleted: false, pinned: false,
    reactions: [], mentions: [], mentionsMe: false, mine: false, canDelete: false, ...fields
  }
}

export function room(fields: Partial<RoomSnapshot> = {}): RoomSnapshot {
  return {
    id: ROOM, idText: 'room-text-id', name: 'Test room', policy: { join: 'open' }, rights: rights(true),
    channels: [channel(GENERAL, 'general'), channel(RANDOM, 'random', { position: 1 })],
    members: [member('Me', { key: ME, outranked: false, owner: true }), member('Bob')],
    bans: [], roles: STATIC_ROLES, assignableRoles: ['owner', 'mod'], typing: {},
    connection: { phase: 'live', peers: [], direct: 0, relayed: 0, archiverReachable: false, archived: false, message: 'Connected' },
    warnings: [], overrides: {}, ...fields
  }
}

type Call = { readonly method: string; readonly args: readonly unknown[] }

/** The fake app core. */
export class FakeApp implements HearthAppApi {
  readonly calls: Call[] = []
  #snapshot: AppSnapshot
  readonly #rooms = new Map<Hex, RoomSnapshot>()
  readonly #pages = new Map<string, MessagePage>()
  readonly #listeners = new Set<() => void>()
  audit: readonly AuditRecord[] = []

  constructor(snapshot: Partial<AppSnapshot> = {}) {
    this.#snapshot = {
      status: 'ready',
      me: { ...profile('Me', ME), userId: 'me-user-id', created: 0, needsBackup: false },
      rooms: [],
      network: { state: 'online', peers: 0, direct: 0, relayed: 0, bootstrapConnected: 0, bootstrapConfigured: 0, observedAddresses: [] },
      ...snapshot
    }
  }

  /** Replace parts of the app snapshot. */
  patch(fields: Partial<AppSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...fields }
    this.#emit()
  }

  /** Add or replace a room (and its sidebar entry). */
  setRoom(snapshot: RoomSnapshot): void {
    this.#rooms.set(snapshot.id, snapshot)
    const summary = { id: snapshot.id, idText: snapshot.idText, name: snapshot.name, unread: 0, mentions: 0, phase: snapshot.connection.phase, standing: 'member' as const }
    this.#snapshot = { ...this.#snapshot, rooms: [...this.#snapshot.rooms.filter((r) => r.id !== snapshot.id), summary] }
    this.#emit()
  }

  setPage(roomId: Hex, channelId: Hex, page: Partial<MessagePage>): void {
    this.#pages.set(`${roomId}/${channelId}`, { channel: channelId, messages: [], hasOlder: false, ...page })
    this.#emit()
  }

  #emit(): void {
    for (const l of [...this.#listeners]) l()
  }

  #record(method: string, ...args: unknown[]): Promise<void> {
    this.calls.push({ method, args })
    return Promise.resolve()
  }

  /** Calls of one method, by name. */
  called(method: string): (readonly unknown[])[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args)
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }
  snapshot = (): AppSnapshot => this.#snapshot
  room = (id: Hex): RoomSnapshot | undefined => this.#rooms.get(id)
  messages = (roomId: Hex, channelId: Hex): MessagePage =>
    this.#pages.get(`${roomId}/${channelId}`) ?? { channel: channelId, messages: [], hasOlder: false }
  profile = (_room: Hex, key: Hex): ProfileSummary => profile(key.slice(0, 6), key)
  auditLog = (): readonly AuditRecord[] => this.audit

  async createIdentity(fields: { name: string }): Promise<void> {
    await this.#record('createIdentity', fields)
    this.patch({ status: 'ready', me: { ...profile(fields.name, ME), userId: 'me-user-id', created: 0, needsBackup: true } })
  }
  restoreIdentity(file: Uint8Array, passphrase: string): Promise<void> { return this.#record('restoreIdentity', file, passphrase) }
  async exportBackup(passphrase: string): Promise<Uint8Array> {
    await this.#record('exportBackup', passphrase)
    return new Uint8Array([1, 2, 3])
  }
  updateProfile(fields: object): Promise<void> { return this.#record('updateProfile', fields) }

  async createRoom(fields: { name: string }): Promise<Hex> {
    await this.#record('createRoom', fields)
    const id = 'cc'.repeat(32)
    this.setRoom(room({ id, name: fields.name }))
    return id
  }
  async joinByInvite(link: string): Promise<Hex> {
    await this.#record('joinByInvite', link)
    this.setRoom(room())
    return ROOM
  }
  async createInvite(roomId: Hex, options?: InviteOptions): Promise<InviteResult> {
    await this.#record('createInvite', roomId, options)
    return { link: `https://hearth.test/#/join/${roomId}` }
  }
  leaveRoom(roomId: Hex): Promise<void> { return this.#record('leaveRoom', roomId) }
  updateRoom(roomId: Hex, fields: object): Promise<void> { return this.#record('updateRoom', roomId, fields) }
  setPolicy(roomId: Hex, policy: object): Promise<void> { return this.#record('setPolicy', roomId, policy) }

  async createChannel(roomId: Hex, fields: object): Promise<Hex> {
    await this.#record('createChannel', roomId, fields)
    return '44'.repeat(16)
  }
  updateChannel(roomId: Hex, channelId: Hex, fields: object): Promise<void> { return this.#record('updateChannel', roomId, channelId, fields) }
  deleteChannel(roomId: Hex, channelId: Hex): Promise<void> { return this.#record('deleteChannel', roomId, channelId) }
  moveChannel(roomId: Hex, channelId: Hex, index: number): Promise<void> { return this.#record('moveChannel', roomId, channelId, index) }
  setOverride(roomId: Hex, channelId: Hex, target: object, allow: number, deny: number): Promise<void> {
    return this.#record('setOverride', roomId, channelId, target, allow, deny)
  }

  openChannel(roomId: Hex, channelId: Hex): void { void this.#record('openChannel', roomId, channelId) }
  loadOlder(roomId: Hex, channelId: Hex): Promise<void> { return this.#record('loadOlder', roomId, channelId) }
  markRead(roomId: Hex, channelId: Hex): void { void this.#record('markRead', roomId, channelId) }
  async send(roomId: Hex, channelId: Hex, text: string, options?: { replyTo?: Hex }): Promise<void> {
    await this.#record('send', roomId, channelId, text, options)
    const page = this.messages(roomId, channelId)
    this.setPage(roomId, channelId, { ...page, messages: [...page.messages, message(text, { author: profile('Me', ME), mine: true, canDelete: true })] })
  }
  edit(roomId: Hex, channelId: Hex, id: Hex, text: string): Promise<void> { return this.#record('edit', roomId, channelId, id, text) }
  deleteMessage(roomId: Hex, channelId: Hex, id: Hex): Promise<void> { return this.#record('deleteMessage', roomId, channelId, id) }
  react(roomId: Hex, channelId: Hex, id: Hex, emoji: string, on: boolean): Promise<void> {
    return this.#record('react', roomId, channelId, id, emoji, on)
  }
  pin(roomId: Hex, channelId: Hex, id: Hex, on: boolean): Promise<void> { return this.#record('pin', roomId, channelId, id, on) }
  typing(roomId: Hex, channelId: Hex): void { void this.#record('typing', roomId, channelId) }

  defineRole(roomId: Hex, role: object): Promise<void> { return this.#record('defineRole', roomId, role) }
  deleteRole(roomId: Hex, role: string): Promise<void> { return this.#record('deleteRole', roomId, role) }
  grantRole(roomId: Hex, key: Hex, role: string): Promise<void> { return this.#record('grantRole', roomId, key, role) }
  revokeRole(roomId: Hex, key: Hex, role: string): Promise<void> { return this.#record('revokeRole', roomId, key, role) }
  ban(roomId: Hex, key: Hex, options?: object): Promise<void> { return this.#record('ban', roomId, key, options) }
  unban(roomId: Hex, key: Hex): Promise<void> { return this.#record('unban', roomId, key) }
  kick(roomId: Hex, key: Hex, options?: object): Promise<void> { return this.#record('kick', roomId, key, options) }
  timeout(roomId: Hex, key: Hex, untilMs: number, options?: object): Promise<void> { return this.#record('timeout', roomId, key, untilMs, options) }

  resync(roomId: Hex): Promise<void> { return this.#record('resync', roomId) }
  close(): Promise<void> { return this.#record('close') }
}
