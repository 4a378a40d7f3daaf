// `hearth identity new|show|export|import`: this device's account, kept by the client
// package's IdentityVault in the data directory's SQLite store. Backups are the same
// `.hearthkey` files the web app writes and restores (PROTOCOL.md §3.5).

import { hostname } from 'node:os'
import { IdentityExistsError, type Identity } from '@hearth/client'
import { backupIdentity, createProfile, equalBytes, generateKeypair, formatUserId, importBackup, ProtocolError, WrongPassphraseError } from '@hearth/protocol'
import { UsageError } from '../errors.ts'
import { openBackupOutput, PASSPHRASE_OPTIONS, readBackupFile, readPassphrase } from './backup-file.ts'
import type { CommandGroup, CommandSpec } from './command.ts'
import { FileError } from './errors.ts'
import type { LocalState } from './local-state.ts'
import { profileFieldsFrom } from './profile.ts'
import { withLocalState } from './session.ts'
import { identityJson } from './identity-json.ts'

function identityText(identity: Identity, dataDir: string): string {
  const { profile } = identity
  const lines = [`Name:     ${profile.name}`, `User id:  ${identity.userId}`]
  if (profile.status !== undefined) lines.push(`Status:   ${profile.status}`)
  if (profile.bio !== undefined) lines.push(`About:    ${profile.bio.replace(/\n/g, '\n          ')}`)
  lines.push(
    `Device:   ${hostname()} (the identity key signs here directly), data in ${dataDir}`,
    `Created:  ${new Date(identity.created).toISOString()}`,
    `Backup:   ${identity.backedUpAt === undefined ? 'never exported: run "hearth identity export --out <file>"' : `last exported or restored ${new Date(identity.backedUpAt).toISOString()}`}`
  )
  return lines.join('\n')
}

const newCommand: CommandSpec = {
  name: 'identity new',
  summary: 'Create an identity (an Ed25519 keypair and a signed profile) on this machine',
  description: 'Refuses if the data directory already has one, unless --force (the old one is then gone\nfor good unless you exported a backup of it).',
  options: [
    { name: 'name', type: 'string', value: '<name>', help: 'Display name (required, up to 64 bytes)' },
    { name: 'status', type: 'string', value: '<text>', help: 'Status line' },
    { name: 'about', type: 'string', value: '<text>', help: 'About me' },
    { name: 'force', type: 'boolean', help: 'Replace an existing identity' }
  ],
  positionals: [],
  async run(ctx) {
    const name = ctx.args.string('name')
    if (name === undefined) throw new UsageError('--name <name> is required')
    const fields = profileFieldsFrom(ctx.args, { name })
    // Check the fields with a throwaway key first, so bad input never costs the old identity.
    await createProfile(generateKeypair(), fields, 1, ctx.now())
    await withLocalState(ctx, { create: true }, async (state) => {
      const previous = state.vault.identity
      if (previous !== undefined) {
        if (!ctx.args.flag('force')) {
          throw new IdentityExistsError(`${state.dataDir} already has the identity ${previous.userId} (${previous.profile.name}); pass --force to replace it`)
        }
        ctx.out.note(`Replacing ${previous.userId} (${previous.profile.name}); ${previous.backedUpAt === undefined ? 'it was never backed up and is gone for good' : 'restore it from its backup if you need it again'}.`)
        await state.vault.forget()
      }
      const identity = await state.vault.create(fields)
      ctx.out.result(
        { event: 'identity', action: 'created', ...identityJson(identity, state.dataDir), ...(previous ? { replaced: previous.userId } : {}) },
        `Created identity ${identity.profile.name}\nUser id: ${identity.userId}\nBack it up: hearth identity export --out <file> --passphrase-file <file>`
      )
    })
  }
}

const showCommand: CommandSpec = {
  name: 'identity show',
  summary: 'Show the identity: user id, profile, device and backup state',
  options: [],
  positionals: [],
  async run(ctx) {
    await withLocalState(ctx, { create: false }, (state) => {
      const { identity } = state.requireIdentity()
      ctx.out.result({ event: 'identity', ...identityJson(identity, state.dataDir) }, identityText(identity, state.dataDir))
      return Promise.resolve()
    })
  }
}

