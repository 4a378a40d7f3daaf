/**
 * Hostile peers (issue #4): lying fingerprints, endless splitting, huge
 * counts, records that fail verification, records not asked for, oversized
 * messages, silence. Each is bounded, the peer is dropped with a typed
 * reason, and the sync completes from the honest peer. Then the other way
 * round: a hostile initiator gets sync-errors from the responder.
 */
import { describe, expect, it } from 'vitest'
import {
  createProfile, decodeChannelEvent, decodeSyncWire, encodeCanonical, encodeProfile, encodeSyncMessage, encodeSyncWire, INFINITY_BOUND, MemoryReconcileStore,
  recordId, sha256, toHex,
  type Bytes, type ItemKey, type RangeSummary, type ReconcileStore, type SyncBound, type SyncWireMessage
} from '@hearth/protocol'
import { flipSignatureBit } from '../../protocol/src/channel/test-support.ts'
import { syncRoom, type SyncRoomOptions } from '../src/sync/sync-room.ts'
import { serveSyncConversation } from '../src/sync/responder.ts'
import type { SyncPeer } from '../src/sync/sync-peer.ts'
import type { MessageStream } from '../src/transport/message-stream.ts'
import { neverClock, type Clock } from '../src/transport/clock.ts'
import type { LogRef, SyncReplica } from '../src/sync/replica.ts'
import { createTestReplica, type TestReplica } from './test-replica.ts'
import { duplexPair, turns } from './sim-network.ts'
import { AUTHORITY, channelLog, PROFILES, roomFixture, setUpRoom, writePost, writeProfile, type RoomFixture } from './room-fixture.ts'

async function honestRoom(label: string, posts: number): Promise<{ honest: TestReplica; fresh: () => Promise<TestReplica>; room: RoomFixture }> {
  const room = await roomFixture(label, 3, 1)
  const honest = await createTestReplica(room.genesis)
  await setUpRoom(honest, room)
  for (const [i, kp] of [room.owner, ...room.members].entries()) await writeProfile(honest, kp, `person ${i}`, 1, 8_000 + i)
  for (let i = 0; i < posts; i++) await writePost(honest, room.members[i % 3]!, room.channels[0]!, `p${i}`, 9_000 + i)
  return { honest, fresh: () => createTestReplica(room.genesis), room }
}

/** A peer serving `replica`, its answers passed through `tamper` (which may replace them). */
function peer(id: string, replica: SyncReplica, tamper?: (message: SyncWireMessage, bytes: Uint8Array) => Uint8Array | undefined): SyncPeer {
  return {
    id,
    open: () => {
      const duplex = duplexPair()
      const b: MessageStream = tamper === undefined ? duplex.b : {
        send: (bytes) => {
          const out = tamper(decodeSyncWire(bytes), bytes)
          return out === undefined ? undefined : duplex.b.send(out)
        },
        receive: () => duplex.b.receive(),
        close: () => { duplex.b.close() }
      }
      void serveSyncConversation(b, () => replica)
      return Promise.resolve(duplex.a)
    }
  }
}

/** `replica` with its reconcile stores replaced. */
function withStores(replica: SyncReplica, store: (real: ReconcileStore, log: LogRef) => ReconcileStore): SyncReplica {
  return {
    room: replica.room,
    reconcileStore: (log) => store(replica.reconcileStore(log), log),
    has: (log, key) => replica.has(log, key),
    records: (log, ids) => replica.records(log, ids),
    ingest: (log, records) => replica.ingest(log, records),
    channels: () => replica.channels(),
    genesisRecord: () => replica.genesisRecord()
  }
}

/** A store whose every fingerprint is random: it never agrees with anyone. */
function lyingFingerprints(real: ReconcileStore): ReconcileStore {
  let n = 0
  return {
    size: () => real.size(),
    fingerprint: (l, u): RangeSummary => ({ count: real.fingerprint(l, u).count, fingerprint: sha256(Uint8Array.of(n++ & 0xff, n >> 8)).slice(0, 16) }),
    itemsIn: (l, u, limit) => real.itemsIn(l, u, limit),
    splitPoints: (l, u, parts) => real.splitPoints(l, u, parts)
  }
}

