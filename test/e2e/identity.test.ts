// End to end: identity onboarding in real Chromium against the real daemon and build.
// A creates an identity (kept in IndexedDB across a reload), exports a backup file, and B
// restores the same identity from that file in a separate browser profile.

import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHearth, type Hearth } from './harness/hearth.ts'
import { saveScreenshot } from './harness/screenshots.ts'

let hearth: Hearth
let backupPath = ''
let userId = ''
const PASSPHRASE = 'correct horse battery staple'

beforeAll(async () => {
  hearth = await startHearth({ peers: 1 })
})

afterAll(async () => {
  const started = hearth as Hearth | undefined
  if (started !== undefined) expect(await started.close()).toBe(0)
})

describe('identity onboarding', () => {
  it('creates an identity with a generated avatar and keeps it across a reload', async () => {
    const { page, errors } = hearth.peers[0]!
    await page.getByRole('heading', { name: 'Set up your account' }).waitFor()
    await saveScreenshot(page, 'onboarding')
    await page.getByLabel('Display name').fill('Ada Lovelace')
    await page.getByRole('button', { name: 'Create identity' }).click()
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor()
    // The avatar shows on the profile card and in the user bar.
    await expect.poll(() => page.locator('img.avatar').count()).toBeGreaterThanOrEqual(1)
    userId = (await page.locator('.user-id code').textContent()) ?? ''
    expect(userId).toMatch(/^[a-z2-7]{52}$/)
    expect(await page.getByText('Save a backup so you can\'t lose it').count()).toBe(1)
    await saveScreenshot(page, 'profile')

    await page.reload()
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor()
    expect(await page.locator('.user-id code').textContent()).toBe(userId)
    expect(errors).toEqual([])
  })

  it('edits the profile', async () => {
    const { page, errors } = hearth.peers[0]!
    await page.getByRole('button', { name: 'Edit profile' }).click()
    await page.getByRole('textbox', { name: 'Status' }).fill('Writing the first program')
    await page.getByRole('button', { name: 'Save profile' }).click()
    await page.getByText('Writing the first program').waitFor()
    await page.reload()
    await page.getByText('Writing the first program').waitFor()
    expect(errors).toEqual([])
  })

  it('exports a passphrase-encrypted backup, which ends the reminder', async () => {
    const { page, errors } = hearth.peers[0]!
    await page.getByRole('button', { name: 'Back up now' }).click()
    const form = page.getByRole('form', { name: 'Export a backup' })
    const download = form.getByRole('button', { name: 'Download backup' })
    await form.getByLabel(/^Passphrase \(at least/).fill('short')
    expect(await download.isDisabled()).toBe(true)
    await form.getByLabel(/^Passphrase \(at least/).fill(PASSPHRASE)
    await form.getByLabel('Passphrase again').fill(PASSPHRASE)
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()])
    expect(file.suggestedFilename()).toMatch(/^hearth-Ada-Lovelace-[a-z2-7]{8}\.hearthkey$/)
    backupPath = join(await mkdtemp(join(tmpdir(), 'hearth-e2e-')), file.suggestedFilename())
    await file.saveAs(backupPath)
    expect((await readFile(backupPath)).length).toBeGreaterThan(100)
    await page.getByRole('status').filter({ hasText: 'Backup saved' }).waitFor()
    expect(await page.getByText('Save a backup so you can\'t lose it').count()).toBe(0)
    expect(errors).toEqual([])
  })

  it('restores the identity from the backup in another browser, refusing a wrong passphrase', async () => {
    const { page, errors } = await hearth.addPeer('restorer')
    await page.getByRole('tab', { name: 'Restore from backup' }).click()
    const form = page.getByRole('form', { name: 'Restore from backup' })
    await form.getByLabel('Backup file (.hearthkey)').setInputFiles(backupPath)
    await form.getByLabel('Passphrase').fill('not the passphrase')
    await form.getByRole('button', { name: 'Restore identity' }).click()
    await form.getByRole('alert').filter({ hasText: 'That passphrase does not open this backup' }).waitFor()

    await form.getByLabel('Passphrase').fill(PASSPHRASE)
    await form.getByRole('button', { name: 'Restore identity' }).click()
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor()
    expect(await page.locator('.user-id code').textContent()).toBe(userId)
    await page.getByText('Writing the first program').waitFor()
    // Restored from a backup: no reminder.
    expect(await page.getByText('Save a backup so you can\'t lose it').count()).toBe(0)
    await saveScreenshot(page, 'restored')
    expect(errors).toEqual([])
  })
})
