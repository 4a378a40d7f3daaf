/**
 * A channel's messages as the UI shows them (PROTOCOL.md §7.5): pages of
 * the channel view, oldest first, with authors' names, reactions by name,
 * reply excerpts, and what I may do with each; unread counts against my
 * read mark; mentions parsed from the text I send.
 *
 * Identity is kept: a rebuilt message equal to the one shown before is the
 * same object, and a page whose messages are all unchanged is the same page.
 */
import { compareBytes, fromHex, toHex, type ChannelMessage, type ChannelView, type EventContent } from '@hearth/protocol'
import type { ReadMark } from './app-state.ts'
import type { ProfileResolver } from './profiles.ts'
import type { Hex, MessagePage, MessageSummary } from './types.ts'

/** Messages a page shows first, and how many more `loadOlder` adds. */
export const PAGE_SIZE = 50
/** Length of a reply excerpt, in characters. */
const EXCERPT_CHARS = 120

/** What building a page needs besides the view. */
export interface PageContext {
  readonly me: Hex
  readonly profiles: ProfileResolver
  /** Whether I may delete others' messages in this channel. */
  readonly deleteOthers: boolean
  /** Whether I may act in the room at all (a member, not banned). */
  readonly member: boolean
}

const textOf = (content: EventContent | undefined): string | undefined =>
  content !== undefined && 'text' in content ? content.text : undefined

/** One message for the UI. */
export function messageSummary(view: ChannelView, m: ChannelMessage, ctx: PageContext): MessageSummary {
  const author = toHex(m.author)
  const mine = author === ctx.me
  const deleted = m.deleted !== undefined
  const mentions = m.mentions.map(toHex)
  const text = textOf(m.content)
  const target = m.replyTo !== undefined ? view.message(m.replyTo) : undefined
  return {
    id: m.key,
    author: ctx.profiles.get(author),
    at: m.at,
    ...(text !== undefined ? { text } : {}),
    deleted,
    ...(m.edited !== undefined ? { edited: { at: m.edited.at } } : {}),
    pinned: m.pinned !== undefined,
    reactions: m.reactions.map((r) => {
      const keys = r.reactors.map(toHex)
      return { emoji: r.emoji, count: keys.length, mine: keys.includes(ctx.me), names: keys.map((k) => ctx.profiles.get(k).name) }
    }),
    ...(target !== undefined ? {
      replyTo: {
        id: target.key,
        authorName: ctx.profiles.get(toHex(target.author)).name,
        excerpt: (textOf(target.content) ?? '').split('\n')[0]?.slice(0, EXCERPT_CHARS) ?? '',
        deleted: target.deleted !== undefined
      }
    } : {}),
    mentions,
    mentionsMe: mentions.includes(ctx.me),
    mine,
    canDelete: !deleted && ctx.member && (mine || ctx.deleteOthers)
  }
}

/** A page's state between builds. */
export interface PageState {
  /** Messages to show (grows with `loadOlder`). */
  limit: number
  /** The "new messages" marker set when the channel was opened. */
  marker?: Hex
  last?: MessagePage
  /** Previous summaries and their JSON, to keep unchanged ones identical. */
  shown: Map<string, { json: string; summary: MessageSummary }>
  /** The app version `last` was built at. */
  builtAt?: number
  /** The channel was opened before its history was loaded: set the marker once it is. */
  needsMarker?: boolean
}

/** Build (or keep) the page of `view` for `state`. */
export function buildPage(channel: Hex, view: ChannelView, state: PageState, ctx: PageContext): MessagePage {
  const newestFirst = view.page({ limit: state.limit + 1 })
  const hasOlder = newestFirst.length > state.limit
  const shown = new Map<string, { json: string; summary: MessageSummary }>()
  const messages = newestFirst.slice(0, state.limit).reverse().map((m) => {
    const fresh = messageSummary(view, m, ctx)
    const json = JSON.stringify(fresh)
    const before = state.shown.get(m.key)
    const entry = before !== undefined && before.json === json ? before : { json, summary: fresh }
    shown.set(m.key, entry)
    return entry.summary
  })
  state.shown = shown
  const last = state.last
  if (last !== undefined && last.hasOlder === hasOlder && last.firstUnread === state.marker &&
    last.messages.length === messages.length && last.messages.every((m, i) => m === messages[i])) {
    return last
  }
  state.last = { channel, messages, hasOlder, ...(state.marker !== undefined ? { firstUnread: state.marker } : {}) }
  return state.last
}

/** An empty page (unknown or not yet loaded channel). */
export function emptyPage(channel: Hex): MessagePage {
  return { channel, messages: [], hasOlder: false }
}

/** Whether message `m` comes after the read mark in the channel order (§7.2). */
export function afterMark(m: ChannelMessage, mark: ReadMark | undefined): boolean {
  if (mark === undefined) return true
  return m.lamport !== mark.lamport ? m.lamport > mark.lamport : compareBytes(m.id, fromHex(mark.key)) > 0
}

/** Unread messages after `mark` (not mine, not deleted), and how many mention me; also the oldest unread. */
export function unreadOf(view: ChannelView, mark: ReadMark | undefined, me: Hex): { unread: number; mentions: number; first?: Hex } {
  let unread = 0
  let mentions = 0
  let first: Hex | undefined
  let before: string | undefined
  for (;;) {
    const page = view.page({ limit: 200, ...(before !== undefined ? { before } : {}) })
    for (const m of page) {
      if (!afterMark(m, mark)) return { unread, mentions, ...(first !== undefined ? { first } : {}) }
      if (m.deleted !== undefined || toHex(m.author) === me) continue
      unread++
      first = m.key
      if (m.mentions.some((k) => toHex(k) === me)) mentions++
    }
    if (page.length < 200) return { unread, mentions, ...(first !== undefined ? { first } : {}) }
    before = page[page.length - 1]?.key
  }
}

/** The newest message of a view, as a read mark. */
export function newestMark(view: ChannelView): ReadMark | undefined {
  const newest = view.page({ limit: 1 })[0]
  return newest === undefined ? undefined : { lamport: newest.lamport, key: newest.key }
}

/**
 * Keys mentioned in `text`: `<@hex>` tokens (a 64-hex key), and `@name`
 * tokens that equal a member's current display name (case-insensitive; a
 * name with spaces is matched as `@name` followed by its words). Sorted, unique,
 * at most `max` (PROTOCOL.md §7.1.1: strictly ascending bytes).
 */
export function parseMentions(text: string, members: readonly { readonly key: Hex; readonly name: string }[], max: number): Hex[] {
  const found = new Set<Hex>()
  for (const match of text.matchAll(/<@([0-9a-fA-F]{64})>/g)) found.add((match[1] ?? '').toLowerCase())
  const lower = text.toLowerCase()
  // Longest names first, so "@Ann Lee" mentions Ann Lee and not Ann.
  const byLength = [...members].filter((m) => m.name.trim() !== '').sort((a, b) => b.name.length - a.name.length)
  for (let at = lower.indexOf('@'); at >= 0; at = lower.indexOf('@', at + 1)) {
    if (at > 0 && /[\p{L}\p{N}_]/u.test(lower[at - 1] ?? '')) continue // an e-mail address, not a mention
    const rest = lower.slice(at + 1)
    const hit = byLength.find((m) => {
      const name = m.name.toLowerCase()
      return rest.startsWith(name) && !/[\p{L}\p{N}_]/u.test(rest[name.length] ?? '')
    })
    if (hit !== undefined) found.add(hit.key)
  }
  return [...found].sort().slice(0, max)
}
