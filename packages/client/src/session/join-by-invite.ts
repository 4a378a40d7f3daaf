/**
 * Joining a room from an invite link (PROTOCOL.md §10.8 with §4.3): the
 * link gives only the room id, peer hints and the inviter's signature, so
 * the joiner looks the room up, fetches the self-certifying genesis from a
 * peer, opens the room's store, goes live (authority log first, then the
 * channels), and — unless it is a member already — posts its `join` entry
 * carrying the invite, which every peer checks against the room's policy.
 */
import {
  equalBytes, parseInvite, toHex, verifyInvite, type Action, type Invite, type Keypair, type StorageAdapter
} from '@hearth/protocol'
import { RoomStore } from '../store/room-store.ts'
import { fetchRoomGenesis, type FetchGenesisOptions } from '../sync/fetch-genesis.ts'
import { RoomSession, type RoomSessionOptions } from './room-session.ts'
import type { RoomNetwork } from './network-port.ts'

/** Nobody of the invite's room could be reached, so its genesis is unknown here. */
export class RoomNotFoundError extends Error {
  override readonly name = 'RoomNotFoundError'
}

/** What {@link joinRoomByInvite} needs. */
export interface JoinByInviteDeps {
  readonly network: RoomNetwork
  /** Where the room's store lives (the same adapter the app keeps its rooms on). */
  readonly adapter: StorageAdapter
  /** The joining identity (signs the `join` entry). */
  readonly identity: Keypair
  /** Now (Unix ms): checks the invite's expiry and stamps the join. */
  readonly at: number
  readonly session?: RoomSessionOptions
  readonly genesis?: FetchGenesisOptions
}

/** The `join` action an invite gives (an open room's link may carry no inviter). */
export function joinActionOf(invite: Invite): Action {
  const inviter = invite.inviter
  if (inviter === undefined) return { op: 'join' }
  return {
    op: 'join',
    invite: { by: inviter.key, sig: inviter.sig, ...(invite.expires !== undefined ? { exp: invite.expires } : {}), ...(inviter.code ? { code: inviter.code } : {}) }
  }
}

/**
 * Join the room of `invite` (a link or a parsed invite). Rejects with the
 * invite's own error (malformed, expired, bad signature), with
 * {@link RoomNotFoundError} or `GenesisUnavailableError` when the room cannot
 * be fetched, and with the authority log's refusal when the room refuses the
 * join (e.g. a used-up or foreign invite); a store already holding the room
 * is reused.
 */
export async function joinRoomByInvite(invite: string | Invite, deps: JoinByInviteDeps): Promise<RoomSession> {
  const parsed = await verifyInvite(typeof invite === 'string' ? parseInvite(invite) : invite, deps.at)
  const known = (await RoomStore.storedRooms(deps.adapter)).some((r) => equalBytes(r, parsed.room))
  let store: RoomStore
  if (known) {
    store = await RoomStore.open(deps.adapter, parsed.room)
  } else {
    const peers = await deps.network.lookup(parsed.room, { peers: parsed.peers })
    if (peers.length === 0) throw new RoomNotFoundError(`nobody of room ${toHex(parsed.room).slice(0, 16)}… is reachable (not found, or nobody online)`)
    const genesis = await fetchRoomGenesis(peers, parsed.room, deps.genesis)
    store = await RoomStore.open(deps.adapter, genesis)
  }
  const session = await RoomSession.join(store, deps.network, deps.session)
  if (!store.authority.state.members.has(toHex(deps.identity.publicKey))) {
    try {
      await session.postAuthority(deps.identity, joinActionOf(parsed), deps.at)
    } catch (err) {
      await session.leave()
      throw err
    }
  }
  return session
}
