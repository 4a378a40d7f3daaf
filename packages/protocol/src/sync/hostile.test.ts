/**
 * A lying peer: every rule a reply must keep against the ranges we left open
 * (PROTOCOL.md §8.6) is broken once and refused with its typed error, the session
 * ends, and bots that split forever or make no real progress are stopped by
 * the depth and round limits. Mutated messages fed to live sessions give
 * only ProtocolErrors.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MemoryReconcileStore } from './item-store.ts'
import {
  boundBetween,
  compareBounds,
  INFINITY_BOUND,
  isInfinite,
  MIN_BOUND,
  type ItemKey,
  type SyncBound
} from './item-key.ts'
import { decodeSyncMessage, encodeSyncMessage, type SyncRange } from './message.ts'
import { initiateReconcile, respondReconcile, type ReconcileOptions, type ReconcileSession } from './reconcile.ts'
import { SyncItemsError, SyncLimitError, SyncStructureError } from './errors.ts'
import { ProtocolError } from '../errors.ts'
import { makeKeys } from './test-support.ts'

const junk = new Uint8Array(16).fill(0xee)
const send = (...ranges: SyncRange[]): Uint8Array => encodeSyncMessage({ ranges })

function expectRejected(session: ReconcileSession, bytes: Uint8Array, type: new (...args: never[]) => ProtocolError, reason: string): void {
  let caught: unknown
  try {
    session.receive(bytes)
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(type)
  expect((caught as { reason: string }).reason).toBe(reason)
  expect(session.done).toBe(true)
  // The session is over: anything further is refused too.
  expect(() => session.receive(send({ upper: INFINITY_BOUND, mode: 'skip' }))).toThrow(SyncStructureError)
}

/** The ranges, with lower bounds, of an encoded message. */
function rangesOf(bytes: Uint8Array): { lower: SyncBound; range: SyncRange }[] {
  let lower = MIN_BOUND
  return decodeSyncMessage(bytes).ranges.map((range) => {
    const out = { lower, range }
    lower = range.upper
    return out
  })
}

