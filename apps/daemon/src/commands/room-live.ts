// A room made live for one CLI command (PROTOCOL.md §10.8): a RoomSession on the client node,
// joined within the command's --wait budget, with the outcome of each publish kept so that
// `send` and `mod` can say how many peers got what they wrote. The session is the client
// package's; this file only bounds it in time and words its state for the CLI.

import { RoomSession, type RoomNetwork, type RoomPresence, type RoomSessionOptions, type RoomStore } from '@hearth/client'
import type { RoomTopicKind } from '@hearth/protocol'

/** Publish outcomes seen by a {@link CountingNetwork}. */
export interface PublishLog {
  /** Peers the last publish went to, or undefined when nothing was published yet. */
  last: number | undefined
}

/**
 * A RoomNetwork that remembers how many peers each publish reached (the session reports
 * only failures) and bounds room lookups by `lookupMs`. Everything else is the wrapped network's.
 */
export function countingNetwork(inner: RoomNetwork, log: PublishLog, lookupMs: number): RoomNetwork {
  return {
    lookup: (room, options) => inner.lookup(room, { ...options, signal: options?.signal ?? AbortSignal.timeout(lookupMs) }),
    join: async (replica) => counting(await inner.join(replica), log)
  }
}

function counting(presence: RoomPresence, log: PublishLog): RoomPresence {
  return {
    room: presence.room,
    findPeers: (options) => presence.findPeers(options),
    peers: () => presence.peers(),
    syncPeer: (id) => presence.syncPeer(id),
    subscribe: (sink) => { presence.subscribe(sink) },
    publish: async (kind: RoomTopicKind, bytes: Uint8Array) => {
      const sent = await presence.publish(kind, bytes)
      log.last = sent
      return sent
    },
    onPeer: (listener) => presence.onPeer(listener),
    leave: () => presence.leave()
  }
}

/** Session options for a CLI command that waits at most `waitMs`. */
export function sessionOptions(waitMs: number, opts: { stayOnline: boolean }): RoomSessionOptions {
  return {
    findTimeoutMs: waitMs,
    // One-shot commands sync once; a command that stays online re-syncs as the app does.
    resyncIntervalMs: opts.stayOnline ? 60_000 : 0,
    sync: { requestTimeoutMs: Math.min(waitMs, 10_000) }
  }
}

/**
 * Start a session on `store` and wait for it to be live, at most `waitMs`: a room whose
 * peers are slow is reported as it stands, not waited on forever. Returns the session
 * (live, or still syncing when the time ran out or `stop` aborted).
 */
export async function joinWithin(store: RoomStore, network: RoomNetwork, waitMs: number, options: RoomSessionOptions, stop?: AbortSignal): Promise<RoomSession> {
  const session = new RoomSession(store, network, options)
  let timer: NodeJS.Timeout | undefined
  // Ctrl-C while joining ends the wait too: the command then reports what it has.
  const timeout = new Promise<void>((done) => {
    timer = setTimeout(done, waitMs + 2_000)
    stop?.addEventListener('abort', () => { done() }, { once: true })
  })
  const started = session.start()
  // If the time runs out first, a later failure is the session's state, not an unhandled rejection.
  started.catch(() => undefined)
  try {
    await Promise.race([started, timeout])
  } catch (error) {
    await session.leave()
    throw error
  } finally {
    clearTimeout(timer)
  }
  return session
}

/** The session as JSON for `--json` output: phase, peers, what the last sync stored. */
export function sessionJson(session: RoomSession): Record<string, unknown> {
  const state = session.state()
  const logs = state.sync?.logs ?? []
  return {
    phase: state.phase,
    peers: state.peers.length,
    direct: state.direct,
    relayed: state.relayed,
    synced: {
      authority: logs.filter((l) => l.log.kind === 'authority').reduce((n, l) => n + l.stored, 0),
      channels: logs.filter((l) => l.log.kind === 'channel').reduce((n, l) => n + l.stored, 0),
      rejected: logs.reduce((n, l) => n + l.rejected, 0),
      ...(state.sync?.complete !== undefined ? { complete: state.sync.complete } : {})
    },
    ...(state.lastError !== undefined ? { lastError: { code: state.lastError.code, message: state.lastError.message } } : {})
  }
}

/** One line for people about the session. */
export function sessionText(session: RoomSession): string {
  const json = sessionJson(session) as { peers: number; synced: { authority: number; channels: number; rejected: number } }
  const state = session.state()
  if (state.peers.length === 0) return 'No peer of this room is online (or reachable) right now.'
  const { authority, channels, rejected } = json.synced
  return `Online with ${json.peers} peer${json.peers === 1 ? '' : 's'} of the room; synced ${authority} room entr${authority === 1 ? 'y' : 'ies'} and ${channels} message${channels === 1 ? '' : 's'}${rejected > 0 ? ` (${rejected} refused)` : ''}.`
}

/**
 * Give a record just published a moment to leave: gossip writes are queued on the streams,
 * and peers that saw us appear pull from us (sync is pull-only, §10.8 step 7).
 */
export async function linger(session: RoomSession, ms = 750): Promise<void> {
  if (session.state().peers.length === 0) return
  await new Promise((done) => setTimeout(done, ms))
}
