// `hearth room join <invite>`: join a room from an invite link (PROTOCOL.md §10.8 with §4.3)
// through the client package's joinRoomByInvite: look the room up (the invite's peer hints
// and the DHT), fetch its self-certifying genesis, store it here, sync, and post the signed
// `join` entry carrying the invite unless this identity is a member already.

import { joinRoomByInvite } from '@hearth/client'
import { formatRoomId, InvalidInviteError, parseInvite, verifyInvite } from '@hearth/protocol'
import { UsageError } from '../errors.ts'
import type { CommandSpec } from './command.ts'
import { deliveryJson, sentNote } from './delivery.ts'
import { ONLINE_OPTIONS, within, withOnline } from './online.ts'
import { countingNetwork, linger, sessionJson, sessionOptions, sessionText, type PublishLog } from './room-live.ts'
import { roomName } from './room-ref.ts'
import { roomJson, standing } from './room-json.ts'
import { withLocalState } from './session.ts'

export const joinCommand: CommandSpec = {
  name: 'room join',
  summary: 'Join a room with an invite link: find its peers, fetch and sync it, post your join',
  description: [
    '<invite> is the https or hearth: link "hearth room invite" (or the web app) printed. A',
    'member of the room must be online (e.g. running "hearth tail"); the invite\'s peer hints',
    'and the DHT are used to find one. Joining a room stored here already just syncs it.'
  ].join('\n'),
  options: [...ONLINE_OPTIONS],
  positionals: [{ name: 'invite' }],
  async run(ctx) {
    const invite = ctx.args.required('invite').trim()
    // A mistyped or expired link fails here, before any network start.
    await checkInvite(invite, ctx.now())
    await withLocalState(ctx, { create: false }, async (state) => {
      const me = state.requireIdentity()
      await withOnline(ctx, state, async (online) => {
        const published: PublishLog = { last: undefined }
        const session = await joinRoomByInvite(invite, {
          network: countingNetwork(online.network, published, online.waitMs),
          adapter: state.adapter,
          identity: me.keypair,
          at: ctx.now(),
          session: sessionOptions(online.waitMs, { stayOnline: false })
        })
        const store = state.adopt(session.store)
        try {
          // A join entry was published only when this identity was not a member yet.
          const posted = published.last !== undefined
          // Members see my name: my profile goes into the room's profile set, and out to its peers.
          await session.publishProfile(me.identity.profile).catch(() => undefined)
          if (posted) await linger(session)
          const { status } = standing(store.authority.state, me.keypair.publicKey)
          ctx.out.result(
            {
              event: 'room-joined', ...roomJson(store, me.keypair.publicKey), joined: posted,
              session: sessionJson(session), ...(posted ? deliveryJson(published.last) : {})
            },
            [
              `${posted ? 'Joined' : 'Already in'} "${roomName(store)}" (${formatRoomId(store.room)}); you: ${status}.`,
              sessionText(session),
              ...(posted ? [`Your join entry: ${sentNote(published.last ?? 0)}`] : []),
              `Read it with: hearth read ${formatRoomId(store.room).slice(0, 10)} <channel> --sync`
            ].join('\n')
          )
        } finally {
          await within(session.leave(), 1_500)
        }
      })
    })
  }
}

/** Parse and verify the link (signature, expiry); a malformed or forged one is a usage error. */
async function checkInvite(text: string, now: number): Promise<void> {
  try {
    await verifyInvite(parseInvite(text), now)
  } catch (error) {
    if (error instanceof InvalidInviteError) throw new UsageError(`not a valid invite: ${error.message}`)
    throw error
  }
}
