// `hearth profile set`: sign a new version of the profile (PROTOCOL.md §3.2) through the same
// IdentityVault the web app uses, and write it into the profile set of every room stored in
// the data directory (offline): it reaches the rooms' peers with the next sync, as any record
// does (a running `hearth serve` or archiver serves it). Peers keep the newest by `seq`.

import type { RoomStore } from '@hearth/client'
import { encodeProfile, equalBytes, type Profile, type ProfileFields, type Verified } from '@hearth/protocol'
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
  description: 'Fields not given keep their value; an empty --status "" or --about "" removes it.\n' +
    'The new version is stored with your identity and in every room on this machine you are part of;\n' +
    "the rooms' peers get it at the next sync (when this machine, or an archiver holding it, is online).",
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
      const rooms = await writeIntoRooms(await state.rooms(), profile)
      ctx.out.result(
        { event: 'profile', ...identityJson(updated, state.dataDir), rooms },
        [
          `Profile updated (version ${profile.seq})`,
          `Name:    ${profile.name}`,
          ...(profile.status !== undefined ? [`Status:  ${profile.status}`] : []),
          ...(profile.bio !== undefined ? [`About:   ${profile.bio}`] : []),
          rooms === 0 ? 'Rooms:   none here yet (a room you join gets it with the next "profile set")' : `Rooms:   written into ${rooms}; peers get it at the next sync`
        ].join('\n')
      )
    })
  }
}

/**
 * Store `profile` in each room's profile set. Returns how many rooms hold it now; rooms whose
 * authority log does not know this identity (not joined, or not synced yet) take nothing.
 */
export async function writeIntoRooms(rooms: readonly RoomStore[], profile: Verified<Profile>): Promise<number> {
  const bytes = encodeProfile(profile)
  let holding = 0
  for (const store of rooms) {
    await store.ingest({ kind: 'profiles' }, [bytes])
    const held = store.profile(profile.id)
    if (held !== undefined && equalBytes(encodeProfile(held), bytes)) holding++
  }
  return holding
}

/** `hearth profile …` */
export const profileGroup: CommandGroup = {
  name: 'profile',
  summary: 'Your signed profile: name, status, about',
  commands: [setCommand]
}
