/**
 * Writing in a channel (PROTOCOL.md §7.1.1): posts, edits, deletes,
 * reactions, pins and typing notices. Each checks its input and my rights
 * first, so a refusal is a sentence and nothing is written.
 */
import {
  createSignal, listMembers, MAX_MENTIONS, toHex, type Bytes, type EventBody
} from '@hearth/protocol'
import type { AppCore } from './app-core.ts'
import type { AppRoom } from './app-room.ts'
import { InvalidInputError, NotFoundError, NotPermittedError } from './errors.ts'
import { parseMentions } from './message-page.ts'
import { asRefusal, requireCap, requireMember } from './refusals.ts'
import { hexId, LIMITS, line, multiline } from './validate.ts'

/** Least time between two typing notices in one channel. */
export const TYPING_EVERY_MS = 3_000

function messageText(value: unknown): string {
  const text = multiline(value, LIMITS.message, 'The message')
  if (text.trim() === '') throw new InvalidInputError('The message is empty.')
  return text
}

async function message(room: AppRoom, channel: Bytes, value: unknown): Promise<{ id: Bytes; author: string; deleted: boolean; pinned: boolean }> {
  const id = hexId(value, 32, 'The message')
  const found = (await room.loadedView(channel)).message(id)
  if (found === undefined) throw new NotFoundError('message', 'That message is not in this channel (it may be hidden, or not synced yet).')
  return { id, author: toHex(found.author), deleted: found.deleted !== undefined, pinned: found.pinned !== undefined }
}

async function write(core: AppCore, room: AppRoom, channel: Bytes, body: EventBody, doing: string): Promise<void> {
  const { keypair } = core.me()
  try {
    await room.postEvent(keypair, channel, body, core.now())
  } catch (err) {
    throw asRefusal(err, doing)
  }
  room.stoppedTyping(toHex(channel), toHex(keypair.publicKey))
}

/** Post `text` in a channel, optionally as a reply; mentions are parsed from the text (message-page.ts). */
export async function send(core: AppCore, roomId: unknown, channelId: unknown, value: unknown, options: { replyTo?: unknown } = {}): Promise<void> {
  const room = core.room(roomId)
  const channel = room.channel(channelId)
  const text = messageText(value)
  const { keypair } = core.me()
  requireCap(room.store.authority, keypair.publicKey, 'POST', core.now(), 'send the message', channel.id)
  const reply = options.replyTo === undefined ? undefined : (await message(room, channel.id, options.replyTo)).id
  const profiles = core.profiles(room)
  const members = listMembers(room.store.authority.state).map((m) => ({ key: toHex(m.key), name: profiles.get(toHex(m.key)).name }))
  const mentions = parseMentions(text, members, MAX_MENTIONS)
  const body: EventBody = {
    kind: 'post', content: { text }, ...(mentions.length > 0 ? { mentions: mentions.map((k) => hexId(k, 32, 'A mention')) } : {}),
    ...(reply !== undefined ? { reply } : {})
  }
  await write(core, room, channel.id, body, 'send the message')
}

/** Replace the text of one of my messages. */
export async function edit(core: AppCore, roomId: unknown, channelId: unknown, messageId: unknown, value: unknown): Promise<void> {
  const room = core.room(roomId)
  const channel = room.channel(channelId)
  const text = messageText(value)
  const { keypair, hex } = core.me()
  const target = await message(room, channel.id, messageId)
  if (target.author !== hex) throw new NotPermittedError('not-author', 'Cannot edit the message: only its author can edit a message.')
  if (target.deleted) throw new NotPermittedError('deleted', 'Cannot edit the message: it was deleted.')
  requireCap(room.store.authority, keypair.publicKey, 'POST', core.now(), 'edit the message', channel.id)
  await write(core, room, channel.id, { kind: 'edit', target: target.id, content: { text } }, 'edit the message')
}

/** Delete a message: mine, or anyone's with the right to delete others' messages. */
export async function deleteMessage(core: AppCore, roomId: unknown, channelId: unknown, messageId: unknown): Promise<void> {
  const room = core.room(roomId)
  const channel = room.channel(channelId)
  const { keypair, hex } = core.me()
  const target = await message(room, channel.id, messageId)
  if (target.deleted) return
  if (target.author === hex) requireMember(room.store.authority, keypair.publicKey, 'delete the message')
  else requireCap(room.store.authority, keypair.publicKey, 'DELETE_OTHERS', core.now(), 'delete the message', channel.id)
  await write(core, room, channel.id, { kind: 'delete', target: target.id }, 'delete the message')
}

/** Add (`on`) or remove my reaction `emoji`. */
export async function react(core: AppCore, roomId: unknown, channelId: unknown, messageId: unknown, emojiValue: unknown, on: boolean): Promise<void> {
  const room = core.room(roomId)
  const channel = room.channel(channelId)
  const emoji = line(emojiValue, LIMITS.emoji, 'The emoji')
  const { keypair } = core.me()
  const target = await message(room, channel.id, messageId)
  if (target.deleted) throw new NotPermittedError('deleted', 'Cannot react: the message was deleted.')
  requireCap(room.store.authority, keypair.publicKey, 'REACT', core.now(), 'react', channel.id)
  await write(core, room, channel.id, { kind: on ? 'react' : 'unreact', target: target.id, emoji }, 'react')
}

/** Pin (`on`) or unpin a message. */
export async function pin(core: AppCore, roomId: unknown, channelId: unknown, messageId: unknown, on: boolean): Promise<void> {
  const room = core.room(roomId)
  const channel = room.channel(channelId)
  const { keypair } = core.me()
  const target = await message(room, channel.id, messageId)
  if (target.deleted) throw new NotPermittedError('deleted', 'Cannot pin the message: it was deleted.')
  requireCap(room.store.authority, keypair.publicKey, 'PIN', core.now(), on ? 'pin the message' : 'unpin the message', channel.id)
  if (target.pinned === on) return
  await write(core, room, channel.id, { kind: on ? 'pin' : 'unpin', target: target.id }, on ? 'pin the message' : 'unpin the message')
}

/** Tell the room I am typing in a channel: at most one notice per {@link TYPING_EVERY_MS}; never fails. */
export function typing(core: AppCore, roomId: unknown, channelId: unknown): void {
  const room = core.room(roomId)
  const channel = room.channel(channelId)
  const session = room.session
  const { keypair } = core.me()
  const now = core.now()
  if (session === undefined || now - (room.typingSent.get(channel.hex) ?? -Infinity) < TYPING_EVERY_MS) return
  room.typingSent.set(channel.hex, now)
  void createSignal({ room: room.store.room, identity: keypair, body: { kind: 'typing', channel: channel.id }, at: now })
    .then((signal) => session.sendSignal(signal))
    .catch(() => undefined)
}
