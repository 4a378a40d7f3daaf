// @vitest-environment happy-dom
// The message list: day separators, the NEW marker, tombstones, edited marks, reaction
// chips that toggle, mentions of me highlighted, replies, and the actions my rights allow.

import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { FakeApp, GENERAL, ME, ROOM, channel, message, profile, rights, room } from '../test-support/fake-app.ts'
import { renderApp } from '../test-support/render.tsx'

const day1 = new Date(2026, 0, 2, 10, 0).getTime()
const day2 = new Date(2026, 0, 3, 9, 0).getTime()

function setup(messages: Parameters<FakeApp['setPage']>[2], roomFields: Parameters<typeof room>[0] = {}): FakeApp {
  const app = new FakeApp()
  app.setRoom(room(roomFields))
  app.setPage(ROOM, GENERAL, messages)
  return app
}

describe('MessageList', () => {
  it('shows day separators, the unread marker, tombstones and edits', async () => {
    const unread = message('second day', { at: day2 })
    renderApp(setup({
      messages: [
        message('first', { at: day1, edited: { at: day1 + 5000 } }),
        message('gone', { at: day1 + 1000, deleted: true, text: undefined }),
        unread
      ],
      firstUnread: unread.id
    }), `#/room/${ROOM}/${GENERAL}`)
    const log = await screen.findByRole('log', { name: 'Messages in #general' })
    const separators = within(log).getAllByRole('separator')
    expect(separators.map((s) => s.getAttribute('aria-label'))).toEqual([
      new Date(day1).toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
      new Date(day2).toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
      'New messages'
    ])
    expect(within(log).getByText('NEW')).toBeTruthy()
    expect(within(log).getByText('Message deleted')).toBeTruthy()
    expect(within(log).getByText('(edited)', { exact: false })).toBeTruthy()
    expect(within(log).getByText('first')).toBeTruthy()
    expect(within(log).getByText('Welcome to #general!')).toBeTruthy()
  })

  it('renders reactions as chips that toggle my reaction', async () => {
    const user = userEvent.setup()
    const m = message('nice', { reactions: [{ emoji: '👍', count: 2, mine: true, names: ['Me', 'Bob'] }, { emoji: '🎉', count: 1, mine: false, names: ['Bob'] }] })
    const { app } = renderApp(setup({ messages: [m] }), `#/room/${ROOM}/${GENERAL}`)
    const thumbs = await screen.findByRole('button', { name: '👍 2' })
    expect(thumbs.getAttribute('aria-pressed')).toBe('true')
    await user.click(thumbs)
    await user.click(screen.getByRole('button', { name: '🎉 1' }))
    expect(app.called('react')).toEqual([[ROOM, GENERAL, m.id, '👍', false], [ROOM, GENERAL, m.id, '🎉', true]])
  })

  it('picks a reaction from the emoji picker', async () => {
    const user = userEvent.setup()
    const m = message('react to me')
    const { app } = renderApp(setup({ messages: [m] }), `#/room/${ROOM}/${GENERAL}`)
    await user.click(await screen.findByRole('button', { name: 'Add reaction' }))
    const picker = screen.getByRole('dialog', { name: 'Add a reaction' })
    expect(within(picker).getAllByRole('button').length).toBeGreaterThanOrEqual(24)
    await user.click(within(picker).getByRole('button', { name: '🔥 fire' }))
    expect(app.called('react')).toEqual([[ROOM, GENERAL, m.id, '🔥', true]])
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('highlights a message that mentions me and the @name in it', async () => {
    const m = message('hey @Me look', { mentions: [ME], mentionsMe: true })
    renderApp(setup({ messages: [m] }), `#/room/${ROOM}/${GENERAL}`)
    const text = await screen.findByText('@Me')
    expect(text.className).toContain('mention--me')
    expect(text.closest('article')?.getAttribute('data-mentions-me')).toBe('true')
  })

  it('shows the quoted reply', async () => {
    const a = message('the question')
    const b = message('the answer', { author: profile('Bob'), replyTo: { id: a.id, authorName: 'Alice', excerpt: 'the question', deleted: false } })
    renderApp(setup({ messages: [a, b] }), `#/room/${ROOM}/${GENERAL}`)
    expect(await screen.findByRole('button', { name: /Jump to the reply's original message by Alice/ })).toBeTruthy()
  })

  it('offers edit and delete on my messages, pin and delete by rights', async () => {
    const user = userEvent.setup()
    const mine = message('mine', { author: profile('Me', ME), mine: true, canDelete: true })
    const theirs = message('theirs', { author: profile('Bob') })
    const { app } = renderApp(setup({ messages: [mine, theirs] }, {
      channels: [channel(GENERAL, 'general', { rights: rights(true, { pin: false }) })]
    }), `#/room/${ROOM}/${GENERAL}`)
    const [mineItem, theirItem] = await screen.findAllByRole('article')
    if (mineItem === undefined || theirItem === undefined) throw new Error('two messages expected')
    expect(within(mineItem).getByRole('button', { name: 'Edit message' })).toBeTruthy()
    expect(within(theirItem).queryByRole('button', { name: 'Edit message' })).toBeNull()
    expect(within(theirItem).queryByRole('button', { name: 'Delete message' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Pin message' })).toBeNull()

    await user.click(within(mineItem).getByRole('button', { name: 'Edit message' }))
    const editor = within(mineItem).getByRole('textbox', { name: 'Edit message text' })
    await user.clear(editor)
    await user.type(editor, 'edited{Enter}')
    expect(app.called('edit')).toEqual([[ROOM, GENERAL, mine.id, 'edited']])

    await user.click(within(mineItem).getByRole('button', { name: 'Delete message' }))
    const confirm = screen.getByRole('dialog', { name: 'Delete message?' })
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }))
    expect(app.called('deleteMessage')).toEqual([[ROOM, GENERAL, mine.id]])
  })

  it('Escape cancels an edit', async () => {
    const user = userEvent.setup()
    const mine = message('mine', { author: profile('Me', ME), mine: true, canDelete: true })
    const { app } = renderApp(setup({ messages: [mine] }), `#/room/${ROOM}/${GENERAL}`)
    await user.click(await screen.findByRole('button', { name: 'Edit message' }))
    await user.type(screen.getByRole('textbox', { name: 'Edit message text' }), ' more{Escape}')
    expect(screen.queryByRole('textbox', { name: 'Edit message text' })).toBeNull()
    expect(app.called('edit')).toEqual([])
  })

  it('lists pinned messages', async () => {
    const user = userEvent.setup()
    renderApp(setup({ messages: [message('pinned one', { pinned: true }), message('plain')] }), `#/room/${ROOM}/${GENERAL}`)
    await user.click(await screen.findByRole('button', { name: 'Pinned messages' }))
    const dialog = screen.getByRole('dialog', { name: 'Pinned messages' })
    expect(within(dialog).getByText('pinned one')).toBeTruthy()
    expect(within(dialog).queryByText('plain')).toBeNull()
  })
})
