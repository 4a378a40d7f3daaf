// @vitest-environment happy-dom
// The composer: Enter sends, Shift+Enter adds a line, typing is signalled, replies are
// sent with their target, and the box is disabled with the reason when I may not post.

import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { FakeApp, GENERAL, ME, ROOM, channel, member, message, rights, room } from '../test-support/fake-app.ts'
import { renderApp } from '../test-support/render.tsx'

function appWithRoom(fields: Parameters<typeof room>[0] = {}): FakeApp {
  const app = new FakeApp()
  app.setRoom(room(fields))
  return app
}

describe('Composer', () => {
  it('sends on Enter and keeps a new line on Shift+Enter', async () => {
    const user = userEvent.setup()
    const { app } = renderApp(appWithRoom(), `#/room/${ROOM}/${GENERAL}`)
    const box = await screen.findByRole('textbox', { name: 'Message #general' })
    await user.type(box, 'hello{Shift>}{Enter}{/Shift}world')
    expect(app.called('send')).toEqual([])
    expect(box).toHaveProperty('value', 'hello\nworld')
    await user.keyboard('{Enter}')
    expect(app.called('send')).toEqual([[ROOM, GENERAL, 'hello\nworld', undefined]])
    expect(box).toHaveProperty('value', '')
    expect(app.called('typing').length).toBeGreaterThan(0)
    // The sent message shows up in the list.
    expect(await screen.findByText(/hello/)).toBeTruthy()
  })

  it('sends with the Send button, not when empty', async () => {
    const user = userEvent.setup()
    const { app } = renderApp(appWithRoom(), `#/room/${ROOM}/${GENERAL}`)
    const send = await screen.findByRole('button', { name: 'Send' })
    expect(send).toHaveProperty('disabled', true)
    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), 'via button')
    await user.click(send)
    expect(app.called('send')).toEqual([[ROOM, GENERAL, 'via button', undefined]])
  })

  it('replies: banner, cancel with Escape, send with replyTo', async () => {
    const user = userEvent.setup()
    const app = appWithRoom()
    const original = message('original text', { author: member('Bob') })
    app.setPage(ROOM, GENERAL, { messages: [original] })
    renderApp(app, `#/room/${ROOM}/${GENERAL}`)
    await user.click(await screen.findByRole('button', { name: 'Reply' }))
    expect(screen.getByText('Replying to')).toBeTruthy()
    const box = screen.getByRole('textbox', { name: 'Message #general' })
    await user.type(box, '{Escape}')
    expect(screen.queryByText('Replying to')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Reply' }))
    await user.type(box, 'answer{Enter}')
    expect(app.called('send')).toEqual([[ROOM, GENERAL, 'answer', { replyTo: original.id }]])
  })

  it('is disabled with the reason when I am timed out', async () => {
    const until = Date.now() + 3_600_000
    renderApp(appWithRoom({
      channels: [channel(GENERAL, 'general', { rights: rights(false) })],
      members: [member('Me', { key: ME, timeoutUntil: until })]
    }), `#/room/${ROOM}/${GENERAL}`)
    const box = await screen.findByRole('textbox', { name: 'Message #general' })
    expect(box).toHaveProperty('disabled', true)
    expect(screen.getAllByText(/You are timed out until/).length).toBeGreaterThan(0)
  })

  it('shows who is typing', async () => {
    renderApp(appWithRoom({ typing: { [GENERAL]: ['Alice'] } }), `#/room/${ROOM}/${GENERAL}`)
    await waitFor(() => { expect(screen.getByText('Alice is typing…')).toBeTruthy() })
  })

  it('completes @mentions from the members', async () => {
    const user = userEvent.setup()
    const { app } = renderApp(appWithRoom({ members: [member('Me', { key: ME }), member('Bob Builder'), member('Carol')] }), `#/room/${ROOM}/${GENERAL}`)
    const box = await screen.findByRole('textbox', { name: 'Message #general' })
    await user.type(box, 'hi @bo')
    const list = screen.getByRole('listbox', { name: 'Mention a member' })
    expect(list.textContent).toBe('@Bob Builder')
    await user.keyboard('{Enter}')
    expect(box).toHaveProperty('value', 'hi @Bob Builder ')
    expect(screen.queryByRole('listbox')).toBeNull()
    await user.keyboard('!{Enter}')
    expect(app.called('send')).toEqual([[ROOM, GENERAL, 'hi @Bob Builder !', undefined]])
  })
})
