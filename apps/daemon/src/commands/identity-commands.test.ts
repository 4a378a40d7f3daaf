// `hearth identity …` and `hearth profile set` as real processes against temp data
// directories: a backup made by one data directory restores the same user id in another,
// and wrong passphrases, damaged files and replacing an identity are refused clearly.

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backupIdentity, formatUserId } from '@hearth/protocol'
import { runHearth } from './test-support.ts'

let root: string
let passFile: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-identity-'))
  passFile = join(root, 'pass.txt')
  await writeFile(passFile, 'correct horse battery staple\n')
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('hearth identity', () => {
  it('new → show → export → import into a second data dir gives the same user id', async () => {
    const first = join(root, 'first')
    const made = await runHearth(['identity', 'new', '--name', 'Ada', '--status', 'testing', '--data-dir', first, '--json'])
    expect(made.code, made.stderr).toBe(0)
    const created = made.events()[0]!
    expect(created).toMatchObject({ event: 'identity', action: 'created', name: 'Ada', status: 'testing', profileSeq: 1 })
    expect(created.userId).toMatch(/^[a-z2-7]{52}$/)
    // The database holds the secret key: owner-only.
    expect((await stat(join(first, 'hearth.sqlite'))).mode & 0o077).toBe(0)

    const shown = await runHearth(['identity', 'show', '--data-dir', first])
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain(`User id:  ${String(created.userId)}`)
    expect(shown.stdout).toContain('never exported')

    const again = await runHearth(['identity', 'new', '--name', 'Other', '--data-dir', first])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already has the identity .* pass --force/)

    const file = join(root, 'ada.hearthkey')
    const exported = await runHearth(['identity', 'export', '--out', file, '--passphrase-file', passFile, '--data-dir', first, '--json'])
    expect(exported.code, exported.stderr).toBe(0)
    expect(exported.events()[0]).toMatchObject({ event: 'backup-exported', userId: created.userId, file })
    const bytes = new Uint8Array(await readFile(file))
    expect(formatUserId(backupIdentity(bytes))).toBe(created.userId)
    expect((await stat(file)).mode & 0o077).toBe(0)
    expect((await runHearth(['--json', 'identity', 'show', '--data-dir', first])).events()[0]).toHaveProperty('backedUpAt')

    const second = join(root, 'second')
    const wrong = await runHearth(['identity', 'import', file, '--data-dir', second, '--json'], { HEARTH_PASSPHRASE: 'not the passphrase' })
    expect(wrong.code).toBe(1)
    expect(wrong.events()[0]).toMatchObject({ event: 'error', error: 'WrongPassphraseError' })
    expect(wrong.stdout + wrong.stderr).not.toMatch(/\n\s+at /)

    const imported = await runHearth(['identity', 'import', file, '--data-dir', second, '--json'], { HEARTH_PASSPHRASE: 'correct horse battery staple' })
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.events()[0]).toMatchObject({ event: 'identity', action: 'imported', userId: created.userId, name: 'Ada', status: 'testing' })

    const profile = await runHearth(['profile', 'set', '--name', 'Ada L.', '--status', '', '--about', 'Counts things', '--data-dir', second, '--json'])
    expect(profile.code, profile.stderr).toBe(0)
    expect(profile.events()[0]).toMatchObject({ event: 'profile', userId: created.userId, name: 'Ada L.', about: 'Counts things', profileSeq: 2 })
    expect(profile.events()[0]).not.toHaveProperty('status')
  })

  it('refuses damaged backups, a passphrase on the command line, and a different identity without --force', async () => {
    const dir = join(root, 'third')
    const junk = join(root, 'junk.hearthkey')
    await writeFile(junk, new Uint8Array(200).fill(7))
    const damaged = await runHearth(['identity', 'import', junk, '--passphrase-file', passFile, '--data-dir', dir])
    expect(damaged.code).toBe(1)
    expect(damaged.stderr).toMatch(/^hearth: .*not a Hearth backup file/)

    const flag = await runHearth(['identity', 'export', '--out', join(root, 'x.hearthkey'), '--passphrase', 'hunter22hunter', '--data-dir', dir])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain('--passphrase-file')
    expect(flag.stdout + flag.stderr).not.toContain('hunter22hunter')

    expect((await runHearth(['identity', 'new', '--name', 'Bea', '--data-dir', dir])).code).toBe(0)
    const other = join(root, 'other')
    expect((await runHearth(['identity', 'new', '--name', 'Cy', '--data-dir', other])).code).toBe(0)
    const cyFile = join(root, 'cy.hearthkey')
    expect((await runHearth(['identity', 'export', '--out', cyFile, '--passphrase-file', passFile, '--data-dir', other])).code).toBe(0)
    const clash = await runHearth(['identity', 'import', cyFile, '--passphrase-file', passFile, '--data-dir', dir])
    expect(clash.code).toBe(1)
    expect(clash.stderr).toMatch(/different identity.*--force/)
    const forced = await runHearth(['identity', 'import', cyFile, '--passphrase-file', passFile, '--data-dir', dir, '--force', '--json'])
    expect(forced.code, forced.stderr).toBe(0)
    expect(forced.events()[0]).toMatchObject({ name: 'Cy' })
  })
})
