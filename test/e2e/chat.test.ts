// End to end: the Discord-like web app in real Chromium, three people and one daemon
// (bootstrap, relay, archiver), on loopback. The scenario of the web-app issue, in order:
//
// 1. Ada creates an identity and a room, and makes an invite.
// 2. Bo opens the invite and joins; both write, in both directions, over a direct WebRTC
//    connection between the two browsers (the daemon only signalled it).
// 3. Edits, deletes and reactions reach the other side; so do channels created, renamed,
//    reordered and deleted.
// 4. Ada defines a role and grants it to Bo; Bo uses it (pins Ada's message); Ada revokes it,
//    and Bo's controls for it are gone.
// 5. Ada bans Bo. A message Bo wrote while cut off from the network (so his copy did not know
//    of the ban yet) is refused by Ada and by the archiver once Bo is back, and never shown.
// 6. Ada goes offline; Cy joins with Ada's invite and gets the whole history from the archiver.
// 7. A reload keeps everything.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { startHearth, type Hearth } from './harness/hearth.ts'
import type { Peer } from './harness/browser.ts'
import { saveScreenshot } from './harness/screenshots.ts'
import { acceptInvite, composer, createIdentity, createRoom, makeInvite, message, messageAction, messageLog, openMember, send } from './harness/ui.ts'

let hearth: Hearth
let ada: Peer
let bo: Peer
let invite = ''

beforeAll(async () => {
  hearth = await startHearth({ peers: 2, port: 18421 })
  ;[ada, bo] = hearth.peers as [Peer, Peer]
})

afterAll(async () => {
  const started = hearth as Hearth | undefined
  if (started !== undefined) expect(await started.close()).toBe(0)
})

/** Wait until `text` shows in #general on `page`. */
async function sees(page: Page, text: string): Promise<void> {
  await message(page, text).first().waitFor({ timeout: 30_000 })
}

/** Open the connection status dialog, run `fn` on it, close it. */
async function withConnectionPanel<T>(page: Page, fn: (panel: ReturnType<Page['getByRole']>) => Promise<T>): Promise<T> {
  await page.getByRole('button', { name: 'Connection status' }).click()
  const panel = page.getByRole('dialog', { name: 'Connection status' })
  await panel.waitFor()
  try {
    return await fn(panel)
  } finally {
    await panel.press('Escape')
  }
}

