// `hearth serve --archive` as a real process on 127.0.0.1 (issue #5 items 6–7): a creator
// (in process) makes a room with messages and an invite; the daemon archives it by the
// invite; after the creator has left, a late joiner bootstrapped only to the daemon joins by
// the invite and gets the full history. Restarted on the same data dir, the daemon has it all
// before any peer connects (and `hearth room list` there shows it), rejoins the room, picks
// up what was posted while it was down, and a second late joiner finds it via the DHT.
// Tests wait for conditions, never for fixed times.

import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { joinRoomByInvite, RoomNotFoundError, RoomSession, RoomStore, serveSyncConversation, type RoomSessionOptions } from '@hearth/client'
import { createHearthNode, HEARTH_KAD_PROTOCOL, Libp2pRoomNetwork, loopbackTestConfig, type HearthNode } from '@hearth/net'
import {
  createGenesis, formatInvite, formatRoomId, generateKeypair, MemoryStorageAdapter, randomBytes, signInvite, type Bytes, type Keypair
} from '@hearth/protocol'
import { SqliteStorageAdapter } from '@hearth/store-sqlite'
import { multiaddr } from '@multiformats/multiaddr'
import type { RoomEvent } from './archiver-report.ts'
import { runHearth } from './commands/test-support.ts'
import { spawnJsonChild, type JsonChild } from './json-child.ts'
import { makeWebFixture, type WebFixture } from './test-fixtures.ts'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))
const options: RoomSessionOptions = { resyncIntervalMs: 5_000, sync: { requestTimeoutMs: 10_000 } }

/** A running `hearth serve --json`: its events as they come. */
interface Daemon {
  readonly proc: JsonChild
  readonly events: Record<string, unknown>[]
  readonly tcp: string
  readonly peerId: string
}

/** A peer in this process: node, room network, session. */
interface Peer {
  readonly node: HearthNode
  readonly net: Libp2pRoomNetwork
  session?: RoomSession
}

let fixture: WebFixture
const peers: Peer[] = []
const daemons: Daemon[] = []

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function startDaemon(args: readonly string[], dataDir = fixture.dataDir): Promise<Daemon> {
  const proc = spawnJsonChild(
    [CLI, 'serve', '--json', '--port', '0', '--tcp-port', '0', '--ws-port', '0', '--data-dir', dataDir, '--web-dir', fixture.webDir, ...args],
    { env: { ...process.env, HEARTH_TEST_LOOPBACK: '1' } }
  )
  const events: Record<string, unknown>[] = []
  const first = await proc.lines.next()
  expect(first.done, proc.stderr()).toBe(false)
  const listening = JSON.parse(first.value as string) as { event: string; peerId: string; multiaddrs: string[] }
  expect(listening.event, proc.stderr()).toBe('listening')
  void (async () => {
    for (let next = await proc.lines.next(); next.done !== true; next = await proc.lines.next()) events.push(JSON.parse(next.value) as Record<string, unknown>)
  })()
  const tcp = listening.multiaddrs.find((addr) => !addr.includes('/ws/'))
  if (tcp === undefined) throw new Error('the daemon listens on no TCP address')
  const daemon = { proc, events, tcp, peerId: listening.peerId }
  daemons.push(daemon)
  return daemon
}

/** SIGTERM: exit 0, ending with stopping and stopped. */
async function stopDaemon(daemon: Daemon): Promise<void> {
  daemon.proc.child.kill('SIGTERM')
  expect(await daemon.proc.exited, daemon.proc.stderr()).toBe(0)
  await waitFor('the last events are read', () => daemon.events.at(-1)?.event === 'stopped', 5_000)
  expect(daemon.events.slice(-2)).toEqual([{ event: 'stopping', signal: 'SIGTERM' }, { event: 'stopped' }])
}

function roomEvents(daemon: Daemon, room: Bytes): RoomEvent[] {
  return daemon.events.filter((e): e is RoomEvent & Record<string, unknown> => e.event === 'room' && e.room === formatRoomId(room))
}

async function peer(): Promise<Peer> {
  const node = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
  const net = await Libp2pRoomNetwork.start(node, { respond: (stream, replicas) => serveSyncConversation(stream, replicas) })
  const created = { node, net }
  peers.push(created)
  return created
}

