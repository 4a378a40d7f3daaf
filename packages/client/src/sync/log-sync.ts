/**
 * Syncing one log of a room with several peers at once (PROTOCOL.md §8.10):
 * reconcile with every live peer against a snapshot of what we store, plan
 * the fetches over all of them (FetchPlan), fetch in parallel, ingest what
 * arrives (the replica verifies and judges), and repeat until a pass stores
 * nothing new. Ids the log reports missing (parents nobody advertised) are
 * asked for by id. A peer that breaks a rule is dropped for the rest of the
 * sync; what it was to deliver goes to the others.
 *
 * Resuming is free: each pass reconciles against what is stored now, and
 * the plan asks `has` before every request, so nothing stored is fetched
 * again.
 */
import {
  compareBytes, FetchPlan, initiateReconcile, matchDelivery, MAX_FETCH_IDS, ProtocolError, toHex,
  type Bytes, type ItemKey, type ReconcileOptions, type SyncWireMessage
} from '@hearth/protocol'
import { SyncPeerError } from './errors.ts'
import type { PeerLink } from './peer-link.ts'
import type { IngestResult, LogRef, SyncReplica } from './replica.ts'

/** Tuning of a log sync. */
export interface LogSyncOptions {
  /** Ids per fetch request (≤ MAX_FETCH_IDS). */
  readonly batch: number
  /** Most reconcile-and-fetch passes per log. */
  readonly maxPasses: number
  /** Most keys one peer may claim we lack in one session. */
  readonly maxNeedPerPeer: number
  /** Rounds asking peers for missing ids by id, per pass. */
  readonly maxMissingRounds: number
  readonly reconcile: ReconcileOptions | undefined
}

/** What syncing one log did. */
export interface LogSyncReport {
  readonly log: LogRef
  /** Records newly stored. */
  stored: number
  /** Records refused by the log (each made its sender fail). */
  rejected: number
  /** Ids requested from peers (every fetch, every peer). */
  requested: number
  /** Advertised keys no live peer delivered. */
  unavailable: number
  /** Ids the log still waits for when the sync ended. */
  missing: number
  /** Reconcile-and-fetch passes run. */
  passes: number
  /** Every key a peer that is still live advertised is stored, and the log waits for nothing. */
  settled: boolean
  /** Peers that do not know this log (not a failure). */
  readonly unknownAt: string[]
}

interface Ctx {
  readonly replica: SyncReplica
  readonly log: LogRef
  readonly options: LogSyncOptions
  readonly report: LogSyncReport
  /** Records delivered per peer. */
  readonly delivered: Map<string, number>
  /** Ids the log waits for, from the last ingest. */
  missing: readonly Bytes[]
}

/** Sync one log with the live links; links whose peers misbehave are failed (see {@link PeerLink.fail}). */
export async function syncLog(replica: SyncReplica, log: LogRef, links: readonly PeerLink[], options: LogSyncOptions, delivered: Map<string, number>): Promise<LogSyncReport> {
  const report: LogSyncReport = { log, stored: 0, rejected: 0, requested: 0, unavailable: 0, missing: 0, passes: 0, settled: false, unknownAt: [] }
  const ctx: Ctx = { replica, log, options, report, delivered, missing: [] }
  const advertised = new Map<PeerLink, readonly ItemKey[]>()
  for (let pass = 0; pass < options.maxPasses; pass++) {
    const live = links.filter((l) => l.alive && !report.unknownAt.includes(l.peer))
    if (live.length === 0) break
    report.passes++
    const before = report.stored
    const plan = new FetchPlan({ isStored: (key) => replica.has(log, key), maxBatch: options.batch, maxInFlightPerPeer: options.batch })
    const needs = await Promise.all(live.map((link) => attempt(link, () => reconcileWith(ctx, link))))
    advertised.clear()
    live.forEach((link, i) => {
      const need = needs[i]
      if (need !== undefined && need !== 'unknown-log') {
        plan.advertise(link.peer, need)
        advertised.set(link, need)
      }
      if (need === 'unknown-log') report.unknownAt.push(link.peer)
    })
    await runPlan(ctx, plan, live)
    report.unavailable = plan.unavailable().filter((key) => !replica.has(log, key)).length
    await fetchMissing(ctx, live)
    if (report.stored === before) break
  }
  report.missing = ctx.missing.length
  report.settled = report.passes > 0 && ctx.missing.length === 0 &&
    [...advertised].every(([link, keys]) => !link.alive || keys.every((key) => replica.has(log, key)))
  return report
}

