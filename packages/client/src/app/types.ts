/**
 * The app core's contract: what a user interface (the web app; later the
 * CLI) sees of Hearth. `HearthApp` (hearth-app.ts) composes the identity
 * vault, the storage port, a network, and one `RoomStore` + `RoomSession`
 * per room, and presents them as plain, immutable snapshots plus actions.
 *
 * Rules of the contract:
 * - Snapshots are immutable plain data (hex strings for keys and ids, numbers
 *   for times) and are replaced, never mutated, when something changes, so a
 *   React `useSyncExternalStore(app.subscribe, app.snapshot)` re-renders on
 *   identity change only. `subscribe` listeners run after every change.
 * - Actions validate their input and throw a typed Error with a message a
 *   person can read (the UI shows `error.message`); they never leave the
 *   app half-changed. Rights are checked by the protocol (the store refuses a
 *   write the authority state does not allow); the `can` flags only tell the
 *   UI which controls to show.
 * - No protocol logic in the UI: everything the UI needs to decide is here.
 */
import type { AuditRecord, RoleDef } from '@hearth/protocol'
import type { ConnectionKind, SessionError, SessionPhase } from '../session/index.ts'

/** Hex text of a 32-byte key or id (lowercase). */
export type Hex = string

/** A profile as the UI shows it (the member's newest signed profile, or a fallback). */
export interface ProfileSummary {
  readonly key: Hex
  /** Display name; the short key form (`formatUserId` prefix) when no profile is known. */
  readonly name: string
  /** Whether `name` comes from a signed profile (false: a fallback from the key). */
  readonly known: boolean
  readonly bio?: string
  readonly status?: string
  /** `data:` URL of the avatar image, when the profile has one. */
  readonly avatarUrl?: string
}

/** The local account. */
export interface MeSnapshot extends ProfileSummary {
  /** The user id text (`formatUserId`), for showing and copying. */
  readonly userId: string
  readonly created: number
  /** When a backup was last exported (or restored from); undefined when never. */
  readonly backedUpAt?: number
  /** The gentle reminder: no backup exported (or restored from) yet. */
  readonly needsBackup: boolean
}

/** A room in the sidebar. */
export interface RoomSummary {
  readonly id: Hex
  /** `formatRoomId` text. */
  readonly idText: string
  readonly name: string
  readonly iconUrl?: string
  /** Unread messages over every channel (0 when read). */
  readonly unread: number
  /** Unread messages that mention me. */
  readonly mentions: number
  readonly phase: SessionPhase
  /** The room was left / I was banned or kicked (shown greyed, with the reason). */
  readonly standing: 'member' | 'banned' | 'kicked' | 'left' | 'not-member'
}

/** Capabilities of the local member in a room or channel, as flags the UI reads. */
export interface Rights {
  readonly post: boolean
  readonly react: boolean
  readonly attach: boolean
  readonly ban: boolean
  readonly kick: boolean
  readonly timeout: boolean
  readonly deleteOthers: boolean
  readonly pin: boolean
  readonly invite: boolean
  readonly manageChannels: boolean
  readonly manageRoles: boolean
  readonly manageRoom: boolean
}

/** A channel in the channel list. */
export interface ChannelSummary {
  readonly id: Hex
  readonly name: string
  readonly kind: 'text' | 'voice'
  readonly position: number
  readonly topic?: string
  readonly unread: number
  readonly mentions: number
  /** My rights in this channel (after overrides and timeouts). */
  readonly rights: Rights
}

/** Presence of a member, from signals (offline when none seen recently). */
export type Presence = 'online' | 'idle' | 'busy' | 'offline'

/** A member in the member list. */
export interface MemberSummary extends ProfileSummary {
  /** Roles held, highest rank first; `member` last. */
  readonly roles: readonly RoleDef[]
  readonly presence: Presence
  /** Running timeout end (ms), if any. */
  readonly timeoutUntil?: number
  readonly owner: boolean
  /** Whether I outrank this member (so I may ban, kick, time out, assign roles below me). */
  readonly outranked: boolean
}

/** A banned key. */
export interface BanSummary extends ProfileSummary {
  readonly reason?: string
  readonly by: Hex
}

/** One reaction on a message. */
export interface ReactionSummary {
  readonly emoji: string
  readonly count: number
  /** Whether I am among the reactors. */
  readonly mine: boolean
  /** Names of reactors (for the tooltip). */
  readonly names: readonly string[]
}

/** A message in the message view. */
export interface MessageSummary {
  readonly id: Hex
  readonly author: ProfileSummary
  /** Author's clock when posting (ms). */
  readonly at: number
  /** Text; absent on a tombstone or encrypted content. */
  readonly text?: string
  readonly deleted: boolean
  readonly edited?: { readonly at: number }
  readonly pinned: boolean
  readonly reactions: readonly ReactionSummary[]
  /** The replied-to message, when it is stored (author name and the first line of its text). */
  readonly replyTo?: { readonly id: Hex; readonly authorName: string; readonly excerpt: string; readonly deleted: boolean }
  /** Mentioned keys. */
  readonly mentions: readonly Hex[]
  /** Whether I am mentioned (the UI highlights the message). */
  readonly mentionsMe: boolean
  /** Whether I wrote it (edit allowed). */
  readonly mine: boolean
  /** Whether I may delete it (mine, or DELETE_OTHERS). */
  readonly canDelete: boolean
}

