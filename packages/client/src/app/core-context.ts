/**
 * The app core's shared state: what `HearthApp` holds (vault, app state,
 * rooms, network link, open channel, timers) and the `AppCore` services
 * over it, handed to the modules that make up the app (app-network.ts,
 * held-rooms.ts, read-state.ts, app-snapshots.ts). `changed()` bumps one
 * version counter and calls the listeners once per microtask.
 */
import { toHex, type Keypair, type StorageAdapter } from '@hearth/protocol'
import type { IdentityVault } from '../identity-vault.ts'
import type { RoomSessionOptions } from '../session/room-session.ts'
import { systemClock, type Clock, type Timer } from '../transport/clock.ts'
import type { AppCore } from './app-core.ts'
import type { AppRoom } from './app-room.ts'
import type { AppState } from './app-state.ts'
import { NotFoundError, NotReadyError } from './errors.ts'
import { ProfileResolver } from './profiles.ts'
import type { AppNetwork, AppSnapshot, Hex, NetworkSummary } from './types.ts'
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

/** An error's message, for showing. */
export const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/** The app core's state, shared by its modules (one per `HearthApp`, never handed out). */
export class AppContext implements AppCore {
  readonly deps: HearthAppDeps
  readonly clock: Clock
  readonly #now: () => number
  status: AppSnapshot['status'] = 'loading'
  error: string | undefined
  vault: IdentityVault | undefined
  state: AppState | undefined
  readonly rooms = new Map<Hex, AppRoom>()
  network: AppNetwork | undefined
  networkState: NetworkSummary['state'] = 'offline'
  networkError: string | undefined
  /** Set once the network is started; resolves to it, or undefined when it failed or the app closed first. */
  networkReady: Promise<AppNetwork | undefined> | undefined
  offNetwork: (() => void) | undefined
  /** The channel being read now: records stored in it are marked read. */
  active: { room: Hex; channel: Hex } | undefined
  readonly listeners = new Set<() => void>()
  /** Bumped by every change: what was built at an older version is stale. */
  version = 0
  #notifying = false
  readonly timers = new Set<Timer>()
  closed = false

  constructor(deps: HearthAppDeps) {
    this.deps = deps
    this.#now = deps.now ?? Date.now
    this.clock = deps.clock ?? systemClock
  }

  now(): number {
    return this.#now()
  }

  me(): { keypair: Keypair; hex: Hex } {
    const vault = this.requireVault()
    if (vault.identity === undefined) throw new NotReadyError('Create an account (or restore one) first.')
    return { keypair: vault.keypair, hex: toHex(vault.identity.publicKey) }
  }

  room(id: unknown): AppRoom {
    const hex = toHex(hexId(id, 32, 'The room'))
    const room = this.rooms.get(hex)
    if (room === undefined) throw new NotFoundError('room', 'That room is not on this device (join it with an invite link).')
    return room
  }

  /** A room I hold by an id as given, or undefined (for reads that never throw). */
  held(id: unknown): AppRoom | undefined {
    return this.rooms.get(typeof id === 'string' ? id.toLowerCase() : '')
  }

  profiles(room: AppRoom): ProfileResolver {
    return new ProfileResolver(room.store, this.vault?.identity?.profile)
  }

  changed(): void {
    this.version++
    if (this.#notifying) return
    this.#notifying = true
    queueMicrotask(() => {
      this.#notifying = false
      for (const listener of [...this.listeners]) {
        try {
          listener()
        } catch (err) {
          console.error('hearth: an app listener failed', err)
        }
      }
    })
  }

  requireVault(): IdentityVault {
    if (this.vault === undefined || this.closed) throw new NotReadyError(this.closed ? 'The app is closed.' : 'The app is still loading.')
    return this.vault
  }

  /** Run `run` after `ms`, unless the app closes first. */
  after(ms: number, run: () => void): void {
    if (this.closed) return
    const timer = this.clock.after(ms)
    this.timers.add(timer)
    void timer.promise.then(() => {
      this.timers.delete(timer)
      if (!this.closed) run()
    })
  }

  /** Re-render every `presenceIntervalMs`: others' presence expires with time. */
  heartbeat(): void {
    this.after(this.deps.presenceIntervalMs ?? 60_000, () => {
      this.changed()
      this.heartbeat()
    })
  }
}
