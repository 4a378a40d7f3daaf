// `hearth profile set`: publish a new signed version of the profile (PROTOCOL.md §3.2),
// through the same IdentityVault the web app uses. Peers pick the newest by `seq`.

import type { ProfileFields } from '@hearth/protocol'
import { UsageError } from '../errors.ts'
import type { CommandGroup, CommandSpec, ParsedArgs } from './command.ts'
import { identityJson } from './identity-json.ts'
import { withLocalState } from './session.ts'

/**
 * The profile fields the flags describe, on top of `base`: `--name`, `--status` and
 * `--about` replace theirs; an empty `--status ""` or `--about ""` removes it.
 */
export function profileFieldsFrom(args: ParsedArgs, base: ProfileFields): ProfileFields {
  const name = args.string('name') ?? base.name
  if (name.trim() === '') throw new UsageError('--name must not be empty')
  const status = args.string('status') ?? base.status
  const bio = args.string('about') ?? base.bio
  return {
    name,
    ...(status !== undefined && status !== '' ? { status } : {}),
    ...(bio !== undefined && bio !== '' ? { bio } : {}),
    ...(base.avatar !== undefined ? { avatar: base.avatar } : {})
  }
}

const setCommand: CommandSpec = {
  name: 'profile set',
  summary: 'Change your name, status or about text (signs a new profile version)',
  description: 'Fields not given keep their value; an empty --status "" or --about "" removes it.\nThe new version is stored on this machine; publishing profiles to peers is not built yet.',
  options: [
    { name: 'name', type: 'string', value: '<name>', help: 'Display name (up to 64 bytes)' },
    { name: 'status', type: 'string', value: '<text>', help: 'Status line (up to 128 bytes, one line)' },
    { name: 'about', type: 'string', value: '<text>', help: 'About me (up to 1024 bytes)' }
  ],
  positionals: [],
  async run(ctx) {
    if (['name', 'status', 'about'].every((name) => ctx.args.string(name) === undefined)) {
      throw new UsageError('nothing to change: give --name, --status or --about')
    }
    await withLocalState(ctx, { create: false }, async (state) => {
      const { identity } = state.requireIdentity()
      const updated = await state.vault.updateProfile(profileFieldsFrom(ctx.args, identity.profile))
      const { profile } = updated
      ctx.out.result(
        { event: 'profile', ...identityJson(updated, state.dataDir) },
        [
          `Profile updated (version ${profile.seq})`,
          `Name:    ${profile.name}`,
          ...(profile.status !== undefined ? [`Status:  ${profile.status}`] : []),
          ...(profile.bio !== undefined ? [`About:   ${profile.bio}`] : [])
        ].join('\n')
      )
    })
  }
}

/** `hearth profile …` */
export const profileGroup: CommandGroup = {
  name: 'profile',
  summary: 'Your signed profile: name, status, about',
  commands: [setCommand]
}
