// Parsing and fetching /hearth-config.json in the browser app.

import { describe, expect, it } from 'vitest'
import { DAEMON_CONFIG_PATH, fetchDaemonConfig, parseDaemonConfig } from './daemon-config.ts'

const valid = { version: '0.1.0', daemon: { startedAt: '2026-01-02T03:04:05.000Z' }, bootstrap: ['/ip4/127.0.0.1/tcp/1/ws'] }

describe('parseDaemonConfig', () => {
  it('accepts the document hearth serve writes', () => {
    expect(parseDaemonConfig(valid)).toEqual({
      version: '0.1.0',
      startedAt: new Date('2026-01-02T03:04:05.000Z'),
      bootstrap: ['/ip4/127.0.0.1/tcp/1/ws']
    })
  })

  it('accepts optional ICE servers, keeping only what RTCPeerConnection reads', () => {
    const iceServers = [{ urls: 'stun:stun.example.org' }, { urls: ['turn:a', 'turns:b'], username: 'u', credential: 'c', extra: 1 }]
    expect(parseDaemonConfig({ ...valid, iceServers }).iceServers).toEqual([
      { urls: 'stun:stun.example.org' },
      { urls: ['turn:a', 'turns:b'], username: 'u', credential: 'c' }
    ])
    expect(parseDaemonConfig({ ...valid, iceServers: [] }).iceServers).toEqual([])
    expect(parseDaemonConfig(valid)).not.toHaveProperty('iceServers')
  })

  it.each([
    ['null', null],
    ['an array', []],
    ['no version', { ...valid, version: undefined }],
    ['an empty version', { ...valid, version: '' }],
    ['no daemon', { ...valid, daemon: undefined }],
    ['a bad date', { ...valid, daemon: { startedAt: 'yesterday' } }],
    ['bootstrap not a list', { ...valid, bootstrap: 'x' }],
    ['bootstrap with a number', { ...valid, bootstrap: [1] }],
    ['iceServers not a list', { ...valid, iceServers: 'stun:x' }],
    ['an ICE server without urls', { ...valid, iceServers: [{ username: 'u' }] }],
    ['an ICE server with a numeric credential', { ...valid, iceServers: [{ urls: 'turn:x', credential: 1 }] }]
  ])('rejects %s', (_label, body) => {
    expect(() => parseDaemonConfig(body)).toThrow(expect.objectContaining({ name: 'InvalidDaemonConfigError' }))
  })
})

describe('fetchDaemonConfig', () => {
  const respond =
    (response: Response | Error): typeof fetch =>
    (input: RequestInfo | URL) => {
      expect(input).toBe(DAEMON_CONFIG_PATH)
      return response instanceof Error ? Promise.reject(response) : Promise.resolve(response)
    }

  it('returns the parsed config', async () => {
    const config = await fetchDaemonConfig({ fetch: respond(Response.json(valid)) })
    expect(config.version).toBe('0.1.0')
  })

  it('reports network errors and HTTP errors as DaemonUnreachableError', async () => {
    await expect(fetchDaemonConfig({ fetch: respond(new TypeError('fetch failed')) })).rejects.toMatchObject({
      name: 'DaemonUnreachableError',
      message: 'network error'
    })
    await expect(fetchDaemonConfig({ fetch: respond(new Response('nope', { status: 404 })) })).rejects.toMatchObject({
      name: 'DaemonUnreachableError',
      message: 'HTTP 404'
    })
  })

  it('reports a non-JSON answer (e.g. another server) as InvalidDaemonConfigError', async () => {
    await expect(fetchDaemonConfig({ fetch: respond(new Response('<html>')) })).rejects.toMatchObject({
      name: 'InvalidDaemonConfigError'
    })
  })

  it('times out', async () => {
    const hang = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => {
          reject(new DOMException('aborted', 'AbortError'))
        })
      })) as typeof fetch
    await expect(fetchDaemonConfig({ fetch: hang, timeoutMs: 20 })).rejects.toMatchObject({
      name: 'DaemonUnreachableError',
      message: 'request timed out'
    })
  })
})
