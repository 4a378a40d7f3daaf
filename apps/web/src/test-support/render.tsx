// Render the whole app on a FakeApp at a hash route, for component tests (happy-dom).

import { cleanup, render, type RenderResult } from '@testing-library/react'
import { afterEach } from 'vitest'
import { App } from '../App.tsx'
import { FakeApp } from './fake-app.ts'

// happy-dom does no layout: give the message list a viewport and rows a height, so the
// virtualised list renders its rows as in a browser.
Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
  configurable: true,
  get(this: HTMLElement) { return this.classList.contains('message-list') ? 600 : 0 }
})
Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
  configurable: true,
  get() { return 40 }
})

// The daemon check never answers in tests.
const never = (() => new Promise<Response>(() => undefined)) as typeof fetch

afterEach(() => {
  cleanup()
  window.location.hash = ''
})

/** Render the app for `app` at `hash`. */
export function renderApp(app: FakeApp = new FakeApp(), hash = '#/'): RenderResult & { app: FakeApp } {
  window.location.hash = hash
  const result = render(<App app={app} daemonStatus={{ fetch: never }} />)
  return { ...result, app }
}
