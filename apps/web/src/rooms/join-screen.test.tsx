// @vitest-environment happy-dom
// Opening an invite link goes to the join confirmation, which joins with the whole link.

import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { FakeApp, ROOM } from '../test-support/fake-app.ts'
import { renderApp } from '../test-support/render.tsx'

describe('join route', () => {
  it('confirms, joins with location.href and opens the room', async () => {
    const user = userEvent.setup()
    const { app } = renderApp(new FakeApp(), '#/join/ROOMTEXT?name=Book%20club')
    expect(await screen.findByRole('heading', { name: /invited/ })).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Accept invite' }))
    expect(app.called('joinByInvite')).toEqual([[window.location.href.replace(/#.*$/, '#/join/ROOMTEXT?name=Book%20club')]])
    await waitFor(() => { expect(window.location.hash.startsWith(`#/room/${ROOM}`)).toBe(true) })
  })

  it('asks a newcomer to set up an account first, keeping the invite', async () => {
    const user = userEvent.setup()
    const app = new FakeApp({ status: 'onboarding', me: undefined })
    renderApp(app, '#/join/ROOMTEXT')
    expect(await screen.findByText(/Set up your account first/)).toBeTruthy()
    await user.type(screen.getByRole('textbox', { name: 'Display name' }), 'Dana')
    await user.click(screen.getByRole('button', { name: 'Create identity' }))
    expect(app.called('createIdentity')).toEqual([[{ name: 'Dana' }]])
    expect(await screen.findByRole('button', { name: 'Accept invite' })).toBeTruthy()
    // The new account is reminded to back up.
    expect(screen.getByText(/Save a backup/)).toBeTruthy()
  })
})
