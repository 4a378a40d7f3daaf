// The network summary as a pure function of connections.

import { describe, expect, it } from 'vitest'
import { peerIdOfAddress, summarizeConnections, type ConnectionView } from './network-summary.ts'

const conn = (peer: string, limited = false, status = 'open'): ConnectionView =>
  ({ remotePeer: { toString: () => peer }, status, ...(limited ? { limits: { seconds: 120 } } : {}) })

describe('peerIdOfAddress', () => {
  it.each([
    ['/ip4/127.0.0.1/tcp/4002/ws/p2p/D', 'D'],
    ['/ip4/127.0.0.1/tcp/4002/ws/p2p/D/p2p-circuit/webrtc/p2p/B', 'B'],
    ['/ip4/127.0.0.1/tcp/4002/ws/p2p/D/p2p-circuit', 'D'],
    ['/ip4/127.0.0.1/tcp/4002/ws', undefined],
    ['/ip4/127.0.0.1/tcp/4002/ws/p2p/', undefined],
    ['', undefined]
  ])('%s names %s', (address, peer) => {
    expect(peerIdOfAddress(address)).toBe(peer)
  })
})

describe('summarizeConnections', () => {
  it('counts peers once; direct when any connection is unlimited; bootstrap peers among them', () => {
    const summary = summarizeConnections(
      [conn('D'), conn('B', true), conn('B'), conn('C', true), conn('E', false, 'closing'), conn('D')],
      new Set(['D', 'X']),
      ['/ip4/127.0.0.1/tcp/5555/ws']
    )
    expect(summary).toEqual({
      peers: 3,
      direct: 2,
      relayed: 1,
      bootstrapConnected: 1,
      bootstrapConfigured: 2,
      observedAddresses: ['/ip4/127.0.0.1/tcp/5555/ws']
    })
  })

  it('is all zeros with no connections', () => {
    expect(summarizeConnections([], new Set(), [])).toEqual({
      peers: 0, direct: 0, relayed: 0, bootstrapConnected: 0, bootstrapConfigured: 0, observedAddresses: []
    })
  })
})
