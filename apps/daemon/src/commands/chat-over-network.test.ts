// The headless client over a real network, as a user runs it: `hearth serve` as the bootstrap
// peer and two data directories, each driven only through `node cli.ts …` subprocesses on
// 127.0.0.1 (inside the loopback-only namespace, scripts/in-netns.sh). Client 1 creates a room
// and follows #general with `hearth tail`; client 2 joins with an invite, sends, and client 1's
// tail prints it; client 1 answers from a second process, and client 2's `read --sync` shows it.
// Every assertion is on --json lines. HEARTH_TEST_LOOPBACK=1 gives the nodes the loopback test
// settings (TESTING.md); nothing here changes the product's defaults.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnJsonChild, type JsonChild } from '../json-child.ts'
import { runHearth, type HearthRun } from './test-support.ts'

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url))
const ENV = { HEARTH_TEST_LOOPBACK: '1' }

type Event = Record<string, unknown>

/** A long-running `hearth` process whose --json lines are collected as they come. */
interface Running {
  readonly proc: JsonChild
  readonly events: Event[]
  waitFor(predicate: (event: Event) => boolean, what: string, ms?: number): Promise<Event>
}

function start(args: readonly string[], env: Record<string, string>): Running {
  const proc = spawnJsonChild([CLI, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...ENV, ...env } })
  const events: Event[] = []
  const waiters = new Set<() => void>()
  void (async () => {
    for (;;) {
      const next = await proc.lines.next()
      if (next.done === true) break
      if (next.value.trim() !== '') events.push(JSON.parse(next.value) as Event)
      for (const wake of [...waiters]) wake()
    }
  })()
  const waitFor = (predicate: (event: Event) => boolean, what: string, ms = 20_000): Promise<Event> => new Promise((resolve, reject) => {
    const check = (): void => {
      const found = events.find(predicate)
      if (found === undefined) return
      cleanup()
      resolve(found)
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events)}; stderr: ${proc.stderr()}`))
    }, ms)
    const cleanup = (): void => {
      clearTimeout(timer)
      waiters.delete(check)
    }
    waiters.add(check)
    check()
  })
  return { proc, events, waitFor }
}

/** Run a one-shot command with --json and return its single result event (asserting exit 0). */
async function ok(args: readonly string[], env: Record<string, string>): Promise<Event> {
  const run: HearthRun = await runHearth([...args, '--json'], { ...ENV, ...env })
  if (run.code !== 0) throw new Error(`hearth ${args.join(' ')} exited ${String(run.code)}: ${run.stdout}${run.stderr}`)
  const events = run.events()
  expect(events).toHaveLength(1)
  return events[0] as Event
}

describe('hearth CLI: two headless clients and hearth serve chat through a room', () => {
  const children: Running[] = []
  let root = ''

  afterAll(async () => {
    for (const c of children) if (c.proc.child.exitCode === null) c.proc.child.kill('SIGKILL')
    if (root !== '') await rm(root, { recursive: true, force: true })
  })

  it('joins by invite, tails, sends both ways, and reads after a sync', async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-cli-net-'))
    const [a0, a1, a2, web] = ['a0', 'a1', 'a2', 'web'].map((name) => join(root, name)) as [string, string, string, string]
    await mkdir(web)
    await writeFile(join(web, 'index.html'), '<!doctype html><title>Hearth</title>')
    const one = { HEARTH_DATA_DIR: a1 }
    const two = { HEARTH_DATA_DIR: a2 }

    // The daemon: any free ports, its own data directory; its TCP address is the bootstrap.
    const daemon = start(['serve', '--json', '--port', '0', '--tcp-port', '0', '--ws-port', '0', '--data-dir', a0, '--web-dir', web], {})
    children.push(daemon)
    const listening = await daemon.waitFor((e) => e.event === 'listening', 'the daemon to listen')
    const bootstrap = (listening.multiaddrs as string[]).find((a) => !a.includes('/ws'))
    expect(bootstrap).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
    const net = { HEARTH_BOOTSTRAP: bootstrap ?? '' }

    await ok(['identity', 'new', '--name', 'One'], one)
    const twoId = (await ok(['identity', 'new', '--name', 'Two'], two)).userId as string
    const created = await ok(['room', 'create', 'Net Room'], one)
    const room = created.room as string

    // Client 1 stays online in #general; its address goes into the invite as a peer hint.
    const tail = start(['tail', room, 'general', '--json'], { ...one, ...net })
    children.push(tail)
    const online = await tail.waitFor((e) => e.event === 'online', 'client 1 to be online')
    const tailAddr = (online.multiaddrs as string[])[0] ?? ''
    expect(tailAddr).toMatch(/\/p2p\//)
    const invite = await ok(['room', 'invite', room, '--peer', tailAddr], one)

    const joined = await ok(['room', 'join', invite.hearth as string], { ...two, ...net })
    expect(joined).toMatchObject({ event: 'room-joined', room, status: 'member', joined: true, delivery: 'network' })
    expect((joined.session as { peers: number }).peers).toBeGreaterThanOrEqual(1)

    const sent = await ok(['send', room, 'general', 'hello from 2'], { ...two, ...net })
    expect(sent).toMatchObject({ event: 'sent', room, delivery: 'network' })
    expect(sent.peers).toBeGreaterThanOrEqual(1)
    const heard = await tail.waitFor((e) => e.event === 'message' && e.text === 'hello from 2', 'client 1\'s tail to print client 2\'s message')
    expect(heard).toMatchObject({ room, id: sent.id })

    // Client 1 answers from a second process (same data directory) while its tail runs; it
    // reaches the room's peers through the daemon and its tail's address.
    const back = await ok(['send', room, 'general', 'hello back'], { ...one, ...net })
    expect(back).toMatchObject({ event: 'sent', delivery: 'network' })
    expect(back.peers).toBeGreaterThanOrEqual(1)
    await tail.waitFor((e) => e.event === 'message' && e.text === 'hello back', 'client 1\'s tail to print its own second process\'s message')

    // Moderation is published too: client 1 makes client 2 a moderator.
    const grant = await ok(['mod', 'grant', '--room', room, twoId, '--role', 'mod'], { ...one, ...net })
    expect(grant).toMatchObject({ event: 'authority', op: 'grant', delivery: 'network' })
    expect(grant.peers).toBeGreaterThanOrEqual(1)

    const read = await ok(['read', room, 'general', '--sync'], { ...two, ...net })
    expect(read.event).toBe('history')
    expect((read.messages as { text?: string }[]).map((m) => m.text)).toEqual(['hello back', 'hello from 2'])
    const rooms = await ok(['room', 'list'], two)
    expect(rooms.rooms).toEqual([expect.objectContaining({ room, roles: expect.arrayContaining(['mod']) as unknown })])

    // Ctrl-C (SIGTERM here) ends tail cleanly with exit 0.
    tail.proc.child.kill('SIGTERM')
    expect(await tail.proc.exited).toBe(0)
    expect(tail.events.at(-1)).toMatchObject({ event: 'stopped' })
    daemon.proc.child.kill('SIGTERM')
    expect(await daemon.proc.exited).toBe(0)
  }, 120_000)

  it('alone: send goes online, finds nobody, keeps the message and says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-cli-alone-'))
    try {
      const env = { HEARTH_DATA_DIR: dir }
      await ok(['identity', 'new', '--name', 'Solo'], env)
      const room = (await ok(['room', 'create', 'Alone'], env)).room as string
      const sent = await ok(['send', room, 'general', 'anyone?'], env)
      expect(sent).toMatchObject({ event: 'sent', delivery: 'network', peers: 0, session: { peers: 0, lastError: { code: 'nobody-online' } } })
      const read = await ok(['read', room, 'general'], env)
      expect((read.messages as { text?: string }[]).map((m) => m.text)).toEqual(['anyone?'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 90_000)
})
