// Driving the Hearth UI the way a person does, by role and accessible name: the steps the
// e2e scenarios share (onboarding, rooms, invites, messages, the member dialog).

import type { Locator, Page } from 'playwright-core'

/** Create an identity with a display name (and the generated avatar); waits for the home screen. */
export async function createIdentity(page: Page, name: string): Promise<void> {
  await page.getByLabel('Display name').fill(name)
  await page.getByRole('button', { name: 'Create identity' }).click()
  await page.getByRole('button', { name: 'Create room' }).waitFor()
}

/** Create a room from the rail; waits until its #general channel is open. */
export async function createRoom(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Create room' }).click()
  const dialog = page.getByRole('dialog', { name: 'Create a room' })
  await dialog.getByLabel('Room name').fill(name)
  await dialog.getByRole('button', { name: 'Create', exact: true }).click()
  await composer(page).waitFor()
}

/** Open the invite dialog and read the link. */
export async function makeInvite(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Invite people' }).click()
  const dialog = page.getByRole('dialog', { name: /^Invite people to / })
  const field = dialog.getByRole('textbox', { name: 'Invite link' })
  await field.waitFor()
  let link = ''
  for (let i = 0; i < 100 && !link.includes('#/join/'); i++) {
    link = await field.inputValue()
    if (!link.includes('#/join/')) await page.waitForTimeout(100)
  }
  await dialog.press('Escape')
  if (!link.includes('#/join/')) throw new Error('the invite dialog showed no link')
  return link
}

/** Open an invite link and accept it; waits for the joined room's composer. */
export async function acceptInvite(page: Page, link: string): Promise<void> {
  await page.goto(link)
  await page.getByRole('button', { name: 'Accept invite' }).click()
  await composer(page).waitFor({ timeout: 45_000 })
}

/** The composer of #general (or another channel). */
export function composer(page: Page, channel = 'general'): Locator {
  return page.getByRole('textbox', { name: `Message #${channel}` })
}

/** Type and send a message with Enter. */
export async function send(page: Page, text: string, channel = 'general'): Promise<void> {
  const box = composer(page, channel)
  await box.fill(text)
  await box.press('Enter')
}

/** The message log of a channel. */
export function messageLog(page: Page, channel = 'general'): Locator {
  return page.getByRole('log', { name: `Messages in #${channel}` })
}

/** The message (article) whose text contains `text`. */
export function message(page: Page, text: string, channel = 'general'): Locator {
  return messageLog(page, channel).getByRole('article').filter({ hasText: text })
}

/** Hover a message and click one of its actions ("Reply", "Add reaction", "Edit message", …). */
export async function messageAction(page: Page, text: string, action: string): Promise<void> {
  const item = message(page, text)
  await item.hover()
  await item.getByRole('button', { name: action, exact: true }).click()
}

/** Open the profile dialog of a member from the member list. */
export async function openMember(page: Page, name: string): Promise<Locator> {
  await page.getByRole('complementary', { name: 'Members' }).getByRole('button', { name: new RegExp(`^${name}`) }).first().click()
  const dialog = page.getByRole('dialog', { name })
  await dialog.waitFor()
  return dialog
}