const exportCommand: CommandSpec = {
  name: 'identity export',
  summary: 'Write a passphrase-encrypted backup (.hearthkey, as the web app makes)',
  description: 'The passphrase (at least 8 characters) is read from --passphrase-file or HEARTH_PASSPHRASE.\nThe file restores the identity in the web app ("Restore from backup") or with\n"hearth identity import".',
  options: [
    { name: 'out', type: 'string', value: '<file>', help: 'Where to write the backup (required)' },
    ...PASSPHRASE_OPTIONS,
    { name: 'force', type: 'boolean', help: 'Overwrite the file if it exists' }
  ],
  positionals: [],
  async run(ctx) {
    const out = ctx.args.string('out')
    if (out === undefined) throw new UsageError('--out <file> is required')
    const passphrase = await readPassphrase(ctx.args, ctx.io)
    await withLocalState(ctx, { create: false }, async (state) => {
      const { identity } = state.requireIdentity()
      const file = await openBackupOutput(out, ctx.args.flag('force'), ctx.io)
      let bytes: Uint8Array
      try {
        bytes = await state.vault.exportBackup(passphrase)
      } catch (error) {
        await file.abandon()
        throw error
      }
      await file.write(bytes)
      ctx.out.result(
        { event: 'backup-exported', userId: identity.userId, file: file.path, bytes: bytes.length },
        `Backup of ${identity.profile.name} (${identity.userId}) written to ${file.path}\nKeep it and its passphrase safe: together they are your account.`
      )
    })
  }
}

const importCommand: CommandSpec = {
  name: 'identity import',
  summary: 'Restore an identity from a .hearthkey backup (from the web app or "identity export")',
  description: 'Refuses if a different identity is already here, unless --force. Restoring the same\nidentity keeps the newer of the two profiles.',
  options: [...PASSPHRASE_OPTIONS, { name: 'force', type: 'boolean', help: 'Replace a different identity that is here' }],
  positionals: [{ name: 'file' }],
  async run(ctx) {
    const path = ctx.args.required('file')
    const bytes = await readBackupFile(path, ctx.io)
    let owner: Uint8Array
    try {
      owner = backupIdentity(bytes)
    } catch (error) {
      throw new FileError(`${path} is not a Hearth backup file, or it is damaged (${error instanceof Error ? error.message : 'unreadable'})`)
    }
    const passphrase = await readPassphrase(ctx.args, ctx.io)
    await withLocalState(ctx, { create: true }, async (state) => {
      const present = state.vault.identity
      const replace = present !== undefined && !equalBytes(present.publicKey, owner)
      if (replace && !ctx.args.flag('force')) {
        throw new IdentityExistsError(`${state.dataDir} has a different identity, ${present.userId} (${present.profile.name}); the backup is of ${formatUserId(owner)}. Pass --force to replace it`)
      }
      const identity = await restore(state, bytes, passphrase, path, replace, (text) => { ctx.out.note(text) })
      ctx.out.result(
        { event: 'identity', action: 'imported', ...identityJson(identity, state.dataDir) },
        `Restored ${identity.profile.name}\nUser id: ${identity.userId}`
      )
    })
  }
}

async function restore(state: LocalState, bytes: Uint8Array, passphrase: string, path: string, replace: boolean, note: (text: string) => void): Promise<Identity> {
  try {
    if (replace) {
      // Decrypt before forgetting anything, so a wrong passphrase leaves the old identity in place.
      await importBackup(bytes, passphrase)
      const old = state.vault.identity
      if (old !== undefined) note(`Replacing ${old.userId} (${old.profile.name}).`)
      await state.vault.forget()
    }
    return await state.vault.restoreBackup(bytes, passphrase)
  } catch (error) {
    if (error instanceof WrongPassphraseError) throw new WrongPassphraseError(`wrong passphrase for ${path} (or the file was altered)`)
    if (error instanceof ProtocolError && error.name !== 'InvalidArgumentError') {
      throw new FileError(`${path} is not a usable Hearth backup: ${error.message}`)
    }
    throw error
  }
}

/** `hearth identity …` */
export const identityGroup: CommandGroup = {
  name: 'identity',
  summary: 'Your identity on this machine: create, show, back up and restore it',
  commands: [newCommand, showCommand, exportCommand, importCommand]
}