describe('chatting in a room', () => {
  it('Ada creates an identity and a room, and makes an invite', async () => {
    await createIdentity(ada.page, 'Ada')
    await createRoom(ada.page, 'Analytical Engine')
    await send(ada.page, 'Hello from Ada')
    await sees(ada.page, 'Hello from Ada')
    invite = await makeInvite(ada.page)
    expect(invite).toMatch(/^http:\/\/127\.0\.0\.1:18421\/#\/join\//)
    await saveScreenshot(ada.page, 'room')
  })

  it('Bo opens the invite and joins; both write, over a direct WebRTC connection', async () => {
    await createIdentity(bo.page, 'Bo')
    await acceptInvite(bo.page, invite)
    await sees(bo.page, 'Hello from Ada')
    // Ada's name comes from her signed profile.
    await expect.poll(() => message(bo.page, 'Hello from Ada').locator('.message__author').first().textContent(), { timeout: 30_000 }).toBe('Ada')
    // Presence: each sees the other online soon after meeting (not only at the next heartbeat).
    await bo.page.getByRole('region', { name: 'Online members' }).getByRole('button', { name: /^Ada/ }).waitFor({ timeout: 15_000 })
    await ada.page.getByRole('region', { name: 'Online members' }).getByRole('button', { name: /^Bo/ }).waitFor({ timeout: 15_000 })
    await send(bo.page, 'Hi Ada, Bo here')
    await sees(ada.page, 'Hi Ada, Bo here')
    await send(ada.page, 'Welcome, Bo')
    await sees(bo.page, 'Welcome, Bo')

    // Between the two browsers: a direct connection (WebRTC; browsers have no other direct
    // transport), not one relayed by the daemon.
    for (const page of [ada.page, bo.page]) {
      await expect.poll(() => withConnectionPanel(page, (panel) =>
        panel.locator('.peer-list li').filter({ hasNotText: 'Archiver daemon' }).locator('[data-kind="direct"]').count()
      ), { timeout: 30_000, interval: 1_000 }).toBe(1)
    }
    // The daemon the page came from joins the room too (Ada's app asked it to archive the room).
    try {
      await expect.poll(() => withConnectionPanel(bo.page, async (panel) => {
        const archivers = await panel.locator('.peer-list li').filter({ hasText: 'Archiver daemon' }).count()
        if (archivers === 1) await saveScreenshot(bo.page, 'connection-status')
        return archivers
      }), { timeout: 45_000, interval: 1_000 }).toBe(1)
    } catch (error) {
      console.error('the daemon did not join the room; its events:', JSON.stringify(hearth.daemon.events()), hearth.daemon.stderr())
      throw error
    }
    expect(ada.errors).toEqual([])
    expect(bo.errors).toEqual([])
  })

  it('edits, deletes and reactions reach the other side', async () => {
    await send(bo.page, 'Tpyo here')
    await sees(ada.page, 'Tpyo here')
    await messageAction(bo.page, 'Tpyo here', 'Edit message')
    const editor = bo.page.getByRole('textbox', { name: 'Edit message text' })
    await editor.fill('Typo fixed')
    await editor.press('Enter')
    await sees(ada.page, 'Typo fixed')
    await expect.poll(() => message(ada.page, 'Typo fixed').textContent()).toContain('(edited)')

    await messageAction(ada.page, 'Welcome, Bo', 'Add reaction')
    await ada.page.getByRole('dialog', { name: 'Add a reaction' }).getByRole('button', { name: /^👍/ }).click()
    await message(bo.page, 'Welcome, Bo').getByRole('button', { name: '👍 1' }).waitFor({ timeout: 30_000 })

    await send(ada.page, 'This one goes away')
    await sees(bo.page, 'This one goes away')
    await messageAction(ada.page, 'This one goes away', 'Delete message')
    await ada.page.getByRole('dialog', { name: 'Delete message?' }).getByRole('button', { name: 'Delete', exact: true }).click()
    await expect.poll(() => message(bo.page, 'This one goes away').count(), { timeout: 30_000 }).toBe(0)
    await saveScreenshot(bo.page, 'messages')
  })

  it('channels created, renamed, reordered and deleted reach the other side', async () => {
    const channels = (page: Page) => page.getByRole('complementary', { name: 'Channels' })
    const channelNames = async (page: Page): Promise<string[]> =>
      (await channels(page).locator('.channel-item__name').allTextContents()).map((t) => t.trim())

    await channels(ada.page).getByRole('button', { name: 'Create channel' }).click()
    const create = ada.page.getByRole('dialog', { name: 'Create channel' })
    await create.getByLabel('Channel name').fill('random')
    await create.getByRole('button', { name: 'Create', exact: true }).click()
    await channels(bo.page).getByRole('link', { name: /^random/ }).waitFor({ timeout: 30_000 })

    await channels(ada.page).getByRole('link', { name: /^random/ }).click()
    await send(ada.page, 'Off the record', 'random')
    await channels(bo.page).getByRole('link', { name: /^random/ }).click()
    await message(bo.page, 'Off the record', 'random').waitFor({ timeout: 30_000 })

    await channels(ada.page).getByRole('button', { name: 'Edit channel random' }).click()
    const edit = ada.page.getByRole('dialog', { name: 'Edit #random' })
    await edit.getByLabel('Channel name').fill('off-topic')
    await edit.getByRole('button', { name: 'Save', exact: true }).click()
    await expect.poll(() => channelNames(bo.page), { timeout: 30_000 }).toEqual(['general', 'off-topic'])

    await channels(ada.page).getByRole('button', { name: 'Move off-topic up' }).click()
    await expect.poll(() => channelNames(bo.page), { timeout: 30_000 }).toEqual(['off-topic', 'general'])
    await saveScreenshot(bo.page, 'channels')

    await channels(ada.page).getByRole('button', { name: 'Delete channel off-topic' }).click()
    await ada.page.getByRole('dialog', { name: 'Delete #off-topic?' }).getByRole('button', { name: 'Delete channel' }).click()
    await expect.poll(() => channelNames(bo.page), { timeout: 30_000 }).toEqual(['general'])
    for (const page of [ada.page, bo.page]) {
      await channels(page).getByRole('link', { name: /^general/ }).click()
      await composer(page).waitFor()
    }
  })

  it('a role granted to Bo works, and once revoked its controls are gone', async () => {
    // Ada defines "Helper" (may pin) and grants it to Bo.
    await ada.page.getByRole('button', { name: 'Room settings' }).click()
    const settings = ada.page.getByRole('dialog', { name: /settings$/ })
    await settings.getByRole('tab', { name: 'Roles' }).click()
    await settings.getByRole('button', { name: 'Create role' }).click()
    await settings.getByLabel('Role name').fill('Helper')
    await settings.getByLabel('Pin messages').check()
    await settings.getByRole('button', { name: 'Save role' }).click()
    await settings.getByText('Helper').first().waitFor()
    await saveScreenshot(ada.page, 'room-settings-roles')
    await settings.press('Escape')

    const member = await openMember(ada.page, 'Bo')
    await member.getByRole('checkbox', { name: 'Helper' }).click()
    await expect.poll(() => member.getByRole('checkbox', { name: 'Helper' }).isChecked()).toBe(true)
    await member.press('Escape')

    // Bo may pin now: he pins Ada's first message, and Ada sees it pinned.
    await expect.poll(async () => {
      await message(bo.page, 'Hello from Ada').hover()
      return message(bo.page, 'Hello from Ada').getByRole('button', { name: 'Pin message' }).count()
    }, { timeout: 30_000 }).toBe(1)
    await messageAction(bo.page, 'Hello from Ada', 'Pin message')
    await expect.poll(() => message(ada.page, 'Hello from Ada').locator('.message__pinned').count(), { timeout: 30_000 }).toBeGreaterThan(0)
    // Ada writes after seeing the pin: her message builds on it, so it stays even once Bo is
    // banned (PROTOCOL §7.4.1: a banned member's events stay only where others built on them).
    await send(ada.page, 'Thanks for the pin')
    await sees(bo.page, 'Thanks for the pin')

    // Ada revokes it: Bo's pin control disappears (and the network would refuse his pins).
    const again = await openMember(ada.page, 'Bo')
    await again.getByRole('checkbox', { name: 'Helper' }).click()
    await expect.poll(() => again.getByRole('checkbox', { name: 'Helper' }).isChecked()).toBe(false)
    await again.press('Escape')
    await expect.poll(async () => {
      await message(bo.page, 'Welcome, Bo').hover()
      return message(bo.page, 'Welcome, Bo').getByRole('button', { name: 'Pin message' }).count()
    }, { timeout: 30_000 }).toBe(0)
  })

  it('after Ada bans Bo, what Bo wrote without knowing of the ban is refused', async () => {
    // Bo's tab closes; he writes later from a tab cut off from the network (its WebSockets
    // refused), so his copy of the room does not know of the ban yet.
    await bo.page.close()
    const member = await openMember(ada.page, 'Bo')
    await member.getByRole('textbox', { name: 'Reason (optional)' }).fill('spam')
    await member.getByRole('button', { name: 'Ban', exact: true }).click()
    await ada.page.getByRole('dialog', { name: /^Ban / }).getByRole('button', { name: 'Ban', exact: true }).click()
    await ada.page.getByRole('region', { name: 'Offline members' }).or(ada.page.getByRole('region', { name: 'Online members' })).first().waitFor()
    await expect.poll(() => ada.page.getByRole('complementary', { name: 'Members' }).getByRole('button', { name: /^Bo/ }).count(), { timeout: 15_000 }).toBe(0)

    const cutOff = await bo.context.newPage()
    await cutOff.routeWebSocket(/.*/, (ws) => { void ws.close() })
    await cutOff.goto(hearth.daemon.url)
    await cutOff.getByRole('navigation', { name: 'Rooms' }).getByRole('link', { name: /Analytical Engine/ }).click()
    await composer(cutOff).waitFor()
    await send(cutOff, 'Written while cut off')
    await sees(cutOff, 'Written while cut off')
    await cutOff.close()

    // Back online: his copy learns the ban; the message is refused by Ada and the archiver.
    const back = await bo.context.newPage()
    bo.page = back
    await back.goto(hearth.daemon.url)
    await back.getByRole('navigation', { name: 'Rooms' }).getByRole('link', { name: /Analytical Engine/ }).click()
    await expect.poll(() => composer(back).isDisabled(), { timeout: 30_000 }).toBe(true)
    await expect.poll(() => message(back, 'Written while cut off').count(), { timeout: 30_000 }).toBe(0)
    await saveScreenshot(back, 'banned')
    // Ada has been online all along: give gossip and sync time to deliver, then check.
    await send(ada.page, 'Still here')
    await sees(ada.page, 'Still here')
    await sees(back, 'Still here').catch(() => undefined)
    expect(await message(ada.page, 'Written while cut off').count()).toBe(0)
  })

  it('Cy joins while Ada is offline and gets the whole history from the archiver', async () => {
    // The daemon said it keeps the room, and is online in it.
    await withConnectionPanel(ada.page, async (panel) => {
      expect(await panel.getByText('A daemon keeps a copy of this room').count()).toBe(1)
      expect(await panel.getByText('An archiver (always-on peer) is reachable.').count()).toBe(1)
    })
    await ada.context.close()
    await bo.context.close()

    const cy = await hearth.addPeer('cy')
    await createIdentity(cy.page, 'Cy')
    await acceptInvite(cy.page, invite)
    for (const text of ['Hello from Ada', 'Hi Ada, Bo here', 'Welcome, Bo', 'Typo fixed', 'Thanks for the pin', 'Still here']) await sees(cy.page, text)
    expect(await message(cy.page, 'This one goes away').count()).toBe(0)
    expect(await message(cy.page, 'Written while cut off').count()).toBe(0)
    await message(cy.page, 'Welcome, Bo').getByRole('button', { name: '👍 1' }).waitFor()
    expect(await message(cy.page, 'Hello from Ada').locator('.message__pinned').count()).toBeGreaterThan(0)
    // The daemon's own member shows by its signed profile's name, online.
    await cy.page.getByRole('region', { name: 'Online members' }).getByRole('button', { name: /^Archiver/ }).waitFor({ timeout: 15_000 })
    await saveScreenshot(cy.page, 'late-joiner')

    // A reload keeps everything (from IndexedDB, before any peer answers).
    await cy.page.reload()
    await cy.page.getByRole('navigation', { name: 'Rooms' }).getByRole('link', { name: /Analytical Engine/ }).click()
    for (const text of ['Hello from Ada', 'Typo fixed', 'Still here']) await sees(cy.page, text)
    expect(await messageLog(cy.page).getByRole('article').count()).toBeGreaterThanOrEqual(5)
    expect(cy.errors).toEqual([])
  })
})
