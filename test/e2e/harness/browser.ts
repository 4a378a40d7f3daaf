// Launches Chromium the way TESTING.md prescribes (loopback WebRTC allowed, no background
// traffic) and opens "peers": separate browser contexts, each its own user with its own
// storage, with console errors and page errors collected for assertions.

import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

/** Chromium flags for every e2e run (see TESTING.md, "Chromium and Playwright"). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-loopback-in-peer-connection'
]

/** Extra flags for voice/video tests: fake camera and microphone, no permission prompt. */
export const FAKE_MEDIA_ARGS: readonly string[] = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']

/** Launch Chromium from `executablePath` with {@link CHROMIUM_ARGS} plus `extraArgs`. */
export function launchChromium(executablePath: string, extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] })
}

/** One simulated user: an isolated browser context with one page. */
export interface Peer {
  name: string
  context: BrowserContext
  page: Page
  /** Console messages of type "error" and uncaught page errors, in order. */
  errors: string[]
}

/** Options of {@link openPeer}. */
export interface OpenPeerOptions {
  /** Label used in error messages. */
  name: string
  viewport?: { width: number; height: number }
}

/**
 * Open a new context (camera+microphone granted: WebRTC on loopback needs it) and load `url`.
 * The context's origin permissions are granted for `url`'s origin.
 */
export async function openPeer(browser: Browser, url: string, options: OpenPeerOptions): Promise<Peer> {
  const context = await browser.newContext({
    permissions: ['camera', 'microphone'],
    viewport: options.viewport ?? { width: 1280, height: 800 }
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`[console] ${message.text()}`)
  })
  page.on('pageerror', (error) => {
    errors.push(`[pageerror] ${error.message}`)
  })
  await page.goto(url)
  return { name: options.name, context, page, errors }
}
