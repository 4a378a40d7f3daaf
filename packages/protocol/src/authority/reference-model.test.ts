/**
 * Convergence against an independent reference model (issue requirement 1).
 *
 * Random multi-author histories (owners, mods, custom roles, plain members,
 * outsiders, a banned key; every action kind; checkpoints by the creator,
 * some equivocating; forks from stale views; partitions that heal) are
 * delivered to several replicas in different orders and batch splits. Every
 * replica must end with the same order and state as `referenceReplay`, which
 * takes all entries at once; the shuffled replica is also compared with the
 * reference after every batch, on the entries it has stored so far.
 *
 * Runs are reproducible: the base seed is fixed. A failing run prints its
 * seed and path; add it to `regressions` below with a comment.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { AuthorityLog, type AddResult } from './authority-log.ts'
import { AuthorityRejectedError } from './rejection.ts'
import type { EntryNode } from './entry.ts'
import type { AuthorityState } from './state.ts'
import { toHex } from '../bytes.ts'
import {
  ACTORS, CAPS_POOL, CHANNEL_POOL, RANK_POOL, ROLE_POOL, Rng, buildHistory, canonicalState, historyPrelude, linesOf,
  reasons, referenceReplay, simulateClients, snapshotOf, type History, type Reference, type OpSpec, type Step
} from './test-support.ts'

const BASE_SEED = 0x4ea27
const NUM_RUNS = 120

/** Counterexamples found so far; each replays on every run. */
const regressions: readonly { readonly property: 'history' | 'clients'; readonly seed: number; readonly path: string; readonly comment: string }[] = [
  // { property: 'history', seed: 0, path: '0:0', comment: 'what broke and how it was fixed' },
  {
    property: 'history',
    seed: 322087,
    path: '3:6:5:5:5:11:11:17:17:17:17:17:24:24:24:30:30:30:46:40:6:10:14:15:15:15:15:15:15:15:19:20:20:20:20:25:25:25:25:30:30:30:33:32:32:32:32:32:36:36:36:38:38:38:38:42:42:42:44:43:43:43:43:43:45:44:44:44:46:46:46:46:49:49:46:46:46:46:46:46:46:46:46:46:46:46:46:58',
    comment: 'nearly every act by the creator has a bad Lamport and builds on the last; a checkpoint sits on top. '
      + 'Found a harness bug (re-sending an entry refused before storage is not a duplicate); kept as a stress case '
      + 'for dropping entries that wait on refused ones'
  }
]

const idx = (n: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: n - 1 })
const actor = idx(ACTORS.length)
/** Authors: mostly the ones with authority, sometimes anyone. */
const author = fc.oneof({ arbitrary: idx(6), weight: 3 }, { arbitrary: actor, weight: 2 })

/** Role holders after the prelude, as [actor, role index]: revoking these can succeed. */
const HELD: readonly (readonly [number, number])[] = [[1, 0], [2, 1], [3, 1], [4, 3], [5, 4]]
/** Actors without roles (plain members, outsiders, the banned one). */
const lowly = fc.integer({ min: 6, max: ACTORS.length - 1 })

const specArb: fc.Arbitrary<OpSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('grant' as const, 'revoke' as const), target: actor, role: idx(ROLE_POOL.length) }) },
  { weight: 3, arbitrary: fc.constantFrom(...HELD).map(([target, role]) => ({ op: 'revoke' as const, target, role })) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('grant' as const), target: lowly, role: fc.constantFrom(1, 3, 4, 5) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('ban' as const, 'kick' as const), target: actor }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('ban' as const, 'kick' as const), target: lowly }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('unban' as const), target: actor }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('timeout' as const), target: actor, clear: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('define-role' as const), role: idx(ROLE_POOL.length), caps: idx(CAPS_POOL.length), rank: idx(RANK_POOL.length) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete-role' as const), role: idx(ROLE_POOL.length) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('set-policy' as const), invite: fc.boolean(), maxUses: idx(3) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('set-meta' as const), variant: idx(6) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('channel-create' as const, 'channel-delete' as const), channel: idx(CHANNEL_POOL.length) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('channel-update' as const), channel: idx(CHANNEL_POOL.length), position: idx(5) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('channel-override' as const), channel: idx(CHANNEL_POOL.length), role: idx(ROLE_POOL.length),
      member: fc.integer({ min: -1, max: ACTORS.length - 1 }), allow: idx(CAPS_POOL.length), deny: idx(CAPS_POOL.length)
    })
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('join' as const), inviter: fc.integer({ min: -1, max: ACTORS.length - 1 }), exp: fc.constantFrom('none' as const, 'past' as const, 'future' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('leave' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('checkpoint' as const), seq: fc.integer({ min: 1, max: 3 }) }) }
)

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ k: fc.constant('act' as const), who: author, spec: specArb, badLamport: fc.integer({ min: 0, max: 59 }).map((x) => x === 0) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('sync' as const), from: actor, to: actor }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('gossip' as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('split' as const), mask: fc.integer({ min: 1, max: (1 << ACTORS.length) - 2 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('heal' as const) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('checkpoint' as const), equivocate: fc.integer({ min: 0, max: 3 }).map((x) => x === 0), adoptSecond: fc.boolean() }) }
)

