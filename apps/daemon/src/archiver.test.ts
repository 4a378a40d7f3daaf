// `hearth serve --archive` as a real process on 127.0.0.1 (issue #5 items 6–7): a creator
// (in process) makes a room with messages and an invite; the daemon archives it by the
// invite; after the creator has left, a late joiner bootstrapped only to the daemon joins by
// the invite and gets the full history. Restarted on the same data dir, the daemon has it all
// before any peer connects (and `hearth room list` there shows it), rejoins the room, picks
// up what was posted while it was down, and a second late joiner finds it via the DHT.
// Tests wait for conditions, never for fixed times.

import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { RoomSession, RoomStore, type RoomSessionOptions } from '@hearth/client'
import { createGenesis, formatInvite, formatRoomId, generateKeypair, MemoryStorageAdapter, randomBytes, signInvite, type Keypair } from '@hearth/protocol'
import { SqliteStorageAdapter } from '@hearth/store-sqlite'
import type { RoomEvent } from './archiver-report.ts'
import { runHearth } from './commands/test-support.ts'
import { bootstrapTo, roomEvents, serveTestbed, stopDaemon as terminate, stopPeer, texts, waitFor, type Daemon } from './serve-test-support.ts'
import { makeWebFixture, type WebFixture } from './test-fixtures.ts'

const options: RoomSessionOptions = { resyncIntervalMs: 5_000, sync: { requestTimeoutMs: 10_000 } }

let fixture: WebFixture
const { startDaemon, peer, joinWhenFound, tearDown } = serveTestbed(() => fixture, options)

/** SIGTERM: exit 0, ending with stopping and stopped. */
async function stopDaemon(daemon: Daemon): Promise<void> {
  await terminate(daemon)
  await waitFor('the last events are read', () => daemon.events.at(-1)?.event === 'stopped', 5_000)
  expect(daemon.events.slice(-2)).toEqual([{ event: 'stopping', signal: 'SIGTERM' }, { event: 'stopped' }])
}

const authorityIds = (store: RoomStore): string[] => store.storedIds({ kind: 'authority' })

beforeAll(async () => {
  fixture = await makeWebFixture()
})

afterAll(tearDown, 60_000)

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
