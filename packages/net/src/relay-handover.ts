/**
 * Relayed-to-direct handover (PROTOCOL.md §10.1). GossipSub runs over
 * limited (relayed) connections, and keeps one outbound stream per peer on
 * whichever connection it opened it on. When a peer is reached through a
 * relay first and directly later (WebRTC, §10.1), that stream may sit on the
 * relayed connection; when the relayed connection ends (its limits, or the
 * relay leaving), GossipSub drops the stream but, since the peer is still
 * connected, is never told to open another.
 *
 * So when a limited connection closes while the peer is still connected,
 * identify runs again on a remaining connection (unlimited first): libp2p's
 * registrar then notifies the protocols' topologies of that connection, and
 * GossipSub opens its stream there. Protocols already attached ignore it.
 */
import type { Connection, Libp2p } from '@libp2p/interface'
import type { Identify } from '@libp2p/identify'

/** Longest wait for the repeated identify. */
const IDENTIFY_TIMEOUT_MS = 10_000

/** Watch `libp2p`'s connections; returns a function that stops watching. */
export function watchRelayHandover(libp2p: Pick<Libp2p, 'addEventListener' | 'removeEventListener' | 'getConnections'>, identify: Pick<Identify, 'identify'>): () => void {
  const onClose = (event: CustomEvent<Connection>): void => {
    const closed = event.detail
    if (closed.limits === undefined) return
    const remaining = libp2p.getConnections(closed.remotePeer).filter((c) => c.status === 'open' && c !== closed)
    const next = remaining.find((c) => c.limits === undefined) ?? remaining[0]
    if (next === undefined) return
    identify.identify(next, { signal: AbortSignal.timeout(IDENTIFY_TIMEOUT_MS) }).catch(() => undefined)
  }
  libp2p.addEventListener('connection:close', onClose)
  return () => { libp2p.removeEventListener('connection:close', onClose) }
}
