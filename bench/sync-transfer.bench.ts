/**
 * Sync transfer (PROTOCOL.md §8.10): a late joiner syncs a room from one
 * peer over the in-process message stream — the whole conversation
 * (reconciliation, fetches, records) and the joiner verifying and storing
 * every record.
 *
 * Rows:
 * - sync-transfer.verify-baseline (ops/s): the history's own event
 *   signatures checked by raw WebCrypto (keys imported once, 64 in flight),
 *   measured in this module: the ceiling for this data on this machine now.
 * - sync-transfer.full-100k (ops/s, one op = one event): an empty replica
 *   runs `syncRoom` against a peer holding a small authority log (one
 *   channel, 20 members) and 100,000 channel events. Baseline:
 *   sync-transfer.verify-baseline, so the ratio reads as "events synced per
 *   raw signature check" (1.0 would mean sync costs nothing but verifying).
 * - sync-transfer.full-100k.bytes (bytes) and .messages (messages): the
 *   conversation's traffic, both directions. Deterministic for a given
 *   protocol and batch size.
 *
 * Events are written 64 at a time on one parent from the level before (so
 * Lamport levels hold concurrent events, as in a busy channel); they are
 * signed once per run (≈ 10–20 s for 100,000) and kept in memory; a full
 * run of this module takes ≈ 2–3 minutes on a 2-core machine (each timed
 * sync ≈ 30 s: 0.35x the raw verify rate in the first measurements). Quick mode
 * (BENCH_QUICK=1) uses 2,000 events and one round; the row ids stay the same
 * and the figures are rough.
 *
 * The replicas are `RoomStore`s on the in-memory storage adapter: the
 * engine, the logs and the store's bookkeeping, without a disk's cost
 * (`channel.ingest` measures storing into SQLite).
 */
import {
  decodeChannelEvent, MemoryStorageAdapter, signAuthorityEntry, signChannelEvent, signatureInputOf,
  type Bytes, type Genesis, type Keypair, type Verified
} from '@hearth/protocol'
import {
  memoryStreamPair, neverClock, RoomStore, syncRoom, serveSyncConversation, type SyncPeer, type SyncReport, type SyncReplica
} from '@hearth/client'
import { channelId, key, makeGenesis } from '../packages/protocol/src/authority/test-support.ts'
import { formatNumber, measureDuration, type BenchContext, type BenchModule, type Row } from './harness.ts'

const FULL = 100_000
const QUICK = 2_000
const WIDTH = 64
const MEMBERS = 20

function fail(what: string): never {
  throw new Error(`sync-transfer bench: ${what}`)
}

interface History {
  readonly source: RoomStore
  readonly channel: Bytes
  readonly genesis: Verified<Genesis>
  readonly events: readonly Bytes[]
}


/** Sign the room and its history once per run. */
async function buildHistory(n: number, log: (m: string) => void): Promise<History> {
  const genesis = await makeGenesis('bench/sync-transfer')
  const channel = channelId('bench/sync-transfer/general')
  const source = await RoomStore.open(new MemoryStorageAdapter(), genesis)
  const owner = key('bench/sync-transfer/creator')
  const members: Keypair[] = Array.from({ length: MEMBERS }, (_, i) => key(`bench/sync-transfer/member-${i}`))
  let at = 1_000
  const entry = async (kp: Keypair, act: Parameters<typeof signAuthorityEntry>[1]['act']): Promise<void> => {
    const { ids, lamport } = source.authority.heads()
    const node = await signAuthorityEntry(kp, { room: genesis.room, parents: ids, lamport, at: at++, act })
    if ((await source.ingest({ kind: 'authority' }, [node.bytes])).stored !== 1) fail('authority entry refused')
  }
  await entry(owner, { op: 'channel-create', channel, name: 'general', kind: 'text', position: 0 })
  for (const m of members) await entry(m, { op: 'join' })
  const auth = source.authority.heads().ids

  const started = performance.now()
  const events: Bytes[] = []
  let parent: { id: Bytes; lamport: number } | undefined
  for (let level = 0; events.length < n; level++) {
    const width = Math.min(WIDTH, n - events.length)
    const signed = await Promise.all(Array.from({ length: width }, (_, i) => signChannelEvent(members[(level + i) % MEMBERS]!, {
      room: genesis.room, channel, parents: parent ? [parent.id] : [], lamport: parent ? parent.lamport + 1 : 1,
      auth, at: 10_000 + events.length + i, body: { kind: 'post', content: { text: `message ${events.length + i} at level ${level}` } }
    })))
    for (const node of signed) events.push(node.bytes)
    const first = signed[0]!
    parent = { id: first.id, lamport: first.event.lamport }
  }
  log(`  signed ${formatNumber(n)} events in ${formatNumber(performance.now() - started)} ms`)
  const result = await source.ingest({ kind: 'channel', channel }, events)
  if (result.stored !== n) fail(`the source stored ${result.stored} of ${n} events`)
  return { source, channel, genesis, events }
}

