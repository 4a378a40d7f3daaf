// Running a command against the local state: resolve the settings, open the store, hand the
// command what it needs (the state; or the identity and one room), and always close it, so
// SQLite's write-ahead log is checkpointed and the next process sees every write.

import type { RoomStore } from '@hearth/client'
import type { CommandContext } from './command.ts'
import { LocalState, resolveClientSettings, type LocalIdentity } from './local-state.ts'

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
