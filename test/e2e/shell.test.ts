// First end-to-end test: the real daemon serves the real build; Chromium shows the Hearth
// shell connected to that daemon, without console errors, in wide and narrow layouts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHearth, type Hearth } from './harness/hearth.ts'
import { saveScreenshot } from './harness/screenshots.ts'

let hearth: Hearth

beforeAll(async () => {
  hearth = await startHearth({ peers: 1 })
})

afterAll(async () => {
  // The daemon must shut down cleanly on SIGINT. (Undefined if beforeAll failed.)
  const started = hearth as Hearth | undefined
  if (started !== undefined) expect(await started.close()).toBe(0)
})

describe('Hearth shell', () => {
  it('renders, shows the daemon as connected, and logs no errors', async () => {
    const { page, errors } = hearth.peers[0]!
    expect(hearth.daemon.url).toBe('http://127.0.0.1:18420/')
    await page.getByRole('heading', { level: 1, name: 'Hearth' }).waitFor()

    const status = page.getByRole('status', { name: 'Daemon status' })
    await expect.poll(() => status.textContent()).toContain('Daemon connected')
    const text = (await status.textContent()) ?? ''
    const config = (await (await fetch(new URL('hearth-config.json', hearth.daemon.url))).json()) as { version: string }
    expect(text).toContain(`v${config.version}`)
    expect(await page.locator('.daemon-status').getAttribute('data-state')).toBe('connected')

    for (const name of ['Rooms', 'Channels', 'Members']) {
      expect(await page.getByRole(name === 'Rooms' ? 'navigation' : 'complementary', { name }).count()).toBe(1)
    }
    expect(await page.getByRole('main').getByRole('heading', { name: 'Welcome to Hearth' }).count()).toBe(1)
    expect(await page.title()).toBe('Hearth')

    await saveScreenshot(page, 'shell')
    expect(errors).toEqual([])
  })

  it('serves client-side routes through the SPA fallback', async () => {
    const peer = await hearth.addPeer('deep-link')
    await peer.page.goto(new URL('room/some-room-id', hearth.daemon.url).href)
    await peer.page.getByRole('heading', { level: 1, name: 'Hearth' }).waitFor()
    expect(peer.errors).toEqual([])
  })

  it('collapses side panels into keyboard-operable drawers on a narrow screen', async () => {
    const { page, errors } = hearth.peers[0]!
    await page.setViewportSize({ width: 420, height: 800 })
    const channels = page.getByRole('complementary', { name: 'Channels' })
    const toggle = page.getByRole('button', { name: 'Channels' })
    expect(await channels.isVisible()).toBe(false)
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')

    // Reach the toggle with the keyboard and open the drawer.
    await page.locator('body').focus()
    for (let i = 0; i < 10 && !(await toggle.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab')
    }
    expect(await toggle.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.press('Enter')
    expect(await channels.isVisible()).toBe(true)
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    expect(await channels.evaluate((el) => el === document.activeElement)).toBe(true)
    await saveScreenshot(page, 'shell-narrow-drawer')

    // Escape closes it and gives focus back to the toggle.
    await page.keyboard.press('Escape')
    expect(await channels.isVisible()).toBe(false)
    expect(await toggle.evaluate((el) => el === document.activeElement)).toBe(true)

    // The member list is a drawer too; it closes on Escape as well.
    const members = page.getByRole('complementary', { name: 'Members' })
    expect(await members.isVisible()).toBe(false)
    await page.getByRole('button', { name: 'Members' }).click()
    expect(await members.isVisible()).toBe(true)
    await page.keyboard.press('Escape')
    expect(await members.isVisible()).toBe(false)

    expect(await page.getByRole('status', { name: 'Daemon status' }).isVisible()).toBe(true)
    await saveScreenshot(page, 'shell-narrow')
    expect(errors).toEqual([])
  })
})
