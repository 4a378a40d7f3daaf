/**
 * A room's connection for the status panel (PROTOCOL.md §10.8): the
 * session's phase, peers and sync progress, whether an archiver is among
 * the peers, and one sentence for people.
 */
import type { RoomSessionState } from '../session/session-events.ts'
import type { AppNetwork, NetworkSummary, RoomConnection } from './types.ts'

const count = (n: number): string => n.toLocaleString('en-US')
const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`

/** What the app knows of a room's connection. */
export interface ConnectionInput {
  /** The session's state; undefined while the room is not live (network down, or left). */
  readonly session: RoomSessionState | undefined
  readonly network: AppNetwork | undefined
  readonly networkState: NetworkSummary['state']
  readonly left: boolean
  /** A daemon said it archives the room. */
  readonly archived: boolean
}

/** The connection summary of a room. */
export function roomConnection(input: ConnectionInput): RoomConnection {
  const { session, network } = input
  if (session === undefined) {
    const message = input.left ? 'You left this room; its history stays readable here'
      : input.networkState === 'starting' ? 'Starting the network…'
      : input.networkState === 'failed' ? 'Offline: the network could not start. History here stays readable'
      : 'Offline'
    return { phase: input.left ? 'left' : 'idle', peers: [], direct: 0, relayed: 0, archiverReachable: false, archived: input.archived, message }
  }
  // Members' peers are not tied to identities (a device's node key is its own); daemons are known.
  const peers = session.peers.map((p) => ({ id: p.id, connection: p.connection, ...(network?.isArchiver(p.id) === true ? { name: 'Archiver daemon' } : {}) }))
  const archiverReachable = peers.some((p) => p.name !== undefined)
  const progress = session.sync
  const sync = progress === undefined ? undefined : {
    running: progress.running,
    stored: progress.logs.reduce((n, l) => n + l.stored, 0),
    rejected: progress.logs.reduce((n, l) => n + l.rejected, 0),
    peers: progress.peers,
    ...(progress.complete !== undefined ? { complete: progress.complete } : {})
  }
  return {
    phase: session.phase,
    peers,
    direct: session.direct,
    relayed: session.relayed,
    archiverReachable,
    archived: input.archived,
    ...(sync !== undefined ? { sync } : {}),
    ...(session.lastError !== undefined ? { lastError: session.lastError } : {}),
    message: connectionMessage(session, sync?.stored ?? 0)
  }
}

function connectionMessage(session: RoomSessionState, stored: number): string {
  switch (session.phase) {
    case 'idle':
    case 'finding-peers':
      return 'Looking for peers…'
    case 'syncing':
      return stored > 0 ? `Syncing history: ${plural(stored, 'message')}` : 'Syncing history…'
    case 'left':
      return 'You left this room'
    case 'live':
      break
  }
  const n = session.peers.length
  if (n === 0) return 'Nobody who has this room is online right now'
  if (session.sync?.running === true && stored > 0) return `Syncing history: ${plural(stored, 'message')}`
  return `Connected to ${plural(n, 'peer')}${session.relayed > 0 ? ` (${count(session.relayed)} relayed)` : ''}`
}