const historyArb = fc.array(stepArb, { minLength: 4, maxLength: 60, size: 'max' })

/** Allowed refusals-before-storage in a generated history. */
function expectOnlyExpectedInvalid(result: AddResult, h: History, resent: number): void {
  let duplicates = 0
  for (const [i, reason] of reasons(result.invalid).entries()) {
    expect(result.invalid[i]).toBeInstanceOf(AuthorityRejectedError)
    if (reason === 'duplicate') duplicates++
    else expect(h.badLamport.size > 0 && (reason === 'bad-lamport' || reason === 'missing-parents'), `unexpected ${reason}`).toBe(true)
  }
  expect(duplicates).toBe(resent)
}

type Schedule = readonly (readonly EntryNode[])[]

function schedules(h: History, rng: Rng): Record<string, Schedule> {
  const rest = h.entries.filter((n) => !h.sideA.has(n.key))
  const sideA = h.entries.filter((n) => h.sideA.has(n.key))
  return {
    causal: rng.chunks(h.entries, 6),
    shuffled: rng.chunks(rng.shuffle(h.entries), 8),
    reverse: rng.chunks([...h.entries].reverse(), 4),
    // One side of the last partition first (in causal order), then the other side's entries shuffled.
    partition: [...rng.chunks(sideA, 5), ...rng.chunks(rng.shuffle(rest), 5)]
  }
}

async function deliver(name: string, schedule: Schedule, h: History, rng: Rng): Promise<AuthorityLog> {
  const log = new AuthorityLog(h.genesis)
  const sent: EntryNode[] = []
  const send = (nodes: readonly EntryNode[]): Promise<AddResult> =>
    rng.int(2) === 0 ? log.add(nodes.map((n) => n.bytes)) : log.addNodes(nodes)
  for (const batch of schedule) {
    // Occasionally resend something already stored: refused as a duplicate, nothing changes.
    const stored = sent.filter((n) => log.has(n.id))
    if (stored.length > 0 && rng.int(4) === 0) {
      const before = snapshotOf(log)
      const again = await send([stored[rng.int(stored.length)] as EntryNode])
      expectOnlyExpectedInvalid(again, h, 1)
      expect(again.added).toEqual([])
      expect(snapshotOf(log)).toEqual(before)
    }
    const result = await send(batch)
    sent.push(...batch)
    expectOnlyExpectedInvalid(result, h, 0)
    if (log.pendingCount > 0) seen.pendingBatches++
    if (name === 'shuffled') {
      // Incremental = from scratch, on what this replica has stored so far.
      const ref = referenceReplay(h.genesis, log.entries.map((e) => e.node))
      expect(linesOf(log.entries)).toEqual(ref.order)
      expect(canonicalState(log.state)).toBe(canonicalState(ref.state))
    }
  }
  return log
}

/** What the generated histories exercised, so the generator cannot silently degrade. */
const seen = {
  runs: 0,
  entries: 0,
  accepted: new Map<string, number>(),
  refused: new Map<string, number>(),
  chained: 0,
  equivocations: 0,
  tieLevels: 0,
  badLamport: 0,
  pendingBatches: 0
}

