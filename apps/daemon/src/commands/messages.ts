// `hearth send` and `hearth read`: write a signed post into a channel (online by default:
// the room's session stores it, then publishes it to the peers online; --offline stores it
// only here) and page a channel's history newest first (RoomStore.history; --sync first
// syncs the room with its peers). `hearth tail` (tail.ts) follows a channel live.

import {
  Cap, channelCaps, formatRoomId, formatUserId, hasCaps, isTimedOut, MAX_TEXT_BYTES, toHex, utf8,
  type ChannelMessage, type ChannelState
} from '@hearth/protocol'
import { UsageError } from '../errors.ts'
import { capLabel, parseCount } from './arg-values.ts'
import type { CommandContext, CommandSpec } from './command.ts'
import { deliveryJson, NOT_SENT_NOTE, sentNote } from './delivery.ts'
import { NotFoundError, NotPermittedError } from './errors.ts'
import type { LocalIdentity } from './local-state.ts'
import { ONLINE_OPTIONS, within } from './online.ts'
import { linger, sessionJson, sessionText } from './room-live.ts'
import { resolveChannelRef, roomName } from './room-ref.ts'
import { withLiveRoom, withRoom, type LiveRoom, type RoomSession } from './session.ts'

/** Messages `read` prints unless --limit says otherwise, and the most it prints at once. */
export const DEFAULT_READ_LIMIT = 20
export const MAX_READ_LIMIT = 1000

/** Why the identity may not post in the channel now, or undefined if it may. */
function postRefusal({ store, me }: RoomSession, channel: ChannelState, now: number): NotPermittedError | undefined {
  const { state } = store.authority
  const key = me.keypair.publicKey
  if (state.bans.has(toHex(key))) return new NotPermittedError('banned', `you are banned from "${roomName(store)}"`)
  if (!state.members.has(toHex(key))) return new NotPermittedError('not-member', `you are not a member of "${roomName(store)}"`)
  if (hasCaps(channelCaps(state, key, channel.id, now), Cap.POST)) return undefined
  if (isTimedOut(state, key, now)) {
    return new NotPermittedError('timed-out', `you are timed out in "${roomName(store)}" until ${new Date(state.timeouts.get(toHex(key)) ?? now).toISOString()}`)
  }
  return new NotPermittedError('missing-capability', `you may not post in #${channel.name} (no ${capLabel('POST')} capability there)`)
}

const sendCommand: CommandSpec = {
  name: 'send',
  summary: 'Post a message to a channel: go online, sync, publish it to the room\'s peers',
  description: [
    'The words after <channel> are the message (quote it to keep spacing). The message is signed',
    'and stored here, then published to the peers of the room online now; the command says how',
    'many got it. Peers that missed it get it by sync the next time you are online together.',
    'With --offline it is only stored here.'
  ].join('\n'),
  options: [
    { name: 'offline', type: 'boolean', help: 'Do not go online: sign and store it here only (peers get it on a later sync)' },
    ...ONLINE_OPTIONS
  ],
  positionals: [{ name: 'room' }, { name: 'channel' }, { name: 'text', variadic: true }],
  async run(ctx) {
    const text = ctx.args.required('text')
    if (text.trim() === '') throw new UsageError('the message is empty')
    if (utf8(text).length > MAX_TEXT_BYTES) throw new UsageError(`the message is longer than ${MAX_TEXT_BYTES} bytes`)
    const room = ctx.args.required('room')
    if (ctx.args.flag('offline')) {
      await withRoom(ctx, room, async (session) => {
        const { channel, now } = checkPost(ctx, session)
        await session.store.loadChannel(channel.id)
        const node = await session.store.postEvent(session.me.keypair, channel.id, { kind: 'post', content: { text } }, now)
        reportSent(ctx, session, channel, node.key, now, undefined)
      })
      return
    }
    const before = (local: RoomSession): void => { resolveChannelRef(local.store, ctx.args.required('channel')) }
    await withLiveRoom(ctx, room, { stayOnline: false, before }, async (live) => {
      // Checked again after the sync: the room's rules (and its channels) are the freshest now.
      const { channel, now } = checkPost(ctx, live)
      const node = await live.live.postEvent(live.me.keypair, channel.id, { kind: 'post', content: { text } }, now)
      await linger(live.live)
      reportSent(ctx, live, channel, node.key, now, live)
    })
  }
}

