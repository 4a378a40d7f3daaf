// The rows of the message list, derived from a page of messages: day separators, the
// "NEW" unread marker, and Discord-style grouping of consecutive messages by one author.
// Pure, so the virtualised list can key and size rows by it and tests can check it.

import type { MessageSummary } from '../hearth-api.ts'
import { dayKey } from '../ui/time-format.ts'

/** Messages by the same author within this long of the previous one join its group. */
export const GROUP_WINDOW_MS = 7 * 60_000

/** One row of the message list. */
export type MessageRow =
  | { readonly kind: 'day'; readonly key: string; readonly at: number }
  | { readonly kind: 'unread'; readonly key: 'unread' }
  | { readonly kind: 'message'; readonly key: string; readonly message: MessageSummary; readonly grouped: boolean }

/** Rows for `messages` (oldest first), with the unread marker before `firstUnread`. */
export function messageRows(messages: readonly MessageSummary[], firstUnread?: string): MessageRow[] {
  const rows: MessageRow[] = []
  let previous: MessageSummary | undefined
  for (const message of messages) {
    const newDay = previous === undefined || dayKey(previous.at) !== dayKey(message.at)
    if (newDay) rows.push({ kind: 'day', key: `day:${dayKey(message.at)}:${message.id}`, at: message.at })
    const unread = message.id === firstUnread
    if (unread) rows.push({ kind: 'unread', key: 'unread' })
    const grouped =
      previous !== undefined &&
      !newDay &&
      !unread &&
      message.replyTo === undefined &&
      previous.author.key === message.author.key &&
      message.at - previous.at >= 0 &&
      message.at - previous.at < GROUP_WINDOW_MS
    rows.push({ kind: 'message', key: message.id, message, grouped })
    previous = message
  }
  return rows
}
