// The web app's browser network for real: the daemon serves the real build plus a test-only
// fixture page (fixtures/browser-network) that exposes apps/web/src/net on `window`. Two
// Chromium contexts reach the daemon through /hearth-config.json, reserve a slot on its relay,
// dial each other over WebRTC through it, end up directly connected, and find their node key
// and peer cache again after a reload.

import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { HearthNetFixture } from './fixtures/browser-network/main.ts'
import { buildBrowserNetworkFixture, FIXTURE_PATH } from './fixtures/browser-network/build.ts'
import { launchChromium, openPeer, type Peer } from './harness/browser.ts'
import { startDaemon, type DaemonProcess } from './harness/daemon.ts'
import { E2E_RESULTS_DIR } from './harness/screenshots.ts'

/** Its own port: IndexedDB is per origin, so these profiles do not meet other tests' state. */
const PORT = 18431
/** Save the peer cache often, so a reload without a clean stop finds it written. */
const SAVE_INTERVAL_MS = 300

type Summary = ReturnType<HearthNetFixture['summary']>

let daemon: DaemonProcess
let browser: Browser

beforeAll(async () => {
  const webDir = await buildBrowserNetworkFixture(inject('webDir'), join(E2E_RESULTS_DIR, 'web-browser-network'))
  daemon = await startDaemon({ webDir, port: PORT })
  browser = await launchChromium(inject('chromiumPath'))
})

afterAll(async () => {
  await (browser as Browser | undefined)?.close().catch(() => undefined)
  const started = daemon as DaemonProcess | undefined
  if (started !== undefined) expect(await started.stop()).toBe(0)
})

async function open(name: string): Promise<Peer> {
  const peer = await openPeer(browser, new URL(FIXTURE_PATH, daemon.url).href, { name })
  await peer.page.waitForFunction(() => 'hearthNet' in window)
  return peer
}

const start = (peer: Peer): Promise<{ peerId: string; persistentKey: boolean }> =>
  peer.page.evaluate((ms) => window.hearthNet.start({ peerCacheSaveIntervalMs: ms }), SAVE_INTERVAL_MS)
const summary = (peer: Peer): Promise<Summary> => peer.page.evaluate(() => window.hearthNet.summary())
const stored = (peer: Peer): Promise<readonly string[]> => peer.page.evaluate(() => window.hearthNet.storedPeerCache())

describe('browser network (apps/web/src/net)', () => {
  it('reaches the daemon, then the other browser directly over WebRTC; key and peer cache survive a reload', async () => {
    const config = (await (await fetch(new URL('hearth-config.json', daemon.url))).json()) as { bootstrap: string[] }
    expect(config.bootstrap.length).toBeGreaterThan(0)
    const daemonId = config.bootstrap[0]!.split('/p2p/')[1]!

    const a = await open('a')
    const b = await open('b')
    const ids = [(await start(a)).peerId, (await start(b)).peerId]
    const [aId, bId] = ids as [string, string]
    expect(aId).not.toBe(bId)

    // Both dial the daemon's /ws address, which the browser gater refuses unless trusted.
    for (const peer of [a, b]) {
      await expect.poll(async () => (await summary(peer)).bootstrapConnected, { timeout: 15_000 }).toBe(1)
      const s = await summary(peer)
      expect(s.bootstrapConfigured).toBe(1)
      expect(await peer.page.evaluate((id) => window.hearthNet.isArchiver(id), daemonId)).toBe(true)
      // Invite hints: the daemon, then (once the relay reservation is made) this browser's WebRTC address through it.
      const hints = await peer.page.evaluate(() => window.hearthNet.inviteAddresses())
      expect(hints.slice(0, config.bootstrap.length)).toEqual(config.bootstrap)
      for (const hint of hints.slice(config.bootstrap.length)) expect(hint).toMatch(new RegExp(`^${config.bootstrap[0] ?? ''}/p2p-circuit/webrtc/p2p/12D3KooW`))
    }
    expect(await a.page.evaluate((id) => window.hearthNet.isArchiver(id), bId)).toBe(false)

    // B holds a reservation on the daemon's relay: it is reachable at …/p2p-circuit/webrtc/p2p/B.
    let webrtcAddress: string | undefined
    await expect.poll(async () => {
      const addresses = await b.page.evaluate(() => window.hearthNet.addresses())
      webrtcAddress = addresses.find((address) => address.includes(`/p2p/${daemonId}/p2p-circuit/webrtc`))
      return webrtcAddress
    }, { timeout: 15_000 }).toBeDefined()

    // @libp2p/webrtc 6.0.33 hangs about 6% of browser↔browser dials (TESTING.md): one retry,
    // reported, so the flake stays visible without failing the run.
    let connection = await a.page.evaluate((address) => window.hearthNet.dial(address), webrtcAddress!).catch((error: unknown) => error as Error)
    if (connection instanceof Error) {
      console.warn(`browser-network e2e: first WebRTC dial failed (${connection.message}); retrying once`)
      connection = await a.page.evaluate((address) => window.hearthNet.dial(address), webrtcAddress!)
    }
    expect(connection.peer).toBe(bId)
    expect(connection.limited).toBe(false)
    expect(connection.remoteAddr).toContain('/webrtc')

    // Both count each other as a direct peer (the relayed signalling connection may linger; it does not make the peer relayed).
    for (const [peer, other] of [[a, bId], [b, aId]] as const) {
      await expect.poll(async () => (await peer.page.evaluate(() => window.hearthNet.connections()))
        .some((c) => c.peer === other && !c.limited && c.status === 'open' && c.remoteAddr.includes('/webrtc')), { timeout: 10_000 }).toBe(true)
      await expect.poll(() => summary(peer)).toMatchObject({ peers: 2, direct: 2, relayed: 0, bootstrapConnected: 1 })
      expect(await peer.page.evaluate(() => window.hearthNet.changes())).toBeGreaterThan(0)
    }

    // The peer cache is written while running (no clean stop before the reload, as when a tab closes).
    const before = new Map<Peer, readonly string[]>()
    for (const peer of [a, b]) {
      await expect.poll(() => stored(peer), { timeout: 10_000 }).toContain(config.bootstrap[0])
      before.set(peer, await stored(peer))
    }
    for (const [peer, id] of [[a, aId], [b, bId]] as const) {
      await peer.page.reload()
      await peer.page.waitForFunction(() => 'hearthNet' in window)
      // Kept across the reload (a save while the tab went away may have added peers met since).
      expect(await stored(peer)).toEqual(expect.arrayContaining([...before.get(peer) ?? []]))
      const again = await start(peer)
      expect(again).toEqual({ peerId: id, persistentKey: true })
      await expect.poll(async () => (await summary(peer)).bootstrapConnected, { timeout: 15_000 }).toBe(1)
    }

    for (const peer of [a, b]) await peer.page.evaluate(() => window.hearthNet.stop())
    expect([...a.errors, ...b.errors]).toEqual([])
  })
})
