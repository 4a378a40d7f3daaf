/**
 * Test support: a room to sync — a genesis, its owner, members, channels —
 * and writers that sign authority entries and channel events on a replica's
 * current heads and ingest them there, as an author's own client would.
 */
import {
  createProfile, encodeProfile, signAuthorityEntry, signChannelEvent, type Action, type Bytes, type EventBody, type Genesis, type Keypair, type Verified
} from '@hearth/protocol'
import { channelId, key, makeGenesis } from '../../protocol/src/authority/test-support.ts'
import type { LogRef } from '../src/sync/replica.ts'
import type { TestReplica } from './test-replica.ts'

/** The people and channels of a test room. */
export interface RoomFixture {
  readonly genesis: Verified<Genesis>
  readonly owner: Keypair
  readonly members: readonly Keypair[]
  readonly channels: readonly Bytes[]
}

/** A deterministic open room with `memberCount` would-be members and `channelCount` channel ids (not yet created). */
export async function roomFixture(label: string, memberCount: number, channelCount: number): Promise<RoomFixture> {
  const genesis = await makeGenesis(`sync/${label}`)
  return {
    genesis,
    owner: key(`sync/${label}/creator`),
    members: Array.from({ length: memberCount }, (_, i) => key(`sync/${label}/member-${i}`)),
    channels: Array.from({ length: channelCount }, (_, i) => channelId(`sync/${label}/ch-${i}`))
  }
}

export const AUTHORITY: LogRef = { kind: 'authority' }
export const channelLog = (channel: Bytes): LogRef => ({ kind: 'channel', channel })
export const PROFILES: LogRef = { kind: 'profiles' }

/** Sign a profile version of `kp` and ingest it. Returns its bytes (stored or not: see the replica's profile set). */
export async function writeProfile(replica: TestReplica, kp: Keypair, name: string, seq: number, updated: number): Promise<Uint8Array> {
  const bytes = encodeProfile(await createProfile(kp, { name }, seq, updated))
  await replica.ingest(PROFILES, [bytes])
  return bytes
}

/** Sign `act` by `kp` on the replica's authority heads and ingest it there. Returns the bytes (stored, or refused at its place). */
export async function writeEntry(replica: TestReplica, kp: Keypair, act: Action, at: number): Promise<Uint8Array> {
  const { ids, lamport } = replica.heads(AUTHORITY)
  const node = await signAuthorityEntry(kp, { room: replica.room, parents: ids, lamport, at, act })
  const result = await replica.ingest(AUTHORITY, [node.bytes])
  if (result.stored !== 1) throw new Error(`entry not stored: ${JSON.stringify(result)}`)
  return node.bytes
}

/** Sign a post by `kp` on the replica's channel heads, citing its authority heads; ingest it. Undefined when the replica refuses it. */
export async function writePost(replica: TestReplica, kp: Keypair, channel: Bytes, text: string, at: number): Promise<Uint8Array | undefined> {
  const { ids, lamport } = replica.heads(channelLog(channel))
  const body: EventBody = { kind: 'post', content: { text } }
  const node = await signChannelEvent(kp, { room: replica.room, channel, parents: ids, lamport, auth: replica.heads(AUTHORITY).ids, at, body })
  const result = await replica.ingest(channelLog(channel), [node.bytes])
  return result.stored === 1 ? node.bytes : undefined
}

/** Create the fixture's channels and let every member join, on one replica. Returns the entries' bytes. */
export async function setUpRoom(replica: TestReplica, room: RoomFixture): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  let at = 2_000
  for (const [i, channel] of room.channels.entries()) {
    out.push(await writeEntry(replica, room.owner, { op: 'channel-create', channel, name: `ch-${i}`, kind: 'text', position: i }, at++))
  }
  for (const member of room.members) out.push(await writeEntry(replica, member, { op: 'join' }, at++))
  return out
}
