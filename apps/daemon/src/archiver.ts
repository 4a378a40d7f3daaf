// The archiver of `hearth serve` (issue #5 items 6–7, PROTOCOL.md §10.8 "an archiver is a
// session that never leaves"): a RoomSession for every room it keeps, each on a RoomStore in
// the data directory's SQLite file — the same file and layout as the headless client's local
// state, so `hearth room list` there shows what the daemon archives. It keeps every room
// already stored there (a restart rejoins them all), the rooms of `--archive` invites, and
// the rooms peers ask it to keep (archive requests, PROTOCOL.md §10.9: checked, answered at
// once, joined in the background, persisted until joined), each joined once with the
// daemon's own identity (made on first use, named "Archiver").

import { join } from 'node:path'
import {
  joinRoomByInvite, keepPresence, RoomSession, RoomStore, serveSyncConversation, type RoomSessionOptions
} from '@hearth/client'
import { handleArchiveRequests, Libp2pRoomNetwork, RateLimiter, type HearthNode, type RateLimit, type StreamService } from '@hearth/net'
import { equalBytes, formatRoomId, parseInvite, toHex, type ArchiveDecision, type Bytes, type Invite, type Keypair } from '@hearth/protocol'
import { CLIENT_DB_FILE, exists, LocalState } from './commands/local-state.ts'
import { within } from './commands/online.ts'
import { ConfigError } from './errors.ts'
import { checkRequestedInvite, PendingRequests } from './archive-requests.ts'
import {
  eventKey, roomEvent, type ArchivePhase, type ArchiverEvent, type ArchiveRequestEvent, type ArchiveSource, type RoomEvent
} from './archiver-report.ts'

/** Display name of the identity the archiver makes when the data directory has none. */
export const ARCHIVER_NAME = 'Archiver'

/** Options of {@link Archiver.open}. */
export interface ArchiverOptions {
  /** The daemon's running node. */
  readonly node: HearthNode
  /** The data directory (its `hearth.sqlite` holds the identity and the rooms). */
  readonly dataDir: string
  /** Invite links of rooms to archive besides those stored (each joined once, then kept). */
  readonly invites?: readonly string[]
  /** Options of every room session. @default the session's (re-sync every 60 s) */
  readonly session?: RoomSessionOptions
  /** First wait before looking an unreachable invite's room up again; doubles up to 5 minutes. @default 10_000 */
  readonly retryMs?: number
  /** Unix ms. @default Date.now */
  readonly now?: () => number
  /** Whether peers may ask it to keep rooms (§10.9); when not, requests are refused. @default true */
  readonly acceptRequests?: boolean
  /** Rooms kept (stored, `invites`, requested) at which requests are refused. @default 1000 */
  readonly maxRooms?: number
  /** Archive requests one peer may make. @default 5 at once, then 5 a minute */
  readonly requestRate?: RateLimit
}

/** Default of {@link ArchiverOptions.maxRooms}. */
export const DEFAULT_MAX_ROOMS = 1000
/** Default of {@link ArchiverOptions.requestRate}: a few requests a minute per peer. */
export const DEFAULT_REQUEST_RATE: RateLimit = { burst: 5, perSecond: 5 / 60 }

const MAX_RETRY_MS = 300_000
/** Records stored by gossip are reported at most this often per room. */
const STORED_REPORT_MS = 1_000
/** How long closing waits for invite joins under way before closing the store under them. */
const JOIN_GRACE_MS = 3_000
/** How long closing waits for the rooms' DHT announcements to end (see close). */
const LEAVE_GRACE_MS = 2_000

/** An `--archive` invite or a pending request, parsed. */
interface ArchiveInvite {
  readonly link: string
  readonly invite: Invite
  readonly source: 'invite' | 'request'
}

/** A room the archiver keeps, with its session once it has one. */
interface Kept {
  readonly room: Bytes
  readonly source: ArchiveSource
  store?: RoomStore
  session?: RoomSession
  name?: string
  /** Why it cannot be kept (e.g. its stored genesis is unreadable). */
  failure?: { readonly code: string; readonly message: string }
  /** Its invite join failed for good (refused, invalid): not kept; a new request may try again. */
  gaveUp?: boolean
  lastKey?: string
  storedTimer?: NodeJS.Timeout
  /** Stops this room's presence notices. */
  stopPresence?: () => void
}

