// Rows of the message list: day separators, the unread marker, Discord-style grouping.

import { describe, expect, it } from 'vitest'
import { message, profile } from '../test-support/fake-app.ts'
import { GROUP_WINDOW_MS, messageRows } from './message-rows.ts'

const day1 = new Date(2026, 0, 2, 10, 0).getTime()
const day2 = new Date(2026, 0, 3, 9, 0).getTime()

describe('messageRows', () => {
  it('puts a day separator before the first message of each day', () => {
    const rows = messageRows([message('a', { at: day1 }), message('b', { at: day1 + 60_000 }), message('c', { at: day2 })])
    expect(rows.map((r) => r.kind)).toEqual(['day', 'message', 'message', 'day', 'message'])
  })

  it('groups consecutive messages by one author within the window', () => {
    const bob = profile('Bob')
    const rows = messageRows([
      message('a', { at: day1 }),
      message('b', { at: day1 + 1000 }),
      message('c', { at: day1 + 2000, author: bob }),
      message('d', { at: day1 + 2000 + GROUP_WINDOW_MS, author: bob })
    ]).filter((r) => r.kind === 'message')
    expect(rows.map((r) => r.grouped)).toEqual([false, true, false, false])
  })

  it('starts a new group at the unread marker and at replies', () => {
    const a = message('a', { at: day1 })
    const b = message('b', { at: day1 + 1000 })
    const c = message('c', { at: day1 + 2000, replyTo: { id: a.id, authorName: 'Alice', excerpt: 'a', deleted: false } })
    const rows = messageRows([a, b, c], b.id)
    expect(rows.map((r) => r.kind)).toEqual(['day', 'message', 'unread', 'message', 'message'])
    expect(rows.filter((r) => r.kind === 'message').map((r) => r.grouped)).toEqual([false, false, false])
  })
})