/** A store claiming an item at every Lamport time up to 2^40: endless ranges to split, huge counts to list. */
const huge: ReconcileStore = {
  size: () => 2 ** 40,
  fingerprint: (l, u) => ({ count: span(l, u), fingerprint: sha256(Uint8Array.of(l.lamport & 0xff, u.lamport & 0xff, 7)).slice(0, 16) }),
  itemsIn: (l, u, limit) => {
    const out: ItemKey[] = []
    for (let t = l.lamport + 1; out.length < Math.min(limit, span(l, u)); t++) out.push({ lamport: t, id: sha256(Uint8Array.of(t & 0xff, (t >> 8) & 0xff, (t >> 16) & 0xff)) })
    return out
  },
  splitPoints: (l, u, parts) => {
    const count = span(l, u)
    const step = Math.floor(count / parts)
    return step < 1 ? [] : Array.from({ length: parts - 1 }, (_, i): SyncBound => ({ lamport: l.lamport + 1 + step * (i + 1), prefix: new Uint8Array(0) }))
  }
}
function span(l: SyncBound, u: SyncBound): number {
  const top = Number.isFinite(u.lamport) ? u.lamport : 2 ** 40
  return Math.max(0, top - l.lamport - 1)
}

const options: SyncRoomOptions = { clock: neverClock, batch: 32 }

async function expectHonestResult(joiner: TestReplica, honest: TestReplica): Promise<void> {
  expect(joiner.storedIds(AUTHORITY)).toEqual(honest.storedIds(AUTHORITY))
  expect(joiner.storedIds(PROFILES)).toEqual(honest.storedIds(PROFILES))
  for (const c of honest.channels()) expect(joiner.storedIds(channelLog(c))).toEqual(honest.storedIds(channelLog(c)))
  await Promise.resolve()
}

