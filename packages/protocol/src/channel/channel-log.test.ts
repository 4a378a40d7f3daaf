/**
 * The channel log: order, heads, waiting for parents and delete targets, the
 * Lamport rule, duplicates, the acceptance hook (what it is asked, refusals
 * and their descendants, held events and retryHeld), bounds, and bytes in.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ProtocolError } from '../errors.ts'
import { toHex, type Bytes } from '../bytes.ts'
import { Cap } from '../authority/capabilities.ts'
import { testBytes } from '../test-support.ts'
import { ChannelLog, type ChannelAddResult } from './channel-log.ts'
import { ChannelRejectedError, type AcceptRefusal, type ChannelAcceptHook, type ChannelAcceptRequest } from './acceptance.ts'
import { compareEventOrder } from './event.ts'
import {
  AUTH_KNOWN, AUTH_LATE, AUTHORS, CHANNEL, OTHER_CHANNEL, OTHER_ROOM, ROOM, acceptAll, flipSignatureBit, orderOf, tableHook, text, write, type Node
} from './test-support.ts'

const [alice, bob, carol] = AUTHORS as [typeof AUTHORS[0], typeof AUTHORS[0], typeof AUTHORS[0]]

function open(accept: ChannelAcceptHook = acceptAll, extra: { maxPending?: number; maxHeld?: number; rememberRejections?: number } = {}): ChannelLog {
  return new ChannelLog({ room: ROOM, channel: CHANNEL, accept, ...extra })
}

const keys = (nodes: readonly { key: string }[]): string[] => nodes.map((n) => n.key)
const reasons = (r: ChannelAddResult): string[] => r.rejected.map((e) => e.reason)

/** A small DAG: a ← b, a ← c (concurrent), {b, c} ← d. */
async function diamond(): Promise<{ a: Node; b: Node; c: Node; d: Node }> {
  const a = await write(alice, { kind: 'post', content: text('a') })
  const b = await write(bob, { kind: 'post', content: text('b') }, [a])
  const c = await write(carol, { kind: 'post', content: text('c') }, [a])
  const d = await write(alice, { kind: 'post', content: text('d') }, [b, c])
  return { a, b, c, d }
}

