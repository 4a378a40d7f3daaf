// Hash routes of the web app. The hash keeps every route a plain static file for
// `hearth serve`, and invite links (`https://host/#/join/…`) open the join screen directly.
//
//   #/                           home
//   #/room/<roomHex>[/<channel>] a room, optionally a channel
//   #/join/<invite…>             join confirmation for an invite link
//   #/settings                   user settings

import { useSyncExternalStore } from 'react'

/** Where the app is. */
export type Route =
  | { readonly kind: 'home' }
  | { readonly kind: 'room'; readonly room: string; readonly channel?: string }
  | { readonly kind: 'join'; readonly invite: string }
  | { readonly kind: 'settings' }

const HEX = /^[0-9a-f]+$/

/** Parse a location hash (with or without the leading `#`). Unknown hashes are home. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '')
  if (path.startsWith('/join/')) {
    const invite = path.slice('/join/'.length)
    return invite === '' ? { kind: 'home' } : { kind: 'join', invite }
  }
  if (path === '/settings') return { kind: 'settings' }
  const parts = path.split('/')
  if (parts[1] === 'room' && parts[2] !== undefined && HEX.test(parts[2])) {
    const channel = parts[3]
    return channel !== undefined && HEX.test(channel)
      ? { kind: 'room', room: parts[2], channel }
      : { kind: 'room', room: parts[2] }
  }
  return { kind: 'home' }
}

/** The hash of a route (inverse of {@link parseRoute}). */
export function routeHash(route: Route): string {
  switch (route.kind) {
    case 'home':
      return '#/'
    case 'settings':
      return '#/settings'
    case 'join':
      return `#/join/${route.invite}`
    case 'room':
      return route.channel === undefined ? `#/room/${route.room}` : `#/room/${route.room}/${route.channel}`
  }
}

/** Go to `route` (adds a history entry unless `replace`). */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const hash = routeHash(route)
  if (window.location.hash === hash) return
  if (options.replace === true) {
    window.history.replaceState(null, '', hash)
    window.dispatchEvent(new HashChangeEvent('hashchange'))
  } else {
    window.location.hash = hash
  }
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener)
  return () => {
    window.removeEventListener('hashchange', listener)
  }
}

const getHash = (): string => window.location.hash
const getServerHash = (): string => ''

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, getHash, getServerHash)
  return parseRoute(hash)
}