describe('a joiner facing hostile peers', () => {
  it('lying fingerprints: bounded, and the honest peer completes the sync', async () => {
    const { honest, fresh } = await honestRoom('liar-fp', 300)
    const joiner = await fresh()
    // Half the history first, so the joiner sends fingerprints the liar must answer.
    await joiner.ingest(AUTHORITY, await honest.records(AUTHORITY, honest.storedIds(AUTHORITY).map(fromHexId)))
    const ch = honest.channels()[0]!
    await joiner.ingest(channelLog(ch), await honest.records(channelLog(ch), honest.storedIds(channelLog(ch)).slice(0, 150).map(fromHexId)))
    const report = await syncRoom(joiner, [peer('liar', withStores(honest, lyingFingerprints)), peer('honest', honest)], options)
    await expectHonestResult(joiner, honest)
    expect(report.complete).toBe(true)
    const liar = report.peers[0]!
    // Random fingerprints cost the liar's peer its session or only extra rounds; never more than the round limit.
    expect(liar.messagesIn).toBeLessThan(256 * report.logs.length)
  })

  it('endless splitting and huge counts: the session limits stop the peer with a typed reason', async () => {
    const { honest, fresh } = await honestRoom('liar-huge', 100)
    const joiner = await fresh()
    const report = await syncRoom(joiner, [peer('huge', withStores(honest, () => huge)), peer('honest', honest)], { ...options, maxNeedPerPeer: 50_000 })
    await expectHonestResult(joiner, honest)
    expect(report.complete).toBe(true)
    const failure = report.peers[0]!.failure
    expect(failure?.name).toBe('SyncPeerError')
    expect(['too-many-items', 'reconcile']).toContain(failure?.reason)
  })

  it('the round limit ends a session with a peer that keeps splitting', async () => {
    const { honest, fresh } = await honestRoom('liar-rounds', 100)
    const report = await syncRoom(await fresh(), [peer('huge', withStores(honest, () => huge))], { ...options, reconcile: { maxRounds: 8 } })
    expect(report.complete).toBe(false)
    expect(report.peers[0]!.failure?.reason).toBe('reconcile')
    expect((report.peers[0]!.failure?.cause as Error).name).toMatch(/^Sync(Limit|Structure)Error$/)
    expect(report.peers[0]!.messagesIn).toBeLessThanOrEqual(9)
  })

  it('records that fail verification: the peer is dropped, its share comes from the honest peer', async () => {
    const { honest, fresh } = await honestRoom('forger', 120)
    const forged = await forgedCopy(honest)
    const joiner = await fresh()
    const report = await syncRoom(joiner, [peer('forger', forged), peer('honest', honest)], options)
    await expectHonestResult(joiner, honest)
    expect(report.complete).toBe(true)
    expect(report.peers[0]!.failure?.reason).toBe('bad-record')
    expect(report.logs.reduce((n, l) => n + l.rejected, 0)).toBeGreaterThan(0)
  })

  it('records not asked for, oversized messages and withheld records each drop the peer with its reason', async () => {
    const { honest, fresh } = await honestRoom('tamper', 60)
    const stranger = new Uint8Array([0xa0]) // a record nobody asked for
    const cases: [string, (m: SyncWireMessage, b: Uint8Array) => Uint8Array | undefined][] = [
      ['unrequested-record', (m, b) => m.type === 'sync-records' && m.records.length > 0 ? encodeSyncWire({ ...m, records: [stranger, ...m.records.slice(1)] }) : b],
      ['malformed', (m, b) => m.type === 'sync-msg' ? new Uint8Array(2_000_000) : b],
      ['withheld', (m, b) => m.type === 'sync-records' ? encodeSyncWire({ ...m, records: m.records.slice(1) }) : b],
      ['unexpected', (m, b) => m.type === 'sync-msg' ? encodeSyncWire({ type: 'sync-records', upto: 0, records: [] }) : b],
      ['closed', (m, b) => m.type === 'sync-records' ? undefined : b]
    ]
    for (const [reason, tamper] of cases) {
      const joiner = await fresh()
      // 'closed': the tampering peer swallows answers and hangs up when the joiner gives up on the conversation.
      const report = await syncRoom(joiner, [peer('bad', honest, tamper), peer('honest', honest)], reason === 'closed' ? { ...options, clock: quickTimeout } : options)
      await expectHonestResult(joiner, honest)
      expect(report.complete).toBe(true)
      expect(report.peers[0]!.failure?.reason === reason || (reason === 'closed' && report.peers[0]!.failure?.reason === 'timeout')).toBe(true)
    }
  })

  it('profiles: forged ones drop the peer (bad-record); one replaced since the peer\'s snapshot is not withheld', async () => {
    const { honest, fresh, room } = await honestRoom('profiles', 5)
    // A forger: the honest profile keys' places taken by profiles with broken signatures.
    const forgedBytes = (await honest.records(PROFILES, honest.storedIds(PROFILES).map(fromHexId))).map(flipSignatureBit)
    const forgedKeys = forgedBytes.map((b, i): ItemKey => ({ lamport: 8_000 + i, id: recordId(b) }))
    const forger: SyncReplica = {
      ...withStores(honest, (real, log) => (log.kind === 'profiles' ? MemoryReconcileStore.from(forgedKeys) : real)),
      records: (log, ids) => (log.kind === 'profiles' ? Promise.resolve(forgedBytes.filter((b) => ids.some((id) => toHex(id) === toHex(recordId(b))))) : honest.records(log, ids))
    }
    const joiner = await fresh()
    const report = await syncRoom(joiner, [peer('forger', forger), peer('honest', honest)], options)
    await expectHonestResult(joiner, honest)
    expect(report.complete).toBe(true)
    expect(report.peers[0]!.failure?.reason).toBe('bad-record')
    expect(report.logs.find((l) => l.log.kind === 'profiles')?.rejected).toBeGreaterThan(0)

    // A peer whose first snapshot still lists a version it has replaced since: asked for it, it sends nothing — no fault.
    const replaced = await createProfile(room.members[0]!, { name: 'replaced' }, 0, 1)
    let opened = 0
    const racing = withStores(honest, (real, log) =>
      log.kind === 'profiles' && opened++ === 0 ? MemoryReconcileStore.from([...real.itemsIn({ lamport: 0, prefix: new Uint8Array(0) }, INFINITY_BOUND, 100), { lamport: 1, id: recordId(encodeProfile(replaced)) }]) : real)
    const second = await fresh()
    const raced = await syncRoom(second, [peer('racing', racing)], options)
    await expectHonestResult(second, honest)
    expect(raced.peers[0]!.failure).toBeUndefined()
    expect(raced.complete).toBe(true)
    expect(raced.logs.find((l) => l.log.kind === 'profiles')).toMatchObject({ stored: 4, passes: 2, settled: true })
  })

  it('a silent peer times out (injected timers) and the honest peer completes', async () => {
    const { honest, fresh } = await honestRoom('silent', 40)
    const silent: SyncPeer = { id: 'silent', open: () => Promise.resolve(duplexPair().a) }
    const joiner = await fresh()
    const report = await syncRoom(joiner, [silent, peer('honest', honest)], { ...options, clock: quickTimeout })
    await expectHonestResult(joiner, honest)
    expect(report.complete).toBe(true)
    expect(report.peers[0]!.failure?.reason).toBe('timeout')
  })
})

