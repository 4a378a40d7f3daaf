// Browser lookup order for the e2e tests: CHROMIUM_PATH, then Debian's, then Playwright's.

import { describe, expect, it } from 'vitest'
import { findChromium, SYSTEM_CHROMIUM } from './e2e/harness/find-chromium.ts'

const PLAYWRIGHT = '/home/u/.cache/ms-playwright/chromium-1/chrome-linux/chrome'
const existing = (...paths: string[]) => (path: string) => paths.includes(path)

describe('findChromium', () => {
  it('prefers CHROMIUM_PATH', () => {
    const found = findChromium({ env: { CHROMIUM_PATH: '/opt/c' }, exists: existing('/opt/c', SYSTEM_CHROMIUM) })
    expect(found).toEqual({ path: '/opt/c', source: 'CHROMIUM_PATH' })
  })

  it('rejects a CHROMIUM_PATH that does not exist instead of falling back', () => {
    expect(() => findChromium({ env: { CHROMIUM_PATH: '/typo' }, exists: existing(SYSTEM_CHROMIUM) })).toThrow(
      expect.objectContaining({ name: 'ChromiumPathInvalidError' })
    )
  })

  it("then Debian's /usr/bin/chromium, then Playwright's", () => {
    const playwrightPath = () => PLAYWRIGHT
    expect(findChromium({ env: {}, exists: existing(SYSTEM_CHROMIUM, PLAYWRIGHT), playwrightPath })?.source).toBe('system')
    expect(findChromium({ env: {}, exists: existing(PLAYWRIGHT), playwrightPath })).toEqual({
      path: PLAYWRIGHT,
      source: 'playwright'
    })
  })

  it('returns undefined when there is no browser, even if Playwright cannot name one', () => {
    expect(findChromium({ env: {}, exists: existing(), playwrightPath: () => PLAYWRIGHT })).toBeUndefined()
    const throws = (): string => {
      throw new Error('unsupported platform')
    }
    expect(findChromium({ env: {}, exists: existing(), playwrightPath: throws })).toBeUndefined()
  })
})
