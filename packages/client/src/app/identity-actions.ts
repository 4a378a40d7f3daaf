/**
 * The account (PROTOCOL.md §3): creating it, restoring and exporting its
 * backup (§3.5), and new versions of its profile (§3.2), with the inputs
 * checked and the vault's errors worded for people.
 */
import { MIN_PASSPHRASE_LENGTH, ProtocolError, WrongPassphraseError, type Profile, type Verified } from '@hearth/protocol'
import { IdentityExistsError } from '../errors.ts'
import type { IdentityVault } from '../identity-vault.ts'
import { InvalidInputError, NotReadyError } from './errors.ts'
import { image, LIMITS, line, optionalLine, optionalText } from './validate.ts'
import type { AppSnapshot } from './types.ts'

/** Create the account (onboarding only). */
export async function createIdentity(vault: IdentityVault, status: AppSnapshot['status'], fields: { name: unknown; avatar?: unknown }): Promise<void> {
  if (status !== 'onboarding') throw new NotReadyError(status === 'ready' ? 'This device already has an account.' : 'The app is not ready for that.')
  const name = line(fields.name, LIMITS.profileName, 'Your name')
  const avatar = image(fields.avatar, 'The avatar')
  try {
    await vault.create({ name, ...(avatar !== undefined ? { avatar } : {}) })
  } catch (err) {
    if (err instanceof IdentityExistsError) throw new NotReadyError('This device already has an account.')
    throw err
  }
}

function passphraseOf(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new InvalidInputError('Enter the backup passphrase.')
  return value
}

/** Restore the account from a backup file. */
export async function restoreIdentity(vault: IdentityVault, file: unknown, passphrase: unknown): Promise<void> {
  if (!(file instanceof Uint8Array) || file.length === 0) throw new InvalidInputError('Choose a backup file.')
  const secret = passphraseOf(passphrase)
  try {
    await vault.restoreBackup(file, secret)
  } catch (err) {
    if (err instanceof WrongPassphraseError) throw new InvalidInputError('That passphrase does not open this backup (or the file was changed).')
    if (err instanceof IdentityExistsError) throw new NotReadyError('A different account is already on this device.')
    if (err instanceof ProtocolError) throw new InvalidInputError(`This is not a Hearth backup file (${err.message}).`)
    throw err
  }
}

/** Export an encrypted backup file. */
export async function exportBackup(vault: IdentityVault, passphrase: unknown): Promise<Uint8Array> {
  const secret = passphraseOf(passphrase)
  // Counted in code points, as the protocol counts them.
  if (Array.from(secret).length < MIN_PASSPHRASE_LENGTH) throw new InvalidInputError(`A backup passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`)
  return vault.exportBackup(secret)
}

/**
 * Sign a new profile version. `bio` and `status` are as given (absent:
 * none); `avatar` absent keeps the current avatar.
 */
export async function updateProfile(
  vault: IdentityVault,
  fields: { name: unknown; bio?: unknown; status?: unknown; avatar?: unknown }
): Promise<Verified<Profile>> {
  const name = line(fields.name, LIMITS.profileName, 'Your name')
  const bio = optionalText(fields.bio, LIMITS.profileBio, 'The bio')
  const status = optionalLine(fields.status, LIMITS.profileStatus, 'The status')
  const avatar = image(fields.avatar, 'The avatar') ?? vault.identity?.profile.avatar
  const updated = await vault.updateProfile({
    name, ...(bio !== undefined ? { bio } : {}), ...(status !== undefined ? { status } : {}), ...(avatar !== undefined ? { avatar } : {})
  })
  return updated.profile
}
