// Locates a Chromium for the browser tests: $CHROMIUM_PATH, then Debian's /usr/bin/chromium,
// then the browser Playwright installed for this user (`npx playwright-core install chromium`).

import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'

/** CHROMIUM_PATH points at a file that does not exist. */
export class ChromiumPathInvalidError extends Error {
  override name = 'ChromiumPathInvalidError'
}

/** A found browser and where the path came from (for log lines). */
export interface FoundChromium {
  path: string
  source: 'CHROMIUM_PATH' | 'system' | 'playwright'
}

/** Debian's package puts its launcher here. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium'

/** Where {@link findChromium} looks; replaceable in tests. */
export interface FindChromiumSources {
  env?: Record<string, string | undefined>
  exists?: (path: string) => boolean
  /** Path of Playwright's own Chromium (may not be installed). */
  playwrightPath?: () => string
}

/**
 * Find Chromium, or return undefined if there is none. A CHROMIUM_PATH that is set but wrong
 * is an error rather than a silent fallback, so a typo cannot select another browser.
 */
export function findChromium(sources: FindChromiumSources = {}): FoundChromium | undefined {
  const { env = process.env, exists = existsSync, playwrightPath = () => chromium.executablePath() } = sources
  const fromEnv = env.CHROMIUM_PATH
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!exists(fromEnv)) throw new ChromiumPathInvalidError(`CHROMIUM_PATH=${fromEnv} does not exist`)
    return { path: fromEnv, source: 'CHROMIUM_PATH' }
  }
  if (exists(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: 'system' }
  let bundled: string | undefined
  try {
    bundled = playwrightPath()
  } catch {
    // Playwright has no browser build for this platform.
  }
  if (bundled !== undefined && bundled !== '' && exists(bundled)) return { path: bundled, source: 'playwright' }
  return undefined
}