function tally(h: History, ref: Reference): void {
  seen.runs++
  seen.entries += h.entries.length
  const nodes = new Map(h.entries.map((n) => [n.key, n]))
  for (const line of ref.order) {
    const op = (nodes.get(line.key) as EntryNode).entry.act.op
    const bucket = line.status === 'accepted' ? seen.accepted : seen.refused
    const name = line.status === 'accepted' ? op : line.status
    bucket.set(name, (bucket.get(name) ?? 0) + 1)
  }
  seen.chained += ref.chain.length
  seen.equivocations += ref.equivocationSeqs.length
  seen.badLamport += h.badLamport.size
  const levels = new Map<number, number>()
  for (const n of h.entries) if (ref.stored.has(n.key)) levels.set(n.entry.lamport, (levels.get(n.entry.lamport) ?? 0) + 1)
  seen.tieLevels += [...levels.values()].filter((c) => c > 1).length
}

async function checkHistory(steps: readonly Step[], deliverySeed: number): Promise<void> {
  const h = await buildHistory(steps)
  const ref = referenceReplay(h.genesis, h.entries)
  tally(h, ref)
  const expected = { state: canonicalState(ref.state), order: ref.order, equivocationSeqs: ref.equivocationSeqs }
  const rng = new Rng(deliverySeed)
  for (const [name, schedule] of Object.entries(schedules(h, rng))) {
    const log = await deliver(name, schedule, h, rng)
    expect(snapshotOf(log), `replica ${name}`).toEqual(expected)
    expect(log.size).toBe(ref.stored.size)
    for (const [i, e] of log.entries.entries()) {
      expect(log.lookup(e.node.id)).toBe(log.entries[i])
      expect(log.get(e.node.id)).toBe(e.node)
    }
    if (h.badLamport.size === 0) {
      expect(log.pendingCount).toBe(0)
      expect(log.missingParents()).toEqual([])
    }
  }
}

const property = fc.asyncProperty(historyArb, fc.integer(), checkHistory)

const CLIENT_RUNS = 60
const clientStats = { runs: 0, entries: 0, forced: 0, refusedLocally: 0 }

/** Real clients (author()/check()/heads() on their own logs) end, after a full exchange, where the reference says. */
async function checkClients(steps: readonly Step[]): Promise<void> {
  const sim = await simulateClients(steps)
  clientStats.runs++
  clientStats.entries += sim.entries.length
  clientStats.forced += sim.forced
  clientStats.refusedLocally += sim.refusedLocally
  const ref = referenceReplay(sim.genesis, sim.entries)
  const expected = { state: canonicalState(ref.state), order: ref.order, equivocationSeqs: ref.equivocationSeqs }
  for (const [i, log] of sim.logs.entries()) {
    expect(snapshotOf(log), `client ${ACTORS[i] ?? i}`).toEqual(expected)
    expect(log.pendingCount).toBe(0)
  }
}

const clientProperty = fc.asyncProperty(historyArb, checkClients)

const POINT_RUNS = 40
let pointsChecked = 0

/**
 * The state at a causal point is the reference replay of that point's past
 * alone, whatever else the log holds (so a channel event is judged the same
 * by every peer, §6.6/§7.4).
 */
async function checkPoints(steps: readonly Step[], pick: number, points = 4): Promise<void> {
  const h = await buildHistory(steps)
  const log = new AuthorityLog(h.genesis)
  await log.addNodes(h.entries)
  const stored = log.entries.map((e) => e.node)
  const byKey = new Map(stored.map((n) => [n.key, n]))
  const pastOf = (heads: readonly EntryNode[]): EntryNode[] => {
    const seen = new Set<string>()
    const stack = heads.map((n) => n.key)
    for (let k = stack.pop(); k !== undefined; k = stack.pop()) {
      const n = byKey.get(k)
      if (!n || seen.has(k)) continue
      seen.add(k)
      for (const p of n.entry.parents) stack.push(toHex(p))
    }
    return stored.filter((n) => seen.has(n.key))
  }
  const rng = new Rng(pick)
  for (let i = 0; i < points && stored.length > 0; i++) {
    const heads = [stored[rng.int(stored.length)] as EntryNode, stored[rng.int(stored.length)] as EntryNode]
    const at = log.stateAt(heads.map((n) => n.id))
    expect(at).toBeDefined()
    expect(canonicalState(at as AuthorityState)).toBe(canonicalState(referenceReplay(h.genesis, pastOf(heads)).state))
    pointsChecked++
  }
}

