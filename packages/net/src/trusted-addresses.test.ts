import { describe, expect, it } from 'vitest'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { InvalidConfigError } from './errors.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { isTrustedAddress, parseTrustedAddresses, trustedDialGate, trustedPeerInfoMapper } from './trusted-addresses.ts'

const DAEMON = '12D3KooWPVSyTTPSPbm9zqz3RjFqvCt5DaFkXWKSGtnqwkDoBD4k'
const OTHER = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'
const TRUSTED = [`/ip4/127.0.0.1/tcp/4002/ws/p2p/${DAEMON}`]

/** libp2p's browser default (config/connection-gater.browser.js): no insecure WebSockets, no private addresses. */
function browserDefault(ma: Multiaddr): boolean {
  const parts = ma.getComponents()
  if (parts.some((c) => c.name === 'ws') && !parts.some((c) => c.name === 'tls')) return true
  const host = parts[0]
  return host !== undefined && (host.value === '127.0.0.1' || host.value?.startsWith('192.168.') === true || host.value === '::1')
}

describe('trusted addresses', () => {
  it('trusts the daemon, what starts with it, and its host and port', () => {
    const trusts = (a: string): boolean => isTrustedAddress(TRUSTED, a)
    expect(trusts(TRUSTED[0] as string)).toBe(true)
    expect(trusts('/ip4/127.0.0.1/tcp/4002/ws')).toBe(true)
    expect(trusts(`/ip4/127.0.0.1/tcp/4002/ws/p2p/${DAEMON}/p2p-circuit/webrtc/p2p/${OTHER}`)).toBe(true)
    expect(trusts(`/ip4/127.0.0.1/tcp/4002/ws/p2p/${DAEMON}/p2p-circuit/p2p/${OTHER}`)).toBe(true)
    // Other ports, hosts, or a relay path through someone else: not trusted.
    expect(trusts('/ip4/127.0.0.1/tcp/4001/ws')).toBe(false)
    expect(trusts('/ip4/127.0.0.2/tcp/4002/ws')).toBe(false)
    expect(trusts(`/ip4/192.168.1.5/tcp/4002/ws/p2p/${OTHER}/p2p-circuit/webrtc/p2p/${DAEMON}`)).toBe(false)
    expect(trusts('/ip4/127.0.0.1')).toBe(false)
    expect(trusts('/ip4/127.0.0.1/udp/4002')).toBe(false)
    expect(isTrustedAddress([], TRUSTED[0] as string)).toBe(false)
  })

  it('hostile input: garbage multiaddrs and broken objects are not trusted and never throw', () => {
    const garbage: unknown[] = [
      '', 'hello', '/ip4/999.1.1.1/tcp/1', '/ip4/127.0.0.1/tcp/99999', '/p2p/not-a-peer', '/unknown-proto/1', '//', '/ip4',
      'x'.repeat(100_000), { getComponents: () => { throw new Error('boom') } }, { getComponents: () => null }, null, undefined, 42
    ]
    for (const item of garbage) expect(isTrustedAddress(TRUSTED, item as string)).toBe(false)
    expect(isTrustedAddress(['not a multiaddr', 7 as unknown as string], '/ip4/127.0.0.1/tcp/4002/ws')).toBe(false)
  })

  it('the gate allows trusted addresses and leaves the rest to libp2p\'s default', async () => {
    const gate = trustedDialGate(parseTrustedAddresses(TRUSTED), browserDefault)
    expect(await gate(multiaddr('/ip4/127.0.0.1/tcp/4002/ws'))).toBe(false)
    expect(await gate(multiaddr(`/ip4/127.0.0.1/tcp/4002/ws/p2p/${DAEMON}/p2p-circuit/webrtc/p2p/${OTHER}`))).toBe(false)
    // The default still refuses other private or insecure addresses, and allows public secure ones.
    expect(await gate(multiaddr('/ip4/127.0.0.1/tcp/4001/ws'))).toBe(true)
    expect(await gate(multiaddr('/ip4/192.168.1.5/tcp/443/tls/ws'))).toBe(true)
    expect(await gate(multiaddr('/ip4/203.0.113.9/tcp/4002/ws'))).toBe(true)
    expect(await gate(multiaddr('/dns4/relay.example/tcp/443/tls/ws'))).toBe(false)
    // A default that throws denies; no default (Node) allows.
    const throwing = trustedDialGate(TRUSTED, () => { throw new Error('boom') })
    expect(await throwing(multiaddr('/ip4/203.0.113.9/tcp/1'))).toBe(true)
    expect(await throwing({ getComponents: () => { throw new Error('bad') } } as unknown as Multiaddr)).toBe(true)
    expect(await trustedDialGate(TRUSTED)(multiaddr('/ip4/10.0.0.1/tcp/1/ws'))).toBe(false)
  })

  it('the DHT mapper keeps public and trusted addresses and drops other private ones', () => {
    const map = trustedPeerInfoMapper(parseTrustedAddresses(TRUSTED))
    const addrs = [
      '/ip4/127.0.0.1/tcp/4002/ws', '/ip4/127.0.0.1/tcp/4001', `/ip4/127.0.0.1/tcp/4002/ws/p2p/${DAEMON}/p2p-circuit/webrtc/p2p/${OTHER}`,
      '/ip4/192.168.1.5/tcp/4002/ws', '/ip4/93.184.216.34/tcp/4002/ws'
    ].map((a) => multiaddr(a))
    const mapped = map({ id: peerIdFromString(DAEMON), multiaddrs: addrs })
    expect(mapped.id.toString()).toBe(DAEMON)
    expect(mapped.multiaddrs.map(String)).toEqual([
      '/ip4/127.0.0.1/tcp/4002/ws', `/ip4/127.0.0.1/tcp/4002/ws/p2p/${DAEMON}/p2p-circuit/webrtc/p2p/${OTHER}`, '/ip4/93.184.216.34/tcp/4002/ws'
    ])
  })

  it('a DHT server keeps addresses relayed through itself', () => {
    const own = [multiaddr(`/ip4/127.0.0.1/tcp/4002/ws/p2p/${DAEMON}`)]
    const map = trustedPeerInfoMapper([], () => own)
    const through = `/ip4/127.0.0.1/tcp/4002/ws/p2p/${DAEMON}/p2p-circuit/webrtc/p2p/${OTHER}`
    const elsewhere = `/ip4/127.0.0.1/tcp/4003/ws/p2p/${OTHER}/p2p-circuit/p2p/${DAEMON}`
    const mapped = map({ id: peerIdFromString(OTHER), multiaddrs: [through, elsewhere, '/ip4/127.0.0.1/tcp/4002/ws'].map((a) => multiaddr(a)) })
    expect(mapped.multiaddrs.map(String)).toEqual([through])
  })

  it('a malformed configured address is a configuration error', () => {
    expect(() => parseTrustedAddresses(['/ip4/127.0.0.1/tcp/4002/ws', 'nope'])).toThrow(InvalidConfigError)
    expect(parseTrustedAddresses([])).toEqual([])
  })
})