/** A page of a channel's history, oldest first. */
export interface MessagePage {
  readonly channel: Hex
  /** Oldest first, as displayed (newest at the bottom). */
  readonly messages: readonly MessageSummary[]
  /** Whether older messages exist (load them with `loadOlder`). */
  readonly hasOlder: boolean
  /** Id of the first unread message when the channel was opened (the "new messages" marker), if any. */
  readonly firstUnread?: Hex
}

/** The room's connection, for the status panel (PROTOCOL.md §10.8). */
export interface RoomConnection {
  readonly phase: SessionPhase
  readonly peers: readonly { readonly id: string; readonly connection: ConnectionKind; readonly name?: string }[]
  readonly direct: number
  readonly relayed: number
  /** Whether an always-on archiver (a daemon, by its peer id from the config or the invite) is connected in the room. */
  readonly archiverReachable: boolean
  /** Whether a daemon said it archives this room (the app asks the bootstrap daemons when a room is created or joined). */
  readonly archived: boolean
  /** The running (or last) sync: records stored so far per log and in total. */
  readonly sync?: { readonly running: boolean; readonly stored: number; readonly rejected: number; readonly peers: number; readonly complete?: boolean }
  readonly lastError?: SessionError
  /** A sentence for people: "Looking for peers…", "Nobody who has this room is online", … */
  readonly message: string
}

/** An open room: everything the room screen shows. */
export interface RoomSnapshot {
  readonly id: Hex
  readonly idText: string
  readonly name: string
  readonly description?: string
  readonly iconUrl?: string
  readonly policy: { readonly join: 'open' | 'invite'; readonly inviteMaxUses?: number }
  /** My room-level rights. */
  readonly rights: Rights
  readonly channels: readonly ChannelSummary[]
  readonly members: readonly MemberSummary[]
  readonly bans: readonly BanSummary[]
  /** Role definitions, highest rank first (static and custom). */
  readonly roles: readonly RoleDef[]
  /** Ids of the roles I may grant to or revoke from members I outrank (none without MANAGE_ROLES). */
  readonly assignableRoles: readonly string[]
  /** Typing members per channel (names; mine excluded), from signals of the last few seconds. */
  readonly typing: Readonly<Record<Hex, readonly string[]>>
  readonly connection: RoomConnection
  /** Warnings for people: e.g. sequencer equivocation proofs held by the authority log. */
  readonly warnings: readonly string[]
  /** Per-channel overrides, for the channel settings dialog. */
  readonly overrides: Readonly<Record<Hex, readonly { readonly target: { readonly role: string } | { readonly member: Hex }; readonly allow: number; readonly deny: number }[]>>
}

/** The whole app's snapshot. */
export interface AppSnapshot {
  /** `loading` until the vault and stored rooms are open; `onboarding` when there is no identity. */
  readonly status: 'loading' | 'onboarding' | 'ready' | 'failed'
  /** Why `failed` (e.g. IndexedDB unavailable). */
  readonly error?: string
  readonly me?: MeSnapshot
  readonly rooms: readonly RoomSummary[]
  /** The network: started, peers connected, and whether the bootstrap daemon is reachable. */
  readonly network: NetworkSummary
}

export interface NetworkSummary {
  readonly state: 'offline' | 'starting' | 'online' | 'failed'
  readonly peers: number
  readonly direct: number
  readonly relayed: number
  /** Bootstrap peers (daemons) connected now, and configured. */
  readonly bootstrapConnected: number
  readonly bootstrapConfigured: number
  /** Our addresses as connected peers observe them (identify; app-level STUN). */
  readonly observedAddresses: readonly string[]
  readonly error?: string
}

/** Options for an invite link (PROTOCOL.md §4.3). */
export interface InviteOptions {
  /** Expiry in ms from now; undefined: never. */
  readonly expiresInMs?: number
  /** Attach a one-off code so uses can be counted against the room's `inviteMaxUses`. */
  readonly counted?: boolean
}

/** What `createInvite` returns. */
export interface InviteResult {
  /** `https://…/#/join/…` on the app's origin. */
  readonly link: string
  readonly expires?: number
}

/** Reasons for the moderation actions. */
export interface ModerationReason {
  readonly reason?: string
}

/**
 * The app core. One per browser tab (or CLI process). Every method that
 * names a room or channel takes their hex ids.
 */
export interface HearthAppApi {
  // --- observation
  subscribe(listener: () => void): () => void
  snapshot(): AppSnapshot
  /** The room screen's snapshot (undefined for an unknown room). Same identity until the room changes. */
  room(id: Hex): RoomSnapshot | undefined
  /** The loaded page of a channel (newest `limit` initially; grows with `loadOlder`). */
  messages(room: Hex, channel: Hex): MessagePage
  /** Profile of any key known in a room (members, authors). */
  profile(room: Hex, key: Hex): ProfileSummary
  /** The authority log as an audit list, newest last. */
  auditLog(room: Hex): readonly AuditRecord[]

