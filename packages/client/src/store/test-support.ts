/**
 * Test helpers for the room store (not exported by the package): a small
 * room written through a store, damage done behind an adapter's back, a
 * local sync between two stores (reconciliation plus records()/ingest(), as
 * the engine does over the network) and a comparable snapshot of a store.
 */
import {
  createProfile, encodeKeyPath, encodeProfile, runSession, toHex, type Bytes, type ChannelEventNode, type Genesis, type Keypair, type KeyPath,
  type MemoryByteStore, type Verified
} from '@hearth/protocol'
import { corruptStoredBytes, type CorruptionKind } from '@hearth/protocol/storage-contract'
import { channelId, key, makeGenesis } from '../../../protocol/src/authority/test-support.ts'
import type { LogRef } from '../sync/replica.ts'
import type { RoomStore } from './room-store.ts'

export const AUTHORITY: LogRef = { kind: 'authority' }
export const channelLog = (channel: Bytes): LogRef => ({ kind: 'channel', channel })
export const PROFILES: LogRef = { kind: 'profiles' }

/** The people and channels of a test room. */
export interface TestRoom {
  readonly genesis: Verified<Genesis>
  readonly owner: Keypair
  readonly members: readonly Keypair[]
  readonly channels: readonly Bytes[]
}

/** A deterministic open room (nothing written yet). */
export async function testRoom(label: string, members = 3, channels = 2): Promise<TestRoom> {
  return {
    genesis: await makeGenesis(`store/${label}`),
    owner: key(`store/${label}/creator`),
    members: Array.from({ length: members }, (_, i) => key(`store/${label}/member-${i}`)),
    channels: Array.from({ length: channels }, (_, i) => channelId(`store/${label}/ch-${i}`))
  }
}

/**
 * Create the channels, let the members join, give everyone a profile (a
 * replaced first version, then a second), then post `posts` messages
 * round-robin (with an edit and a reaction now and then).
 */
export async function writeRoom(store: RoomStore, room: TestRoom, posts: number): Promise<Verified<ChannelEventNode>[]> {
  let at = 2_000
  for (const [i, channel] of room.channels.entries()) {
    await store.postAuthority(room.owner, { op: 'channel-create', channel, name: `ch-${i}`, kind: 'text', position: i }, at++)
  }
  for (const member of room.members) await store.postAuthority(member, { op: 'join' }, at++)
  for (const [i, kp] of [room.owner, ...room.members].entries()) {
    for (const seq of [1, 2]) await store.ingest(PROFILES, [encodeProfile(await createProfile(kp, { name: `person ${i} v${seq}` }, seq, at++))])
  }
  const written: Verified<ChannelEventNode>[] = []
  const writers = [room.owner, ...room.members]
  for (let i = 0; i < posts; i++) {
    const kp = writers[i % writers.length] as Keypair
    const channel = room.channels[i % room.channels.length] as Bytes
    const previous = written.filter((n) => toHex(n.event.channel) === toHex(channel)).at(-1)
    const body = previous !== undefined && i % 5 === 4
      ? { kind: 'react' as const, target: previous.id, emoji: '👍' }
      : previous !== undefined && i % 7 === 6 && toHex(previous.event.author) === toHex(kp.publicKey)
        ? { kind: 'edit' as const, target: previous.id, content: { text: `edited ${i}` } }
        : { kind: 'post' as const, content: { text: `message ${i}` } }
    written.push(await store.postEvent(kp, channel, body, at++))
  }
  return written
}

/** Damage the stored value of `path` in a memory "disk" as the storage contract does. */
export async function corruptValue(disk: MemoryByteStore, path: KeyPath, how: CorruptionKind): Promise<void> {
  const encoded = encodeKeyPath(path)
  const stored = await disk.get(encoded)
  if (stored === undefined) throw new Error(`nothing stored under ${path.join('/')}`)
  await disk.put(encoded, corruptStoredBytes(stored, how))
}

/**
 * Bring `to` up to date with `from` for one log: reconcile their key sets,
 * fetch what `to` lacks, ingest it; repeat until nothing is missing.
 * Returns how many records were fetched.
 */
export async function syncLog(from: RoomStore, to: RoomStore, log: LogRef): Promise<number> {
  let fetched = 0
  for (let round = 0; round < 20; round++) {
    const { initiator } = runSession(to.reconcileStore(log), from.reconcileStore(log))
    const need = initiator.need().map((k) => k.id)
    if (need.length === 0) return fetched
    const records = await from.records(log, need)
    const result = await to.ingest(log, records)
    if (result.stored === 0) throw new Error(`sync made no progress: ${JSON.stringify({ ...result, missing: result.missing.length })}`)
    fetched += records.length
  }
  throw new Error('sync did not converge')
}

/** Sync the authority log, the profile set, then every channel `from` defines. */
export async function syncRoom(from: RoomStore, to: RoomStore): Promise<number> {
  let fetched = await syncLog(from, to, AUTHORITY)
  fetched += await syncLog(from, to, PROFILES)
  for (const channel of from.channels()) fetched += await syncLog(from, to, channelLog(channel))
  return fetched
}

/** Everything comparable about a store: each log's ids in order, and each channel's messages. */
export function snapshotOf(store: RoomStore): unknown {
  const channels = store.channels().map((channel) => ({
    channel: toHex(channel),
    ids: store.storedIds(channelLog(channel)),
    messages: JSON.parse(JSON.stringify(store.view(channel).messages(), (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v))) as unknown
  }))
  const profiles = [...store.profiles()].map(([k, p]) => `${k}:${p.seq}:${p.name}`).sort()
  return { authority: store.storedIds(AUTHORITY), profiles, profileIds: store.storedIds(PROFILES), channels }
}
