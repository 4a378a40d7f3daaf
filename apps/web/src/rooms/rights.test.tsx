// @vitest-environment happy-dom
// Controls appear only with the rights for them: invite, channel management, room
// settings sections, moderation in a member's profile.

import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { FakeApp, GENERAL, ROOM, channel, member, rights, room } from '../test-support/fake-app.ts'
import { renderApp } from '../test-support/render.tsx'

function at(fields: Parameters<typeof room>[0]): FakeApp {
  const app = new FakeApp()
  app.setRoom(room(fields))
  return app
}

describe('rights', () => {
  it('shows every management control to someone with every right', async () => {
    renderApp(at({}), `#/room/${ROOM}/${GENERAL}`)
    expect(await screen.findByRole('button', { name: 'Invite people' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Create channel' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Move general down' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Delete channel random' })).toBeTruthy()
  })

  it('hides them from a plain member', async () => {
    const none = rights(false, { post: true, react: true })
    renderApp(at({
      rights: none,
      channels: [channel(GENERAL, 'general', { rights: none })]
    }), `#/room/${ROOM}/${GENERAL}`)
    await screen.findByRole('textbox', { name: 'Message #general' })
    expect(screen.queryByRole('button', { name: 'Invite people' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Create channel' })).toBeNull()
    expect(screen.queryByRole('button', { name: /^Move / })).toBeNull()
    expect(screen.queryByRole('button', { name: /^Delete channel/ })).toBeNull()
  })

  it('limits room settings to the sections my rights allow', async () => {
    const user = userEvent.setup()
    renderApp(at({ rights: rights(false, { ban: true }) }), `#/room/${ROOM}/${GENERAL}`)
    await user.click(await screen.findByRole('button', { name: 'Room settings' }))
    const dialog = screen.getByRole('dialog', { name: 'Test room settings' })
    expect(within(dialog).getAllByRole('tab').map((t) => t.textContent)).toEqual(['Overview', 'Bans', 'Audit log'])
    expect(within(dialog).queryByRole('textbox', { name: 'Room name' })).toBeNull()
    expect(within(dialog).getByRole('button', { name: 'Leave room' })).toBeTruthy()
  })

  it('shows moderation in a profile only with rights over someone I outrank', async () => {
    const user = userEvent.setup()
    const app = at({ members: [member('Bob'), member('Carol', { outranked: false, presence: 'offline' })] })
    renderApp(app, `#/room/${ROOM}/${GENERAL}`)
    await user.click(await screen.findByRole('button', { name: /^Bob/ }))
    let dialog = screen.getByRole('dialog', { name: 'Bob' })
    expect(within(dialog).getByRole('button', { name: 'Ban' })).toBeTruthy()
    expect(within(dialog).getByRole('button', { name: 'Kick' })).toBeTruthy()
    await user.type(within(dialog).getByRole('textbox', { name: 'Reason (optional)' }), 'spam')
    await user.click(within(dialog).getByRole('button', { name: 'Ban' }))
    await user.click(within(screen.getByRole('dialog', { name: 'Ban Bob?' })).getByRole('button', { name: 'Ban' }))
    expect(app.called('ban')).toEqual([[ROOM, member('Bob').key, { reason: 'spam' }]])
    await user.keyboard('{Escape}')

    await user.click(screen.getByRole('button', { name: /^Carol/ }))
    dialog = screen.getByRole('dialog', { name: 'Carol' })
    expect(within(dialog).queryByRole('button', { name: 'Ban' })).toBeNull()
    expect(within(dialog).queryByRole('region', { name: 'Moderation' })).toBeNull()
  })

  it('groups members online and offline with the owner marked', async () => {
    renderApp(at({ members: [member('Me', { owner: true }), member('Zed', { presence: 'offline' })] }), `#/room/${ROOM}/${GENERAL}`)
    const online = await screen.findByRole('region', { name: 'Online members' })
    expect(within(online).getByRole('button', { name: 'Me, owner, Online' })).toBeTruthy()
    expect(within(screen.getByRole('region', { name: 'Offline members' })).getByRole('button', { name: /Zed/ })).toBeTruthy()
  })
})
