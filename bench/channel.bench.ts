/**
 * Channel history on disk (PROTOCOL.md §7, docs/drafts/storage-layout.md):
 * ingesting synced events into a `RoomStore` on `@hearth/store-sqlite`, and
 * opening a stored channel again.
 *
 * Rows (one op is one event, so every unit is `ops/s`):
 * - channel.verify-raw: the events' own signatures checked by raw WebCrypto
 *   (keys imported once, 64 in flight), measured in the same rounds as the
 *   ingest: the platform's ceiling for this data on this machine now.
 * - channel.log-add: `ChannelLog.add` alone (decode, verify, linkage,
 *   acceptance; nothing stored), same batches: what the store builds on.
 *   Baseline: channel.verify-raw. channel.ingest ÷ channel.log-add is the
 *   cost of persisting.
 * - channel.ingest: `RoomStore.ingest` of every event, in batches of 1,000
 *   (what one sync fetch delivers), into a fresh store on a SQLite file whose
 *   authority log is already in place: decode, batch signature verify,
 *   linkage and acceptance (the room's authority hook at the cited point),
 *   reconciliation keys, and one atomic saveBatch per call (key encoding,
 *   integrity envelope, SQLite insert). Baseline: channel.verify-raw; the
 *   goal is a ratio of at least 0.8.
 * - channel.open: `RoomStore.open` of that stored room by its id (the
 *   authority log re-verified, the channel's events read, checked against
 *   their keys and re-inserted, trusted: see room-loader.ts). Baseline:
 *   channel.verify-raw (above 1 means opening beats re-verifying).
 * - channel.open-verified: the same with `verifyOnLoad` (signatures checked
 *   again). Baseline: channel.open.
 *
 * The channel: 8 members post in turn, each event on the previous one (a
 * linear history, as one busy channel looks after sync), citing the
 * authority heads; 20,000 events (2,000 with BENCH_QUICK=1), ~180 bytes each.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  authorityAcceptHook, ChannelLog, createGenesis, keypairFromSeed, MemoryStorageAdapter, sha256, signChannelEvent, signatureInputOf, toHex,
  type Bytes, type ChannelEventNode, type Keypair, type Verified
} from '@hearth/protocol'
import { RoomStore } from '@hearth/client'
import { SqliteStorageAdapter } from '@hearth/store-sqlite'
import { formatNumber, type BenchContext, type BenchModule, type Row } from './harness.ts'

const T0 = 1_750_000_000_000
const BATCH = 1000
const WINDOW = 64
const encoder = new TextEncoder()

function fail(what: string): never {
  throw new Error(`channel bench: ${what}`)
}

function keyOf(label: string): Keypair {
  return keypairFromSeed(sha256(encoder.encode(`hearth bench channel key ${label}`)))
}

interface Fixture {
  readonly source: RoomStore
  readonly channel: Bytes
  readonly authority: readonly Uint8Array[]
  readonly events: readonly Verified<ChannelEventNode>[]
}

/** A room with a channel and 8 members, and `count` events written on each other. */
async function buildFixture(count: number): Promise<Fixture> {
  const owner = keyOf('owner')
  const genesis = await createGenesis(owner, {
    name: 'Bench Channel', created: T0, policy: { join: 'open', discoverable: 'unlisted' }, nonce: new Uint8Array(16).fill(3)
  })
  const source = await RoomStore.open(new MemoryStorageAdapter(), genesis)
  const channel = sha256(encoder.encode('hearth bench channel')).slice(0, 16)
  await source.postAuthority(owner, { op: 'channel-create', channel, name: 'general', kind: 'text', position: 0 }, T0)
  const members = [owner, ...Array.from({ length: 7 }, (_, i) => keyOf(`member ${i}`))]
  for (const [i, kp] of members.slice(1).entries()) await source.postAuthority(kp, { op: 'join' }, T0 + 1 + i)
  const auth = source.authority.heads().ids
  const events: Verified<ChannelEventNode>[] = []
  let parents: Bytes[] = []
  for (let i = 0; i < count; i++) {
    const kp = members[i % members.length] as Keypair
    const node = await signChannelEvent(kp, {
      room: genesis.room, channel, lamport: i + 1, parents, auth, at: T0 + 60_000 + i * 1000,
      body: { kind: 'post', content: { text: `message ${i}: the quick brown fox jumps over the lazy dog` } }
    })
    events.push(node)
    parents = [node.id]
  }
  return { source, channel, authority: source.authority.entries.map((e) => e.node.bytes), events }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function row(ctx: BenchContext, id: string, units: number, times: readonly number[], baselineId?: string): Row {
  const rates = times.map((ms) => (units * 1000) / ms)
  const value = median(rates)
  const spread = value > 0 ? (Math.max(...rates) - Math.min(...rates)) / value : 0
  ctx.log(`  ${id}: ${formatNumber(value)} ops/s (±${((spread / 2) * 100).toFixed(1)}%, ${formatNumber(median(times))} ms for ${units})`)
  return { id, value, unit: 'ops/s', spread, ...(baselineId === undefined ? {} : { baselineId }) }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

async function run(ctx: BenchContext): Promise<Row[]> {
  const count = ctx.quick ? 2000 : 20_000
  const rounds = ctx.quick ? 1 : 3
  const t0 = performance.now()
  const fixture = await buildFixture(count)
  const { channel, events } = fixture
  const encoded = events.map((n) => n.bytes)
  ctx.log(`  channel: ${count} events, ${(encoded.reduce((a, b) => a + b.length, 0) / count).toFixed(0)} B each (written in ${((performance.now() - t0) / 1000).toFixed(1)} s)`)

  const algorithm = { name: 'Ed25519' }
  const keys = new Map<string, CryptoKey>()
  for (const { event } of events) {
    const hex = toHex(event.author)
    if (!keys.has(hex)) keys.set(hex, await crypto.subtle.importKey('raw', event.author, algorithm, false, ['verify']))
  }
  const raw = events.map(({ event, bytes }) => ({ key: keys.get(toHex(event.author)) ?? fail('no key'), message: signatureInputOf(bytes), signature: event.sig }))
  const verifyRaw = async (): Promise<void> => {
    for (let start = 0; start < raw.length; start += WINDOW) {
      const ok = await Promise.all(raw.slice(start, start + WINDOW).map((it) => crypto.subtle.verify(algorithm, it.key, it.signature, it.message)))
      if (ok.includes(false)) fail('raw verify returned false')
    }
  }

  const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-channel-'))
  try {
    let file = 0
    let lastPath = ''
    const ingestOnce = async (): Promise<number> => {
      lastPath = join(dir, `ingest-${file++}.db`)
      const adapter = await SqliteStorageAdapter.open(lastPath)
      const store = await RoomStore.open(adapter, fixture.source.genesis)
      await store.ingest({ kind: 'authority' }, fixture.authority)
      const ms = await timed(async () => {
        for (let start = 0; start < encoded.length; start += BATCH) {
          const result = await store.ingest({ kind: 'channel', channel }, encoded.slice(start, start + BATCH))
          if (result.stored !== Math.min(BATCH, encoded.length - start)) fail(`ingest stored ${result.stored}: ${JSON.stringify({ ...result, missing: result.missing.length })}`)
        }
      })
      if (store.channel(channel).size !== count) fail('not every event was stored')
      await store.close()
      await adapter.close()
      return ms
    }
    const authorityLog = fixture.source.authority
    const logAdd = async (): Promise<void> => {
      const log = new ChannelLog({ room: fixture.source.room, channel, accept: authorityAcceptHook(authorityLog) })
      for (let start = 0; start < encoded.length; start += BATCH) await log.add(encoded.slice(start, start + BATCH))
      if (log.size !== count) fail('ChannelLog.add did not store every event')
    }
    // Warm-up (JIT, key caches), untimed. Rounds alternate the ops, so load drift hits all alike.
    await verifyRaw()
    await logAdd()
    await ingestOnce()
    const verifyTimes: number[] = []
    const logAddTimes: number[] = []
    const ingestTimes: number[] = []
    for (let r = 0; r < rounds; r++) {
      verifyTimes.push(await timed(verifyRaw))
      logAddTimes.push(await timed(logAdd))
      ingestTimes.push(await ingestOnce())
    }

    const openTimes: number[] = []
    const openVerifiedTimes: number[] = []
    const openOnce = async (verifyOnLoad: boolean): Promise<number> => {
      const adapter = await SqliteStorageAdapter.open(lastPath)
      let opened: RoomStore | undefined
      const ms = await timed(async () => { opened = await RoomStore.open(adapter, fixture.source.room, { verifyOnLoad }) })
      if (opened?.channel(channel).size !== count || opened.damage.lost.length > 0) fail('reopened channel differs')
      await adapter.close()
      return ms
    }
    await openOnce(false)
    for (let r = 0; r < rounds; r++) {
      openTimes.push(await openOnce(false))
      openVerifiedTimes.push(await openOnce(true))
    }
    return [
      row(ctx, 'channel.verify-raw', count, verifyTimes),
      row(ctx, 'channel.log-add', count, logAddTimes, 'channel.verify-raw'),
      row(ctx, 'channel.ingest', count, ingestTimes, 'channel.verify-raw'),
      row(ctx, 'channel.open', count, openTimes, 'channel.verify-raw'),
      row(ctx, 'channel.open-verified', count, openVerifiedTimes, 'channel.open')
    ]
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export const channelBench: BenchModule = { name: 'channel', run }
