/**
 * A joiner (or any peer catching up) syncs a room from several peers at
 * once (PROTOCOL.md §8.10): one conversation per peer, the authority log
 * first and in full — channel events are judged against it, so syncing them
 * earlier would only leave them held — then the room's profile set (judged
 * against who the authority log knows; small, and what the UI needs to name
 * authors), then every channel the authority state defines. Peers that misbehave are dropped with a typed reason and
 * the sync carries on with the others.
 */
import { MAX_FETCH_IDS, type Bytes, type ReconcileOptions } from '@hearth/protocol'
import { syncLog, type LogSyncReport } from './log-sync.ts'
import type { SyncPeer } from './sync-peer.ts'
import { systemClock, type Clock } from '../transport/clock.ts'
import { PeerLink } from './peer-link.ts'
import type { SyncPeerError } from './errors.ts'
import type { SyncReplica } from './replica.ts'

/** How {@link syncRoom} behaves. Every field is optional. */
export interface SyncRoomOptions {
  /** Timers for request timeouts. @default systemClock */
  readonly clock?: Clock
  /** Wait for one answer (and for opening a conversation). @default 15_000 */
  readonly requestTimeoutMs?: number
  /** Ids per fetch request (large batches let ingest pipeline decoding with verification). @default 1024 */
  readonly batch?: number
  /** Reconcile-and-fetch passes per log (a pass that stores nothing ends the log's sync). @default 4 */
  readonly maxPasses?: number
  /** Most keys one peer may claim we lack, per log and session. @default 1_048_576 */
  readonly maxNeedPerPeer?: number
  /** Rounds of fetching missing parents by id per pass. @default 8 */
  readonly maxMissingRounds?: number
  /** Reconciliation options (branching, rounds, depth). */
  readonly reconcile?: ReconcileOptions
}

/** What one peer did in a sync. */
export interface SyncPeerReport {
  readonly peer: string
  /** Why the engine dropped it, if it did. */
  readonly failure?: SyncPeerError
  /** Records it delivered (stored, waiting or refused). */
  readonly records: number
  readonly messagesOut: number
  readonly messagesIn: number
  readonly bytesOut: number
  readonly bytesIn: number
}

/** What a sync did. */
export interface SyncReport {
  /** The authority log first, then the profile set, then each channel. */
  readonly logs: readonly LogSyncReport[]
  readonly peers: readonly SyncPeerReport[]
  /**
   * Some peer stayed live to the end, and every log is settled: all that a
   * live peer advertised is stored and nothing is waited for. (A lying peer
   * can still hide records; syncing with others finds them.)
   */
  readonly complete: boolean
}

/**
 * Sync `replica` with `peers`: the authority log in full, then the profile
 * set, then every channel. Rejects only on a local failure (the replica throwing); anything
 * a peer does wrong is reported in {@link SyncReport.peers}.
 */
export async function syncRoom(replica: SyncReplica, peers: readonly SyncPeer[], options: SyncRoomOptions = {}): Promise<SyncReport> {
  const clock = options.clock ?? systemClock
  const timeout = options.requestTimeoutMs ?? 15_000
  const logOptions = {
    batch: Math.min(options.batch ?? 1024, MAX_FETCH_IDS),
    maxPasses: options.maxPasses ?? 4,
    maxNeedPerPeer: options.maxNeedPerPeer ?? 1_048_576,
    maxMissingRounds: options.maxMissingRounds ?? 8,
    reconcile: options.reconcile
  }
  const links = await Promise.all(peers.map((peer) => PeerLink.open(peer, clock, timeout)))
  const delivered = new Map<string, number>()
  const logs: LogSyncReport[] = []
  try {
    const authority = await syncLog(replica, { kind: 'authority' }, links, logOptions, delivered)
    logs.push(authority)
    logs.push(await syncLog(replica, { kind: 'profiles' }, links, logOptions, delivered))
    const channels: Bytes[] = replica.channels()
    for (const channel of channels) {
      logs.push(await syncLog(replica, { kind: 'channel', channel }, links, logOptions, delivered))
    }
  } finally {
    for (const link of links) link.close()
  }
  const peersReport = links.map((link): SyncPeerReport => ({
    peer: link.peer,
    ...(link.failure === undefined ? {} : { failure: link.failure }),
    records: delivered.get(link.peer) ?? 0,
    ...link.stats
  }))
  const someoneFinished = links.some((l) => l.alive)
  const complete = someoneFinished && logs.every((l) => l.settled)
  return { logs, peers: peersReport, complete }
}