/** Dial the daemon as a bootstrap peer, and wait until identify says it is a Hearth DHT server (as a client's bootstrap does). */
async function bootstrapTo(p: Peer, daemon: Daemon): Promise<void> {
  const connection = await p.node.libp2p.dial(multiaddr(daemon.tcp))
  await waitFor('identify names the daemon\'s DHT', async () =>
    (await p.node.libp2p.peerStore.get(connection.remotePeer)).protocols.includes(HEARTH_KAD_PROTOCOL), 10_000)
}

/**
 * Join by the invite, looking again while the room is not found: a daemon leaves itself out
 * of its DHT answers for about a second after start (libp2p publishes its own addresses
 * debounced by 1 s), as a client that just bootstrapped would find.
 */
async function joinWhenFound(p: Peer, link: string, identity: Keypair): Promise<RoomSession> {
  let session: RoomSession | undefined
  await waitFor('the room is found', async () => {
    try {
      session = await joinRoomByInvite(link, { network: p.net, adapter: new MemoryStorageAdapter(), identity, at: Date.now(), session: options })
      return true
    } catch (err) {
      if (err instanceof RoomNotFoundError) return false
      throw err
    }
  })
  p.session = session
  return session as RoomSession
}

async function stopPeer(p: Peer): Promise<void> {
  await p.session?.leave()
  await p.net.stop()
  await p.node.stop()
}

const texts = (store: RoomStore, channel: Bytes): string[] =>
  store.view(channel).messages().map((m) => (m.content !== undefined && 'text' in m.content ? m.content.text : ''))
const authorityIds = (store: RoomStore): string[] => store.storedIds({ kind: 'authority' })

beforeAll(async () => {
  fixture = await makeWebFixture()
})

afterAll(async () => {
  for (const { proc } of daemons) proc.child.kill('SIGKILL')
  await Promise.allSettled(peers.map(stopPeer))
  await fixture.cleanup()
}, 60_000)

