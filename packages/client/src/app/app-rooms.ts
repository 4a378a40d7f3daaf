/**
 * The rooms the app holds: opening the stored ones when the account starts,
 * adopting a store as an `AppRoom` (wired to the app's hooks), and the
 * create / join / leave flows around room-lifecycle.ts — including closing a
 * held room to join it again, and reopening it when that join fails.
 */
import { fromHex, toHex } from '@hearth/protocol'
import { keepPresence } from '../session/presence.ts'
import type { RoomSession } from '../session/room-session.ts'
import { RoomStore } from '../store/room-store.ts'
import type { AppContext } from './core-context.ts'
import { announce, goLive, startNetwork } from './app-network.ts'
import { AppRoom } from './app-room.ts'
import { channelStored } from './read-state.ts'
import * as lifecycle from './room-lifecycle.ts'
import type { Hex } from './types.ts'

/** With an identity: open every stored room, become `ready`, then start the network and the heartbeat. */
export async function startAccount(ctx: AppContext): Promise<void> {
  for (const id of await RoomStore.storedRooms(ctx.deps.storage)) {
    if (ctx.rooms.has(toHex(id))) continue
    try {
      adopt(ctx, await RoomStore.open(ctx.deps.storage, id, { preload: 'none' }))
    } catch (err) {
      console.error('hearth: a stored room could not be opened', err)
    }
  }
  ctx.status = 'ready'
  ctx.changed()
  startNetwork(ctx)
  ctx.heartbeat()
}

/** Hold a room's store: remembered in the app state (added now when new) and its known channels loading. */
function adopt(ctx: AppContext, store: RoomStore): AppRoom {
  const room = new AppRoom(store, {
    changed: () => { ctx.changed() },
    channelStored: (r, channel) => { channelStored(ctx, r, channel) },
    expireAt: (at) => { ctx.after(Math.max(at - ctx.now(), 0) + 10, () => { ctx.changed() }) },
    now: () => ctx.now(),
    present: (session) => keepPresence(session, ctx.me().keypair, {
      clock: ctx.clock, now: () => ctx.now(), ...(ctx.deps.presenceIntervalMs !== undefined ? { intervalMs: ctx.deps.presenceIntervalMs } : {})
    })
  })
  ctx.rooms.set(room.id, room)
  if (ctx.state?.room(room.id) === undefined) ctx.state?.setRoom(room.id, { added: ctx.now() })
  for (const channel of store.knownChannels()) room.load(channel)
  return room
}

/** Close a held room's store (to open it again through a join). */
async function drop(ctx: AppContext, room: AppRoom): Promise<void> {
  const session = room.session
  room.detach()
  await session?.leave()
  await room.store.close()
  ctx.rooms.delete(room.id)
}

async function reopen(ctx: AppContext, id: Hex): Promise<void> {
  try {
    adopt(ctx, await RoomStore.open(ctx.deps.storage, fromHex(id), { preload: 'none' }))
  } catch (err) {
    console.error('hearth: a room could not be opened again', err)
  }
}

/** Create a room I own, hold it and make it live. */
export async function createRoom(
  ctx: AppContext, fields: { name: string; description?: string; icon?: { mime: string; data: Uint8Array }; inviteOnly?: boolean }
): Promise<Hex> {
  const { keypair } = ctx.me()
  const store = await lifecycle.createRoomStore(ctx.deps.storage, keypair, fields, ctx.now())
  const room = adopt(ctx, store)
  goLive(ctx, room)
  ctx.changed()
  return room.id
}

/**
 * Join the room of an invite link. A room I hold, have not left and am a
 * member of only goes live; otherwise it is closed and joined again (and
 * reopened as it was when the join fails).
 */
export async function joinByInvite(ctx: AppContext, link: string): Promise<Hex> {
  const { keypair, hex: me } = ctx.me()
  const invite = await lifecycle.checkInvite(link, ctx.now())
  const id = toHex(invite.room)
  const held = ctx.rooms.get(id)
  if (held !== undefined && ctx.state?.room(id)?.left === undefined && held.store.authority.state.members.has(me)) {
    goLive(ctx, held)
    return id
  }
  const network = await ctx.networkReady
  if (network === undefined || ctx.closed) throw lifecycle.networkDown(ctx.networkError)
  if (held !== undefined) await drop(ctx, held)
  let session: RoomSession
  try {
    session = await lifecycle.join(invite, {
      network: network.rooms, adapter: ctx.deps.storage, identity: keypair, at: ctx.now(), held: held !== undefined,
      ...(ctx.deps.sessionOptions !== undefined ? { session: ctx.deps.sessionOptions } : {})
    })
  } catch (err) {
    if (held !== undefined) await reopen(ctx, id)
    ctx.changed()
    throw err
  }
  const room = adopt(ctx, session.store)
  ctx.state?.setRoom(id, { added: ctx.state.room(id)?.added ?? ctx.now() })
  room.attach(session)
  void announce(ctx, room)
  ctx.changed()
  return id
}

/** Leave a room: post my `leave`, leave its session, and remember it as left (it stays readable here). */
export async function leaveRoom(ctx: AppContext, roomId: Hex): Promise<void> {
  const room = ctx.room(roomId)
  if (ctx.state?.room(room.id)?.left !== undefined) return
  const { keypair } = ctx.me()
  await lifecycle.postLeave(room, keypair, ctx.now())
  const session = room.session
  room.detach()
  await session?.leave()
  ctx.state?.setRoom(room.id, { added: ctx.now(), ...ctx.state.room(room.id), left: ctx.now() })
  if (ctx.active?.room === room.id) ctx.active = undefined
  ctx.changed()
}
