// Running a command against the local state: resolve the settings, open the store, hand the
// command what it needs (the state; or the identity and one room), and always close it, so
// SQLite's write-ahead log is checkpointed and the next process sees every write. Online
// commands add a node and the room's live session (withLiveRoom), stopped before the store.

import type { RoomSession as LiveSession, RoomStore } from '@hearth/client'
import { fromHex } from '@hearth/protocol'
import type { CommandContext } from './command.ts'
import { LocalState, resolveClientSettings, type LocalIdentity } from './local-state.ts'
import { within, withOnline, type Online } from './online.ts'
import { countingNetwork, joinWithin, sessionOptions, type PublishLog } from './room-live.ts'

/** Open the local state for the length of `fn`. */
export async function withLocalState<T>(ctx: CommandContext, opts: { create: boolean }, fn: (state: LocalState) => Promise<T>): Promise<T> {
  const settings = await resolveClientSettings(ctx.args, ctx.io)
  const state = await LocalState.open(settings, { create: opts.create, now: ctx.now })
  try {
    return await fn(state)
  } finally {
    await state.close()
  }
}

/** The identity acting, and the room it acts in. */
export interface RoomSession {
  readonly state: LocalState
  readonly me: LocalIdentity
  readonly store: RoomStore
}

/** Open the local state, require the identity, and open the room `ref` names. */
export async function withRoom<T>(ctx: CommandContext, ref: string, fn: (session: RoomSession) => Promise<T>): Promise<T> {
  return withLocalState(ctx, { create: false }, async (state) => {
    const me = state.requireIdentity()
    const store = await state.openRoom(ref)
    return fn({ state, me, store })
  })
}

/** A room made live for a command: the local room plus its session on the network. */
export interface LiveRoom extends RoomSession {
  readonly online: Online
  readonly live: LiveSession
  /** Peers the last publish went to (undefined before any). */
  readonly published: PublishLog
}

/**
 * Open the room `ref` names, go online and join its session (within --wait), run `fn`, then
 * leave the room and stop the node. `stayOnline` keeps the app's periodic re-sync running.
 */
export async function withLiveRoom<T>(
  ctx: CommandContext, ref: string, opts: { stayOnline: boolean; before?: (local: RoomSession) => void }, fn: (room: LiveRoom) => Promise<T>
): Promise<T> {
  return withRoom(ctx, ref, (local) => {
    // Mistakes the local copy can show (a misspelt channel) fail before any network start.
    opts.before?.(local)
    return withOnline(ctx, local.state, (online) => runLive(local, online, { ...opts, stop: ctx.io.stop }, fn))
  })
}

async function runLive<T>(local: RoomSession, online: Online, opts: { stayOnline: boolean; stop: AbortSignal }, fn: (room: LiveRoom) => Promise<T>): Promise<T> {
  // Sync and gossip write into every channel: load the stored ones first.
  for (const hex of local.store.knownChannels()) await local.store.loadChannel(fromHex(hex))
  // Connected to nobody, the DHT has nobody to ask: do not wait the whole budget for it.
  const waitMs = online.node.libp2p.getConnections().length === 0 ? Math.min(online.waitMs, 1_000) : online.waitMs
  const published: PublishLog = { last: undefined }
  const network = countingNetwork(online.network, published, waitMs)
  const live = await joinWithin(local.store, network, waitMs, sessionOptions(waitMs, opts), opts.stop)
  try {
    return await fn({ ...local, online, live, published })
  } finally {
    await within(live.leave(), 1_500)
  }
}
