/**
 * Dialling a room's peer (PROTOCOL.md §10.8, "Joining and connectivity").
 *
 * A browser is reachable only through a relay: its addresses are
 * `<relay>/p2p-circuit/webrtc/p2p/<peer>` (the relay carries the WebRTC
 * signalling, then the connection is direct) and `<relay>/p2p-circuit/p2p/<peer>`
 * (every byte through the relay, with the relay's limits). libp2p's own
 * address choice may take the second, so the room dials the WebRTC ones
 * first and falls back to libp2p's choice — a relayed connection — only when
 * WebRTC fails (e.g. both ends behind symmetric NATs).
 */
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** How long one WebRTC dial may take before falling back (signalling + ICE; a hung dial must not block the join). */
export const WEBRTC_DIAL_TIMEOUT_MS = 8_000
/** At most this many WebRTC addresses (one per relay path) are tried. */
const MAX_WEBRTC_TRIES = 2

/** Whether an address is a WebRTC address signalled through a relay. */
export function isRelayedWebRtc(address: Multiaddr): boolean {
  return address.toString().includes('/p2p-circuit/webrtc')
}

/**
 * Connect to `peer`: an open unlimited connection if there is one, else
 * WebRTC through a relay when the peer has such addresses, else (or if that
 * fails) `libp2p.dial(peer)`, which may reuse or open a relayed connection.
 */
export async function dialRoomPeer(libp2p: Libp2p, peer: PeerId, options: { readonly signal?: AbortSignal } = {}): Promise<Connection> {
  const open = libp2p.getConnections(peer).filter((c) => c.status === 'open')
  const direct = open.find((c) => c.limits === undefined)
  if (direct !== undefined) return direct
  const known = await libp2p.peerStore.get(peer).catch(() => undefined)
  const webrtc = (known?.addresses ?? []).map((a) => a.multiaddr).filter(isRelayedWebRtc).slice(0, MAX_WEBRTC_TRIES)
  for (const address of webrtc) {
    const signals = [AbortSignal.timeout(WEBRTC_DIAL_TIMEOUT_MS), ...(options.signal === undefined ? [] : [options.signal])]
    try {
      return await libp2p.dial(address, { signal: AbortSignal.any(signals) })
    } catch {
      if (options.signal?.aborted === true) break
    }
  }
  return open[0] ?? libp2p.dial(peer, options.signal === undefined ? {} : { signal: options.signal })
}
