// `npm start` (scripts/start.ts) builds the web app, serves it, and stops cleanly on Ctrl-C.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { spawnJsonChild } from '../apps/daemon/src/json-child.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

it('builds the app, serves it on the printed URL and exits 0 on SIGINT', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-start-test-'))
  try {
    const { child, lines, stderr, exited } = spawnJsonChild(['scripts/start.ts', '--port', '0', '--json'], {
      cwd: ROOT,
      env: { ...process.env, HEARTH_DATA_DIR: dataDir }
    })
    let url: string | undefined
    for (let next = await lines.next(); next.done !== true; next = await lines.next()) {
      const event = JSON.parse(next.value) as { event: string; url?: string }
      if (event.event === 'listening') {
        url = event.url
        break
      }
    }
    expect(url, stderr()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)

    const html = await (await fetch(url!)).text()
    expect(html).toContain('<title>Hearth</title>')
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(script).toBeDefined()
    const js = await fetch(new URL(script!, url))
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    await js.arrayBuffer()

    child.kill('SIGINT')
    expect(await exited).toBe(0)
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
})
