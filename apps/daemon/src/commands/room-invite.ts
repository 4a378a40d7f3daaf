// `hearth room invite`: sign an invite link as the local identity (PROTOCOL.md §4.3), in
// both spellings. The authority log decides what the signature is worth when someone joins
// (§6.5 `join`), so the command asks the log first and refuses what it would refuse.

import { Cap, formatInvite, formatRoomId, generateKeypair, hasCaps, InvalidInviteError, memberCaps, randomBytes, signInvite, toHex, type Invite } from '@hearth/protocol'
import { UsageError } from '../errors.ts'
import { capLabel, parseCount, parseDuration } from './arg-values.ts'
import type { CommandContext, CommandSpec } from './command.ts'
import { NOT_SENT_NOTE } from './delivery.ts'
import { NotPermittedError } from './errors.ts'
import { refused } from './refusal.ts'
import { roomName } from './room-ref.ts'
import { withRoom, type RoomSession } from './session.ts'

/** How long an invite lasts unless --expires says otherwise. */
export const DEFAULT_INVITE_LIFETIME = '7d'

/** Bytes of the random code that makes each invite distinct (as the apps use, §4.3). */
const INVITE_CODE_BYTES = 8

export const inviteCommand: CommandSpec = {
  name: 'room invite',
  summary: 'Print a signed invite link to a room (https and hearth: forms)',
  description: [
    'The link is signed by your identity; joining with it works while you hold the invite',
    'capability and the link has not expired. --max-uses sets the room-wide number of joins',
    'each invite allows (a room policy: it needs the manage-room capability, and counts only in',
    'invite-only rooms). The https form opens the web app at --base-url (env HEARTH_BASE_URL;',
    'default: the URL "hearth serve" uses, from HEARTH_HOST/HEARTH_PORT or --config).'
  ].join('\n'),
  options: [
    { name: 'expires', type: 'string', value: '<duration>', help: `Valid for this long: 30m, 24h, 7d… or "never" (default ${DEFAULT_INVITE_LIFETIME})` },
    { name: 'max-uses', type: 'string', value: '<n>', help: 'Set the room\'s limit of joins per invite (room policy)' },
    { name: 'base-url', type: 'string', value: '<url>', help: 'Web app URL for the https link, e.g. https://hearth.example.org' },
    { name: 'peer', type: 'string', multiple: true, value: '<multiaddr>', help: 'Bootstrap hint for joiners, ending in /p2p/<peer id> (repeatable, up to 8)' }
  ],
  positionals: [{ name: 'room' }],
  async run(ctx) {
    const lifetime = ctx.args.string('expires') ?? DEFAULT_INVITE_LIFETIME
    const lifetimeMs = lifetime.trim().toLowerCase() === 'never' ? undefined : parseDuration(lifetime, 'expires')
    const maxUsesText = ctx.args.string('max-uses')
    const maxUses = maxUsesText === undefined ? undefined : parseCount(maxUsesText, 'max-uses', 1_000_000)
    await withRoom(ctx, ctx.args.required('room'), async (session) => {
      requireInviteCapability(session)
      if (maxUses !== undefined) await applyMaxUses(ctx, session, maxUses)
      const now = ctx.now()
      const expires = lifetimeMs === undefined ? undefined : now + lifetimeMs
      const invite = await signInvite(
        session.me.keypair,
        { room: session.store.room, peers: ctx.args.strings('peer'), name: roomName(session.store), ...(expires !== undefined ? { expires } : {}) },
        { code: randomBytes(INVITE_CODE_BYTES) }
      ).catch((error: unknown) => {
        throw error instanceof InvalidInviteError ? new UsageError(`cannot make the invite: ${error.message}`) : error
      })
      checkJoinAccepted(session, invite, now)
      printInvite(ctx, session, invite)
    })
  }
}

