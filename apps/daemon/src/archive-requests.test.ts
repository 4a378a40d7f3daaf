// Archive requests (PROTOCOL.md §10.9) to a real `hearth serve` process on 127.0.0.1: a
// creator makes a room with messages, asks the daemon to archive it with an invite, and
// goes offline; a late joiner bootstrapped only to the daemon gets the full history; a
// restarted daemon keeps the room. Invalid, expired and surplus requests are refused with a
// reason people can read, and a request whose room nobody serves yet survives a restart and
// is joined once its room appears. Tests wait for conditions, never for fixed times.

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { RoomSession, RoomStore, type RoomSessionOptions } from '@hearth/client'
import { requestArchive } from '@hearth/net'
import {
  createGenesis, formatInvite, formatRoomId, generateKeypair, MemoryStorageAdapter, randomBytes, signInvite, toHex, type Bytes, type Keypair
} from '@hearth/protocol'
import { PENDING_REQUESTS_FILE } from './archive-requests.ts'
import type { ArchiveRequestEvent, RoomEvent } from './archiver-report.ts'
import { bootstrapTo, roomEvents, serveTestbed, stopDaemon, stopPeer, texts, waitFor, type Daemon } from './serve-test-support.ts'
import { makeWebFixture, type WebFixture } from './test-fixtures.ts'

const options: RoomSessionOptions = { resyncIntervalMs: 5_000, sync: { requestTimeoutMs: 10_000 } }

let fixture: WebFixture
const { startDaemon, peer, joinWhenFound, tearDown } = serveTestbed(() => fixture, options)

const requestEvents = (daemon: Daemon): ArchiveRequestEvent[] =>
  daemon.events.filter((e): e is ArchiveRequestEvent & Record<string, unknown> => e.event === 'archive-request')

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

beforeAll(async () => {
  fixture = await makeWebFixture()
})

afterAll(tearDown, 60_000)

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
