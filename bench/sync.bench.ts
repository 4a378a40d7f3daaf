/**
 * History sync (packages/protocol/src/sync): range-based set reconciliation
 * between two in-memory stores, run back to back in one process.
 *
 * Rows:
 * - sync.reconcile.d10-n100k.bytes (bytes): everything both sides send to
 *   reconcile two 100,000-item sets that differ by 10 items (5 on each side,
 *   at random places). A count, not a time: deterministic for a given
 *   protocol, so a change in it is a change in the protocol's efficiency.
 * - sync.reconcile.d10-n100k.rounds (rounds): messages in that session, both
 *   directions (a round trip is two).
 * - sync.reconcile.full-100k (items/s): a late joiner with an empty store
 *   reconciles against a 100,000-item store, both sides' work timed (≈25
 *   round trips at ≤ 4,096 ids per message); the joiner ends knowing every
 *   id. No baseline: a baseline must share the unit, and no other module
 *   measures items/s (crypto.sha256.64b is ops/s).
 *
 * Keys are deterministic: ids are SHA-256 of an index, Lamport times grow by
 * 0–3 per item. Store construction (one SHA-256 per item) is not timed.
 */
import { sha256, type Bytes } from '@hearth/protocol'
import { MemoryReconcileStore, runSession, type ItemKey } from '@hearth/protocol'
import { formatNumber, measureDuration, type BenchContext, type BenchModule, type Row } from './harness.ts'

const N = 100_000
const D = 10

function fail(what: string): never {
  throw new Error(`sync bench: ${what}`)
}

function u32be(n: number): Bytes {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

function makeKeys(n: number): ItemKey[] {
  const keys: ItemKey[] = []
  let lamport = 1
  for (let i = 0; i < n; i++) {
    lamport += (i * 7919) % 4
    keys.push({ lamport, id: sha256(u32be(i)) })
  }
  return keys
}

export const syncBench: BenchModule = {
  name: 'sync',
  async run(ctx: BenchContext): Promise<Row[]> {
    const keys = makeKeys(N)
    const full = MemoryReconcileStore.from(keys)

    // d = 10: every 10,000th key is missing on one side or the other.
    const a = full.clone()
    const b = full.clone()
    for (let i = 0; i < D; i++) (i % 2 === 0 ? a : b).delete(keys[i * (N / D) + 17] ?? fail('key'))
    const diff = runSession(a, b)
    if (diff.initiator.have().length + diff.initiator.need().length !== D) fail('the d=10 session missed a difference')
    ctx.log(`  sync.reconcile.d10-n100k: ${formatNumber(diff.bytes)} bytes in ${diff.messages} messages`)

    const empty = MemoryReconcileStore.from([])
    let learned = 0
    const timed = await measureDuration(() => { learned = runSession(empty, full).initiator.need().length }, {
      rounds: ctx.quick ? 1 : 5,
      warmups: ctx.quick ? 0 : 1
    })
    if (learned !== N) fail(`the joiner learned ${learned} of ${N} ids`)
    const itemsPerSecond = N / (timed.ms / 1000)
    ctx.log(`  sync.reconcile.full-100k: ${formatNumber(itemsPerSecond)} items/s (${formatNumber(timed.ms)} ms)`)

    return [
      { id: 'sync.reconcile.d10-n100k.bytes', value: diff.bytes, unit: 'bytes' },
      { id: 'sync.reconcile.d10-n100k.rounds', value: diff.messages, unit: 'rounds' },
      { id: 'sync.reconcile.full-100k', value: itemsPerSecond, unit: 'items/s', spread: timed.spread }
    ]
  }
}