/** The store and the room network, opened at start when there is anything to keep, else on the first request. */
interface Online {
  readonly state: LocalState
  readonly network: Libp2pRoomNetwork
}

/** Keeps rooms live on a node and stored in the data directory. Open, {@link start}, {@link close}. */
export class Archiver {
  readonly #options: ArchiverOptions
  /** Set once the store and network are open (at once, or by the first request). */
  #ready: Online | undefined
  #opening: Promise<Online> | undefined
  #identity: Promise<Keypair> | undefined
  readonly #kept = new Map<string, Kept>()
  readonly #invites: readonly ArchiveInvite[]
  readonly #pending: PendingRequests
  readonly #limiter: RateLimiter
  #requests: Promise<StreamService | undefined> | undefined
  /** Invite joins under way. */
  readonly #joins = new Set<Promise<void>>()
  readonly #waits = new Set<() => void>()
  #listener: (event: ArchiverEvent) => void = () => undefined
  #closing: Promise<void> | undefined
  #started = false

  private constructor(options: ArchiverOptions, ready: Online | undefined, invites: readonly ArchiveInvite[], pending: PendingRequests) {
    this.#options = options
    this.#ready = ready
    if (ready !== undefined) this.#opening = Promise.resolve(ready)
    this.#invites = invites
    this.#pending = pending
    this.#limiter = new RateLimiter(options.requestRate ?? DEFAULT_REQUEST_RATE)
  }

  /** Rooms kept now (stored, joined, or being joined), the measure of {@link ArchiverOptions.maxRooms}. */
  get roomCount(): number {
    let n = 0
    for (const kept of this.#kept.values()) if (kept.gaveUp !== true) n++
    return n
  }

  /**
   * Open the data directory's store and the rooms stored there (nothing goes online yet).
   * Rejects with ConfigError for an invite that is no invite link. Without rooms or
   * invites, no store is created.
   */
  static async open(options: ArchiverOptions): Promise<Archiver> {
    const invites: ArchiveInvite[] = (options.invites ?? []).map((link) => {
      try {
        return { link, invite: parseInvite(link), source: 'invite' }
      } catch (err) {
        throw new ConfigError(`--archive ${JSON.stringify(link.slice(0, 80))}: ${err instanceof Error ? err.message : 'not an invite link'}`)
      }
    })
    // Requests accepted before a restart and not joined yet: joined like --archive invites.
    const { pending, problem } = await PendingRequests.load(options.dataDir)
    if (problem !== undefined) console.error(`hearth: ${problem}`)
    for (const request of pending.list()) {
      try {
        invites.push({ link: request.invite, invite: parseInvite(request.invite), source: 'request' })
      } catch {
        await pending.remove(request.room)
      }
    }
    if (invites.length === 0 && !(await exists(join(options.dataDir, CLIENT_DB_FILE)))) return new Archiver(options, undefined, [], pending)
    const { state, network, kept } = await Archiver.#openStore(options)
    const archiver = new Archiver(options, { state, network }, invites, pending)
    for (const [hex, entry] of kept) archiver.#kept.set(hex, entry)
    // A request whose room is stored meanwhile is done.
    for (const request of pending.list()) if (kept.has(request.room)) await pending.remove(request.room)
    return archiver
  }

  /** Open the data directory's store, its rooms, and the room network on the node. */
  static async #openStore(options: ArchiverOptions): Promise<Online & { kept: Map<string, Kept> }> {
    const now = options.now ?? Date.now
    const state = await LocalState.open({ dataDir: options.dataDir, baseUrl: 'http://127.0.0.1' }, { create: true, now })
    let network: Libp2pRoomNetwork | undefined
    try {
      const kept = new Map<string, Kept>()
      for (const room of await RoomStore.storedRooms(state.adapter)) {
        const entry: Kept = { room, source: 'stored' }
        kept.set(toHex(room), entry)
        try {
          entry.store = state.adopt(await RoomStore.open(state.adapter, room))
        } catch (err) {
          entry.failure = { code: 'unreadable', message: messageOf(err) }
        }
      }
      network = await Libp2pRoomNetwork.start(options.node, { respond: (stream, replicas) => serveSyncConversation(stream, replicas) })
      return { state, network, kept }
    } catch (err) {
      await network?.stop().catch(() => undefined)
      await state.close()
      throw err
    }
  }

