import { describe, expect, it } from 'vitest'
import { MemoryByteStore, MemoryStorageAdapter, WrongPassphraseError, decodeProfile, encodeProfile, InvalidArgumentError } from '@hearth/protocol'
import { IdentityExistsError, IdentityVault, NoIdentityError } from './index.ts'

const ITER = 100_000

function clock(start = 1_700_000_000_000): () => number {
  let t = start
  return () => (t += 1000)
}

async function fresh(store = new MemoryByteStore()): Promise<{ vault: IdentityVault; store: MemoryByteStore }> {
  const vault = await IdentityVault.open({ storage: new MemoryStorageAdapter({ store }), now: clock(), backupIterations: ITER })
  return { vault, store }
}

describe('IdentityVault', () => {
  it('starts empty and refuses to sign without an identity', async () => {
    const { vault } = await fresh()
    expect(vault.identity).toBeUndefined()
    expect(vault.needsBackup).toBe(false)
    expect(() => vault.keypair).toThrow(NoIdentityError)
    await expect(vault.exportBackup('long enough pass')).rejects.toThrow(NoIdentityError)
  })

  it('creates an identity with a signed profile and keeps it across reopen', async () => {
    const { vault, store } = await fresh()
    const id = await vault.create({ name: 'Ada', bio: 'hi' })
    expect(id.profile.name).toBe('Ada')
    expect(id.profile.seq).toBe(1)
    expect(id.userId).toHaveLength(52)
    expect(vault.needsBackup).toBe(true)
    await expect(vault.create({ name: 'again' })).rejects.toThrow(IdentityExistsError)

    const { vault: reopened } = await fresh(store)
    expect(reopened.identity?.userId).toBe(id.userId)
    expect(reopened.identity?.profile.name).toBe('Ada')
    expect(reopened.keypair.seed).toEqual(vault.keypair.seed)
  })

  it('bumps seq on every profile update', async () => {
    const { vault } = await fresh()
    await vault.create({ name: 'Ada' })
    const second = await vault.updateProfile({ name: 'Ada L.', status: 'away' })
    expect(second.profile.seq).toBe(2)
    expect(second.profile.status).toBe('away')
    await expect(vault.updateProfile({ name: '' })).rejects.toThrow()
    expect(vault.identity?.profile.name).toBe('Ada L.')
  })

  it('exports a backup that restores the same identity elsewhere, and stops the reminder', async () => {
    const { vault } = await fresh()
    await vault.create({ name: 'Ada' })
    await vault.updateProfile({ name: 'Ada 2' })
    const file = await vault.exportBackup('correct horse battery')
    expect(vault.needsBackup).toBe(false)

    const { vault: other } = await fresh()
    await expect(other.restoreBackup(file, 'wrong passphrase!')).rejects.toThrow(WrongPassphraseError)
    expect(other.identity).toBeUndefined()
    await expect(other.restoreBackup(file, 'short')).rejects.toThrow(InvalidArgumentError)
    const restored = await other.restoreBackup(file, 'correct horse battery')
    expect(restored.userId).toBe(vault.identity?.userId)
    expect(restored.profile.name).toBe('Ada 2')
    expect(restored.profile.seq).toBe(2)
    expect(other.needsBackup).toBe(false)
  })

  it('refuses to restore over a different identity', async () => {
    const a = await fresh()
    await a.vault.create({ name: 'A' })
    const file = await a.vault.exportBackup('passphrase A!')
    const b = await fresh()
    await b.vault.create({ name: 'B' })
    await expect(b.vault.restoreBackup(file, 'passphrase A!')).rejects.toThrow(IdentityExistsError)
    expect(b.vault.identity?.profile.name).toBe('B')
  })

  it('keeps the newer profile when restoring the same identity', async () => {
    const { vault } = await fresh()
    await vault.create({ name: 'old' })
    const file = await vault.exportBackup('passphrase!!')
    await vault.updateProfile({ name: 'newer' })
    const restored = await vault.restoreBackup(file, 'passphrase!!')
    expect(restored.profile.name).toBe('newer')
  })

  it('forgets the identity', async () => {
    const { vault, store } = await fresh()
    await vault.create({ name: 'gone' })
    await vault.forget()
    expect(vault.identity).toBeUndefined()
    const { vault: reopened } = await fresh(store)
    expect(reopened.identity).toBeUndefined()
  })

  it('refuses a stored profile that belongs to another key', async () => {
    const a = await fresh()
    await a.vault.create({ name: 'A' })
    const b = await fresh()
    await b.vault.create({ name: 'B' })
    const storage = new MemoryStorageAdapter({ store: a.store })
    const bProfile = encodeProfile(decodeProfile(encodeProfile(b.vault.identity!.profile)))
    await storage.save(['identity', 'profile'], bProfile)
    await expect(IdentityVault.open({ storage })).rejects.toThrow(NoIdentityError)
  })
})
