// Hash routes: parse and format round trips.

import { describe, expect, it } from 'vitest'
import { parseRoute, routeHash } from './router.ts'

describe('routes', () => {
  it.each([
    ['#/', { kind: 'home' }],
    ['', { kind: 'home' }],
    ['#/settings', { kind: 'settings' }],
    ['#/room/abcd', { kind: 'room', room: 'abcd' }],
    ['#/room/abcd/ef01', { kind: 'room', room: 'abcd', channel: 'ef01' }],
    ['#/join/ROOMID?peer=%2Fip4%2F1&name=x', { kind: 'join', invite: 'ROOMID?peer=%2Fip4%2F1&name=x' }],
    ['#/room/NOT-HEX', { kind: 'home' }]
  ])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route)
  })

  it('formats what it parses', () => {
    for (const hash of ['#/', '#/settings', '#/room/ab/cd', '#/join/XYZ?peer=a']) expect(routeHash(parseRoute(hash))).toBe(hash)
  })
})
