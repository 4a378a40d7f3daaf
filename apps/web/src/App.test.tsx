// The app shell rendered to static HTML: regions, labels, status screens by app status.

import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { App } from './App.tsx'
import { DaemonStatusIndicator } from './components/daemon-status.tsx'
import { FakeApp } from './test-support/fake-app.ts'

// The daemon check never answers in these renders (static markup runs no effects).
const never = (() => new Promise<Response>(() => undefined)) as typeof fetch

describe('App shell', () => {
  it('renders the header, the regions and the home screen', () => {
    const html = renderToStaticMarkup(<App app={new FakeApp()} daemonStatus={{ fetch: never }} />)
    expect(html).toContain('<h1 class="app-title">Hearth</h1>')
    expect(html).toContain('aria-label="Rooms"')
    expect(html).toContain('id="channel-panel"')
    expect(html).toContain('<main id="main"')
    expect(html).toContain('Welcome to Hearth')
    expect(html).toContain('id="profile-name">Me<')
    expect(html).toContain('Checking daemon…')
    expect(html).toContain('aria-label="Create room"')
    expect(html).toContain('aria-label="Join room"')
  })

  it('labels every button', () => {
    const html = renderToStaticMarkup(<App app={new FakeApp()} daemonStatus={{ fetch: never }} />)
    const buttons = html.match(/<button[\s\S]*?<\/button>/g) ?? []
    expect(buttons.length).toBeGreaterThan(0)
    for (const button of buttons) expect(button).toMatch(/visually-hidden">\w+|aria-label="|>[A-Z][\w ]+</)
  })

  it('shows onboarding while the app has no identity', () => {
    const html = renderToStaticMarkup(<App app={new FakeApp({ status: 'onboarding', me: undefined })} daemonStatus={{ fetch: never }} />)
    expect(html).toContain('Welcome to Hearth')
    expect(html).toContain('Set up your account')
    expect(html).not.toContain('aria-label="Create room"')
  })

  it('shows loading and failure states', () => {
    expect(renderToStaticMarkup(<App app={new FakeApp({ status: 'loading', me: undefined })} />)).toContain('Opening Hearth…')
    const failed = renderToStaticMarkup(<App app={new FakeApp({ status: 'failed', error: 'IndexedDB is off', me: undefined })} />)
    expect(failed).toContain('Hearth could not start')
    expect(failed).toContain('IndexedDB is off')
  })
})

describe('DaemonStatusIndicator', () => {
  const noop = (): void => undefined

  it('shows version and bootstrap peers when connected', () => {
    const config = { version: '1.2.3', startedAt: new Date(), bootstrap: ['/a', '/b'] }
    const html = renderToStaticMarkup(<DaemonStatusIndicator status={{ kind: 'connected', config }} onRecheck={noop} />)
    expect(html).toContain('data-state="connected"')
    expect(html).toContain('Daemon connected')
    expect(html).toContain('v1.2.3')
    expect(html).toContain('2 bootstrap peers')
    expect(html).not.toContain('<button')
  })

  it('offers a retry only while unreachable', () => {
    const html = renderToStaticMarkup(
      <DaemonStatusIndicator status={{ kind: 'unreachable', reason: 'network error' }} onRecheck={noop} />
    )
    expect(html).toContain('Daemon not reachable')
    expect(html).toContain('(network error)')
    expect(html).toMatch(/<button[^>]*>Check again<\/button>/)
  })
})
