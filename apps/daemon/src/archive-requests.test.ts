// Archive requests (PROTOCOL.md §10.9) to a real `hearth serve` process on 127.0.0.1: a
// creator makes a room with messages, asks the daemon to archive it with an invite, and
// goes offline; a late joiner bootstrapped only to the daemon gets the full history; a
// restarted daemon keeps the room. Invalid, expired and surplus requests are refused with a
// reason people can read, and a request whose room nobody serves yet survives a restart and
// is joined once its room appears. Tests wait for conditions, never for fixed times.

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { joinRoomByInvite, RoomNotFoundError, RoomSession, RoomStore, serveSyncConversation, type RoomSessionOptions } from '@hearth/client'
import { createHearthNode, HEARTH_KAD_PROTOCOL, Libp2pRoomNetwork, loopbackTestConfig, requestArchive, type HearthNode } from '@hearth/net'
import {
  createGenesis, formatInvite, formatRoomId, generateKeypair, MemoryStorageAdapter, randomBytes, signInvite, toHex, type Bytes, type Keypair
} from '@hearth/protocol'
import { multiaddr } from '@multiformats/multiaddr'
import { PENDING_REQUESTS_FILE } from './archive-requests.ts'
import type { ArchiveRequestEvent, RoomEvent } from './archiver-report.ts'
import { spawnJsonChild, type JsonChild } from './json-child.ts'
import { makeWebFixture, type WebFixture } from './test-fixtures.ts'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))
const options: RoomSessionOptions = { resyncIntervalMs: 5_000, sync: { requestTimeoutMs: 10_000 } }

interface Daemon {
  readonly proc: JsonChild
  readonly events: Record<string, unknown>[]
  readonly tcp: string
  readonly peerId: string
}

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

async function stopDaemon(daemon: Daemon): Promise<void> {
  daemon.proc.child.kill('SIGTERM')
  expect(await daemon.proc.exited, daemon.proc.stderr()).toBe(0)
}

const roomEvents = (daemon: Daemon, room: Bytes): RoomEvent[] =>
  daemon.events.filter((e): e is RoomEvent & Record<string, unknown> => e.event === 'room' && e.room === formatRoomId(room))
const requestEvents = (daemon: Daemon): ArchiveRequestEvent[] =>
  daemon.events.filter((e): e is ArchiveRequestEvent & Record<string, unknown> => e.event === 'archive-request')

async function peer(): Promise<Peer> {
  const node = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
  const net = await Libp2pRoomNetwork.start(node, { respond: (stream, replicas) => serveSyncConversation(stream, replicas) })
  const created = { node, net }
  peers.push(created)
  return created
}

/** Dial the daemon as a bootstrap peer, and wait until identify says it is a Hearth DHT server. */
async function bootstrapTo(p: Peer, daemon: Daemon): Promise<void> {
  const connection = await p.node.libp2p.dial(multiaddr(daemon.tcp))
  await waitFor('identify names the daemon\'s DHT', async () =>
    (await p.node.libp2p.peerStore.get(connection.remotePeer)).protocols.includes(HEARTH_KAD_PROTOCOL), 10_000)
}

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

/** A room made by a fresh owner: a channel and `messages` posts, stored in memory (not online). */
async function makeRoom(name: string, messages: readonly string[]): Promise<{ owner: Keypair; store: RoomStore; channel: Bytes }> {
  const owner = generateKeypair()
  const genesis = await createGenesis(owner, { name, created: Date.now(), policy: { join: 'invite', discoverable: 'unlisted' } })
  const store = await RoomStore.open(new MemoryStorageAdapter(), genesis)
  const channel = randomBytes(16)
  await store.postAuthority(owner, { op: 'channel-create', channel, name: 'general', kind: 'text', position: 0 }, Date.now())
  for (const text of messages) await store.postEvent(owner, channel, { kind: 'post', content: { text } }, Date.now())
  return { owner, store, channel }
}

