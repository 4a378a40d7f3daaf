// The app shell rendered to static HTML: regions, labels, onboarding slot, status texts.

import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { App } from './App.tsx'
import { DaemonStatusIndicator } from './components/daemon-status.tsx'

describe('App shell', () => {
  it('renders the header, the four regions and the welcome text', () => {
    const html = renderToStaticMarkup(<App />)
    expect(html).toContain('<h1 class="app-title">Hearth</h1>')
    expect(html).toContain('aria-label="Rooms"')
    expect(html).toContain('id="channel-panel"')
    expect(html).toContain('<main id="main"')
    expect(html).toContain('id="member-panel"')
    expect(html).toContain('Welcome to Hearth')
    expect(html).toContain('Checking daemon…')
  })

  it('labels every button', () => {
    const html = renderToStaticMarkup(<App />)
    const buttons = html.match(/<button[\s\S]*?<\/button>/g) ?? []
    expect(buttons.length).toBeGreaterThan(0)
    for (const button of buttons) expect(button).toMatch(/visually-hidden">\w+|aria-label="/)
  })

  it('shows the onboarding component in place of the build note when given', () => {
    const without = renderToStaticMarkup(<App />)
    expect(without).toContain('app shell')
    const html = renderToStaticMarkup(<App onboarding={<p>ONBOARDING-HERE</p>} />)
    expect(html).toContain('<div class="onboarding"><p>ONBOARDING-HERE</p></div>')
    expect(html).not.toContain('app shell')
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