describe('ChannelLog: order and heads', () => {
  it('orders by (lamport, id) whatever the arrival order, and keeps parents before children', async () => {
    const { a, b, c, d } = await diamond()
    const expected = keys([a, ...[b, c].sort(compareEventOrder), d])
    for (const arrival of [[a, b, c, d], [d, c, b, a], [c, a, d, b], [b, d, a, c]]) {
      const log = open()
      for (const n of arrival) log.insert([n])
      expect(orderOf(log)).toEqual(expected)
      expect(log.size).toBe(4)
      expect(log.pendingCount).toBe(0)
      expect(log.missingParents()).toEqual([])
    }
  })

  it('heads are the events nothing names, newest first; a new event gets 1 + the top lamport', async () => {
    const log = open()
    expect(log.heads()).toEqual({ ids: [], lamport: 1 })
    const { a, b, c, d } = await diamond()
    log.insert([a, b, c])
    const h = log.heads()
    expect(new Set(h.ids.map(toHex))).toEqual(new Set([b.key, c.key]))
    expect(h.lamport).toBe(3)
    log.insert([d])
    expect(log.heads()).toEqual({ ids: [d.id], lamport: 4 })
  })

  it('names at most 16 heads, the newest, so the new event still sorts after everything', async () => {
    const log = open()
    const roots: Node[] = []
    for (let i = 0; i < 18; i++) roots.push(await write(alice, { kind: 'post', content: text(`r${i}`) }))
    const deep = await write(bob, { kind: 'post', content: text('deep') }, [roots[0] as Node])
    log.insert([...roots, deep])
    const h = log.heads()
    expect(h.ids).toHaveLength(16)
    expect(toHex(h.ids[0] as Bytes)).toBe(deep.key)
    expect(h.lamport).toBe(3)
    const next = await log.author(carol, { body: { kind: 'post', content: text('next') }, at: 5, auth: [AUTH_KNOWN] })
    expect(log.events[log.events.length - 1]).toBe(next)
  })

  it('author() signs on the heads and stores; refusals throw the typed error', async () => {
    const log = open(tableHook({ caps: [Cap.POST, Cap.REACT] }))
    const p = await log.author(alice, { body: { kind: 'post', content: text('hi') }, at: 1, auth: [AUTH_KNOWN] })
    expect(log.has(p.id)).toBe(true)
    const r = await log.author(bob, { body: { kind: 'react', target: p.id, emoji: '👍' }, at: 2, auth: [AUTH_KNOWN] })
    expect(r.event.parents).toEqual([p.id])
    expect(r.event.lamport).toBe(2)
    const err = await log.author(bob, { body: { kind: 'post', content: text('no') }, at: 3, auth: [AUTH_KNOWN] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChannelRejectedError)
    expect((err as ChannelRejectedError).reason).toBe('missing-capability')
    expect(log.size).toBe(2)
  })
})

describe('ChannelLog: waiting for parents', () => {
  it('holds children of missing parents, reports the missing ids, and releases them in order', async () => {
    const { a, b, c, d } = await diamond()
    const log = open()
    let r = log.insert([d])
    expect(r.added).toEqual([])
    expect(log.pendingCount).toBe(1)
    expect(new Set(r.missing.map(toHex))).toEqual(new Set([b.key, c.key]))
    r = log.insert([b])
    expect(log.pendingCount).toBe(2)
    expect(r.missing.map(toHex)).toEqual([a.key, c.key].sort())
    r = log.insert([a])
    expect(keys(r.added)).toEqual([a.key, b.key])
    expect(r.missing.map(toHex)).toEqual([c.key])
    r = log.insert([c])
    expect(keys(r.added)).toEqual([c.key, d.key])
    expect(r.missing).toEqual([])
    expect(log.status(d.id)).toBe('stored')
  })

  it('a delete waits for its target (its author decides the capability needed)', async () => {
    const asked: ChannelAcceptRequest[] = []
    const log = open((req) => { asked.push(req); return true })
    const p = await write(alice, { kind: 'post', content: text('p') })
    const del = await write(alice, { kind: 'delete', target: p.id }) // a root: the target is not even a parent
    let r = log.insert([del])
    expect(r.added).toEqual([])
    expect(r.missing.map(toHex)).toEqual([p.key])
    expect(log.status(del.id)).toBe('pending')
    r = log.insert([p])
    expect(keys(r.added)).toEqual([p.key, del.key])
    const req = asked.find((q) => q.event.key === del.key)
    expect(req?.needed).toBe(0)
    expect(req?.targetAuthor).toEqual(alice.publicKey)
    // Someone else's delete needs DELETE_OTHERS; other kinds are asked without targetAuthor.
    const other = await write(bob, { kind: 'delete', target: p.id }, [p])
    const react = await write(bob, { kind: 'react', target: p.id, emoji: 'x' }, [p])
    log.insert([other, react])
    expect(asked.find((q) => q.event.key === other.key)).toMatchObject({ needed: Cap.DELETE_OTHERS, targetAuthor: alice.publicKey })
    expect(asked.find((q) => q.event.key === react.key)).toEqual({ event: react, needed: Cap.REACT })
  })

  it('stores edits, reactions and pins whose target is unknown (they wait in the view, not in the log)', async () => {
    const log = open()
    const ghost = testBytes('ghost', 32)
    const nodes = [
      await write(alice, { kind: 'edit', target: ghost, content: text('x') }),
      await write(alice, { kind: 'react', target: ghost, emoji: 'x' }),
      await write(alice, { kind: 'unreact', target: ghost, emoji: 'x' }),
      await write(alice, { kind: 'pin', target: ghost }),
      await write(alice, { kind: 'unpin', target: ghost })
    ]
    expect(log.insert(nodes).added).toHaveLength(5)
    expect(log.missingParents()).toEqual([])
  })
})

describe('ChannelLog: refusals', () => {
  it('enforces the Lamport rule, and refuses what builds on a refused event', async () => {
    const a = await write(alice, { kind: 'post', content: text('a') })
    const skewed = await write(bob, { kind: 'post', content: text('b') }, [a], { lamportOffset: 5 })
    const child = await write(carol, { kind: 'post', content: text('c') }, [skewed])
    const grandchild = await write(carol, { kind: 'post', content: text('g') }, [child])
    const delOfSkewed = await write(alice, { kind: 'delete', target: skewed.id }, [a])
    // Descendants first: they wait, then fall with their ancestor.
    const log = open()
    log.insert([grandchild, child, delOfSkewed])
    expect(log.pendingCount).toBe(3)
    let r = log.insert([a, skewed])
    expect(keys(r.added)).toEqual([a.key])
    expect(reasons(r).sort()).toEqual(['bad-lamport', 'parent-rejected', 'parent-rejected', 'target-rejected'])
    expect(log.pendingCount).toBe(0)
    expect(log.missingParents()).toEqual([])
    // Descendants after: refused at once.
    const log2 = open()
    log2.insert([a, skewed])
    r = log2.insert([child, delOfSkewed, grandchild])
    expect(reasons(r)).toEqual(['parent-rejected', 'target-rejected', 'parent-rejected'])
    expect(r.rejected.map((e) => e.id && toHex(e.id))).toEqual([child.key, delOfSkewed.key, grandchild.key])
    expect(orderOf(log2)).toEqual(orderOf(log))
  })

  it('refuses other rooms and channels', async () => {
    const log = open()
    const r = log.insert([
      await write(alice, { kind: 'post', content: text('x') }, [], { room: OTHER_ROOM }),
      await write(alice, { kind: 'post', content: text('x') }, [], { channel: OTHER_CHANNEL })
    ])
    expect(reasons(r)).toEqual(['wrong-room', 'wrong-channel'])
    expect(log.size).toBe(0)
  })

  it('ignores duplicates, stored, waiting or held, in one batch or across batches', async () => {
    const { a, b } = await diamond()
    let known = false
    const log = open(tableHook({ caps: [Cap.POST, Cap.POST, Cap.POST], known: () => known }))
    const late = await write(alice, { kind: 'post', content: text('late') }, [a], { auth: [AUTH_LATE] })
    let r = log.insert([a, a, b, b])
    expect(r.duplicates).toBe(2)
    expect(keys(r.added)).toEqual([a.key, b.key])
    const orphan = await write(alice, { kind: 'post', content: text('o') }, [await write(bob, { kind: 'post', content: text('never') })])
    log.insert([orphan, late])
    r = log.insert([a, orphan, late])
    expect(r.duplicates).toBe(3)
    expect(r.rejected).toEqual([])
    expect(r.added).toEqual([])
    known = true
    expect(keys(log.retryHeld().added)).toEqual([late.key])
  })

  it('passes the hook’s typed reason through; refused events are not stored and re-offers are refused again', async () => {
    const verdicts: Record<string, true | AcceptRefusal> = {}
    let calls = 0
    const log = open((req) => { calls++; return verdicts[req.event.key] ?? true })
    const a = await write(alice, { kind: 'post', content: text('a') })
    const b = await write(bob, { kind: 'post', content: text('b') })
    verdicts[a.key] = 'not-member'
    verdicts[b.key] = 'banned'
    const r = log.insert([a, b])
    expect(reasons(r)).toEqual(['not-member', 'banned'])
    expect(r.rejected[0]).toBeInstanceOf(ChannelRejectedError)
    expect(r.rejected[0]?.name).toBe('ChannelRejectedError')
    expect(log.size).toBe(0)
    expect(log.status(a.id)).toBe('rejected')
    const again = log.insert([a])
    expect(reasons(again)).toEqual(['not-member'])
    expect(calls).toBe(2)
  })
})

describe('ChannelLog: held for unknown authority', () => {
  it('holds events the hook cannot judge yet, keeps their descendants waiting, and admits both on retryHeld', async () => {
    let known = false
    const log = open(tableHook({ caps: [Cap.POST | Cap.REACT, Cap.POST | Cap.REACT, 0], known: () => known }))
    const a = await write(alice, { kind: 'post', content: text('a') })
    const late = await write(bob, { kind: 'post', content: text('late') }, [a], { auth: [AUTH_KNOWN, AUTH_LATE] })
    const child = await write(alice, { kind: 'react', target: late.id, emoji: '👍' }, [late])
    const refused = await write(carol, { kind: 'post', content: text('no caps') }, [a], { auth: [AUTH_LATE] })
    const refusedChild = await write(alice, { kind: 'post', content: text('on refused') }, [refused])
    let r = log.insert([child, refusedChild, a, late, refused])
    expect(keys(r.added)).toEqual([a.key])
    expect(keys(r.held).sort()).toEqual([late.key, refused.key].sort())
    expect(log.heldCount).toBe(2)
    expect(log.pendingCount).toBe(2)
    expect(r.missing).toEqual([]) // the held parents are not missing: nobody needs to send them again
    expect(log.status(late.id)).toBe('held')
    expect(log.heads().ids).toEqual([a.id])
    // Still unknown: nothing changes.
    r = log.retryHeld()
    expect(r.added).toEqual([])
    expect(log.heldCount).toBe(2)
    known = true
    r = log.retryHeld()
    expect(keys(r.added)).toEqual([late.key, child.key])
    expect(reasons(r)).toEqual(['missing-capability', 'parent-rejected'])
    expect(log.heldCount + log.pendingCount).toBe(0)
  })
})

describe('ChannelLog: bounds', () => {
  it('refuses (without remembering) beyond the waiting and held limits', async () => {
    const log = open(tableHook({ caps: [Cap.POST, Cap.POST], known: () => false }), { maxPending: 2, maxHeld: 1 })
    const ghosts = await Promise.all([0, 1, 2].map(async (i) => write(bob, { kind: 'post', content: text(`g${i}`) })))
    const orphans = await Promise.all(ghosts.map((g, i) => write(alice, { kind: 'post', content: text(`o${i}`) }, [g])))
    let r = log.insert(orphans)
    expect(reasons(r)).toEqual(['pending-full'])
    expect(log.pendingCount).toBe(2)
    const l1 = await write(alice, { kind: 'post', content: text('l1') }, [], { auth: [AUTH_LATE] })
    const l2 = await write(alice, { kind: 'post', content: text('l2') }, [], { auth: [AUTH_LATE] })
    r = log.insert([l1, l2])
    expect(reasons(r)).toEqual(['held-full'])
    expect(log.heldCount).toBe(1)
    expect(log.status(l2.id)).toBeUndefined()
    // Not a verdict: once there is room, the same event is taken.
    log.insert([ghosts[0] as Node])
    expect(log.insert([orphans[2] as Node]).rejected).toEqual([])
  })

  it('forgets the oldest refusals beyond its memory; a forgotten refusal is judged again', async () => {
    let calls = 0
    const log = open(() => { calls++; return 'refused' }, { rememberRejections: 2 })
    const nodes = await Promise.all([0, 1, 2].map((i) => write(alice, { kind: 'post', content: text(`${i}`) })))
    log.insert(nodes)
    expect(calls).toBe(3)
    // nodes[0] was forgotten and is asked about again; nodes[2] is still remembered.
    expect(reasons(log.insert([nodes[0] as Node, nodes[2] as Node]))).toEqual(['refused', 'refused'])
    expect(calls).toBe(4)
  })
})

describe('ChannelLog: bytes in', () => {
  it('decodes and verifies; malformed and forged bytes are refused with typed reasons; known events skip verification', async () => {
    const { a, b } = await diamond()
    const forged = flipSignatureBit(b.bytes)
    const log = open()
    const r = await log.add([a.bytes, new Uint8Array([0xa0]), forged, b.bytes, a.bytes, b.bytes.subarray(1)])
    expect(keys(r.added)).toEqual([a.key, b.key])
    expect(reasons(r)).toEqual(['malformed', 'malformed', 'bad-signature'])
    expect(r.rejected[0]?.id).toBeUndefined()
    expect(r.rejected[0]?.cause).toBeInstanceOf(Error)
    expect(r.duplicates).toBe(1)
    expect((await log.add([b.bytes])).duplicates).toBe(1)
  })

  it('merges replicas: either way round gives the same log', async () => {
    const { a, b, c, d } = await diamond()
    const x = open()
    const y = open()
    x.insert([a, b])
    y.insert([d, c, a])
    const xy = open()
    xy.merge(x)
    xy.merge(y)
    const yx = open()
    yx.merge(y)
    yx.merge(x)
    expect(orderOf(xy)).toEqual(orderOf(yx))
    expect(xy.size).toBe(3) // d waits for b on y, and y stores only what it has
    x.merge(y)
    y.merge(x) // y now has b, which releases d
    x.merge(y)
    expect(orderOf(x)).toEqual(orderOf(y))
    expect(x.size).toBe(4)
  })
})

describe('ChannelLog: hostile bytes', () => {
  it('never throws on corrupted, spliced or random bytes; refuses them with typed reasons and stores only genuine events', async () => {
    const { a, b, c, d } = await diamond()
    const genuine = [a, b, c, d]
    const bytesArb = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.tuple(fc.constantFrom(...genuine), fc.nat(), fc.integer({ min: 1, max: 255 })).map(([n, at, x]) => {
        const out = Uint8Array.from(n.bytes)
        const i = at % out.length
        out[i] = (out[i] as number) ^ x
        return out
      }),
      fc.tuple(fc.constantFrom(...genuine), fc.nat(), fc.nat()).map(([n, x, y]) => n.bytes.subarray(Math.min(x, y) % n.bytes.length, 1 + (Math.max(x, y) % n.bytes.length)))
    )
    await fc.assert(fc.asyncProperty(fc.array(bytesArb, { maxLength: 6 }), fc.shuffledSubarray(genuine), async (junk, real) => {
      const log = open()
      const r = await log.add([...junk, ...real.map((n) => n.bytes)])
      for (const e of r.rejected) {
        expect(e).toBeInstanceOf(ProtocolError)
        expect(['malformed', 'bad-signature', 'bad-lamport', 'wrong-room', 'wrong-channel', 'parent-rejected']).toContain(e.reason)
      }
      // A corruption can only yield a different valid event if it still verifies, which Ed25519 rules out.
      expect(log.events.every((n) => genuine.some((g) => g.key === n.key))).toBe(true)
      const expected = open()
      expected.insert(real)
      expect(orderOf(log)).toEqual(orderOf(expected))
    }), { seed: 0x5eed, numRuns: 150 })
  })
})

