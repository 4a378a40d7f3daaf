/**
 * What I have read: the channel open now (records stored in it are read at
 * once), its "new messages" marker, and the per-channel read marks kept in
 * the app state (app-state.ts) that unread counts are derived from.
 */
import type { AppContext } from './core-context.ts'
import type { AppRoom } from './app-room.ts'
import { newestMark, unreadOf } from './message-page.ts'
import type { Hex } from './types.ts'

/** Open a channel for reading: the marker of the one open before goes, this one gets its marker and is read. */
export function openChannel(ctx: AppContext, room: AppRoom, channel: Hex): void {
  const previous = ctx.active
  if (previous !== undefined && (previous.room !== room.id || previous.channel !== channel)) {
    const before = ctx.rooms.get(previous.room)?.pages.get(previous.channel)
    if (before !== undefined) delete before.marker
  }
  ctx.active = { room: room.id, channel }
  setMarker(ctx, room, channel)
  ctx.changed()
}

/** Records were stored in a channel: read them if it is the open one. */
export function channelStored(ctx: AppContext, room: AppRoom, channel: Hex): void {
  if (ctx.active?.room === room.id && ctx.active.channel === channel) markRead(ctx, room, channel)
}

/** Mark a channel read up to its newest message. */
export function markRead(ctx: AppContext, room: AppRoom, channel: Hex): void {
  const view = room.view(channel)
  const mark = view !== undefined ? newestMark(view) : undefined
  if (mark === undefined || ctx.state?.read(room.id, channel)?.key === mark.key) return
  ctx.state?.setRead(room.id, channel, mark)
  ctx.changed()
}

/** Set the "new messages" marker of an opened channel, then mark it read. */
export function setMarker(ctx: AppContext, room: AppRoom, channel: Hex): void {
  const page = room.page(channel)
  const view = room.view(channel)
  if (view === undefined) {
    page.needsMarker = true
    return
  }
  const { first } = unreadOf(view, ctx.state?.read(room.id, channel), ctx.me().hex)
  if (first !== undefined) page.marker = first
  else delete page.marker
  markRead(ctx, room, channel)
}