describe('a responder facing a hostile initiator', () => {
  async function converse(replica: SyncReplica, messages: readonly Uint8Array[]): Promise<{ answers: SyncWireMessage[]; refused?: string }> {
    const duplex = duplexPair()
    const serving = serveSyncConversation(duplex.b, (room) => (toHex(room) === toHex(replica.room) ? replica : undefined), { maxRequests: 20 })
    const answers: SyncWireMessage[] = []
    for (const m of messages) {
      await duplex.a.send(m)
      await turns(3)
    }
    duplex.a.close()
    for (;;) {
      const a = await duplex.a.receive()
      if (a === undefined) break
      answers.push(decodeSyncWire(a))
    }
    const summary = await serving
    return { answers, ...(summary.refused === undefined ? {} : { refused: summary.refused }) }
  }
  const first = encodeSyncMessage({ ranges: [{ upper: INFINITY_BOUND, mode: 'fingerprint', fingerprint: new Uint8Array(16) }] })

  it('refuses garbage, turns out of order, unknown rooms, and stops at the request limit', async () => {
    const { honest } = await honestRoom('responder', 10)
    const codes = async (messages: Uint8Array[]): Promise<string[]> =>
      (await converse(honest, messages)).answers.map((a) => (a.type === 'sync-error' ? a.code : a.type))
    expect(await codes([new Uint8Array([1, 2, 3])])).toEqual(['bad-message'])
    expect(await codes([encodeSyncWire({ type: 'sync-msg', rbsr: first })])).toEqual(['bad-message'])
    expect(await codes([encodeSyncWire({ type: 'sync-open', room: new Uint8Array(32), rbsr: first })])).toEqual(['unknown-room'])
    expect(await codes([encodeSyncWire({ type: 'sync-records', upto: 0, records: [] })])).toEqual(['bad-message'])
    // An unknown channel refuses that request only; the conversation goes on.
    const unknownChannel = encodeSyncWire({ type: 'sync-open', room: honest.room, channel: new Uint8Array(16), rbsr: first })
    expect(await codes([unknownChannel, encodeSyncWire({ type: 'sync-open', room: honest.room, rbsr: first })])).toEqual(['unknown-log', 'sync-msg'])
    // The profile set is served by log: "profiles"; a request naming a channel and a log, or another log, does not decode.
    expect(await codes([encodeSyncWire({ type: 'sync-open', room: honest.room, log: 'profiles', rbsr: first })])).toEqual(['sync-msg'])
    const profileIds = honest.storedIds(PROFILES).map(fromHexId).sort((a, b) => (toHex(a) < toHex(b) ? -1 : 1))
    const fetched = (await converse(honest, [encodeSyncWire({ type: 'sync-fetch', room: honest.room, log: 'profiles', ids: profileIds })])).answers[0]
    expect(fetched).toMatchObject({ type: 'sync-records', upto: 4 })
    expect(fetched?.type === 'sync-records' ? fetched.records.length : 0).toBe(4)
    const both = encodeCanonical({ v: 1, t: 'sync-open', room: honest.room, channel: new Uint8Array(16), log: 'profiles', rbsr: first })
    const other = encodeCanonical({ v: 1, t: 'sync-fetch', room: honest.room, log: 'events', ids: [new Uint8Array(32)] })
    expect(await codes([both])).toEqual(['bad-message'])
    expect(await codes([other])).toEqual(['bad-message'])
    // A message that breaks a reconciliation rule ends the conversation.
    const noProgress = encodeSyncWire({ type: 'sync-msg', rbsr: first })
    const opened = await codes([encodeSyncWire({ type: 'sync-open', room: honest.room, rbsr: first }), noProgress, noProgress])
    expect(opened.at(-1)).toBe('bad-message')
    const many = Array.from({ length: 25 }, () => encodeSyncWire({ type: 'sync-fetch', room: honest.room, ids: [new Uint8Array(32)] }))
    const limited = await converse(honest, many)
    expect(limited.refused).toBe('limit')
    expect(limited.answers.length).toBe(21)
  })
})

function fromHexId(hex: string): Bytes {
  return Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)))
}

/** A replica that holds every channel event with its signature broken (ids and keys of the broken bytes), and the true authority log. */
async function forgedCopy(honest: TestReplica): Promise<SyncReplica> {
  const ch = honest.channels()[0]!
  const bytes = await honest.records(channelLog(ch), honest.storedIds(channelLog(ch)).map(fromHexId))
  const forged = new Map<string, Uint8Array>()
  const keys = bytes.map((original): ItemKey => {
    const broken = flipSignatureBit(original)
    const id = recordId(broken)
    forged.set(toHex(id), broken)
    return { lamport: decodeChannelEvent(original).event.lamport, id }
  })
  return {
    room: honest.room,
    reconcileStore: (log) => (log.kind !== 'channel' ? honest.reconcileStore(log) : MemoryReconcileStore.from(keys)),
    has: () => false,
    records: (log, ids) => (log.kind !== 'channel' ? honest.records(log, ids) : Promise.resolve(ids.flatMap((id) => forged.get(toHex(id)) ?? []))),
    ingest: () => Promise.reject(new Error('not used')),
    channels: () => honest.channels(),
    genesisRecord: () => honest.genesisRecord()
  }
}

/** Timers whose every sleep ends on its own after a few hundred event-loop turns (no wall-clock waits). */
const quickTimeout: Clock = { after: () => ({ promise: turns(300), cancel: () => undefined }) }
