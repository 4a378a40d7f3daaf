/**
 * The app's network lifecycle: starting the network in the background once
 * an identity exists (its starting or failing is only `network.state`),
 * making each room not left live on it, announcing my profile and asking the
 * bootstrap daemons to archive rooms, its summary, and shutting it all down.
 */
import { RoomSession } from '../session/room-session.ts'
import { message, type AppContext } from './core-context.ts'
import type { AppRoom } from './app-room.ts'
import { NotReadyError } from './errors.ts'
import { publishProfile } from './profiles.ts'
import * as roomActions from './room-actions.ts'
import * as lifecycle from './room-lifecycle.ts'
import type { NetworkSummary } from './types.ts'

const OFFLINE: Omit<NetworkSummary, 'state'> = { peers: 0, direct: 0, relayed: 0, bootstrapConnected: 0, bootstrapConfigured: 0, observedAddresses: [] }

/** Start the network (once); when it runs, every held room goes live. */
export function startNetwork(ctx: AppContext): void {
  if (ctx.networkReady !== undefined) return
  const { keypair } = ctx.me()
  ctx.networkState = 'starting'
  ctx.changed()
  ctx.networkReady = Promise.resolve().then(() => ctx.deps.network(keypair)).then(async (network) => {
    if (ctx.closed) {
      await network.stop().catch(() => undefined)
      return undefined
    }
    ctx.network = network
    ctx.networkState = 'online'
    ctx.offNetwork = network.onChange(() => { ctx.changed() })
    for (const room of ctx.rooms.values()) goLive(ctx, room)
    ctx.changed()
    return network
  }, (err: unknown) => {
    ctx.networkState = 'failed'
    ctx.networkError = message(err)
    ctx.changed()
    return undefined
  })
}

/** Start a session for a room not left, once the network runs. */
export function goLive(ctx: AppContext, room: AppRoom): void {
  const network = ctx.network
  if (network === undefined || room.session !== undefined || ctx.closed || ctx.state?.room(room.id)?.left !== undefined) return
  const session = new RoomSession(room.store, network.rooms, ctx.deps.sessionOptions)
  room.attach(session)
  void session.start().then(() => announce(ctx, room), () => { ctx.changed() })
}

/** Publish my profile into a live room, and ask the daemons to archive it (presence: keepPresence, attached with the session). */
export async function announce(ctx: AppContext, room: AppRoom): Promise<void> {
  const session = room.session
  const profile = ctx.vault?.identity?.profile
  if (session === undefined || profile === undefined) return
  await publishProfile(session, profile).catch(() => undefined)
  await requestArchive(ctx, room)
}

/**
 * Ask the bootstrap daemons to archive a room not known to be archived,
 * handing them a counted invite of mine (needs the INVITE right; skipped without).
 */
async function requestArchive(ctx: AppContext, room: AppRoom): Promise<void> {
  const network = ctx.network
  const record = ctx.state?.room(room.id)
  if (network === undefined || record === undefined || record.archived !== undefined || record.left !== undefined) return
  try {
    const { link } = await roomActions.createInvite(ctx, room.id, { counted: true }, { origin: ctx.deps.origin, addresses: network.inviteAddresses() })
    const answers = await network.requestArchive(link)
    const current = ctx.state?.room(room.id)
    if (current !== undefined && answers.some((a) => a.status === 'archiving')) {
      ctx.state?.setRoom(room.id, { ...current, archived: ctx.now() })
      ctx.changed()
    }
  } catch { /* not allowed to invite, or no daemon: the room stays unarchived */ }
}

/** The addresses to put in an invite as peer hints (none while offline). */
export function inviteAddresses(ctx: AppContext): readonly string[] {
  try {
    return ctx.network?.inviteAddresses() ?? []
  } catch {
    return [] // no hints: joiners look the room up
  }
}

/** Sync a live room again now. */
export async function resync(ctx: AppContext, room: AppRoom): Promise<void> {
  if (room.session === undefined) {
    if (ctx.state?.room(room.id)?.left !== undefined) throw new NotReadyError('You left this room: join it again with an invite to sync it.')
    throw lifecycle.networkDown(ctx.networkError)
  }
  await room.session.resync()
}

/** What the snapshot shows of the network. */
export function networkSummary(ctx: AppContext): NetworkSummary {
  let summary = OFFLINE
  if (ctx.network !== undefined) {
    try {
      summary = ctx.network.summary()
    } catch { /* shown as no peers */ }
  }
  return { state: ctx.networkState, ...summary, ...(ctx.networkError !== undefined ? { error: ctx.networkError } : {}) }
}

/** Stop the timers, leave every session, close the stores and the network, and flush the app state. */
export async function shutDown(ctx: AppContext): Promise<void> {
  if (ctx.closed) return
  ctx.closed = true
  for (const timer of ctx.timers) timer.cancel()
  ctx.timers.clear()
  ctx.offNetwork?.()
  for (const room of ctx.rooms.values()) {
    const session = room.session
    room.detach()
    await session?.leave().catch(() => undefined)
    await room.store.close()
  }
  await ctx.network?.stop().catch(() => undefined)
  ctx.network = undefined
  ctx.networkState = 'offline'
  await ctx.state?.flush()
  ctx.changed()
}
