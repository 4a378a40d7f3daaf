/**
 * Test helpers for the app core (not exported by the package): apps on the
 * in-memory storage adapter and the in-memory room hub, no sockets.
 */
import { MemoryStorageAdapter, type StorageAdapter } from '@hearth/protocol'
import { MemoryRoomHub, until } from '../session/test-support.ts'
import { ManualClock } from '../transport/clock.ts'
import { HearthApp } from './hearth-app.ts'
import type { AppNetwork } from './types.ts'

export { MemoryRoomHub, until }

export const ORIGIN = 'https://hearth.test'

/** An AppNetwork over the memory hub: one node named `id`. */
export function memoryNetwork(hub: MemoryRoomHub, id: string, overrides: Partial<AppNetwork> = {}): AppNetwork {
  return {
    rooms: hub.network(id),
    summary: () => ({ peers: 0, direct: 0, relayed: 0, bootstrapConnected: 0, bootstrapConfigured: 0, observedAddresses: [] }),
    onChange: () => () => undefined,
    isArchiver: () => false,
    inviteAddresses: () => [`/memory/${id}/p2p/${id}`],
    requestArchive: () => Promise.resolve([]),
    stop: () => Promise.resolve(),
    ...overrides
  }
}

/** A test app: real stores and sessions, a manual clock for the app's own timers (nothing fires unless advanced). */
export async function openApp(opts: {
  hub: MemoryRoomHub
  id: string
  storage?: StorageAdapter
  now?: () => number
  network?: Partial<AppNetwork>
  failNetwork?: boolean
}): Promise<{ app: HearthApp; storage: StorageAdapter; clock: ManualClock }> {
  const storage = opts.storage ?? new MemoryStorageAdapter()
  const clock = new ManualClock()
  const app = await HearthApp.open({
    storage,
    network: () => (opts.failNetwork === true ? Promise.reject(new Error('no transport')) : Promise.resolve(memoryNetwork(opts.hub, opts.id, opts.network))),
    origin: ORIGIN,
    ...(opts.now !== undefined ? { now: opts.now } : {}),
    sessionOptions: { resyncIntervalMs: 0 },
    clock,
    backupIterations: 100_000
  })
  return { app, storage, clock }
}

/** An app with an account named `name`, its network online. */
export async function readyApp(hub: MemoryRoomHub, id: string, name: string, storage?: StorageAdapter): Promise<HearthApp> {
  const { app } = await openApp({ hub, id, ...(storage !== undefined ? { storage } : {}) })
  if (app.snapshot().status === 'onboarding') await app.createIdentity({ name })
  await until(`${id}'s network`, () => app.snapshot().network.state === 'online')
  return app
}

/** Texts of a channel's loaded page, oldest first (deleted ones as `(deleted)`). */
export function texts(app: HearthApp, room: string, channel: string): string[] {
  return app.messages(room, channel).messages.map((m) => (m.deleted ? '(deleted)' : m.text ?? ''))
}

/** The id of the room's channel named `name`. */
export function channelNamed(app: HearthApp, room: string, name: string): string {
  const channel = app.room(room)?.channels.find((c) => c.name === name)
  if (channel === undefined) throw new Error(`no channel ${name}`)
  return channel.id
}

/** Wait until a room is live in an app. */
export async function live(app: HearthApp, room: string): Promise<void> {
  await until(`room live`, () => app.room(room)?.connection.phase === 'live')
}
