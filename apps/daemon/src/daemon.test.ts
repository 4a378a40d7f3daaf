// `hearth serve` as a real process on 127.0.0.1: it prints its multiaddrs, a libp2p test node
// dials them (ping, identify), /hearth-config.json lists a WebSocket address a browser-profile
// node can dial, SIGTERM exits 0 and writes the peer cache, a restart keeps the peer id, and a
// second daemon on the same data directory refuses to start.

import { createHearthNode, HEARTH_KAD_PROTOCOL, loopbackTestConfig, type HearthNode } from '@hearth/net'
import { multiaddr } from '@multiformats/multiaddr'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { spawnJsonChild, type JsonChild } from './json-child.ts'
import { makeWebFixture, type WebFixture } from './test-fixtures.ts'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))

interface Listening {
  event: string
  url: string
  peerId: string
  multiaddrs: string[]
  bootstrap: string[]
}

let fixture: WebFixture
const children: JsonChild[] = []
const nodes: HearthNode[] = []

beforeEach(async () => {
  fixture = await makeWebFixture()
})
afterEach(async () => {
  for (const { child } of children.splice(0)) child.kill('SIGKILL')
  await Promise.all(nodes.splice(0).map((node) => node.stop()))
  await fixture.cleanup()
})

/** Start `hearth serve --json` on 127.0.0.1, every port 0, and wait for its listening event. */
async function startServe(): Promise<JsonChild & { listening: Listening }> {
  const args = ['serve', '--json', '--port', '0', '--tcp-port', '0', '--ws-port', '0']
  const proc = spawnJsonChild([CLI, ...args, '--data-dir', fixture.dataDir, '--web-dir', fixture.webDir])
  children.push(proc)
  const first = await proc.lines.next()
  expect(first.done, proc.stderr()).toBe(false)
  const listening = JSON.parse(first.value as string) as Listening
  expect(listening.event, proc.stderr()).toBe('listening')
  return { ...proc, listening }
}

/** Send `signal`, expect exit 0 after "stopping" and "stopped". */
async function stop(proc: JsonChild, signal: NodeJS.Signals): Promise<void> {
  proc.child.kill(signal)
  expect(await proc.exited, proc.stderr()).toBe(0)
  const rest: unknown[] = []
  for (let next = await proc.lines.next(); next.done !== true; next = await proc.lines.next()) rest.push(JSON.parse(next.value))
  expect(rest).toEqual([{ event: 'stopping', signal }, { event: 'stopped' }])
  expect(proc.stderr()).toBe('')
}

async function testNode(profile: 'server' | 'browser'): Promise<HearthNode> {
  const node = await createHearthNode({ ...loopbackTestConfig(profile), profile })
  nodes.push(node)
  return node
}

it('is a libp2p node others can dial; it keeps its peer id and writes its peer cache', async () => {
  const daemon = await startServe()
  const { peerId, multiaddrs, bootstrap } = daemon.listening
  expect(peerId).toMatch(/^12D3KooW/)
  expect(multiaddrs.length).toBeGreaterThanOrEqual(2)
  for (const addr of multiaddrs) expect(addr).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+(/ws)?/p2p/${peerId}$`))
  const tcp = multiaddrs.find((addr) => !addr.includes('/ws/'))
  expect(tcp).toBeDefined()

  // A server-profile test node dials the printed TCP address: ping and identify work.
  const server = await testNode('server')
  const connection = await server.libp2p.dial(multiaddr(tcp))
  expect(connection.remotePeer.toString()).toBe(peerId)
  expect(await server.libp2p.services.ping.ping(connection.remotePeer)).toBeGreaterThanOrEqual(0)
  await expect.poll(async () => (await server.libp2p.peerStore.get(connection.remotePeer)).protocols, { timeout: 10_000 })
    .toEqual(expect.arrayContaining([HEARTH_KAD_PROTOCOL, '/libp2p/circuit/relay/0.2.0/hop', '/ipfs/ping/1.0.0']))

  // The web app's config names the WebSocket address; a browser-profile node (WebSockets only) dials it.
  const config = (await (await fetch(new URL('hearth-config.json', daemon.listening.url))).json()) as { bootstrap: string[] }
  expect(config.bootstrap).toEqual(bootstrap)
  expect(config.bootstrap[0]).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/ws/p2p/${peerId}$`))
  const browser = await testNode('browser')
  const wsConnection = await browser.libp2p.dial(multiaddr(config.bootstrap[0]))
  expect(wsConnection.remoteAddr.toString()).toContain('/ws')
  expect(await browser.libp2p.services.ping.ping(wsConnection.remotePeer)).toBeGreaterThanOrEqual(0)

  await stop(daemon, 'SIGTERM')
  const cache = JSON.parse(await readFile(join(fixture.dataDir, 'peers.json'), 'utf8')) as { peers: string[] }
  expect(cache.peers.join(' ')).toContain(server.libp2p.peerId.toString())
  // The browser dialled in and listens on nothing dialable: nothing of it to reconnect to.
  expect(cache.peers.join(' ')).not.toContain(browser.libp2p.peerId.toString())

  const again = await startServe()
  expect(again.listening.peerId).toBe(peerId)

  // A second daemon on the same data directory refuses to start and names the first.
  const args = ['serve', '--json', '--port', '0', '--tcp-port', '0', '--ws-port', '0']
  const second = spawnJsonChild([CLI, ...args, '--data-dir', fixture.dataDir, '--web-dir', fixture.webDir])
  children.push(second)
  expect(await second.exited).toBe(1)
  const refusal = await second.lines.next()
  expect(`${String(refusal.value)} ${second.stderr()}`).toContain(`Another hearth serve (pid ${again.child.pid ?? ''})`)
  await stop(again, 'SIGINT')
}, 30_000)