function checkPost(ctx: CommandContext, session: RoomSession): { channel: ChannelState; now: number } {
  const channel = resolveChannelRef(session.store, ctx.args.required('channel'))
  const now = ctx.now()
  const refusal = postRefusal(session, channel, now)
  if (refusal !== undefined) throw refusal
  return { channel, now }
}

function reportSent(ctx: CommandContext, { store }: RoomSession, channel: ChannelState, id: string, at: number, live: LiveRoom | undefined): void {
  const peers = live === undefined ? undefined : live.published.last ?? 0
  const error = live?.live.state().lastError
  ctx.out.result(
    {
      event: 'sent', room: formatRoomId(store.room), channel: toHex(channel.id), id, at, ...deliveryJson(peers),
      ...(live !== undefined ? { session: sessionJson(live.live) } : {})
    },
    [
      `${live === undefined ? 'Stored' : 'Posted'} your message in #${channel.name} of "${roomName(store)}" (id ${id.slice(0, 12)}).`,
      peers === undefined ? NOT_SENT_NOTE : sentNote(peers),
      ...(error?.code === 'publish-failed' ? [`(${error.message})`] : [])
    ].join('\n')
  )
}

/** A message as `read --json` shows it. */
export function messageJson(message: ChannelMessage): Record<string, unknown> {
  const content = message.content
  return {
    id: message.key,
    author: formatUserId(message.author),
    at: message.at,
    lamport: message.lamport,
    ...(content !== undefined && 'text' in content ? { text: content.text } : {}),
    ...(content !== undefined && 'enc' in content ? { encrypted: true } : {}),
    ...(message.edited ? { edited: message.edited.at } : {}),
    ...(message.deleted ? { deleted: { by: formatUserId(message.deleted.by), at: message.deleted.at } } : {}),
    ...(message.replyTo ? { replyTo: toHex(message.replyTo) } : {}),
    ...(message.pinned ? { pinned: true } : {}),
    mentions: message.mentions.map(formatUserId),
    attachments: message.attachments.map((a) => ({ name: a.name, mime: a.mime, size: a.size, hash: toHex(a.hash) })),
    reactions: message.reactions.map((r) => ({ emoji: r.emoji, count: r.reactors.length, reactors: r.reactors.map(formatUserId) }))
  }
}

function messageText(message: ChannelMessage, author: string): string {
  const time = new Date(message.at).toISOString().replace('T', ' ').slice(0, 16)
  const content = message.content
  const body = message.deleted ? '[deleted]'
    : content !== undefined && 'text' in content ? content.text.replace(/\n/g, '\n    ')
      : '[encrypted]'
  const marks = [
    ...(message.edited ? ['(edited)'] : []),
    ...(message.pinned ? ['(pinned)'] : []),
    ...(message.attachments.length > 0 ? [`[${message.attachments.length} attachment${message.attachments.length === 1 ? '' : 's'}]`] : []),
    ...message.reactions.map((r) => `${r.emoji}×${r.reactors.length}`)
  ]
  return `${time}  ${author}: ${body}${marks.length > 0 ? `  ${marks.join(' ')}` : ''}  [${message.key.slice(0, 12)}]`
}

