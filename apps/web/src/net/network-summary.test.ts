// The network summary as a pure function of connections.

import { describe, expect, it } from 'vitest'
import { inviteHints, peerIdOfAddress, summarizeConnections, type ConnectionView } from './network-summary.ts'

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

describe('inviteHints', () => {
  const D = '/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3KooWPVSyTTPSPbm9zqz3RjFqvCt5DaFkXWKSGtnqwkDoBD4k'
  const ME = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'
  it('daemons first, then my WebRTC addresses through them; nothing else, within the limits', () => {
    const own = [
      `${D}/p2p-circuit/webrtc/p2p/${ME}`,
      `${D}/p2p-circuit/p2p/${ME}`, // relayed only: the invitee would get a limited connection
      `/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWPVSyTTPSPbm9zqz3RjFqvCt5DaFkXWKSGtnqwkDoBD4k/p2p-circuit/webrtc/p2p/${ME}`, // not through a bootstrap address
      `/ip4/10.0.0.1/tcp/1/ws/p2p/${ME}/p2p-circuit/webrtc/p2p/${ME}`
    ]
    expect(inviteHints([D], own, 8, 512)).toEqual([D, `${D}/p2p-circuit/webrtc/p2p/${ME}`])
    expect(inviteHints([D], own, 1, 512)).toEqual([D])
    expect(inviteHints([D], own, 8, D.length)).toEqual([D])
    expect(inviteHints([], own, 8, 512)).toEqual([])
    expect(inviteHints([D, D], [...own, ...own], 8, 512)).toEqual([D, `${D}/p2p-circuit/webrtc/p2p/${ME}`])
  })
})
