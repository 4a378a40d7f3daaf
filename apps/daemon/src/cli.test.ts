// The `hearth` CLI: help, usage errors, JSON events, precedence of settings, network start
// errors, and the real process started with `node cli.ts serve --port 0 --json` and stopped
// with SIGINT. Every test sets the libp2p ports to 0: the defaults (4001, 4002) are fixed.

import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EXIT, runCli, type CliIo } from './cli.ts'
import { makeWebFixture, type WebFixture } from './test-fixtures.ts'
import { spawnJsonChild } from './json-child.ts'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))

let fixture: WebFixture
beforeEach(async () => {
  fixture = await makeWebFixture()
})
afterEach(async () => {
  await fixture.cleanup()
})

/** An in-memory CliIo; `lines` collects stdout, `errors` stderr. */
function memoryIo(env: Record<string, string> = {}) {
  const lines: string[] = []
  const errors: string[] = []
  const controller = new AbortController()
  const io: CliIo = {
    env,
    cwd: fixture.root,
    stdout: (line) => lines.push(line),
    stderr: (line) => errors.push(line),
    stop: controller.signal
  }
  return { io, lines, errors, controller }
}

describe('runCli', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the main help', async (flag) => {
    const { io, lines } = memoryIo()
    expect(await runCli([flag], io)).toBe(EXIT.ok)
    expect(lines.join('\n')).toContain('Usage: hearth <command>')
  })

  it.each([['serve', '--help'], ['--help', 'serve'], ['help', 'serve']])('%s %s prints the serve help', async (...args) => {
    const { io, lines } = memoryIo()
    expect(await runCli(args, io)).toBe(EXIT.ok)
    expect(lines.join('\n')).toContain('Usage: hearth serve')
    expect(lines.join('\n')).toContain('HEARTH_DATA_DIR')
    for (const flag of ['--tcp-port', '--ws-port', '--p2p-host', '--listen', '--announce', '--bootstrap', '--ice-server']) {
      expect(lines.join('\n')).toContain(flag)
    }
  })

  it('prints the version, as JSON with --json', async () => {
    const { io, lines } = memoryIo()
    expect(await runCli(['--json', '--version'], io)).toBe(EXIT.ok)
    const event = JSON.parse(lines[0]!) as { event: string; version: string }
    expect(event.event).toBe('version')
    expect(event.version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it.each([
    [[]],
    [['bogus']],
    [['serve', '--bogus']],
    [['serve', 'extra']],
    [['serve', '--port']],
    [['serve', '--tcp-port', '70000']],
    [['serve', '--bootstrap', '/ip4/127.0.0.1/tcp/4001']],
    [['serve', '--ice-server', 'https://stun.example.org']],
    [['serve', '--listen', 'tcp://127.0.0.1:1']],
    [['serve', '--host', 'myhost.example']]
  ])(
    '%j is a usage error (exit 2)',
    async (args) => {
      const { io, errors } = memoryIo()
      expect(await runCli(args, io)).toBe(EXIT.usage)
      expect(errors[0]).toMatch(/^hearth: /)
    }
  )

  it('reports errors as a JSON event with --json', async () => {
    const { io, lines } = memoryIo()
    expect(await runCli(['serve', '--json', '--port', '99999'], io)).toBe(EXIT.usage)
    expect(JSON.parse(lines[0]!)).toMatchObject({ event: 'error', error: 'ConfigError' })
  })

  it('fails with exit 1 when the web app is not built', async () => {
    const { io, errors } = memoryIo()
    const args = ['serve', '--port', '0', '--data-dir', fixture.dataDir, '--web-dir', fixture.dataDir]
    expect(await runCli(args, io)).toBe(EXIT.failure)
    expect(errors[0]).toContain('npm run build')
  })

  it('fails with exit 1 and names the setting when a libp2p port is taken', async () => {
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = busy.address() as { port: number }
      const { io, errors } = memoryIo({ HEARTH_WEB_DIR: fixture.webDir, HEARTH_DATA_DIR: fixture.dataDir })
      expect(await runCli(['serve', '--port', '0', '--tcp-port', String(port), '--ws-port', '0'], io)).toBe(EXIT.failure)
      expect(errors[0]).toContain(`Cannot listen for peers on /ip4/127.0.0.1/tcp/${port}`)
      expect(errors[0]).toContain('--tcp-port')
    } finally {
      busy.close()
    }
  })

  it('on 0.0.0.0 prints the interface addresses and hands the browser a loopback one', async () => {
    const { io, lines, controller } = memoryIo({ HEARTH_WEB_DIR: fixture.webDir, HEARTH_DATA_DIR: fixture.dataDir })
    const exit = runCli(['serve', '--json', '--port', '0', '--p2p-host', '0.0.0.0', '--tcp-port', '0', '--ws-port', '0'], io)
    await expect.poll(() => lines.length).toBeGreaterThan(0)
    const listening = JSON.parse(lines[0]!) as { multiaddrs: string[]; bootstrap: string[]; url: string }
    expect(listening.multiaddrs.length).toBeGreaterThan(0)
    expect(listening.multiaddrs.join(' ')).not.toContain('0.0.0.0')
    expect(listening.bootstrap[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//)
    controller.abort('SIGTERM')
    expect(await exit).toBe(EXIT.ok)
  })

  it('serves until stopped; flags beat env beat the config file', async () => {
    const configFile = join(fixture.root, 'hearth.json')
    // If the file won over the environment, listening on this host would fail.
    await writeFile(configFile, JSON.stringify({ host: '256.0.0.1', port: 'not-a-port', webDir: 'web' }))
    // If the environment won over the flag, the port would be invalid.
    const { io, lines, controller } = memoryIo({ HEARTH_HOST: '127.0.0.1', HEARTH_PORT: 'nope', HEARTH_DATA_DIR: 'data' })
    const exit = runCli(['serve', '--json', '--port', '0', '--tcp-port', '0', '--ws-port', '0', '--config', configFile], io)
    await expect.poll(() => lines.length).toBeGreaterThan(0)
    const listening = JSON.parse(lines[0]!) as { event: string; url: string }
    expect(listening).toMatchObject({ event: 'listening', host: '127.0.0.1' })
    const res = await fetch(listening.url)
    expect(await res.text()).toContain('Hearth test')
    controller.abort('SIGTERM')
    expect(await exit).toBe(EXIT.ok)
    expect(lines.slice(1).map((line) => JSON.parse(line) as unknown)).toEqual([
      { event: 'stopping', signal: 'SIGTERM' },
      { event: 'stopped' }
    ])
  })
})

describe('hearth CLI as a subprocess', () => {
  it('serve --port 0 --json prints the URL, serves, and exits 0 on SIGINT', async () => {
    const { child, lines, stderr, exited } = spawnJsonChild([CLI, 'serve', '--port', '0', '--json'], {
      env: { ...process.env, HEARTH_WEB_DIR: fixture.webDir, HEARTH_DATA_DIR: fixture.dataDir, HEARTH_TCP_PORT: '0', HEARTH_WS_PORT: '0' }
    })

    const first = await lines.next()
    expect(first.done, stderr()).toBe(false)
    const listening = JSON.parse(first.value as string) as { event: string; url: string }
    expect(listening.event).toBe('listening')
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)

    const page = await fetch(listening.url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Hearth test')
    const config = (await (await fetch(new URL('hearth-config.json', listening.url))).json()) as {
      version: unknown
      bootstrap: unknown
    }
    expect(typeof config.version).toBe('string')
    expect(config.bootstrap).toEqual([expect.stringMatching(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/12D3KooW/)])

    child.kill('SIGINT')
    expect(await exited).toBe(0)
    const rest: unknown[] = []
    for (let next = await lines.next(); next.done !== true; next = await lines.next()) rest.push(JSON.parse(next.value) as unknown)
    expect(rest).toEqual([{ event: 'stopping', signal: 'SIGINT' }, { event: 'stopped' }])
    expect(stderr()).toBe('')
  })
})
