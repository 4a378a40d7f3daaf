// The HTTP server on 127.0.0.1: content types, SPA fallback, /hearth-config.json, hostile
// paths that try to leave the web directory, and start/stop behaviour.

import { stat } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { serve, type RunningServer } from './serve.ts'
import { makeWebFixture, rawGet, rawSocket, SECRET, type WebFixture } from './test-fixtures.ts'
import { VERSION } from './version.ts'

let fixture: WebFixture
let server: RunningServer

beforeEach(async () => {
  fixture = await makeWebFixture()
  server = await serve({ host: '127.0.0.1', port: 0, dataDir: fixture.dataDir, webDir: fixture.webDir })
})

afterEach(async () => {
  await server.close()
  await fixture.cleanup()
})

describe('serve', () => {
  it('listens on 127.0.0.1 with the real port in the URL and creates the data dir', async () => {
    expect(server.port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`)
    expect((await stat(fixture.dataDir)).isDirectory()).toBe(true)
  })

  it('serves index.html at /', async () => {
    const res = await fetch(server.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await res.text()).toContain('Hearth test')
  })

  it.each([
    ['assets/app-abc123.js', 'text/javascript; charset=utf-8'],
    ['assets/style-abc123.css', 'text/css; charset=utf-8'],
    ['favicon.svg', 'image/svg+xml']
  ])('serves %s as %s', async (path, type) => {
    const res = await fetch(new URL(path, server.url))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(type)
    await res.arrayBuffer()
  })

  it('marks hashed assets immutable', async () => {
    const res = await fetch(new URL('assets/app-abc123.js', server.url))
    expect(res.headers.get('cache-control')).toContain('immutable')
    await res.arrayBuffer()
  })

  it('falls back to index.html for client-side routes', async () => {
    for (const path of ['room/abc', 'join/xyz?invite=1']) {
      const res = await fetch(new URL(path, server.url), { headers: { accept: 'text/html' } })
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('Hearth test')
    }
  })

  it('answers 404 for a missing asset instead of HTML', async () => {
    const res = await fetch(new URL('assets/missing-123.js', server.url))
    expect(res.status).toBe(404)
    await res.arrayBuffer()
  })

  it('serves /hearth-config.json without revealing paths', async () => {
    const res = await fetch(new URL('hearth-config.json', server.url))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const text = await res.text()
    const body = JSON.parse(text) as { daemon: { startedAt: string } }
    expect(Object.keys(body).sort()).toEqual(['bootstrap', 'daemon', 'iceServers', 'version'])
    // No ICE servers configured: the app contacts no STUN/TURN server (host candidates only).
    expect(body).toMatchObject({ version: VERSION, bootstrap: [], iceServers: [] })
    expect(Object.keys(body.daemon)).toEqual(['startedAt'])
    expect(Number.isNaN(Date.parse(body.daemon.startedAt))).toBe(false)
    expect(text).not.toContain(fixture.root)
  })

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await fetch(server.url, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0)
    expect(await head.text()).toBe('')
    const post = await fetch(server.url, { method: 'POST', body: 'x' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    await post.arrayBuffer()
  })
})

describe('serve refuses to leave the web directory', () => {
  it.each([
    '/../secret.txt',
    '/../../etc/passwd',
    '/../../../../../../etc/passwd',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2e%2e/etc/passwd',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/index.html%00.js',
    '/%00',
    '/..%00/secret.txt',
    '/%c0%ae%c0%ae/secret.txt',
    '/%E0%A4%A',
    '/./index.html'
  ])('%s is a 400', async (path) => {
    const res = await rawGet(server.port, path)
    expect(res.status).toBe(400)
    expect(res.body).not.toContain(SECRET)
    expect(res.body).not.toContain('root:')
  })

  it.each(['/.env', '/leak.txt', '/assets/.hidden.js'])(
    '%s (dotfile or symlink out) is a 404',
    async (path) => {
      const res = await rawGet(server.port, path)
      expect(res.status).toBe(404)
      expect(res.body).not.toContain(SECRET)
    }
  )

  it('never serves files outside for absolute-looking paths', async () => {
    for (const path of ['//etc/passwd', '/etc/passwd', `/${fixture.root}/secret.txt`]) {
      const res = await rawGet(server.port, path, { accept: 'text/html' })
      expect(res.body).not.toContain(SECRET)
      expect(res.body).not.toContain('root:')
    }
  })

  it('rejects raw backslashes and absolute-form targets sent over a socket', async () => {
    for (const target of ['/..\\..\\secret.txt', 'http://127.0.0.1/../secret.txt', '*']) {
      const answer = await rawSocket(server.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
      expect(answer).toMatch(/^HTTP\/1\.1 400/)
      expect(answer).not.toContain(SECRET)
    }
  })
})

describe('serve lifecycle', () => {
  it('rejects a web dir without index.html', async () => {
    await expect(serve({ port: 0, dataDir: fixture.dataDir, webDir: fixture.dataDir })).rejects.toMatchObject({
      name: 'WebAppNotBuiltError'
    })
  })

  it('reports a port in use as ListenError', async () => {
    await expect(
      serve({ host: '127.0.0.1', port: server.port, dataDir: fixture.dataDir, webDir: fixture.webDir })
    ).rejects.toMatchObject({ name: 'ListenError' })
  })

  it('puts the bootstrap addresses of the network layer into the config', async () => {
    const addrs = ['/ip4/127.0.0.1/tcp/4001/ws/p2p/12D3KooWtest']
    const other = await serve({ port: 0, dataDir: fixture.dataDir, webDir: fixture.webDir, bootstrap: () => addrs })
    try {
      const body = (await (await fetch(new URL('hearth-config.json', other.url))).json()) as { bootstrap: unknown }
      expect(body.bootstrap).toEqual(addrs)
    } finally {
      await other.close()
    }
  })

  it('hands the configured ICE servers to the web app', async () => {
    const iceServers = [{ urls: 'stun:stun.example.org:3478' }, { urls: 'turn:turn.example.org', username: 'u', credential: 'p' }]
    const other = await serve({ port: 0, dataDir: fixture.dataDir, webDir: fixture.webDir, iceServers })
    try {
      const body = (await (await fetch(new URL('hearth-config.json', other.url))).json()) as { iceServers: unknown }
      expect(body.iceServers).toEqual(iceServers)
    } finally {
      await other.close()
    }
  })

  it('asks for the bootstrap addresses with the page’s Host header', async () => {
    const hosts: (string | undefined)[] = []
    const other = await serve({
      port: 0,
      dataDir: fixture.dataDir,
      webDir: fixture.webDir,
      bootstrap: ({ host }) => {
        hosts.push(host)
        return []
      }
    })
    try {
      await rawGet(other.port, '/hearth-config.json', { host: 'hearth.example.org:8420' })
      expect(hosts).toEqual(['hearth.example.org:8420'])
    } finally {
      await other.close()
    }
  })

  it('closes promptly even with a keep-alive connection open, then refuses connections', async () => {
    const other = await serve({ port: 0, dataDir: fixture.dataDir, webDir: fixture.webDir, closeGraceMs: 200 })
    const res = await fetch(other.url, { headers: { connection: 'keep-alive' } })
    await res.text()
    const started = performance.now()
    await other.close()
    await other.close() // idempotent
    expect(performance.now() - started).toBeLessThan(5000)
    await expect(fetch(other.url)).rejects.toThrow()
  })
})