  // --- identity (onboarding and settings)
  createIdentity(fields: { name: string; avatar?: { mime: string; data: Uint8Array } }): Promise<void>
  restoreIdentity(file: Uint8Array, passphrase: string): Promise<void>
  exportBackup(passphrase: string): Promise<Uint8Array>
  updateProfile(fields: { name: string; bio?: string; status?: string; avatar?: { mime: string; data: Uint8Array } }): Promise<void>

  // --- rooms
  createRoom(fields: { name: string; description?: string; icon?: { mime: string; data: Uint8Array }; inviteOnly?: boolean }): Promise<Hex>
  /** Join by an invite link (https `#/join/…` or `hearth:` form); resolves with the room id once joined (synced or still syncing). */
  joinByInvite(link: string): Promise<Hex>
  createInvite(room: Hex, options?: InviteOptions): Promise<InviteResult>
  leaveRoom(room: Hex): Promise<void>
  updateRoom(room: Hex, fields: { name: string; description?: string; icon?: { mime: string; data: Uint8Array } }): Promise<void>
  setPolicy(room: Hex, policy: { join: 'open' | 'invite'; inviteMaxUses?: number }): Promise<void>

  // --- channels
  createChannel(room: Hex, fields: { name: string; topic?: string }): Promise<Hex>
  updateChannel(room: Hex, channel: Hex, fields: { name?: string; topic?: string; position?: number }): Promise<void>
  deleteChannel(room: Hex, channel: Hex): Promise<void>
  /** Move a channel to `index` in the list (rewrites positions as needed). */
  moveChannel(room: Hex, channel: Hex, index: number): Promise<void>
  setOverride(room: Hex, channel: Hex, target: { role: string } | { member: Hex }, allow: number, deny: number): Promise<void>

  // --- messages
  /** Open a channel: it becomes the one read (unread cleared as messages are seen). */
  openChannel(room: Hex, channel: Hex): void
  loadOlder(room: Hex, channel: Hex): Promise<void>
  markRead(room: Hex, channel: Hex): void
  send(room: Hex, channel: Hex, text: string, options?: { replyTo?: Hex }): Promise<void>
  edit(room: Hex, channel: Hex, message: Hex, text: string): Promise<void>
  deleteMessage(room: Hex, channel: Hex, message: Hex): Promise<void>
  react(room: Hex, channel: Hex, message: Hex, emoji: string, on: boolean): Promise<void>
  pin(room: Hex, channel: Hex, message: Hex, on: boolean): Promise<void>
  /** Tell the room I am typing in `channel` (rate-limited inside; call on every keystroke). */
  typing(room: Hex, channel: Hex): void

  // --- moderation
  defineRole(room: Hex, role: { id: string; name: string; caps: number; rank: number }): Promise<void>
  deleteRole(room: Hex, role: string): Promise<void>
  grantRole(room: Hex, member: Hex, role: string): Promise<void>
  revokeRole(room: Hex, member: Hex, role: string): Promise<void>
  ban(room: Hex, member: Hex, options?: ModerationReason): Promise<void>
  unban(room: Hex, member: Hex): Promise<void>
  kick(room: Hex, member: Hex, options?: ModerationReason): Promise<void>
  /** `untilMs` 0 clears a timeout. */
  timeout(room: Hex, member: Hex, untilMs: number, options?: ModerationReason): Promise<void>

  // --- connection
  /** Look the room up and sync again now. */
  resync(room: Hex): Promise<void>
  /** Stop the network and close storage (tab closing; tests). */
  close(): Promise<void>
}

/**
 * The network the app core runs on, made by the composition root (the web
 * app builds it from @hearth/net's browser node; tests from the in-memory
 * double). The app core never imports libp2p.
 */
export interface AppNetwork {
  /** The room network sessions go live on. */
  readonly rooms: import('../session/index.ts').RoomNetwork
  /** Connections, bootstrap reachability and observed addresses, now. */
  summary(): Omit<NetworkSummary, 'state'>
  /** Called when connections change (peers come and go). Returns the unsubscribe function. */
  onChange(listener: () => void): () => void
  /** Whether a peer id is an always-on daemon (a configured bootstrap peer or an address from an invite). */
  isArchiver(peerId: string): boolean
  /** Addresses to put in invites: how others can reach us or our daemon (multiaddrs with /p2p/). */
  inviteAddresses(): readonly string[]
  /**
   * Ask the always-on daemons (the bootstrap peers) to archive a room, by
   * handing them an invite link to it (PROTOCOL.md §10.9). Resolves with one
   * answer per daemon asked; never rejects for a daemon's refusal or absence.
   */
  requestArchive(invite: string): Promise<readonly ArchiveAnswer[]>
  stop(): Promise<void>
}

/** A daemon's answer to an archive request. */
export interface ArchiveAnswer {
  readonly peer: string
  /** `archiving`: it keeps the room (already, or from now on); otherwise why not. */
  readonly status: 'archiving' | 'refused' | 'unreachable'
  readonly message?: string
}
