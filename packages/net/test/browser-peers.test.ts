/**
 * Browser-profile peers behind a daemon, as the web app runs: two nodes that
 * listen only through the daemon's relay (`/p2p-circuit`, `/webrtc`) and
 * bootstrap from its WebSocket address (trusted, as the page's daemon is).
 * One goes live in a room at once; the other finds it by the room's DHT
 * lookup (which needs the announcement repeated once the relay reservation
 * gave the first an address, and the daemon's private address kept in the
 * DHT), connects through the daemon, and syncs.
 */
import { afterAll, expect, it } from 'vitest'
import { RoomSession, serveSyncConversation, type RoomStore } from '@hearth/client'
import { createHearthNode, Libp2pRoomNetwork, loopbackTestConfig, type HearthNode } from '../src/index.ts'
import { stopAll, waitFor } from './support.ts'
import { emptyReplica, seededReplica, streamsRoom } from './fixtures/streams-room.ts'

const nodes: HearthNode[] = []
const stores: RoomStore[] = []
afterAll(async () => {
  await stopAll(nodes)
})

it('a browser peer reachable only through the daemon is found by the room lookup and synced from', async () => {
  // The daemon without the loopback tests' pass-everything address mapper either: its DHT
  // answers must keep its browsers' relayed addresses although they are private here.
  const serverTest = loopbackTestConfig('server')
  const { peerInfoMapper: _serverMapper, ...serverOverrides } = serverTest.insecureTestOverrides ?? {}
  const daemon = await createHearthNode({ ...serverTest, insecureTestOverrides: serverOverrides, profile: 'server' })
  nodes.push(daemon)
  const ws = daemon.libp2p.getMultiaddrs().map(String).find((a) => a.includes('/ws/'))
  expect(ws).toBeDefined()
  const errors: string[] = []
  const browser = async (): Promise<{ node: HearthNode; net: Libp2pRoomNetwork }> => {
    // The web app's settings: the daemon's address is trusted (kept in the DHT although it is
    // private) rather than the loopback tests' pass-everything address mapper.
    const test = loopbackTestConfig('browser')
    const { peerInfoMapper: _mapper, ...overrides } = test.insecureTestOverrides ?? {}
    const node = await createHearthNode({
      ...test, insecureTestOverrides: overrides, profile: 'browser', bootstrap: [ws as string], trustedAddresses: [ws as string]
    })
    nodes.push(node)
    const net = await Libp2pRoomNetwork.start(node, {
      respond: (stream, replicas) => serveSyncConversation(stream, replicas),
      observer: { error: (err, context) => { errors.push(`${context}: ${String(err)}`) } }
    })
    return { node, net }
  }
  const room = await streamsRoom('browser-peers', 2, 1)
  const a = await browser()
  const aStore = await seededReplica(room, 10)
  stores.push(aStore)
  // As in the app: the room goes live at once, before the relay reservation gives A an address
  // (and maybe before the DHT knows any server): the announcement must be repeated then.
  const session = await RoomSession.join(aStore, a.net, { resyncIntervalMs: 0 })
  expect(session.state().phase).toBe('live')

  const b = await browser()
  const bStore = await emptyReplica(room)
  stores.push(bStore)
  await waitFor('B finds A by the room lookup', async () =>
    (await b.net.lookup(room.genesis.room, { signal: AbortSignal.timeout(5_000) })).some((p) => p.id === a.node.libp2p.peerId.toString()), 30_000, 500)
  const joined = await RoomSession.join(bStore, b.net, { resyncIntervalMs: 0 })
  await waitFor('B has A\'s history', () => bStore.history(room.channels[0]!, { limit: 100 }).length === 10, 30_000)
  expect(joined.state().peers.map((p) => p.id)).toContain(a.node.libp2p.peerId.toString())
  await session.leave()
  await joined.leave()
}, 60_000)
