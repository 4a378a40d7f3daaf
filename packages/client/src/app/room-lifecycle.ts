/**
 * Holding rooms (PROTOCOL.md §4, §10.8): creating one (genesis, details, a
 * default #general), joining by an invite link with each failure named
 * (invalid link, expired, nobody reachable, refused), and leaving.
 */
import {
  AuthorityRejectedError, createGenesis, ExpiredError, parseInvite, ProtocolError, randomBytes, toHex, verifyInvite, type Invite, type Keypair,
  type StorageAdapter
} from '@hearth/protocol'
import { joinRoomByInvite, RoomNotFoundError } from '../session/join-by-invite.ts'
import type { RoomNetwork } from '../session/network-port.ts'
import type { RoomSession, RoomSessionOptions } from '../session/room-session.ts'
import { RoomStore } from '../store/room-store.ts'
import { GenesisUnavailableError } from '../sync/fetch-genesis.ts'
import type { AppRoom } from './app-room.ts'
import { InvalidInviteLinkError, InviteExpiredError, NetworkUnavailableError, RoomUnreachableError } from './errors.ts'
import { checkAuthority, refusal } from './refusals.ts'
import { image, LIMITS, line, optionalText } from './validate.ts'

/** The channel every new room starts with (as the CLI's `room create`). */
export const DEFAULT_CHANNEL = 'general'

/** Create and store a room I own: genesis, details when given, and #general. Nothing stays stored if a step fails. */
export async function createRoomStore(
  storage: StorageAdapter, keypair: Keypair, fields: { name: unknown; description?: unknown; icon?: unknown; inviteOnly?: unknown }, now: number
): Promise<RoomStore> {
  const name = line(fields.name, LIMITS.roomName, 'The room name')
  const description = optionalText(fields.description, LIMITS.roomDescription, 'The description')
  const icon = image(fields.icon, 'The room icon')
  const policy = { join: fields.inviteOnly === true ? 'invite' : 'open', discoverable: 'unlisted' } as const
  const genesis = await createGenesis(keypair, { name, created: now, policy })
  let store: RoomStore | undefined
  try {
    store = await RoomStore.open(storage, genesis, { preload: 'none' })
    if (description !== undefined || icon !== undefined) {
      await store.postAuthority(keypair, {
        op: 'set-meta', name, ...(description !== undefined ? { description } : {}), ...(icon !== undefined ? { icon } : {}), tags: []
      }, now)
    }
    await store.postAuthority(keypair, { op: 'channel-create', channel: randomBytes(16), name: DEFAULT_CHANNEL, kind: 'text', position: 0 }, now)
    return store
  } catch (err) {
    await store?.close()
    await RoomStore.removeRoom(storage, genesis.room).catch(() => undefined)
    throw err
  }
}

/** Parse and verify an invite link (https `#/join/…` or `hearth:`), naming what is wrong. */
export async function checkInvite(link: unknown, now: number): Promise<Invite> {
  if (typeof link !== 'string' || link.trim() === '') throw new InvalidInviteLinkError('Paste an invite link to join a room.')
  let invite: Invite
  try {
    invite = parseInvite(link.trim())
  } catch (err) {
    throw new InvalidInviteLinkError(`This is not a valid Hearth invite link${err instanceof Error ? ` (${err.message})` : ''}.`)
  }
  try {
    return await verifyInvite(invite, now)
  } catch (err) {
    if (err instanceof ExpiredError) {
      throw new InviteExpiredError(`This invite expired${invite.expires !== undefined ? ` on ${new Date(invite.expires).toUTCString()}` : ''}. Ask for a new one.`)
    }
    throw new InvalidInviteLinkError(`This invite link is damaged or altered: ${err instanceof Error ? err.message : 'it does not verify'}.`)
  }
}

/** The error for an action that needs the network while it is down. */
export function networkDown(error: string | undefined): NetworkUnavailableError {
  return new NetworkUnavailableError(`Not connected to the network${error !== undefined ? ` (${error})` : ''}: try again once it is online.`)
}

/** Join the invite's room; on failure nothing of it stays stored unless it was held before. */
export async function join(invite: Invite, deps: {
  network: RoomNetwork; adapter: StorageAdapter; identity: Keypair; at: number; held: boolean; session?: RoomSessionOptions
}): Promise<RoomSession> {
  try {
    return await joinRoomByInvite(invite, {
      network: deps.network, adapter: deps.adapter, identity: deps.identity, at: deps.at, ...(deps.session !== undefined ? { session: deps.session } : {})
    })
  } catch (err) {
    if (!deps.held) await RoomStore.removeRoom(deps.adapter, invite.room).catch(() => undefined)
    if (err instanceof RoomNotFoundError || err instanceof GenesisUnavailableError) {
      throw new RoomUnreachableError('Room not found: nobody who has this room is online right now. Try again when a member (or the room\'s archiver) is online.')
    }
    if (err instanceof AuthorityRejectedError) throw refusal(err, 'join the room')
    if (err instanceof ExpiredError) throw new InviteExpiredError('This invite has expired. Ask for a new one.')
    if (err instanceof ProtocolError) throw new InvalidInviteLinkError(`This invite cannot be used: ${err.message}.`)
    throw err
  }
}

/** Post my `leave` when I am a member (the log refuses it for the last owner, with a sentence). */
export async function postLeave(room: AppRoom, keypair: Keypair, now: number): Promise<void> {
  const { state } = room.store.authority
  const me = keypair.publicKey
  if (!state.members.has(toHex(me)) || state.bans.has(toHex(me))) return
  checkAuthority(room.store.authority, me, { op: 'leave' }, now, 'leave the room')
  await room.postAuthority(keypair, { op: 'leave' }, now)
}
