/**
 * Trusted addresses (PROTOCOL.md §10.1): a production-safe relaxation of the
 * connection gater for the web app served by a local daemon.
 *
 * In a browser, libp2p's default gater (`config/connection-gater.browser.js`)
 * refuses to dial insecure WebSockets (`/ws`) and private addresses such as
 * 127.0.0.1. The app served by `npm start` must dial exactly that: its
 * daemon's `/ip4/127.0.0.1/tcp/…/ws/p2p/…`, and other browsers through it
 * (`…/p2p-circuit/webrtc/p2p/…` addresses that start with the daemon's).
 * So the gate allows an address that starts with a trusted one, or whose
 * host and port equal a trusted one's, and asks libp2p's own default about
 * every other address: the default is kept, not replaced (node.ts captures it
 * from the gater object libp2p fills in).
 *
 * Addresses come from other peers (identify, the DHT), so the gate never
 * throws: an address it cannot read is not trusted, and a default that
 * throws denies.
 */
import { multiaddr, type Component, type Multiaddr } from '@multiformats/multiaddr'
import { removePrivateAddressesMapper, type PeerInfoMapper } from '@libp2p/kad-dht'
import { InvalidConfigError } from './errors.ts'

/** A connection gater's `denyDialMultiaddr`: true refuses the address. */
export type DenyDialMultiaddr = (ma: Multiaddr) => boolean | Promise<boolean>

/** Components naming a host, and a port after it. */
const HOSTS = new Set(['ip4', 'ip6', 'dns', 'dns4', 'dns6', 'dnsaddr'])
const PORTS = new Set(['tcp', 'udp'])

/** Parse the configured trusted addresses; a malformed one is a configuration error (local). */
export function parseTrustedAddresses(addresses: readonly string[]): Multiaddr[] {
  return addresses.map((text) => {
    try {
      const ma = multiaddr(text)
      if (ma.getComponents().length === 0) throw new Error('empty multiaddr')
      return ma
    } catch (err) {
      throw new InvalidConfigError(`trusted address ${JSON.stringify(text)} is not a multiaddr`, { cause: err })
    }
  })
}

const same = (a: Component, b: Component): boolean => a.code === b.code && a.value === b.value

/**
 * Whether `candidate` is covered by one of `trusted`: it starts with all of a
 * trusted address's components, or its first two components (host and
 * TCP/UDP port) equal a trusted address's. Unreadable input is not trusted.
 */
export function isTrustedAddress(trusted: readonly (Multiaddr | string)[], candidate: Multiaddr | string): boolean {
  try {
    const parts = (typeof candidate === 'string' ? multiaddr(candidate) : candidate).getComponents()
    return trusted.some((entry) => {
      try {
        const prefix = (typeof entry === 'string' ? multiaddr(entry) : entry).getComponents()
        if (prefix.length === 0) return false
        if (prefix.length <= parts.length && prefix.every((c, i) => same(c, parts[i] as Component))) return true
        const [host, port] = prefix
        return host !== undefined && port !== undefined && HOSTS.has(host.name) && PORTS.has(port.name) &&
          parts.length >= 2 && same(host, parts[0] as Component) && same(port, parts[1] as Component)
      } catch {
        return false
      }
    })
  } catch {
    return false
  }
}

/**
 * A `denyDialMultiaddr` that allows the trusted addresses and leaves every
 * other decision to `fallback` (libp2p's platform default; none in Node,
 * which allows everything).
 */
export function trustedDialGate(trusted: readonly (Multiaddr | string)[], fallback?: DenyDialMultiaddr): DenyDialMultiaddr {
  return async (ma) => {
    if (isTrustedAddress(trusted, ma)) return false
    if (fallback === undefined) return false
    try {
      return await fallback(ma)
    } catch {
      return true
    }
  }
}

/**
 * kad-dht's address mapper (applied to DHT peers and to the peers a DHT
 * server names in its answers). libp2p's default drops every private
 * address, which would drop
 * - the very daemon a page served from `http://127.0.0.1` (or a LAN host)
 *   must use: its trusted addresses are kept;
 * - on a daemon, its browsers' relayed addresses (`<daemon address>/p2p-circuit/…`),
 *   private when the daemon's own are: whoever can reach the daemon can
 *   reach them, so addresses through one of `own()` are kept.
 * Every other address is kept only if public, as kad-dht's default does.
 */
export function trustedPeerInfoMapper(trusted: readonly (Multiaddr | string)[], own: () => readonly Multiaddr[] = () => []): PeerInfoMapper {
  return (peer) => {
    const isPublic = new Set(removePrivateAddressesMapper(peer).multiaddrs)
    let through: readonly Multiaddr[] | undefined
    const viaUs = (ma: Multiaddr): boolean => {
      if (!ma.toString().includes('/p2p-circuit')) return false
      through ??= own()
      return isTrustedAddress(through, ma)
    }
    return { ...peer, multiaddrs: peer.multiaddrs.filter((ma) => isPublic.has(ma) || isTrustedAddress(trusted, ma) || viaUs(ma)) }
  }
}