/** Run `fn`; a peer failure gives undefined (the link is already failed), anything else is a bug and throws. */
async function attempt<T>(link: PeerLink, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof SyncPeerError) return undefined
    throw err
  }
}

/** How a request names the log (§8.10.1): `channel`, `log`, or neither for the authority log. */
function wireLog(log: LogRef): { channel?: Bytes; log?: 'profiles' } {
  return log.kind === 'channel' ? { channel: log.channel } : log.kind === 'profiles' ? { log: 'profiles' } : {}
}

/** One reconciliation session with a peer: the keys it has that we lack, or 'unknown-log'. */
async function reconcileWith(ctx: Ctx, link: PeerLink): Promise<ItemKey[] | 'unknown-log'> {
  const { session, message } = initiateReconcile(ctx.replica.reconcileStore(ctx.log), ctx.options.reconcile)
  let answer = await link.request({ type: 'sync-open', room: ctx.replica.room, ...wireLog(ctx.log), rbsr: message })
  let needed = 0
  for (;;) {
    if (answer.type === 'sync-error') {
      if (answer.code === 'unknown-log') return 'unknown-log'
      throw link.fail('refused', `${answer.code}${answer.detail === undefined ? '' : `: ${answer.detail}`}`)
    }
    if (answer.type !== 'sync-msg') throw link.fail('unexpected', `${answer.type} during reconciliation`)
    let step
    try {
      step = session.receive(answer.rbsr)
    } catch (err) {
      if (err instanceof ProtocolError) throw link.fail('reconcile', `${err.name}: ${err.message}`, err)
      throw err
    }
    needed += step.need.length
    if (needed > ctx.options.maxNeedPerPeer) throw link.fail('too-many-items', `claims more than ${ctx.options.maxNeedPerPeer} items we lack`)
    if (step.reply === undefined) break
    if (step.done) {
      // Our last message: the peer learns from it and answers nothing.
      await link.request({ type: 'sync-msg', rbsr: step.reply }, false)
      break
    }
    answer = await link.request({ type: 'sync-msg', rbsr: step.reply })
  }
  return session.need()
}

/** Fetch everything the plan holds, one outstanding batch per peer, all peers at once. */
async function runPlan(ctx: Ctx, plan: FetchPlan, live: readonly PeerLink[]): Promise<void> {
  const byPeer = new Map(live.map((l) => [l.peer, l]))
  const running = new Map<string, Promise<void>>()
  for (;;) {
    // One request at a time per conversation: answers are matched to requests by order.
    for (const request of plan.next((peer) => !running.has(peer))) {
      const link = byPeer.get(request.peer)
      if (link === undefined) throw new Error(`fetch plan names an unknown peer ${request.peer}`)
      running.set(request.peer, fetchBatch(ctx, plan, link, request.keys).finally(() => running.delete(request.peer)))
    }
    if (running.size === 0) return
    await Promise.race(running.values())
  }
}

