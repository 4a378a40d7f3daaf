// Which libp2p addresses the daemon listens on, and which of its addresses it hands to the
// browser in /hearth-config.json. Pure functions over multiaddr strings.

import { listenIp, type ServeConfig } from './config.ts'

/**
 * The libp2p listen addresses: `--listen` when given, else TCP on `tcpPort` and WebSockets
 * on `wsPort`, both on `p2pHost`.
 */
export function listenAddresses(config: Pick<ServeConfig, 'listen' | 'p2pHost' | 'tcpPort' | 'wsPort'>): string[] {
  if (config.listen.length > 0) return [...config.listen]
  const ip = listenIp(config.p2pHost)
  if (ip === undefined) throw new TypeError(`not an IP address: ${config.p2pHost}`)
  const base = `/${ip.family}/${ip.address}`
  return [`${base}/tcp/${config.tcpPort}`, `${base}/tcp/${config.wsPort}/ws`]
}

/**
 * The address ICE should bind to: the p2p host when it names one interface (needed in a
 * loopback-only network namespace, TESTING.md), undefined for a wildcard or explicit `--listen`.
 */
export function rtcBindAddress(config: Pick<ServeConfig, 'listen' | 'p2pHost'>): string | undefined {
  if (config.listen.length > 0) return undefined
  const ip = listenIp(config.p2pHost)
  if (ip === undefined || ip.address === '0.0.0.0' || ip.address === '::') return undefined
  return ip.address
}

/**
 * The daemon's WebSocket multiaddrs (with `/p2p/`) that a browser can dial, best first for a
 * page loaded from `pageHost` (the HTTP Host header, e.g. `127.0.0.1:8420`): addresses on
 * that very host, then, for a page opened on this machine, loopback ones; addresses on other
 * hosts follow, and loopback ones come last for a page opened from elsewhere.
 */
export function browserBootstrap(multiaddrs: readonly string[], pageHost: string | undefined): string[] {
  const hostname = pageHostname(pageHost)
  const pageIsLocal = hostname === undefined || isLoopbackName(hostname)
  const rank = (addr: string): number => {
    const host = addr.split('/')[2] ?? ''
    if (hostname !== undefined && host === hostname) return 0
    const loopback = isLoopbackName(host)
    if (pageIsLocal) return loopback ? 1 : 2
    return loopback ? 3 : 2
  }
  return multiaddrs
    .filter(isBrowserDialable)
    .map((addr, index) => ({ addr, index, rank: rank(addr) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ addr }) => addr)
}

/** A direct WebSocket address with a peer id (browsers cannot dial TCP, and `/p2p-circuit` needs a relay). */
export function isBrowserDialable(addr: string): boolean {
  const parts = addr.split('/')
  return (parts.includes('ws') || parts.includes('wss')) &&
    parts.includes('p2p') && !parts.includes('p2p-circuit')
}

function isLoopbackName(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function pageHostname(pageHost: string | undefined): string | undefined {
  if (pageHost === undefined || pageHost === '') return undefined
  try {
    const { hostname } = new URL(`http://${pageHost}/`)
    return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname
  } catch {
    return undefined
  }
}