  /**
   * Report every stored room (`opened`, with what is on disk), then go online: a session for
   * each, a join for each invite (and pending request) whose room is not stored yet (retried
   * while nobody of the room is reachable), and archive requests answered. `listener` gets
   * every `room` and `archive-request` event from now on.
   */
  start(listener: (event: ArchiverEvent) => void = () => undefined): void {
    if (this.#started) throw new Error('the archiver starts once')
    this.#started = true
    this.#listener = listener
    for (const kept of this.#kept.values()) {
      if (kept.failure !== undefined) this.#emit(kept, { ...this.#event(kept, 'failed'), error: kept.failure })
      else if (kept.store !== undefined) this.#report(kept, 'opened')
    }
    for (const kept of this.#kept.values()) if (kept.store !== undefined) this.#goLive(kept, kept.store)
    for (const { link, invite, source } of this.#invites) {
      const hex = toHex(invite.room)
      if (this.#kept.has(hex)) continue
      const kept: Kept = { room: invite.room, source, ...(invite.name === undefined ? {} : { name: invite.name }) }
      this.#kept.set(hex, kept)
      this.#track(this.#joinByInvite(kept, link))
    }
    this.#requests = handleArchiveRequests(this.#options.node, (invite, from) => this.#answer(invite, from), {
      onError: (err) => { console.error('hearth: an archive request failed', err) }
    }).catch((err: unknown) => {
      console.error('hearth: cannot serve archive requests', err)
      return undefined
    })
  }

  /**
   * Answer an archive request (§10.9) from peer `from`, and report it. `archiving` means the
   * room is kept: already, or joined from now on in the background (persisted first, so a
   * restart goes on). Refused: shutting down, requests off, too many from this peer, an
   * invalid or expired invite, the room limit reached.
   */
  async request(link: string, from: string): Promise<ArchiveDecision> {
    return this.#answer(link, from)
  }

  /** Stop answering requests, leave every room (timers stopped), stop serving sync, close the stores and the database. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      // Shutting down is reported by the caller (`stopping`, `stopped`), not room by room.
      this.#listener = () => undefined
      const requests = await this.#requests
      await requests?.stop().catch(() => undefined)
      for (const wake of [...this.#waits]) wake()
      // Leaving stops the sessions' timers at once, but waits for a DHT announcement under way,
      // which on a node without DHT peers lasts until the query times out (minutes): bound the
      // wait; stopping the node ends those queries.
      const leaveAll = (): Promise<void> => within(Promise.allSettled([...this.#kept.values()].map(async (kept) => { await kept.session?.leave() })), LEAVE_GRACE_MS)
      await leaveAll()
      // An invite join under way ends soon after its lookup; a session it made by then leaves at once.
      await within(Promise.allSettled([...this.#joins]), JOIN_GRACE_MS)
      for (const kept of this.#kept.values()) {
        clearTimeout(kept.storedTimer)
        kept.stopPresence?.()
      }
      await leaveAll()
      const online = await this.#opening?.catch(() => undefined)
      if (online !== undefined) {
        await within(online.network.stop(), LEAVE_GRACE_MS)
        await online.state.close()
      }
    })()
    return this.#closing
  }

  // --- internals -------------------------------------------------------------

  async #answer(link: string, from: string): Promise<ArchiveDecision> {
    const { decision, room } = await this.#decide(link, from)
    const event: ArchiveRequestEvent = {
      event: 'archive-request', peer: from, ...(room === undefined ? {} : { room: formatRoomId(room) }), ...decision
    }
    this.#notify(event)
    return decision
  }

  async #decide(link: string, from: string): Promise<{ decision: ArchiveDecision; room?: Bytes }> {
    const refuse = (detail: string, room?: Bytes): { decision: ArchiveDecision; room?: Bytes } => ({
      decision: { status: 'refused', detail }, ...(room === undefined ? {} : { room })
    })
    if (this.#isClosing()) return refuse('the daemon is shutting down; try again later')
    if (this.#options.acceptRequests === false) return refuse('this daemon does not accept archive requests')
    const now = (this.#options.now ?? Date.now)()
    if (!this.#limiter.take(from, now)) return refuse('too many archive requests from this peer; try again in a minute')
    const checked = await checkRequestedInvite(link, now)
    if (!checked.ok) return refuse(checked.detail)
    const { invite } = checked
    const hex = toHex(invite.room)
    const known = this.#kept.get(hex)
    if (known?.failure !== undefined) return refuse(`this daemon cannot read its copy of the room: ${known.failure.message}`, invite.room)
    if (known !== undefined && known.gaveUp !== true) {
      return { decision: { status: 'archiving', detail: known.store === undefined ? 'already joining this room' : 'already archiving this room' }, room: invite.room }
    }
    const max = this.#options.maxRooms ?? DEFAULT_MAX_ROOMS
    if (this.roomCount >= max) return refuse(`this daemon keeps its maximum of ${max} rooms`, invite.room)
    if (this.#isClosing()) return refuse('the daemon is shutting down; try again later', invite.room)
    const kept: Kept = { room: invite.room, source: 'request', ...(invite.name === undefined ? {} : { name: invite.name }) }
    this.#kept.set(hex, kept)
    try {
      await this.#pending.add({ invite: link.trim(), room: hex, peer: from, at: now })
    } catch (err) {
      this.#kept.delete(hex)
      throw err
    }
    this.#track(this.#joinByInvite(kept, link))
    return { decision: { status: 'archiving', detail: 'joining the room' }, room: invite.room }
  }

  /** The store and room network, opened on first use (a daemon that started with no rooms). */
  #online(): Promise<Online> {
    if (this.#isClosing()) return Promise.reject(new Error('the archiver is closing'))
    this.#opening ??= Archiver.#openStore(this.#options).then(({ state, network }) => {
      this.#ready = { state, network }
      return this.#ready
    })
    return this.#opening
  }

  /** The daemon's identity, made ("Archiver") the first time an invite is joined. */
  #keypair(state: LocalState): Promise<Keypair> {
    this.#identity ??= (async () => {
      if (state.vault.identity === undefined) await state.vault.create({ name: ARCHIVER_NAME })
      return state.vault.keypair
    })()
    return this.#identity
  }

  #goLive(kept: Kept, store: RoomStore): void {
    const network = this.#ready?.network
    if (network === undefined || this.#isClosing()) return
    const session = new RoomSession(store, network, this.#options.session)
    kept.session = session
    this.#watch(kept, session)
    // Rejects only when the store fails; leaving (on close) ends it early.
    session.start().catch((err: unknown) => { this.#fail(kept, 'local-failure', err) })
  }

  async #joinByInvite(kept: Kept, link: string): Promise<void> {
    let state: LocalState
    let network: Libp2pRoomNetwork
    let identity: Keypair
    try {
      ({ state, network } = await this.#online())
      identity = await this.#keypair(state)
    } catch (err) {
      if (!this.#isClosing()) this.#giveUp(kept, 'local-failure', err)
      return
    }
    for (let delay = this.#options.retryMs ?? 10_000; !this.#isClosing(); delay = Math.min(delay * 2, MAX_RETRY_MS)) {
      this.#report(kept, 'joining')
      try {
        const session = await joinRoomByInvite(link, {
          network, adapter: state.adapter, identity, at: (this.#options.now ?? Date.now)(), ...(this.#options.session === undefined ? {} : { session: this.#options.session })
        })
        state.adopt(session.store)
        kept.store = session.store
        kept.session = session
        // Members see the archiver by its name ("Archiver"), not as an unknown key.
        const profile = state.vault.identity?.profile
        if (profile !== undefined) await session.publishProfile(profile).catch(() => undefined)
        // Stored now: a restart keeps it as a stored room.
        if (kept.source === 'request') await this.#pending.remove(toHex(kept.room)).catch(() => undefined)
        if (this.#isClosing()) {
          await session.leave()
          return
        }
        this.#watch(kept, session)
        this.#report(kept, session.state().phase)
        return
      } catch (err) {
        if (!isRetryable(err)) {
          // A refused join leaves the fetched genesis stored; drop it, or a restart would archive a room we may not join.
          if (!this.#isClosing() && (await RoomStore.storedRooms(state.adapter).catch(() => [])).some((r) => equalBytes(r, kept.room))) {
            await RoomStore.removeRoom(state.adapter, kept.room).catch(() => undefined)
          }
          if (!this.#isClosing()) this.#giveUp(kept, errorCode(err), err)
          return
        }
        const retryAt = (this.#options.now ?? Date.now)() + delay
        this.#emit(kept, { ...this.#event(kept, 'waiting'), retryAt, error: { code: 'nobody-online', message: messageOf(err) } })
        await this.#sleep(delay)
      }
    }
  }

  #watch(kept: Kept, session: RoomSession): void {
    // Members see the archiver online while it keeps the room (§10.5 presence notices).
    const vault = this.#ready?.state.vault
    if (vault?.identity !== undefined) {
      kept.stopPresence?.()
      kept.stopPresence = keepPresence(session, vault.keypair)
    }
    session.on('state', (state) => { this.#report(kept, state.phase) })
    session.on('stored', () => {
      // Gossip may store a record at a time: report the counts once the burst is over.
      kept.storedTimer ??= setTimeout(() => {
        kept.storedTimer = undefined
        this.#report(kept, session.state().phase)
      }, STORED_REPORT_MS).unref()
    })
  }

  #report(kept: Kept, phase: ArchivePhase): void {
    this.#emit(kept, this.#event(kept, phase))
  }

  #fail(kept: Kept, code: string, err: unknown): void {
    this.#emit(kept, { ...this.#event(kept, 'failed'), error: { code, message: messageOf(err) } })
  }

  /** An invite join failed for good: report it, and forget a request (a new one may try again). */
  #giveUp(kept: Kept, code: string, err: unknown): void {
    kept.gaveUp = true
    if (kept.source === 'request') void this.#pending.remove(toHex(kept.room)).catch(() => undefined)
    this.#fail(kept, code, err)
  }

  #event(kept: Kept, phase?: ArchivePhase): RoomEvent {
    const state = kept.session?.state()
    const current = phase ?? state?.phase ?? (kept.store === undefined ? 'joining' : 'opened')
    if (kept.store !== undefined) return roomEvent(kept.store, kept.source, current, state)
    return {
      event: 'room', room: formatRoomId(kept.room), ...(kept.name === undefined ? {} : { name: kept.name }),
      source: kept.source, phase: current, peers: 0, direct: 0, relayed: 0
    }
  }

  #emit(kept: Kept, event: RoomEvent): void {
    const key = eventKey(event)
    if (key === kept.lastKey) return
    kept.lastKey = key
    this.#notify(event)
  }

  #notify(event: ArchiverEvent): void {
    try {
      this.#listener(event)
    } catch (err) {
      console.error('hearth: an archiver event listener failed', err)
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch(() => undefined).finally(() => { this.#joins.delete(tracked) })
    this.#joins.add(tracked)
  }

  /** Whether {@link close} was called (a method, so that checks after an await are not narrowed away). */
  #isClosing(): boolean {
    return this.#closing !== undefined
  }

  /** Wait `ms`, or less if the archiver closes meanwhile. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer)
        this.#waits.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.#waits.add(wake)
    })
  }
}

/** Nobody of the room was reachable (or gave its genesis): worth looking again later. */
function isRetryable(err: unknown): boolean {
  return err instanceof Error && (err.name === 'RoomNotFoundError' || err.name === 'GenesisUnavailableError')
}

function errorCode(err: unknown): string {
  if (!(err instanceof Error)) return 'failed'
  if (err.name === 'AuthorityRejectedError') return 'join-refused'
  if (err.name === 'ExpiredError') return 'invite-expired'
  if (err.name === 'InvalidInviteError' || err.name === 'InvalidSignatureError') return 'invalid-invite'
  return 'failed'
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