describe('ChannelLog: quarantine (authors banned now, PROTOCOL.md §7.4.2)', () => {
  const [x, y] = AUTHORS as [(typeof AUTHORS)[number], (typeof AUTHORS)[number]]
  const xHex = toHex(x.publicKey)
  /** X is "banned now": everything X writes is quarantined; Y's events witness X unless they say "no". */
  const hook: ChannelAcceptHook = (req) => (toHex(req.event.event.author) === xHex ? 'quarantine' : true)
  const witness = (w: Node): boolean => toHex(w.event.author) !== xHex && !(w.event.body.kind === 'post' && 'text' in w.event.body.content && w.event.body.content.text === 'no')
  const fresh = (maxQuarantine?: number): ChannelLog =>
    new ChannelLog({ room: ROOM, channel: CHANNEL, accept: hook, witness, ...(maxQuarantine !== undefined ? { maxQuarantine } : {}) })

  it('sets unwitnessed events aside, and releases a whole chain when a witness arrives, in any order', async () => {
    const e1 = await write(x, { kind: 'post', content: text('x1') })
    const e2 = await write(x, { kind: 'post', content: text('x2') }, [e1])
    const no = await write(y, { kind: 'post', content: text('no') }, [e2])
    const w = await write(y, { kind: 'post', content: text('witness') }, [e2])
    for (const order of [[e1, e2, no, w], [w, no, e2, e1], [e2, w, e1, no]]) {
      const log = fresh()
      const before = log.insert(order.filter((n) => n !== w))
      expect(before.added).toEqual([])
      expect(log.size).toBe(0)
      expect(log.missingParents()).toEqual([])
      expect(log.status(e1.id)).toBe('quarantined')
      const after = log.insert([w])
      expect(after.added.map((n) => n.key).sort()).toEqual([e1, e2, no, w].map((n) => n.key).sort())
      expect(log.quarantineCount + log.pendingCount).toBe(0)
    }
  })

  it('is bounded, and a set-aside event counts as known (no second verification)', async () => {
    const log = fresh(1)
    const a = await write(x, { kind: 'post', content: text('a') })
    const b = await write(x, { kind: 'post', content: text('b') })
    expect(log.insert([a]).quarantined).toHaveLength(1)
    expect(log.insert([b]).rejected.map((r) => r.reason)).toEqual(['quarantine-full'])
    expect((await log.add([a.bytes])).duplicates).toBe(1)
  })
})