async function inviteLink(owner: Keypair, room: Bytes, hints: readonly string[], expires?: number): Promise<string> {
  const invite = await signInvite(owner, { room, peers: [...hints], ...(expires === undefined ? {} : { expires }) }, { code: randomBytes(8) })
  return formatInvite(invite, { style: 'hearth' })
}

const texts = (store: RoomStore, channel: Bytes): string[] =>
  store.view(channel).messages().map((m) => (m.content !== undefined && 'text' in m.content ? m.content.text : ''))

beforeAll(async () => {
  fixture = await makeWebFixture()
})

afterAll(async () => {
  for (const { proc } of daemons) proc.child.kill('SIGKILL')
  await Promise.allSettled(peers.map(stopPeer))
  await fixture.cleanup()
}, 60_000)

it('archives a room on request, serves it after the creator left, keeps it across a restart, and refuses bad requests', async () => {
  // A daemon started with no rooms at all (as for a web app's first visit).
  const daemon = await startDaemon([])
  const { owner, store: creatorStore, channel } = await makeRoom('Requested Club', ['first', 'second', 'third'])
  const room = creatorStore.room
  const creator = await peer()
  await bootstrapTo(creator, daemon)
  creator.session = await RoomSession.join(creatorStore, creator.net, { ...options, findTimeoutMs: 1_000 })
  const link = await inviteLink(owner, room, [...creator.node.libp2p.getMultiaddrs().map((a) => a.toString()), daemon.tcp])

  // Asked, the daemon answers at once and joins in the background.
  expect(await requestArchive(creator.node, daemon.peerId, link)).toEqual({ status: 'archiving', detail: 'joining the room' })
  const live = (): RoomEvent | undefined => roomEvents(daemon, room).filter((e) => e.phase === 'live').at(-1)
  await waitFor('the creator stores the archiver\'s join', () => creatorStore.authority.state.members.size === 2)
  await waitFor('the daemon reports the whole room stored', () => live()?.stored?.events === 3 && live()?.stored?.authority === creatorStore.storedIds({ kind: 'authority' }).length)
  expect(live()).toMatchObject({ name: 'Requested Club', source: 'request' })
  await waitFor('the request is reported', () => requestEvents(daemon).length === 1, 10_000)
  expect(requestEvents(daemon)).toEqual([{ event: 'archive-request', peer: creator.node.libp2p.peerId.toString(), room: formatRoomId(room), status: 'archiving', detail: 'joining the room' }])
  // Asked again: already kept.
  expect(await requestArchive(creator.node, daemon.peerId, link)).toEqual({ status: 'archiving', detail: 'already archiving this room' })
  // Joined: nothing is pending any more.
  await waitFor('the request is no longer pending', async () =>
    !(await readFile(join(fixture.dataDir, PENDING_REQUESTS_FILE), 'utf8')).includes(toHex(room)))

  // Invalid and expired invites are refused with a reason.
  const expired = await inviteLink(owner, room, [daemon.tcp], Date.now() - 1_000)
  expect(await requestArchive(creator.node, daemon.peerId, expired)).toMatchObject({ status: 'refused', detail: expect.stringMatching(/^the invite expired at 20/) as unknown })
  expect(await requestArchive(creator.node, daemon.peerId, 'hello, archive this please')).toMatchObject({ status: 'refused', detail: expect.stringMatching(/^not a valid invite link: /) as unknown })
  const forged = link.replace(/sig=[A-Za-z0-9_-]{4}/, 'sig=AAAA')
  expect(await requestArchive(creator.node, daemon.peerId, forged)).toEqual({ status: 'refused', detail: 'the invite\'s signature does not verify' })
  // A few a minute per peer: the sixth request in a burst is refused.
  expect(await requestArchive(creator.node, daemon.peerId, link)).toMatchObject({ status: 'refused', detail: expect.stringMatching(/too many archive requests/) as unknown })
  await waitFor('every request is reported', () => requestEvents(daemon).length === 6, 10_000)
  expect(requestEvents(daemon).map((e) => e.status)).toEqual(['archiving', 'archiving', 'refused', 'refused', 'refused', 'refused'])

  // The creator goes offline; a late joiner bootstrapped only to the daemon gets the whole history.
  const creatorTexts = texts(creatorStore, channel)
  await stopPeer(creator)
  const late = await peer()
  await bootstrapTo(late, daemon)
  const lateStore = (await joinWhenFound(late, link, generateKeypair())).store
  expect(texts(lateStore, channel)).toEqual(creatorTexts)
  await waitFor('the daemon stores the late joiner\'s join', () => roomEvents(daemon, room).at(-1)?.stored?.authority === creatorStore.storedIds({ kind: 'authority' }).length + 1)
  await stopPeer(late)

  // Restarted with a room limit of 1: the room is a stored room, and a request for another is refused.
  await stopDaemon(daemon)
  const again = await startDaemon(['--max-rooms', '1'])
  await waitFor('the restarted daemon reports the room', () => roomEvents(again, room).length > 0, 10_000)
  expect(roomEvents(again, room)[0]).toMatchObject({ phase: 'opened', source: 'stored', stored: { channels: 1, events: 3 } })
  const asker = await peer()
  await bootstrapTo(asker, again)
  const other = await makeRoom('One Too Many', [])
  expect(await requestArchive(asker.node, again.peerId, await inviteLink(other.owner, other.store.room, [again.tcp])))
    .toEqual({ status: 'refused', detail: 'this daemon keeps its maximum of 1 rooms' })
  expect(await requestArchive(asker.node, again.peerId, link)).toEqual({ status: 'archiving', detail: 'already archiving this room' })
  await stopDaemon(again)

  // Switched off: every request is refused, and says so.
  const off = await startDaemon(['--accept-archive-requests', 'off'], join(fixture.root, 'off-data'))
  await bootstrapTo(asker, off)
  expect(await requestArchive(asker.node, off.peerId, link)).toEqual({ status: 'refused', detail: 'this daemon does not accept archive requests' })
  await stopDaemon(off)
}, 150_000)