function requireInviteCapability({ store, me }: RoomSession): void {
  const { state } = store.authority
  const key = toHex(me.keypair.publicKey)
  if (state.bans.has(key)) throw new NotPermittedError('banned', `you are banned from "${roomName(store)}" and cannot invite`)
  if (!state.members.has(key)) throw new NotPermittedError('not-member', `you are not a member of "${roomName(store)}" and cannot invite`)
  if (!hasCaps(memberCaps(state, key), Cap.INVITE)) {
    throw new NotPermittedError('missing-capability', `your roles in "${roomName(store)}" do not include the ${capLabel('INVITE')} capability; ask a moderator`)
  }
}

/** Set the room-wide uses-per-invite limit, if it differs, as a signed set-policy entry. */
async function applyMaxUses(ctx: CommandContext, { store, me }: RoomSession, maxUses: number): Promise<void> {
  const { policy } = store.authority.state
  if (policy.inviteMaxUses === maxUses) return
  const act = { op: 'set-policy', join: policy.join, discoverable: policy.discoverable, inviteMaxUses: maxUses } as const
  const refusal = store.authority.check(me.keypair.publicKey, act, ctx.now())
  if (refusal !== undefined) {
    const current = policy.inviteMaxUses === undefined ? 'no limit' : `${policy.inviteMaxUses} per invite`
    throw new NotPermittedError(refusal.reason, `--max-uses changes the room's policy (now: ${current}), which needs the ${capLabel('MANAGE_ROOM')} capability; ${refused(refusal).message}`)
  }
  await store.postAuthority(me.keypair, act, ctx.now())
  ctx.out.note(`The room's policy now allows ${maxUses} join${maxUses === 1 ? '' : 's'} per invite (every invite of this room).${policy.join === 'open' ? ' This room is open, so the limit only counts once it becomes invite-only.' : ''}`)
  ctx.out.note(NOT_SENT_NOTE)
}

/** Ask the log whether a newcomer's join with this invite would be accepted now. */
function checkJoinAccepted({ store }: RoomSession, invite: Invite, now: number): void {
  const inviter = invite.inviter
  if (inviter === undefined) return
  const join = {
    op: 'join', invite: { by: inviter.key, sig: inviter.sig, ...(invite.expires !== undefined ? { exp: invite.expires } : {}), ...(inviter.code ? { code: inviter.code } : {}) }
  } as const
  const refusal = store.authority.check(generateKeypair().publicKey, join, now)
  if (refusal !== undefined) throw new NotPermittedError(refusal.reason, `joins with this invite would be ${refused(refusal).message}`)
}

function printInvite(ctx: CommandContext, { store, state }: RoomSession, invite: Invite): void {
  const base = state.settings.baseUrl
  let https: string
  try {
    https = formatInvite(invite, { style: 'https', origin: base })
  } catch (error) {
    throw new UsageError(`--base-url ${JSON.stringify(base)}: ${error instanceof Error ? error.message : 'invalid'}`)
  }
  const hearth = formatInvite(invite, { style: 'hearth' })
  const { policy } = store.authority.state
  const expiry = invite.expires === undefined ? 'never expires' : `valid until ${new Date(invite.expires).toISOString()}`
  const loopback = /^https?:\/\/(127\.|localhost[:/]|\[::1\])/i.test(base)
  ctx.out.result(
    {
      event: 'invite', room: formatRoomId(store.room), name: roomName(store), https, hearth,
      ...(invite.expires !== undefined ? { expires: invite.expires } : {}),
      inviter: formatRoomId(invite.inviter?.key ?? new Uint8Array(32)),
      join: policy.join, ...(policy.inviteMaxUses !== undefined ? { maxUses: policy.inviteMaxUses } : {})
    },
    [
      `Invite to "${roomName(store)}" (${expiry}${policy.join === 'invite' && policy.inviteMaxUses !== undefined ? `, ${policy.inviteMaxUses} use${policy.inviteMaxUses === 1 ? '' : 's'}` : ''}):`,
      `  ${https}`,
      `  ${hearth}`,
      ...(policy.join === 'open' ? ['This room is open: the room id alone is enough to join; the invite tells people where to go.'] : []),
      ...(loopback ? ['Note: the https link points at this machine only; pass --base-url (or set HEARTH_BASE_URL) to the address others reach.'] : []),
      'Joining needs a member of the room online to sync with (e.g. you, running "hearth tail").'
    ].join('\n')
  )
}
