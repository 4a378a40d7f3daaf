// @vitest-environment happy-dom
// Dialogs open from their buttons, keep Tab inside, close on Escape and give focus back.

import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { FakeApp, GENERAL, ROOM, room } from '../test-support/fake-app.ts'
import { renderApp } from '../test-support/render.tsx'

describe('dialogs', () => {
  it('Create room: opens, traps focus, closes on Escape and returns focus', async () => {
    const user = userEvent.setup()
    renderApp()
    const opener = await screen.findByRole('button', { name: 'Create room' })
    await user.click(opener)
    const dialog = screen.getByRole('dialog', { name: 'Create a room' })
    expect(document.activeElement).toBe(within(dialog).getByRole('textbox', { name: 'Room name' }))
    // Tab cycles within the dialog.
    for (let i = 0; i < 12; i++) {
      await user.tab()
      expect(dialog.contains(document.activeElement)).toBe(true)
    }
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(opener)
  })

  it('Create room: creates and opens the room', async () => {
    const user = userEvent.setup()
    const { app } = renderApp()
    await user.click(await screen.findByRole('button', { name: 'Create room' }))
    await user.type(screen.getByRole('textbox', { name: 'Room name' }), 'Book club')
    await user.click(screen.getByRole('checkbox', { name: /Invite only/ }))
    await user.click(screen.getByRole('button', { name: 'Create' }))
    expect(app.called('createRoom')).toEqual([[{ name: 'Book club', inviteOnly: true }]])
    await waitFor(() => { expect(window.location.hash).toMatch(/^#\/room\/c{64}/) })
  })

  it('Join room: joins with the pasted link', async () => {
    const user = userEvent.setup()
    const { app } = renderApp()
    await user.click(await screen.findByRole('button', { name: 'Join room' }))
    await user.type(screen.getByRole('textbox', { name: 'Invite link' }), 'hearth:?room=abc')
    await user.keyboard('{Enter}')
    expect(app.called('joinByInvite')).toEqual([['hearth:?room=abc']])
    await waitFor(() => { expect(window.location.hash).toContain(`#/room/${ROOM}`) })
  })

  it('Invite people: shows a link, a QR code and expiry choices', async () => {
    const user = userEvent.setup()
    const app = new FakeApp()
    app.setRoom(room({ policy: { join: 'invite', inviteMaxUses: 5 } }))
    renderApp(app, `#/room/${ROOM}/${GENERAL}`)
    await user.click(await screen.findByRole('button', { name: 'Invite people' }))
    const dialog = screen.getByRole('dialog', { name: 'Invite people to Test room' })
    await waitFor(() => { expect(within(dialog).getByRole('textbox', { name: 'Invite link' })).toHaveProperty('value', `https://hearth.test/#/join/${ROOM}`) })
    expect(within(dialog).getByRole('img', { name: 'QR code of the invite link' })).toBeTruthy()
    expect(app.called('createInvite')).toEqual([[ROOM, { counted: true }]])
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Expire after' }), '1 day')
    await waitFor(() => { expect(app.called('createInvite')).toHaveLength(2) })
    expect(app.called('createInvite')[1]).toEqual([ROOM, { expiresInMs: 86_400_000, counted: true }])
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('Connection status: tells the honest state', async () => {
    const user = userEvent.setup()
    const app = new FakeApp()
    app.setRoom(room({
      connection: {
        phase: 'finding-peers', peers: [], direct: 0, relayed: 0, archiverReachable: false, archived: false,
        message: 'Nobody who has this room is online', lastError: { code: 'nobody-online', message: 'nobody' },
        sync: { running: true, stored: 12, rejected: 0, peers: 1 }
      },
      warnings: ['The sequencer signed two different checkpoints']
    }))
    renderApp(app, `#/room/${ROOM}/${GENERAL}`)
    expect((await screen.findByRole('alert')).textContent).toContain('two different checkpoints')
    await user.click(screen.getByRole('button', { name: 'Connection status' }))
    const dialog = screen.getByRole('dialog', { name: 'Connection status' })
    expect(dialog.textContent).toContain('Nobody who has this room is online')
    expect(dialog.textContent).toContain('12 records received from 1 peer')
    await user.click(within(dialog).getByRole('button', { name: 'Sync again' }))
    expect(app.called('resync')).toEqual([[ROOM]])
  })
})
