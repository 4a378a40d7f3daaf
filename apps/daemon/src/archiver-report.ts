// What the archiver says about each room it keeps: one `room` event (and one line of text)
// per change that matters — phase, peers, a sync ending, an error — with the counts stored.
// Pure functions over a store and a session state, so the CLI and tests share one shape.

import type { RoomSessionState, RoomStore, SessionPhase } from '@hearth/client'
import { formatRoomId } from '@hearth/protocol'

/** Where an archived room came from: the data directory, an `--archive` invite, or a peer's archive request (§10.9). */
export type ArchiveSource = 'stored' | 'invite' | 'request'

/**
 * An archived room's phase: the session's, or before it exists
 * `opened` (read from disk, not online yet), `joining` (looking up an invite's room),
 * `waiting` (nobody of the room reachable; tried again later), `failed` (the invite is
 * refused or invalid; not retried until restart).
 */
export type ArchivePhase = SessionPhase | 'opened' | 'joining' | 'waiting' | 'failed'

/** Records stored for a room. */
export interface StoredCounts {
  readonly authority: number
  readonly channels: number
  readonly events: number
}

/** The `room` event of `hearth serve --json`. */
export interface RoomEvent {
  readonly event: 'room'
  /** The room id (`formatRoomId`); for an invite not joined yet, the invite's room. */
  readonly room: string
  /** The room's name (its authority state), or the invite's name hint before the join. */
  readonly name?: string
  readonly source: ArchiveSource
  readonly phase: ArchivePhase
  readonly peers: number
  readonly direct: number
  readonly relayed: number
  readonly stored?: StoredCounts
  /** The last sync: why it ran, whether it settled, records it stored (all logs). */
  readonly sync?: { readonly reason: string; readonly running: boolean; readonly complete?: boolean; readonly stored: number }
  readonly error?: { readonly code: string; readonly message: string }
  /** For `waiting`: when the next attempt is due (Unix ms). */
  readonly retryAt?: number
}

/** What a store holds now. Channels stored but not loaded count as empty. */
export function storedCounts(store: RoomStore): StoredCounts {
  const channels = store.channels()
  let events = 0
  for (const channel of channels) {
    try {
      events += store.storedIds({ kind: 'channel', channel }).length
    } catch {
      // Not loaded (preload 'none'): nothing to count without reading it.
    }
  }
  return { authority: store.storedIds({ kind: 'authority' }).length, channels: channels.length, events }
}

/** The event for a room with a store (opened, or in a session with `state`). */
export function roomEvent(store: RoomStore, source: ArchiveSource, phase: ArchivePhase, state?: RoomSessionState): RoomEvent {
  const sync = state?.sync
  const error = state?.lastError
  return {
    event: 'room',
    room: formatRoomId(store.room),
    name: store.authority.state.meta.name,
    source,
    phase,
    peers: state?.peers.length ?? 0,
    direct: state?.direct ?? 0,
    relayed: state?.relayed ?? 0,
    stored: storedCounts(store),
    ...(sync === undefined
      ? {}
      : {
          sync: {
            reason: sync.reason,
            running: sync.running,
            ...(sync.complete === undefined ? {} : { complete: sync.complete }),
            stored: sync.logs.reduce((sum, log) => sum + log.stored, 0)
          }
        }),
    ...(error === undefined ? {} : { error: { code: error.code, message: error.message } })
  }
}

/** A line of text for a room event. */
export function roomText(event: RoomEvent): string {
  const name = event.name === undefined ? '' : `"${event.name}" `
  const parts = [`Room ${name}(${event.room}): ${event.phase}`]
  if (event.stored !== undefined) {
    const { authority, channels, events } = event.stored
    parts.push(`${authority} authority entr${authority === 1 ? 'y' : 'ies'}, ${channels} channel${channels === 1 ? '' : 's'}, ${events} event${events === 1 ? '' : 's'}`)
  }
  if (event.phase !== 'opened' && event.phase !== 'failed') {
    parts.push(`${event.peers} peer${event.peers === 1 ? '' : 's'}${event.relayed > 0 ? ` (${event.relayed} relayed)` : ''}`)
  }
  if (event.sync !== undefined && !event.sync.running) {
    parts.push(`last sync (${event.sync.reason}) ${event.sync.complete === true ? 'settled' : 'unsettled'}, +${event.sync.stored}`)
  }
  if (event.retryAt !== undefined) parts.push(`retry at ${new Date(event.retryAt).toISOString()}`)
  if (event.error !== undefined) parts.push(`${event.error.code}: ${event.error.message}`)
  return parts.join(' · ')
}

/** The `archive-request` event of `hearth serve --json`: a peer asked to keep a room, and the answer. */
export interface ArchiveRequestEvent {
  readonly event: 'archive-request'
  /** The requester's peer id. */
  readonly peer: string
  /** The invite's room (`formatRoomId`), when the invite names one. */
  readonly room?: string
  /** The answer sent. */
  readonly status: 'archiving' | 'refused'
  /** Why (sent with the answer). */
  readonly detail?: string
}

/** Everything the archiver reports. */
export type ArchiverEvent = RoomEvent | ArchiveRequestEvent

/** A line of text for an archive request. */
export function archiveRequestText(event: ArchiveRequestEvent): string {
  const room = event.room === undefined ? 'a room' : `room ${event.room}`
  return `Archive request from ${event.peer} for ${room}: ${event.status}${event.detail === undefined ? '' : ` (${event.detail})`}`
}

/** A line of text for any archiver event. */
export function archiverText(event: ArchiverEvent): string {
  return event.event === 'room' ? roomText(event) : archiveRequestText(event)
}

/** What changes of a room are worth a new event (the rest, e.g. progress ticks, are not). */
export function eventKey(event: RoomEvent): string {
  return JSON.stringify([event.phase, event.peers, event.direct, event.stored, event.sync?.running === false ? event.sync : undefined, event.error?.code])
}