describe('AuthorityLog against the reference model', () => {
  it('the prelude alone matches the reference', async () => {
    const { genesis, entries } = await historyPrelude()
    const log = new AuthorityLog(genesis)
    await log.add([...entries].reverse().map((n) => n.bytes))
    const ref = referenceReplay(genesis, entries)
    expect(linesOf(log.entries)).toEqual(ref.order)
    expect(ref.order.every((l) => l.status === 'accepted')).toBe(true)
    expect(canonicalState(log.state)).toBe(canonicalState(ref.state))
  })

  it('random histories converge on every replica to the reference order and state', async () => {
    await fc.assert(property, { seed: BASE_SEED, numRuns: NUM_RUNS })
    // The generator must keep exercising what the property is about.
    expect(seen.runs).toBeGreaterThanOrEqual(NUM_RUNS)
    for (const op of ['grant', 'revoke', 'ban', 'unban', 'kick', 'timeout', 'define-role', 'channel-create', 'channel-update', 'channel-delete', 'channel-override', 'set-policy', 'set-meta', 'join', 'leave', 'checkpoint']) {
      expect(seen.accepted.get(op) ?? 0, `accepted ${op}`).toBeGreaterThan(0)
    }
    for (const reason of ['missing-capability', 'rank', 'not-member', 'banned', 'escalation', 'not-creator', 'checkpoint-seq', 'already-member', 'self-action']) {
      expect(seen.refused.get(reason) ?? 0, `refused ${reason}`).toBeGreaterThan(0)
    }
    expect(seen.chained).toBeGreaterThan(NUM_RUNS / 2)
    expect(seen.equivocations).toBeGreaterThan(3)
    expect(seen.tieLevels).toBeGreaterThan(NUM_RUNS)
    expect(seen.pendingBatches).toBeGreaterThan(NUM_RUNS)
    expect(seen.badLamport).toBeGreaterThan(0)
  }, 120_000)

  it('real clients authoring through author() on their own logs converge to the reference', async () => {
    await fc.assert(clientProperty, { seed: BASE_SEED + 1, numRuns: CLIENT_RUNS })
    expect(clientStats.forced).toBeGreaterThan(CLIENT_RUNS)
    expect(clientStats.refusedLocally).toBeGreaterThan(CLIENT_RUNS)
    expect(clientStats.entries - clientStats.runs * 20).toBeGreaterThan(CLIENT_RUNS * 5)
  }, 120_000)

  it('the state at a causal point depends only on that point\'s past', async () => {
    await fc.assert(fc.asyncProperty(historyArb, fc.integer(), (steps, pick) => checkPoints(steps, pick)), { seed: BASE_SEED + 2, numRuns: POINT_RUNS })
    expect(pointsChecked).toBeGreaterThan(POINT_RUNS * 2)
  }, 120_000)

  it('regression (points): concurrent bans around equivocated checkpoints; replaying a point in the full log\'s order disagreed with its own', async () => {
    // Found by the property above at 400 runs before stateAt replayed the past in its own order.
    const steps: Step[] = [
      { k: 'checkpoint', equivocate: true, adoptSecond: true },
      { k: 'act', who: 0, spec: { op: 'ban', target: 2 }, badLamport: false },
      { k: 'checkpoint', equivocate: true, adoptSecond: false },
      { k: 'act', who: 1, spec: { op: 'ban', target: 2 }, badLamport: false },
      { k: 'act', who: 0, spec: { op: 'define-role', role: 0, caps: 0, rank: 0 }, badLamport: true },
      { k: 'act', who: 0, spec: { op: 'channel-override', channel: 0, role: 0, member: 0, allow: 0, deny: 0 }, badLamport: true },
      { k: 'act', who: 0, spec: { op: 'define-role', role: 0, caps: 0, rank: 0 }, badLamport: true },
      { k: 'act', who: 0, spec: { op: 'channel-override', channel: 0, role: 0, member: 0, allow: 0, deny: 0 }, badLamport: true }
    ]
    await checkPoints(steps, 2080366563, 40)
  })

  for (const r of regressions) {
    it(`regression (${r.property}) seed ${r.seed} path ${r.path.slice(0, 16)}…: ${r.comment.slice(0, 80)}`, async () => {
      const params = { seed: r.seed, path: r.path, endOnFailure: true }
      if (r.property === 'clients') await fc.assert(clientProperty, params)
      else await fc.assert(property, params)
    })
  }
})
