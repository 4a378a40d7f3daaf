/**
 * The network summary the app shows (`NetworkSummary` of
 * @hearth/client's app contract), as a pure function of the node's
 * connections: a peer is direct when some open connection to it has no
 * limits, relayed when it is reached only through a relay (PROTOCOL.md
 * §10.8); bootstrap peers are counted by peer id.
 */
import type { NetworkSummary } from '@hearth/client'

/** What the summary reads of a libp2p connection. */
export interface ConnectionView {
  readonly remotePeer: { toString(): string }
  /** Set on relayed (limited) connections. */
  readonly limits?: unknown
  readonly status: string
}

/**
 * The peer id an address names: the value of its last `/p2p/` component (for
 * a relayed address `…/p2p/<relay>/p2p-circuit/p2p/<peer>`, the peer behind
 * the relay), or undefined when it names none.
 */
export function peerIdOfAddress(address: string): string | undefined {
  const parts = address.split('/')
  for (let i = parts.length - 2; i >= 0; i--) {
    if (parts[i] === 'p2p' && parts[i + 1] !== '') return parts[i + 1]
  }
  return undefined
}

/** Count connected peers, direct and relayed, and the bootstrap peers among them. */
export function summarizeConnections(
  connections: readonly ConnectionView[],
  bootstrapPeers: ReadonlySet<string>,
  observedAddresses: readonly string[]
): Omit<NetworkSummary, 'state'> {
  const direct = new Map<string, boolean>()
  for (const connection of connections) {
    if (connection.status !== 'open') continue
    const id = connection.remotePeer.toString()
    direct.set(id, direct.get(id) === true || connection.limits === undefined)
  }
  let directCount = 0
  let bootstrapConnected = 0
  for (const [id, isDirect] of direct) {
    if (isDirect) directCount++
    if (bootstrapPeers.has(id)) bootstrapConnected++
  }
  return {
    peers: direct.size,
    direct: directCount,
    relayed: direct.size - directCount,
    bootstrapConnected,
    bootstrapConfigured: bootstrapPeers.size,
    observedAddresses: [...observedAddresses]
  }
}

/**
 * Peer hints for an invite this browser makes: the daemons it bootstraps
 * from (they may archive the room), then its own WebRTC addresses through
 * one of those daemons' relays (`<daemon address>/p2p-circuit/webrtc/p2p/<me>`),
 * so the invitee can reach this browser even before the room's DHT record
 * (or the daemon's copy) is there. At most `max` hints, each at most
 * `maxLength` characters (the invite format's limits, PROTOCOL §4.3).
 */
export function inviteHints(bootstrap: readonly string[], own: readonly string[], max: number, maxLength: number): string[] {
  const mine = own.filter((address) => address.includes('/p2p-circuit/webrtc/') && bootstrap.some((daemon) => address.startsWith(`${daemon}/p2p-circuit/`)))
  return [...new Set([...bootstrap, ...mine])].filter((address) => address.length <= maxLength).slice(0, max)
}