/** A peer serving `replica` over a fresh in-process duplex per conversation. */
function peerOf(replica: SyncReplica): SyncPeer {
  return {
    id: 'source',
    open: () => {
      const [a, b] = memoryStreamPair()
      void serveSyncConversation(b, () => replica)
      return Promise.resolve(a)
    }
  }
}

/** Raw WebCrypto verification of every event's signature, 64 in flight: events per second. */
async function verifyBaseline(events: readonly Bytes[], ctx: BenchContext): Promise<Row> {
  const keys = new Map<string, CryptoKey>()
  const items: { key: CryptoKey; message: Bytes; signature: Bytes }[] = []
  for (const bytes of events) {
    const { event } = decodeChannelEvent(bytes)
    const hex = event.author.join(',')
    let cryptoKey = keys.get(hex)
    if (cryptoKey === undefined) {
      cryptoKey = await crypto.subtle.importKey('raw', event.author, { name: 'Ed25519' }, false, ['verify'])
      keys.set(hex, cryptoKey)
    }
    items.push({ key: cryptoKey, message: signatureInputOf(bytes), signature: event.sig })
  }
  return ctx.throughput('sync-transfer.verify-baseline', async () => {
    for (let start = 0; start < items.length; start += 64) {
      const window = items.slice(start, start + 64)
      const ok = await Promise.all(window.map((it) => crypto.subtle.verify({ name: 'Ed25519' }, it.key, it.signature, it.message)))
      if (ok.includes(false)) fail('raw verify returned false')
    }
    return items.length
  }, ctx.quick ? { options: { warmupMs: 0, roundMs: 1, rounds: 1 } } : {})
}

export const syncTransferBench: BenchModule = {
  name: 'sync-transfer',
  async run(ctx: BenchContext): Promise<Row[]> {
    const n = ctx.quick ? QUICK : FULL
    const history = await buildHistory(n, (m) => { ctx.log(m) })
    const baseline = await verifyBaseline(history.events, ctx)

    const fresh = (): Promise<RoomStore> => RoomStore.open(new MemoryStorageAdapter(), history.genesis)
    let joiner = await fresh()
    let report: SyncReport | undefined
    const timed = await measureDuration(async () => {
      report = await syncRoom(joiner, [peerOf(history.source)], { clock: neverClock })
    }, { rounds: ctx.quick ? 1 : 2, warmups: 0, setup: async () => { joiner = await fresh() } })
    if (report?.complete !== true) fail('the sync did not complete')
    const channelLog = report.logs.find((l) => l.log.kind === 'channel') ?? fail('no channel log in the report')
    if (channelLog.stored !== n) fail(`the joiner stored ${channelLog.stored} of ${n} events`)
    const traffic = report.peers[0] ?? fail('no peer in the report')
    const bytes = traffic.bytesIn + traffic.bytesOut
    const messages = traffic.messagesIn + traffic.messagesOut
    const perSecond = n / (timed.ms / 1000)
    ctx.log(`  sync-transfer.full-100k: ${formatNumber(perSecond)} events/s (${formatNumber(timed.ms)} ms), ${formatNumber(bytes)} bytes in ${messages} messages`)
    return [
      baseline,
      { id: 'sync-transfer.full-100k', value: perSecond, unit: 'ops/s', baselineId: baseline.id, spread: timed.spread },
      { id: 'sync-transfer.full-100k.bytes', value: bytes, unit: 'bytes' },
      { id: 'sync-transfer.full-100k.messages', value: messages, unit: 'messages' }
    ]
  }
}