it('archives a room by invite, serves its full history after the creator left, and keeps it across a restart', async () => {
  // The creator makes an invite-only room with a channel and messages; alone, so nobody is online.
  const owner: Keypair = generateKeypair()
  const genesis = await createGenesis(owner, { name: 'Archived Club', created: Date.now(), policy: { join: 'invite', discoverable: 'unlisted' } })
  const room = genesis.room
  const channel = randomBytes(16)
  const creator = await peer()
  const creatorStore = await RoomStore.open(new MemoryStorageAdapter(), genesis)
  await creatorStore.postAuthority(owner, { op: 'channel-create', channel, name: 'general', kind: 'text', position: 0 }, Date.now())
  for (const text of ['first', 'second', 'third']) await creatorStore.postEvent(owner, channel, { kind: 'post', content: { text } }, Date.now())
  // Alone on the network: its DHT lookup has nobody to ask, so do not wait the default 20 s for it.
  creator.session = await RoomSession.join(creatorStore, creator.net, { ...options, findTimeoutMs: 1_000 })
  const invite = await signInvite(owner, { room, peers: creator.node.libp2p.getMultiaddrs().map((a) => a.toString()), name: 'Archived Club' }, { code: randomBytes(8) })
  const link = formatInvite(invite, { style: 'hearth' })

  // The daemon archives it by the invite; the creator bootstraps to the daemon.
  const daemon = await startDaemon(['--archive', link])
  await bootstrapTo(creator, daemon)
  await waitFor('the creator stores the archiver\'s join', () => creatorStore.authority.state.members.size === 2)
  const live = (): RoomEvent | undefined => roomEvents(daemon, room).filter((e) => e.phase === 'live').at(-1)
  await waitFor('the daemon reports the whole room stored', () =>
    live()?.stored?.authority === authorityIds(creatorStore).length && live()?.stored?.events === 3)
  expect(live()).toMatchObject({ name: 'Archived Club', source: 'invite', stored: { channels: 1 } })
  const creatorTexts = texts(creatorStore, channel)
  const creatorAuthority = authorityIds(creatorStore)
  await stopPeer(creator)

  // A late joiner bootstrapped only to the daemon joins by the invite (its peer hints are dead now).
  const late = await peer()
  await bootstrapTo(late, daemon)
  const lateKey = generateKeypair()
  const lateSession = await joinWhenFound(late, link, lateKey)
  const lateStore = lateSession.store
  expect(texts(lateStore, channel)).toEqual(creatorTexts)
  expect(creatorAuthority.every((id) => authorityIds(lateStore).includes(id))).toBe(true)
  expect(authorityIds(lateStore)).toHaveLength(creatorAuthority.length + 1) // and its own join
  await waitFor('the daemon stores the late joiner\'s join', () => roomEvents(daemon, room).at(-1)?.stored?.authority === creatorAuthority.length + 1)

  // Restart: the daemon stops cleanly; while it is down the late joiner posts.
  await stopDaemon(daemon)
  await lateSession.postEvent(lateKey, channel, { kind: 'post', content: { text: 'while the archiver was down' } }, Date.now())
  const onDisk = await SqliteStorageAdapter.open(join(fixture.dataDir, 'hearth.sqlite'))
  try {
    const stored = await RoomStore.open(onDisk, room)
    expect(texts(stored, channel)).toEqual(creatorTexts)
    expect(authorityIds(stored)).toEqual(authorityIds(lateStore))
    await stored.close()
  } finally {
    await onDisk.close()
  }
  const list = await runHearth(['room', 'list', '--json', '--data-dir', fixture.dataDir])
  expect(list.code, list.stderr).toBe(0)
  expect(list.events()[0]).toMatchObject({ event: 'rooms', rooms: [{ room: formatRoomId(room), name: 'Archived Club', status: 'member' }] })

  // Restarted (same flags: the stored room is kept, not joined again), it has everything before any peer connects.
  const again = await startDaemon(['--archive', link])
  await waitFor('the restarted daemon reports the room', () => roomEvents(again, room).length > 0, 10_000)
  expect(roomEvents(again, room)[0]).toMatchObject({
    phase: 'opened', source: 'stored', peers: 0, stored: { authority: creatorAuthority.length + 1, channels: 1, events: 3 }
  })
  // It rejoins: the late joiner reconnects (the daemon's ports changed), and each syncs what the other lacks.
  await bootstrapTo(late, again)
  await waitFor('the daemon stores the post made while it was down', () => roomEvents(again, room).at(-1)?.stored?.events === 4)
  expect(roomEvents(again, room).at(-1)).toMatchObject({ phase: 'live', stored: { authority: creatorAuthority.length + 1 } })

  // A second late joiner, bootstrapped only to the restarted daemon, finds the room via the DHT.
  await stopPeer(late)
  const second = await peer()
  await bootstrapTo(second, again)
  const secondStore = (await joinWhenFound(second, link, generateKeypair())).store
  expect(texts(secondStore, channel)).toEqual([...creatorTexts, 'while the archiver was down'])
  expect(authorityIds(lateStore).every((id) => authorityIds(secondStore).includes(id))).toBe(true)
  await stopPeer(second)
  await stopDaemon(again)
}, 120_000)


it('serves the rooms made with the CLI on its data dir, with no --archive', async () => {
  const dataDir = join(fixture.root, 'cli-data')
  const cli = async (...args: string[]): Promise<Record<string, unknown>> => {
    const run = await runHearth([...args, '--json', '--data-dir', dataDir])
    expect(run.code, run.stderr).toBe(0)
    return run.events().at(-1) ?? {}
  }
  await cli('identity', 'new', '--name', 'Ada')
  const created = await cli('room', 'create', 'Local Room', '--invite-only')
  const { hearth: link } = await cli('room', 'invite', 'Local Room') as { hearth: string }

  const daemon = await startDaemon([], dataDir)
  const events = (): RoomEvent[] => daemon.events.filter((e): e is RoomEvent & Record<string, unknown> => e.event === 'room' && e.room === created.room)
  await waitFor('the daemon reports the stored room', () => events().length > 0, 10_000)
  expect(events()[0]).toMatchObject({ name: 'Local Room', source: 'stored', phase: 'opened', stored: { authority: 1, channels: 1, events: 0 } })

  const joiner = await peer()
  await bootstrapTo(joiner, daemon)
  const identity = generateKeypair()
  const store = (await joinWhenFound(joiner, link, identity)).store
  expect([...store.authority.state.channels.values()].map((c) => c.name)).toEqual(['general'])
  expect(store.authority.state.meta.name).toBe('Local Room')
  await waitFor('the daemon stores the join', () => events().at(-1)?.stored?.authority === 2)
  await stopPeer(joiner)
  await stopDaemon(daemon)
}, 90_000)
