/**
 * keepPresence on the in-memory network: a notice when the session is live,
 * one (not one per peer) shortly after new peers appear, one per heartbeat,
 * none once stopped. Time is a manual clock; the notices' `at` is the real
 * clock, which signal validation (§10.5) judges them by.
 */
import { describe, expect, it } from 'vitest'
import { MemoryStorageAdapter } from '@hearth/protocol'
import { ManualClock } from '../transport/clock.ts'
import { RoomStore } from '../store/room-store.ts'
import { testRoom, writeRoom, type TestRoom } from '../store/test-support.ts'
import { keepPresence } from './presence.ts'
import { RoomSession } from './room-session.ts'
import { MemoryRoomHub } from './test-support.ts'

const open = (room: TestRoom): Promise<RoomStore> => RoomStore.open(new MemoryStorageAdapter(), room.genesis)
/** Let queued promise callbacks (timer resolutions, async sends) run. */
const settle = async (): Promise<void> => { for (let i = 0; i < 20; i++) await Promise.resolve() }
const waitUntil = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe('keepPresence', () => {
  it('tells the room when live, when new peers come (once per burst), on every heartbeat, and stops', async () => {
    const room = await testRoom('presence', 3, 1)
    const hub = new MemoryRoomHub()
    const seed = await open(room)
    await writeRoom(seed, room, 1)
    const clock = new ManualClock()
    const owner = await RoomSession.join(seed, hub.network('owner'), { resyncIntervalMs: 0 })
    const notices = (): number => hub.deliveries.filter((d) => d.kind === 'signals' && d.from === 'owner').length

    // Alone: the live notice goes to nobody; a listener joins.
    const stop = keepPresence(owner, room.owner, { clock, intervalMs: 60_000, newPeerDelayMs: 1_000 })
    const listener = await RoomSession.join(await open(room), hub.network('listener'), { resyncIntervalMs: 0 })
    const heard: string[] = []
    listener.on('signal', ({ signal }) => { heard.push(signal.kind) })
    await settle()
    expect(notices()).toBe(0)

    // New peer(s): one notice a moment later.
    await RoomSession.join(await open(room), hub.network('third'), { resyncIntervalMs: 0 })
    clock.advance(1_000)
    await waitUntil(() => notices() >= 2)
    expect(notices()).toBe(2) // to listener and third
    expect(heard).toEqual(['presence'])

    // Heartbeat.
    clock.advance(59_000)
    await waitUntil(() => heard.length >= 2)
    expect(heard).toEqual(['presence', 'presence'])

    // Stopped: nothing more.
    stop()
    clock.advance(120_000)
    await settle()
    expect(heard).toEqual(['presence', 'presence'])
    expect(clock.pending).toBe(0)
  })
})