describe('hostile replies to a fingerprint', () => {
  const keys = makeKeys(1000, 21)
  const store = MemoryReconcileStore.from(keys)
  const b1 = boundBetween(keys[299] as ItemKey, keys[300] as ItemKey)
  const b2 = boundBetween(keys[599] as ItemKey, keys[600] as ItemKey)

  /** A after the liar's first (well-formed) reply: [MIN, b1) matched and closed, the rest split by A. */
  function afterSplit(): { a: ReconcileSession; open: { lower: SyncBound; range: SyncRange }[] } {
    const { session: a } = initiateReconcile(store)
    const reply = a.receive(send(
      { upper: b1, mode: 'fingerprint', fingerprint: store.fingerprint(MIN_BOUND, b1).fingerprint },
      { upper: b2, mode: 'fingerprint', fingerprint: junk },
      { upper: INFINITY_BOUND, mode: 'fingerprint', fingerprint: junk }
    )).reply
    if (reply === undefined) throw new Error('expected a reply')
    return { a, open: rangesOf(reply).filter((r) => r.range.mode !== 'skip') }
  }

  it('our fingerprint echoed back unchanged: no-progress', () => {
    const { session: a } = initiateReconcile(store)
    expectRejected(a, send({ upper: INFINITY_BOUND, mode: 'fingerprint', fingerprint: junk }), SyncStructureError, 'no-progress')
  })

  it('a diff answering a fingerprint: mode-not-allowed', () => {
    const { session: a } = initiateReconcile(store)
    expectRejected(a, send({ upper: INFINITY_BOUND, mode: 'diff', keys: [], lack: new Uint8Array([1]) }), SyncStructureError, 'mode-not-allowed')
  })

  it('a fingerprint over key space already settled: outside-open-range', () => {
    const { a } = afterSplit()
    expectRejected(a, send({ upper: b1, mode: 'fingerprint', fingerprint: junk }, { upper: INFINITY_BOUND, mode: 'skip' }), SyncStructureError, 'outside-open-range')
  })

  it('a split that runs past its parent: crosses-open-range', () => {
    const { a, open } = afterSplit()
    const first = open[0]
    const second = open[1]
    if (first === undefined || second === undefined) throw new Error('expected open ranges')
    const inside = second.range.upper
    expectRejected(a, send(
      { upper: first.lower, mode: 'skip' },
      { upper: inside, mode: 'fingerprint', fingerprint: junk },
      { upper: INFINITY_BOUND, mode: 'skip' }
    ), SyncStructureError, 'crosses-open-range')
  })

  it('deferring everything from our first open range: no-progress; from a later one: accepted', () => {
    const { a, open } = afterSplit()
    expectRejected(a, send({ upper: b1, mode: 'skip' }, { upper: INFINITY_BOUND, mode: 'fingerprint', fingerprint: junk }), SyncStructureError, 'no-progress')
    const again = afterSplit()
    const second = again.open[1]
    if (second === undefined) throw new Error('expected open ranges')
    expect(compareBounds(second.lower, open[1]?.lower ?? MIN_BOUND)).toBe(0)
    const step = again.a.receive(send({ upper: second.lower, mode: 'skip' }, { upper: INFINITY_BOUND, mode: 'fingerprint', fingerprint: junk }))
    expect(step.reply).toBeDefined()
  })

  it('a rest range that starts inside an open range: crosses-open-range', () => {
    const { a, open } = afterSplit()
    const second = open[1]
    if (second === undefined || second.range.mode !== 'fingerprint') throw new Error('expected a fingerprint range')
    const mid = midBound(second.lower, second.range.upper)
    if (mid === undefined) throw new Error('no bound inside')
    expectRejected(a, send({ upper: mid, mode: 'skip' }, { upper: INFINITY_BOUND, mode: 'fingerprint', fingerprint: junk }), SyncStructureError, 'crosses-open-range')
  })

  it('a first message already split into parts is answered part by part', () => {
    const first = respondReconcile(store, send(
      { upper: b1, mode: 'fingerprint', fingerprint: store.fingerprint(MIN_BOUND, b1).fingerprint },
      { upper: INFINITY_BOUND, mode: 'fingerprint', fingerprint: junk }
    ))
    if (first.reply === undefined) throw new Error('expected a reply')
    const answer = rangesOf(first.reply)
    expect(answer[0]?.range).toEqual({ upper: b1, mode: 'skip' })
    expect(answer.slice(1).every((r) => r.range.mode === 'fingerprint')).toBe(true)
  })

  it('a diff in the very first message: mode-not-allowed', () => {
    let caught: unknown
    try {
      respondReconcile(store, send({ upper: INFINITY_BOUND, mode: 'diff', keys: [keys[0] as ItemKey], lack: new Uint8Array(0) }))
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(SyncStructureError)
    expect((caught as SyncStructureError).reason).toBe('mode-not-allowed')
  })
})

describe('hostile replies to an id list', () => {
  const keys = makeKeys(5, 22)
  const store = MemoryReconcileStore.from(keys)
  const extra = makeKeys(1, 23)[0] as ItemKey
  const fresh = (): ReconcileSession => initiateReconcile(store).session

  it('an id list answering an id list: mode-not-allowed', () => {
    expectRejected(fresh(), send({ upper: INFINITY_BOUND, mode: 'ids', keys: [] }), SyncStructureError, 'mode-not-allowed')
  })

  it('a fingerprint of our whole id list: no-progress; of a part that is not its tail: mode-not-allowed', () => {
    expectRejected(fresh(), send({ upper: INFINITY_BOUND, mode: 'fingerprint', fingerprint: junk }), SyncStructureError, 'no-progress')
    const cut = boundBetween(keys[1] as ItemKey, keys[2] as ItemKey)
    expectRejected(fresh(), send({ upper: cut, mode: 'fingerprint', fingerprint: junk }, { upper: INFINITY_BOUND, mode: 'skip' }), SyncStructureError, 'mode-not-allowed')
  })

  it('a diff that says we lack a key we listed: claims-our-item', () => {
    expectRejected(fresh(), send({ upper: INFINITY_BOUND, mode: 'diff', keys: [keys[2] as ItemKey], lack: new Uint8Array(1) }), SyncItemsError, 'claims-our-item')
  })

  it('a lack bitmap of the wrong length or with padding bits: lack-length, lack-padding', () => {
    expectRejected(fresh(), send({ upper: INFINITY_BOUND, mode: 'diff', keys: [extra], lack: new Uint8Array(2) }), SyncItemsError, 'lack-length')
    expectRejected(fresh(), send({ upper: INFINITY_BOUND, mode: 'diff', keys: [extra], lack: new Uint8Array([0xff]) }), SyncItemsError, 'lack-padding')
  })

  it('a well-formed diff is accepted and ends the session', () => {
    const a = fresh()
    const step = a.receive(send({ upper: INFINITY_BOUND, mode: 'diff', keys: [extra], lack: new Uint8Array([0b10101]) }))
    expect(step.reply).toBeUndefined()
    expect(step.done).toBe(true)
    expect(step.need).toEqual([extra])
    const sorted = store.keys()
    expect(step.have).toEqual([sorted[0], sorted[2], sorted[4]])
  })
})

describe('liars that never finish', () => {
  const keys = makeKeys(3000, 24)
  const store = MemoryReconcileStore.from(keys)

  /**
   * Answers every open range with the least it can get away with: splits each
   * fingerprint range in two at its midpoint (with junk fingerprints), and
   * answers each id list by settling a sliver at its start and handing the
   * rest back as a continuation.
   */
  function sliverLiar(bytes: Uint8Array): Uint8Array {
    const out: SyncRange[] = []
    const skip = (upper: SyncBound): void => {
      const last = out[out.length - 1]
      if (last?.mode === 'skip') out[out.length - 1] = { upper, mode: 'skip' }
      else out.push({ upper, mode: 'skip' })
    }
    for (const { lower, range } of rangesOf(bytes)) {
      // Stay within the message limits (a liar that breaks them is refused sooner, by the decoder).
      const open = (range.mode === 'fingerprint' || range.mode === 'ids') && out.length < 900
      const mid = open ? midBound(lower, range.upper) : undefined
      if (mid === undefined) skip(range.upper)
      else if (range.mode === 'fingerprint') out.push({ upper: mid, mode: 'fingerprint', fingerprint: junk }, { upper: range.upper, mode: 'fingerprint', fingerprint: junk })
      else {
        const sliver = midBound(lower, mid) ?? mid
        skip(sliver)
        out.push({ upper: range.upper, mode: 'fingerprint', fingerprint: junk })
      }
    }
    return encodeSyncMessage({ ranges: out })
  }

  function runAgainstLiar(options: ReconcileOptions): unknown {
    const { session, message } = initiateReconcile(store, options)
    let next = sliverLiar(message)
    for (let i = 0; i < 10_000; i++) {
      try {
        const reply = session.receive(next).reply
        if (reply === undefined) return 'finished'
        next = sliverLiar(reply)
      } catch (err) {
        return err
      }
    }
    return 'runaway'
  }

  it('endless splitting is stopped by the depth limit', () => {
    // Splits only deepen while our side still holds > idsThreshold keys in a range (≈ 2·log16(n) levels
    // here), so the limit is a backstop; a low one shows it firing.
    const err = runAgainstLiar({ maxDepth: 3, maxRounds: 1000 })
    expect(err).toBeInstanceOf(SyncStructureError)
    expect((err as SyncStructureError).reason).toBe('too-deep')
  })

  it('slivers of progress are stopped by the round limit', () => {
    const err = runAgainstLiar({ maxRounds: 40 })
    expect(err).toBeInstanceOf(SyncLimitError)
    expect((err as SyncLimitError).reason).toBe('too-many-rounds')
  })

  it('an honest full sync that needs more rounds than allowed stops with too-many-rounds', () => {
    const { session, message } = initiateReconcile(MemoryReconcileStore.from([]), { maxRounds: 2, maxIdsPerMessage: 100 })
    let step = respondReconcile(store, message, { maxIdsPerMessage: 100 })
    const responder = step.session
    let caught: unknown
    try {
      for (let turn: ReconcileSession = session; step.reply !== undefined; turn = turn === session ? responder : session) {
        step = { ...turn.receive(step.reply), session: responder }
      }
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(SyncLimitError)
  })
})

describe('mutated messages in live sessions', () => {
  it('give only ProtocolErrors (property)', () => {
    const shared = makeKeys(300, 30, 1)
    const a = MemoryReconcileStore.from(shared.slice(0, 280))
    const b = MemoryReconcileStore.from(shared.slice(20))
    const options: ReconcileOptions = { idsThreshold: 4, branching: 4, maxRangesPerMessage: 12 }
    // The honest transcript, to replay up to the message that gets mutated.
    const transcript: Uint8Array[] = []
    const { session: ia, message } = initiateReconcile(a, options)
    transcript.push(message)
    const first = respondReconcile(b, message, options)
    let reply = first.reply
    let turn: ReconcileSession = ia
    while (reply !== undefined) {
      transcript.push(reply)
      reply = turn.receive(reply).reply
      turn = turn === ia ? first.session : ia
    }
    expect(transcript.length).toBeGreaterThan(4)

    fc.assert(fc.property(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), (pick, flips) => {
      const at = pick % transcript.length
      const { session: sa } = initiateReconcile(a, options)
      let sb: ReconcileSession | undefined
      for (let k = 0; k < at; k++) {
        const bytes = transcript[k] as Uint8Array
        if (k === 0) sb = respondReconcile(b, bytes, options).session
        else (k % 2 === 1 ? sa : sb)?.receive(bytes)
      }
      const mutated = (transcript[at] as Uint8Array).slice()
      for (const [i, v] of flips) mutated[i % mutated.length] = v
      try {
        if (at === 0) respondReconcile(b, mutated, options)
        else (at % 2 === 1 ? sa : sb)?.receive(mutated)
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err
      }
    }), { numRuns: 300, seed: 0xbad })
  })
})

/** A canonical bound strictly between `lo` and `hi`, if there is one (40-byte big-endian midpoint). */
function midBound(lo: SyncBound, hi: SyncBound): SyncBound | undefined {
  const toBig = (b: SyncBound): bigint => {
    const lamport = isInfinite(b) ? 2n ** 53n : BigInt(b.lamport)
    let v = lamport
    for (let i = 0; i < 32; i++) v = (v << 8n) | BigInt(b.prefix[i] ?? 0)
    return v
  }
  const a = toBig(lo)
  const z = toBig(hi)
  const m = (a + z) / 2n
  if (m <= a || m >= z) return undefined
  const bytes = new Uint8Array(32)
  for (let i = 31, v = m; i >= 0; i--, v >>= 8n) bytes[i] = Number(v & 0xffn)
  let end = 32
  while (end > 0 && bytes[end - 1] === 0) end--
  return { lamport: Number(m >> 256n), prefix: bytes.slice(0, end) }
}
