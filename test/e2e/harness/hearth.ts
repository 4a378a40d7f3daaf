// The e2e entry point: one real daemon serving the real build, one Chromium, N peers.
//
//   const hearth = await startHearth({ peers: 2 })
//   await hearth.peers[0].page.getByRole('heading', { name: 'Hearth' }).waitFor()
//   await hearth.close()

import { inject } from 'vitest'
import { launchChromium, openPeer, type Peer } from './browser.ts'
import { startDaemon, type DaemonProcess } from './daemon.ts'
import type { Browser } from 'playwright-core'

/** Options of {@link startHearth}. */
export interface StartHearthOptions {
  /** Number of browser contexts to open. @default 1 */
  peers?: number
  /** Daemon port. @default 18420 */
  port?: number
  /** Viewport of every peer. @default 1280×800 */
  viewport?: { width: number; height: number }
  /** Extra Chromium flags, e.g. FAKE_MEDIA_ARGS. */
  chromiumArgs?: readonly string[]
}

/** A running test setup. */
export interface Hearth {
  daemon: DaemonProcess
  browser: Browser
  peers: Peer[]
  /** Open one more peer on the same daemon. */
  addPeer(name?: string): Promise<Peer>
  /** Close peers, browser and daemon; resolves with the daemon's exit code. */
  close(): Promise<number | null>
}

/**
 * Start the daemon on 127.0.0.1 (web build and Chromium come from the global setup) and open
 * `peers` contexts on it, named "peer-1", "peer-2", …
 */
export async function startHearth(options: StartHearthOptions = {}): Promise<Hearth> {
  const daemon = await startDaemon({ webDir: inject('webDir'), port: options.port ?? 18420 })
  let browser: Browser
  try {
    browser = await launchChromium(inject('chromiumPath'), options.chromiumArgs)
  } catch (error) {
    await daemon.stop()
    throw error
  }
  const peers: Peer[] = []
  const addPeer = async (name = `peer-${peers.length + 1}`): Promise<Peer> => {
    const peer = await openPeer(browser, daemon.url, { name, ...(options.viewport ? { viewport: options.viewport } : {}) })
    peers.push(peer)
    return peer
  }
  const close = async (): Promise<number | null> => {
    await browser.close().catch(() => undefined)
    return daemon.stop()
  }
  try {
    for (let i = 0; i < (options.peers ?? 1); i++) await addPeer()
  } catch (error) {
    await close()
    throw error
  }
  return { daemon, browser, peers, addPeer, close }
}