const readCommand: CommandSpec = {
  name: 'read',
  summary: 'Show a channel\'s history from this machine\'s copy, newest first (--sync: sync with peers first)',
  description: [
    'Page back with --before <id of the last message shown>; --json prints "next" for that.',
    'With --sync the command goes online first, syncs the room with the peers it finds (within',
    '--wait), then shows the history; --json adds a "session" object (peers, synced counts).'
  ].join('\n'),
  options: [
    { name: 'limit', type: 'string', value: '<n>', help: `How many messages (default ${DEFAULT_READ_LIMIT}, at most ${MAX_READ_LIMIT})` },
    { name: 'before', type: 'string', value: '<id>', help: 'Only messages before this one (its id, or a unique prefix of it)' },
    { name: 'sync', type: 'boolean', help: 'Go online and sync the room with its peers first' },
    ...ONLINE_OPTIONS
  ],
  positionals: [{ name: 'room' }, { name: 'channel' }],
  async run(ctx) {
    const limitText = ctx.args.string('limit')
    const limit = limitText === undefined ? DEFAULT_READ_LIMIT : parseCount(limitText, 'limit', MAX_READ_LIMIT)
    const room = ctx.args.required('room')
    if (!ctx.args.flag('sync')) {
      await withRoom(ctx, room, (session) => readHistory(ctx, session, limit, undefined))
      return
    }
    await withLiveRoom(ctx, room, { stayOnline: false }, async (live) => {
      // Synced: stop gossip before reading, so the page is one consistent snapshot.
      await within(live.live.leave(), 1_500)
      ctx.out.note(sessionText(live.live))
      await readHistory(ctx, live, limit, sessionJson(live.live))
    })
  }
}

async function readHistory(ctx: CommandContext, session: RoomSession, limit: number, synced: Record<string, unknown> | undefined): Promise<void> {
  const { store } = session
  const channel = resolveChannelRef(store, ctx.args.required('channel'))
  await store.loadChannel(channel.id)
  const before = resolveBefore(session, channel, ctx.args.string('before'))
  // One more than asked says whether older messages exist.
  const page = store.history(channel.id, { limit: limit + 1, ...(before !== undefined ? { before } : {}) })
  const more = page.length > limit
  page.length = Math.min(page.length, limit)
  const last = page.at(-1)
  const next = more && last !== undefined ? last.key : undefined
  printHistory(ctx, session, channel, page, { next, paged: before !== undefined, synced })
}

/** The full key of the message `--before` names (a 64-hex id or a unique prefix). */
function resolveBefore({ store }: RoomSession, channel: ChannelState, text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  const wanted = text.trim().toLowerCase()
  if (!/^[0-9a-f]{6,64}$/.test(wanted)) throw new UsageError(`--before ${JSON.stringify(text)} is not a message id (hex, as "read" prints)`)
  const matches = store.view(channel.id).messages().filter((m) => m.key.startsWith(wanted))
  const only = matches[0]
  if (matches.length === 1 && only !== undefined) return only.key
  throw new NotFoundError(matches.length === 0 ? `no message ${wanted} in #${channel.name}` : `${wanted} matches ${matches.length} messages; give more of the id`)
}

/** A message as one line for people, naming its author (you, or a short user id). */
export function messageLine(message: ChannelMessage, me: LocalIdentity): string {
  const mine = toHex(message.author) === toHex(me.keypair.publicKey)
  return messageText(message, mine ? `${me.identity.profile.name} (you)` : formatUserId(message.author).slice(0, 10))
}

function printHistory(
  ctx: CommandContext, { store, me }: RoomSession, channel: ChannelState, page: readonly ChannelMessage[],
  { next, paged, synced }: { next: string | undefined; paged: boolean; synced: Record<string, unknown> | undefined }
): void {
  const lines = page.length === 0 ? [`No ${paged ? 'older ' : ''}messages in #${channel.name} on this machine.`] : page.map((m) => messageLine(m, me))
  if (next !== undefined) lines.push(`Older: hearth read ${formatRoomId(store.room).slice(0, 10)} ${channel.name} --before ${next.slice(0, 16)}`)
  ctx.out.result(
    {
      event: 'history', room: formatRoomId(store.room), channel: { id: toHex(channel.id), name: channel.name },
      messages: page.map(messageJson), ...(next !== undefined ? { next } : {}), ...(synced !== undefined ? { session: synced } : {})
    },
    lines.join('\n')
  )
}

/** `hearth send` and `hearth read` (commands of their own, not a group). */
export const messageCommands: readonly CommandSpec[] = [sendCommand, readCommand]