async function fetchBatch(ctx: Ctx, plan: FetchPlan, link: PeerLink, keys: readonly ItemKey[]): Promise<void> {
  const byId = new Map(keys.map((k) => [toHex(k.id), k]))
  const ids = [...byId.values()].map((k) => k.id).sort(compareBytes)
  const keyOf = (id: Bytes): ItemKey => byId.get(toHex(id)) as ItemKey
  try {
    const got = await fetchIds(ctx, link, ids)
    if (got === 'unknown-log') {
      plan.peerFailed(link.peer)
      return
    }
    const { delivery, result } = got
    const sent = new Set(delivery.records.map((r) => toHex(r.id)))
    const answered = ids.slice(0, ids.length - delivery.unanswered.length)
    const ok: ItemKey[] = []
    const notOk: ItemKey[] = []
    for (const id of answered) {
      const key = keyOf(id)
      // Delivered and not refused: stored, or waiting for a parent or held for authority (the log keeps it).
      if (ctx.replica.has(ctx.log, key) || (sent.has(toHex(id)) && result.rejected === 0)) ok.push(key)
      else notOk.push(key)
    }
    plan.delivered(link.peer, ok)
    plan.notDelivered(link.peer, notOk)
    // Ids that did not fit in the answer: still the peer's to send.
    const unanswered = delivery.unanswered.map(keyOf)
    plan.notDelivered(link.peer, unanswered)
    plan.advertise(link.peer, unanswered)
    if (result.rejected > 0) throw link.fail('bad-record', `${result.rejected} of ${delivery.records.length} records refused by the log`)
    // Logs only grow, so an advertised record not sent is withheld. The profile set replaces versions: the
    // peer may have stored a newer one since its snapshot (§8.10.3), which the next pass reconciles.
    if (delivery.absent.length > 0 && ctx.log.kind !== 'profiles') throw link.fail('withheld', `${delivery.absent.length} advertised records not sent`)
  } catch (err) {
    if (!(err instanceof SyncPeerError)) throw err
    plan.peerFailed(link.peer)
  }
}

/** Ask one peer for records by id and ingest what it sends. */
async function fetchIds(ctx: Ctx, link: PeerLink, ids: readonly Bytes[]): Promise<{ delivery: ReturnType<typeof matchDelivery>; result: IngestResult } | 'unknown-log'> {
  ctx.report.requested += ids.length
  const answer: SyncWireMessage = await link.request({ type: 'sync-fetch', room: ctx.replica.room, ...wireLog(ctx.log), ids })
  if (answer.type === 'sync-error') {
    if (answer.code === 'unknown-log') return 'unknown-log'
    throw link.fail('refused', answer.code)
  }
  if (answer.type !== 'sync-records') throw link.fail('unexpected', `${answer.type} in answer to a fetch`)
  let delivery
  try {
    delivery = matchDelivery(ids, answer)
  } catch (err) {
    if (err instanceof ProtocolError) throw link.fail('unrequested-record', err.message, err)
    throw err
  }
  if (answer.upto === 0) throw link.fail('no-progress', 'answered none of the ids asked')
  const result = delivery.records.length === 0
    ? { stored: 0, rejected: 0, duplicates: 0, missing: ctx.missing }
    : await ctx.replica.ingest(ctx.log, delivery.records.map((r) => r.bytes))
  ctx.report.stored += result.stored
  ctx.report.rejected += result.rejected
  ctx.missing = result.missing
  ctx.delivered.set(link.peer, (ctx.delivered.get(link.peer) ?? 0) + delivery.records.length)
  return { delivery, result }
}

/**
 * Ask for the ids the log waits for (parents no peer advertised), peer by
 * peer, until none is missing or no peer has any of them.
 */
async function fetchMissing(ctx: Ctx, live: readonly PeerLink[]): Promise<void> {
  for (let round = 0; round < ctx.options.maxMissingRounds && ctx.missing.length > 0; round++) {
    let progress = false
    for (const link of live) {
      if (!link.alive || ctx.missing.length === 0) continue
      const ids = [...ctx.missing].sort(compareBytes).slice(0, Math.min(ctx.options.batch, MAX_FETCH_IDS))
      const got = await attempt(link, () => fetchIds(ctx, link, ids))
      if (got === undefined || got === 'unknown-log') continue
      if (got.result.rejected > 0) link.fail('bad-record', `${got.result.rejected} records refused by the log`)
      if (got.result.stored > 0) progress = true
    }
    if (!progress) return
  }
}
