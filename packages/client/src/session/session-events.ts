/**
 * What a room session tells the UI (PROTOCOL.md §10.8): its state — phase,
 * peers (direct or relayed), sync progress, the last error — and typed
 * events, `noun`-named, each listener called synchronously in order of
 * registration. A listener that throws is a local bug: it is reported to
 * the console and the others still run.
 */
import type { Signal, Verified } from '@hearth/protocol'
import type { LogRef } from '../sync/replica.ts'
import type { RoomPeerInfo } from './network-port.ts'

/** Where a session is in its life. */
export type SessionPhase = 'idle' | 'finding-peers' | 'syncing' | 'live' | 'left'

/** Why a sync ran. */
export type SyncReason = 'join' | 'catch-up' | 'new-peer' | 'periodic' | 'manual'

/** What one log got in one sync so far. */
export interface LogProgress {
  readonly log: LogRef
  /** Records newly stored. */
  readonly stored: number
  /** Records refused. */
  readonly rejected: number
}

/** A sync's progress: logs in the order they were synced (the authority log first). */
export interface SyncProgress {
  readonly reason: SyncReason
  readonly running: boolean
  /** Peers the sync talks to. */
  readonly peers: number
  readonly logs: readonly LogProgress[]
  /** Set when the sync is over: whether every log settled with some peer live to the end (§8.10.5). */
  readonly complete?: boolean
}

/** What went wrong last; the session carries on (it is never fatal). */
export type SessionErrorCode =
  | 'nobody-online' // the room's lookup found no reachable peer: room not found, or nobody online
  | 'sync-incomplete' // a sync ended with logs not settled or every peer dropped
  | 'publish-failed' // a local write was stored but not published (sync delivers it later)
  | 'local-failure' // the store or the network failed locally (storage error, bug)

export interface SessionError {
  readonly code: SessionErrorCode
  readonly message: string
  readonly cause?: unknown
}

/** A snapshot of a session for the UI. */
export interface RoomSessionState {
  readonly phase: SessionPhase
  /** The room's peers connected now. */
  readonly peers: readonly RoomPeerInfo[]
  readonly direct: number
  readonly relayed: number
  /** The sync running now, or the last one. */
  readonly sync?: SyncProgress
  readonly lastError?: SessionError
}

/** Records a log newly stored, and how they came. */
export interface StoredNotice {
  readonly log: LogRef
  readonly count: number
  readonly via: 'gossip' | 'sync' | 'local'
}

/** The events of a room session. */
export interface RoomSessionEvents {
  /** The state changed (phase, peers, progress or error). */
  state: RoomSessionState
  /** A sync made progress, started or ended. */
  progress: SyncProgress
  /** Records were stored: redraw the log's view. */
  stored: StoredNotice
  /** A signal (typing, presence) from a member. */
  signal: { readonly signal: Verified<Signal>; readonly from: string }
  /** A new error (also in `state.lastError`). */
  error: SessionError
}

type Listener<T> = (value: T) => void

/** A tiny typed event emitter. */
export class SessionEmitter<E extends object> {
  readonly #listeners = new Map<keyof E, Set<Listener<never>>>()

  /** Call `listener` on every `name` event; returns the function that removes it. */
  on<K extends keyof E>(name: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(name)
    if (set === undefined) {
      set = new Set()
      this.#listeners.set(name, set)
    }
    set.add(listener)
    return () => { set.delete(listener) }
  }

  emit<K extends keyof E>(name: K, value: E[K]): void {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) {
      try {
        (listener as Listener<E[K]>)(value)
      } catch (err) {
        console.error(`hearth: a room session ${String(name)} listener failed`, err)
      }
    }
  }
}