it('keeps a request whose room nobody serves yet across a restart, and joins once the room appears', async () => {
  const dataDir = join(fixture.root, 'pending-data')
  const daemon = await startDaemon([], dataDir)
  const { owner, store, channel } = await makeRoom('Later Room', ['hello'])
  const creator = await peer()
  await bootstrapTo(creator, daemon)
  const link = await inviteLink(owner, store.room, creator.node.libp2p.getMultiaddrs().map((a) => a.toString()))
  // The creator asks before its room is online: accepted, and waiting for someone to serve it.
  expect(await requestArchive(creator.node, daemon.peerId, link)).toEqual({ status: 'archiving', detail: 'joining the room' })
  await waitFor('the daemon waits for the room', () => roomEvents(daemon, store.room).some((e) => e.phase === 'waiting'), 60_000)
  await stopDaemon(daemon)
  const file = JSON.parse(await readFile(join(dataDir, PENDING_REQUESTS_FILE), 'utf8')) as { v: number; requests: { invite: string; room: string }[] }
  expect(file).toMatchObject({ v: 1, requests: [{ invite: link, room: toHex(store.room), peer: creator.node.libp2p.peerId.toString() }] })

  // Restarted, the daemon looks for it again; the creator comes online; the daemon joins.
  const again = await startDaemon([], dataDir)
  await waitFor('the restarted daemon tries the pending request', () => roomEvents(again, store.room).some((e) => e.source === 'request'), 10_000)
  await bootstrapTo(creator, again)
  creator.session = await RoomSession.join(store, creator.net, { ...options, findTimeoutMs: 1_000 })
  await waitFor('the daemon joins the requested room', () => roomEvents(again, store.room).some((e) => e.phase === 'live' && e.stored?.events === 1), 60_000)
  await waitFor('the creator stores the archiver\'s join', () => store.authority.state.members.size === 2)
  expect(texts(store, channel)).toEqual(['hello'])
  await waitFor('the request is no longer pending', async () =>
    !(await readFile(join(dataDir, PENDING_REQUESTS_FILE), 'utf8')).includes(toHex(store.room)))
  await stopPeer(creator)
  await stopDaemon(again)
}, 150_000)
