// Listen addresses from settings, and which daemon addresses a browser gets, in which order.

import { describe, expect, it } from 'vitest'
import { browserBootstrap, isBrowserDialable, listenAddresses, rtcBindAddress } from './addresses.ts'

const ID = '12D3KooWtest'
const p2p = { listen: [] as string[], tcpPort: 4001, wsPort: 4002 }

describe('listenAddresses', () => {
  it.each([
    ['127.0.0.1', ['/ip4/127.0.0.1/tcp/4001', '/ip4/127.0.0.1/tcp/4002/ws']],
    ['0.0.0.0', ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws']],
    ['localhost', ['/ip4/127.0.0.1/tcp/4001', '/ip4/127.0.0.1/tcp/4002/ws']],
    ['::', ['/ip6/::/tcp/4001', '/ip6/::/tcp/4002/ws']],
    ['[::1]', ['/ip6/::1/tcp/4001', '/ip6/::1/tcp/4002/ws']]
  ])('TCP and WebSockets on %s', (p2pHost, expected) => {
    expect(listenAddresses({ ...p2p, p2pHost })).toEqual(expected)
  })

  it('uses --listen instead when given', () => {
    expect(listenAddresses({ ...p2p, p2pHost: 'ignored', listen: ['/ip4/10.0.0.1/tcp/9/ws'] })).toEqual(['/ip4/10.0.0.1/tcp/9/ws'])
  })
})

describe('rtcBindAddress', () => {
  it('binds ICE to one interface, not to a wildcard or with explicit listen addresses', () => {
    expect(rtcBindAddress({ listen: [], p2pHost: '127.0.0.1' })).toBe('127.0.0.1')
    expect(rtcBindAddress({ listen: [], p2pHost: '0.0.0.0' })).toBeUndefined()
    expect(rtcBindAddress({ listen: [], p2pHost: '::' })).toBeUndefined()
    expect(rtcBindAddress({ listen: ['/ip4/127.0.0.1/tcp/0'], p2pHost: '127.0.0.1' })).toBeUndefined()
  })
})

describe('browserBootstrap', () => {
  const tcpLan = `/ip4/192.168.1.5/tcp/4001/p2p/${ID}`
  const wsLan = `/ip4/192.168.1.5/tcp/4002/ws/p2p/${ID}`
  const wsLoop = `/ip4/127.0.0.1/tcp/4002/ws/p2p/${ID}`
  const wsLoop6 = `/ip6/::1/tcp/4002/ws/p2p/${ID}`
  const wss = `/dns4/hearth.example.org/tcp/443/wss/p2p/${ID}`
  const all = [`/ip4/127.0.0.1/tcp/4001/p2p/${ID}`, tcpLan, wsLan, wsLoop, wsLoop6, wss, `${wsLan}/p2p-circuit/webrtc/p2p/12D3KooWother`]

  it('lists only direct WebSocket addresses with a peer id', () => {
    expect(all.filter(isBrowserDialable)).toEqual([wsLan, wsLoop, wsLoop6, wss])
    expect(isBrowserDialable('/ip4/127.0.0.1/tcp/4002/ws')).toBe(false)
  })

  it('puts loopback first for a page opened on this machine', () => {
    expect(browserBootstrap(all, '127.0.0.1:8420')).toEqual([wsLoop, wsLoop6, wsLan, wss])
    expect(browserBootstrap(all, 'localhost:8420')).toEqual([wsLoop, wsLoop6, wsLan, wss])
    expect(browserBootstrap(all, undefined)).toEqual([wsLoop, wsLoop6, wsLan, wss])
    expect(browserBootstrap(all, '[::1]:8420')).toEqual([wsLoop6, wsLoop, wsLan, wss])
  })

  it('puts the page’s own host first and loopback last for a page opened from elsewhere', () => {
    expect(browserBootstrap(all, '192.168.1.5:8420')).toEqual([wsLan, wss, wsLoop, wsLoop6])
    expect(browserBootstrap(all, 'hearth.example.org')).toEqual([wss, wsLan, wsLoop, wsLoop6])
  })

  it('treats a garbage Host header like none', () => {
    expect(browserBootstrap(all, 'a b/c')).toEqual([wsLoop, wsLoop6, wsLan, wss])
  })
})
