/**
 * Keeping a member's presence known in a room (PROTOCOL.md §10.5): presence
 * notices are signals — never stored — so a peer learns that someone is
 * here only from a notice it receives. A notice goes out when the session
 * goes live, a moment after peers new to the session appear (they missed the
 * last one; a burst of arrivals gets one notice), and every `intervalMs`
 * (receivers treat a member as offline after a few missed notices). The web
 * app's members and the daemon's archiver use it alike.
 */
import { createSignal, type Keypair } from '@hearth/protocol'
import { systemClock, type Clock, type Timer } from '../transport/clock.ts'
import type { RoomSession } from './room-session.ts'

/** Options of {@link keepPresence}. */
export interface PresenceOptions {
  /** @default systemClock */
  readonly clock?: Clock
  /** Unix ms for the notices' `at`. @default Date.now */
  readonly now?: () => number
  /** The heartbeat. @default 60_000 */
  readonly intervalMs?: number
  /** Wait after new peers appear before telling them. @default 1_000 */
  readonly newPeerDelayMs?: number
}

/** Send `identity`'s presence into `session`'s room while it runs; returns the function that stops it. */
export function keepPresence(session: RoomSession, identity: Keypair, options: PresenceOptions = {}): () => void {
  const clock = options.clock ?? systemClock
  const now = options.now ?? Date.now
  let stopped = false
  let known = new Set<string>()
  let soon: Timer | undefined
  let beat: Timer | undefined

  const send = async (): Promise<void> => {
    if (stopped || session.state().phase !== 'live') return
    try {
      await session.sendSignal(await createSignal({ room: session.room, identity, body: { kind: 'presence', status: 'online' }, at: now() }))
    } catch {
      // A lost notice is sent again by the next heartbeat.
    }
  }
  const sendSoon = (): void => {
    if (soon !== undefined || stopped) return
    soon = clock.after(options.newPeerDelayMs ?? 1_000)
    void soon.promise.then(() => {
      soon = undefined
      void send()
    })
  }
  const heartbeat = (): void => {
    if (stopped) return
    beat = clock.after(options.intervalMs ?? 60_000)
    void beat.promise.then(() => {
      void send()
      heartbeat()
    })
  }

  let wasLive = session.state().phase === 'live'
  const off = session.on('state', (state) => {
    const live = state.phase === 'live'
    const fresh = state.peers.some((p) => !known.has(p.id))
    known = new Set(state.peers.map((p) => p.id))
    if (live && (!wasLive || fresh)) sendSoon()
    wasLive = live
  })
  if (wasLive) void send()
  heartbeat()
  return () => {
    stopped = true
    off()
    soon?.cancel()
    beat?.cancel()
  }
}
