/**
 * Hostile input (issue requirement 3): every malformed, forged, misplaced or
 * unauthorised entry is refused with a typed reason, `add` never throws, and
 * the derived state does not change.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { concat, toHex, type Bytes } from '../bytes.ts'
import { encodeCanonical, type CborValue } from '../encoding/cbor.ts'
import {
  NonCanonicalEncodingError, ProtocolError, RecordTooLargeError, SchemaError, TrailingBytesError, TruncatedInputError,
  UnknownRecordTypeError, UnknownVersionError
} from '../errors.ts'
import { AuthorityLog, MAX_PENDING } from './authority-log.ts'
import { applyEntry } from './apply-entry.ts'
import { Cap, MOD } from './capabilities.ts'
import { MAX_ENTRY_BYTES, MAX_PARENTS, type EntryNode } from './entry.ts'
import { AuthorityRejectedError, type RejectReason } from './rejection.ts'
import { cloneState } from './state.ts'
import { Dag, Room, canonicalState, reasons, channelId, hexOf, joinInvite, key, linesOf, signRaw, statusIn, unsignedBody } from './test-support.ts'

/** A concrete ProtocolError class. */
type ErrorClass = abstract new (...args: never[]) => ProtocolError

/** Everything observable about a log, to show nothing changed. */
function observe(log: AuthorityLog): string {
  return JSON.stringify({ state: canonicalState(log.state), order: linesOf(log.entries), size: log.size, pending: log.pendingCount })
}

async function setup(label: string): Promise<{ r: Room; mod: ReturnType<typeof key>; plain: ReturnType<typeof key>; base: EntryNode[] }> {
  const r = await Room.open(label)
  const mod = key(`${label}/mod`)
  const plain = key(`${label}/plain`)
  await r.join(mod, plain)
  await r.must(r.owner, { op: 'grant', target: mod.publicKey, role: MOD })
  await r.must(r.owner, { op: 'channel-create', channel: channelId(label), name: 'c', kind: 'text', position: 0 })
  return { r, mod, plain, base: r.heads() }
}

/** Add bytes that must be refused before storage with an error of one of `classes` (or reason). */
async function expectRefused(log: AuthorityLog, bytes: Uint8Array, expected: ErrorClass | RejectReason): Promise<ProtocolError> {
  const before = observe(log)
  const result = await log.add([bytes])
  expect(result.added).toEqual([])
  expect(result.invalid).toHaveLength(1)
  const err = result.invalid[0]!
  expect(err).toBeInstanceOf(ProtocolError)
  if (typeof expected === 'string') {
    expect(err).toBeInstanceOf(AuthorityRejectedError)
    expect(reasons([err])).toEqual([expected])
  } else {
    expect(err, err.message).toBeInstanceOf(expected)
  }
  expect(observe(log)).toBe(before)
  return err
}

describe('hostile input: signatures and identity', () => {
  it('refuses forged signatures, tampered bodies and entries re-signed by someone else (bad-signature)', async () => {
    const { r, plain, base } = await setup('forgery')
    const good = await r.dag.sign(r.owner, { op: 'ban', target: plain.publicKey }, base)
    // A flipped bit in the signature.
    const sigFlip = Uint8Array.from(good.bytes)
    sigFlip[sigFlip.length - 1] = (sigFlip[sigFlip.length - 1] as number) ^ 0x01
    await expectRefused(r.log, sigFlip, 'bad-signature')
    // The body changed, the owner's signature kept.
    const tampered = encodeCanonical({ ...unsignedBody(good), at: good.entry.at + 1, sig: good.entry.sig })
    await expectRefused(r.log, tampered, 'bad-signature')
    const retargeted = encodeCanonical({ ...unsignedBody(good), act: { op: 'ban', target: r.owner.publicKey }, sig: good.entry.sig })
    await expectRefused(r.log, retargeted, 'bad-signature')
    // Author field says the owner; the plain member signed it.
    await expectRefused(r.log, await signRaw(plain, unsignedBody(good)), 'bad-signature')
    // An author key that is not a valid Ed25519 key (the identity point, of small order).
    const identity = new Uint8Array(32)
    identity[0] = 1
    const err = await expectRefused(r.log, await signRaw(plain, { ...unsignedBody(good), author: identity }), 'bad-signature')
    expect(err.message).toMatch(/not a valid Ed25519 key/)
    // A join whose invite signature does not verify.
    const invite = await joinInvite(r.owner, r.log.genesis.room)
    const badInvite = await r.dag.sign(key('forgery/newcomer'), { op: 'join', invite: { ...invite, sig: Uint8Array.from(invite.sig).fill(7, 0, 8) } }, base)
    await expectRefused(r.log, badInvite.bytes, 'bad-signature')
    // The untouched entry is still accepted.
    expect((await r.log.add([good.bytes])).added.map((n) => n.key)).toEqual([good.key])
    expect(statusIn(r.log, good)).toBe('accepted')
  })

  it('refuses entries of another room (wrong-room), before storage and in the reducer', async () => {
    const { r, base } = await setup('room-a')
    const other = await Room.open('room-b')
    const foreign = await other.dag.sign(other.owner, { op: 'set-meta', name: 'B', tags: [] })
    await expectRefused(r.log, foreign.bytes, 'wrong-room')
    // Same author as room A's creator, room B's id, room A's parents: still another room.
    const crossed = await r.dag.sign(r.owner, { op: 'set-meta', name: 'X', tags: [] }, base, { room: other.log.genesis.room })
    await expectRefused(r.log, crossed.bytes, 'wrong-room')
    const state = cloneState(r.log.state)
    const before = canonicalState(state)
    expect(applyEntry(state, crossed)?.reason).toBe('wrong-room')
    expect(canonicalState(state)).toBe(before)
  })

  it('refuses replayed entries (duplicate), in one batch, across batches and while waiting', async () => {
    const { r, base } = await setup('replay')
    const a = await r.dag.sign(r.owner, { op: 'set-meta', name: 'A', tags: [] }, base)
    const b = await r.dag.sign(r.owner, { op: 'set-meta', name: 'B', tags: [] }, [a])
    const first = await r.log.add([a.bytes, a.bytes])
    expect(first.added.map((n) => n.key)).toEqual([a.key])
    expect(reasons(first.invalid)).toEqual(['duplicate'])
    await expectRefused(r.log, a.bytes, 'duplicate')
    const other = await Room.open('replay')
    expect((await other.log.add([b.bytes])).added).toEqual([])
    await expectRefused(other.log, b.bytes, 'duplicate')
    expect(other.log.pendingCount).toBe(1)
  })
})

describe('hostile input: linkage', () => {
  it('keeps entries with unknown or future parents waiting, without effect', async () => {
    const { r, base } = await setup('orphans')
    const before = canonicalState(r.log.state)
    const ghostParent = await r.dag.sign(r.owner, { op: 'set-meta', name: 'never sent', tags: [] }, base)
    const orphan = await r.dag.sign(r.owner, { op: 'set-meta', name: 'orphan', tags: [] }, [ghostParent])
    // A parent id nobody has (a "future" id), alongside a known one.
    const fake = new Uint8Array(32).fill(0xee)
    const withFake = await signRaw(r.owner, {
      v: 1, t: 'authority', room: r.log.genesis.room, parents: [...base.map((n) => n.id), fake].sort((x, y) => (toHex(x) < toHex(y) ? -1 : 1)),
      lamport: Dag.lamportOn(base) + 1, author: r.owner.publicKey, at: 5, act: { op: 'set-meta', name: 'fake', tags: [] }
    })
    const res = await r.log.add([orphan.bytes, withFake])
    expect(res.added).toEqual([])
    expect(res.invalid).toEqual([])
    expect(r.log.pendingCount).toBe(2)
    expect(res.missing.map((x) => toHex(x)).sort()).toEqual([ghostParent.key, toHex(fake)].sort())
    expect(canonicalState(r.log.state)).toBe(before)
    expect(r.log.has(orphan.id)).toBe(false)
  })

  it('refuses a Lamport that skips, stays, or starts above 1 on the root (bad-lamport)', async () => {
    const { r, base } = await setup('skips')
    const L = Dag.lamportOn(base)
    for (const lamport of [L + 1, L + 1000, L - 1]) {
      const bad = await r.dag.sign(r.owner, { op: 'set-meta', name: `l${lamport}`, tags: [] }, base, { lamport })
      await expectRefused(r.log, bad.bytes, 'bad-lamport')
    }
    const rootBad = await r.dag.sign(r.owner, { op: 'set-meta', name: 'root', tags: [] }, [], { lamport: 3 })
    await expectRefused(r.log, rootBad.bytes, 'bad-lamport')
  })

  it('refuses at most MAX_PENDING waiting entries (pending-full)', async () => {
    expect(MAX_PENDING).toBe(10_000)
    const r = await Room.open('flood')
    const missing = new Uint8Array(32).fill(0xab)
    const flood: Bytes[] = []
    for (let i = 0; i <= MAX_PENDING; i++) {
      flood.push(await signRaw(r.owner, {
        v: 1, t: 'authority', room: r.log.genesis.room, parents: [missing], lamport: 2, author: r.owner.publicKey, at: i,
        act: { op: 'leave' }
      }))
    }
    const res = await r.log.add(flood)
    expect(r.log.pendingCount).toBe(MAX_PENDING)
    expect(reasons(res.invalid)).toEqual(['pending-full'])
    expect(res.missing.map((x) => toHex(x))).toEqual([toHex(missing)])
    expect(r.log.size).toBe(0)
  }, 60_000)
})

describe('hostile input: authority', () => {
  it('stores but refuses entries by banned, revoked, kicked or non-member authors, and rank or self abuse', async () => {
    const { r, mod, plain } = await setup('abuse')
    const banned = key('abuse/banned')
    const revoked = key('abuse/revoked')
    await r.join(banned, revoked)
    await r.must(r.owner, { op: 'grant', target: revoked.publicKey, role: MOD })
    await r.must(r.owner, { op: 'revoke', target: revoked.publicKey, role: MOD })
    await r.must(r.owner, { op: 'ban', target: banned.publicKey })
    const cases: [ReturnType<typeof key>, Parameters<Room['act']>[1], RejectReason][] = [
      [banned, { op: 'set-meta', name: 'mine', tags: [] }, 'banned'],
      [banned, { op: 'join' }, 'banned'],
      [banned, { op: 'unban', target: banned.publicKey }, 'banned'],
      [revoked, { op: 'ban', target: plain.publicKey }, 'missing-capability'],
      [revoked, { op: 'kick', target: plain.publicKey }, 'missing-capability'],
      [key('abuse/stranger'), { op: 'channel-delete', channel: channelId('abuse') }, 'not-member'],
      [mod, { op: 'grant', target: mod.publicKey, role: MOD }, 'missing-capability'],
      [mod, { op: 'ban', target: mod.publicKey }, 'self-action'],
      [mod, { op: 'ban', target: r.owner.publicKey }, 'rank'],
      [plain, { op: 'checkpoint', seq: 1 }, 'not-creator']
    ]
    for (const [kp, act, reason] of cases) {
      const before = canonicalState(r.log.state)
      const { node, status } = await r.act(kp, act)
      expect(status, `${act.op} by ${hexOf(kp).slice(0, 6)}`).toBe(reason)
      expect(r.log.has(node.id)).toBe(true)
      expect(canonicalState(r.log.state)).toBe(before)
    }
  })
})

/** A valid entry body to mutate. */
async function baseBody(): Promise<{ r: Room; body: Record<string, unknown> }> {
  const r = await Room.open('schema')
  const node = await r.dag.sign(r.owner, { op: 'set-meta', name: 'ok', tags: [] })
  return { r, body: unsignedBody(node) }
}

describe('hostile input: structure', () => {
  const big = (n: number): string => 'x'.repeat(n)
  const variants: [string, (body: Record<string, unknown>, room: Uint8Array) => Record<string, unknown>, ErrorClass][] = [
    ['role name over 64 bytes', (b) => ({ ...b, act: { op: 'define-role', role: 'r', name: big(65), caps: 0, rank: 5 } }), RecordTooLargeError],
    ['role name of 22 three-byte characters (66 bytes)', (b) => ({ ...b, act: { op: 'define-role', role: 'r', name: '€'.repeat(22), caps: 0, rank: 5 } }), RecordTooLargeError],
    ['empty role name', (b) => ({ ...b, act: { op: 'define-role', role: 'r', name: '', caps: 0, rank: 5 } }), SchemaError],
    ['role id with capitals', (b) => ({ ...b, act: { op: 'define-role', role: 'Admin', name: 'A', caps: 0, rank: 5 } }), SchemaError],
    ['role id starting with -', (b) => ({ ...b, act: { op: 'grant', target: new Uint8Array(32), role: '-x' } }), SchemaError],
    ['role id over 32 characters', (b) => ({ ...b, act: { op: 'delete-role', role: 'a'.repeat(33) } }), RecordTooLargeError],
    ['rank 0', (b) => ({ ...b, act: { op: 'define-role', role: 'r', name: 'R', caps: 0, rank: 0 } }), SchemaError],
    ['rank 1000', (b) => ({ ...b, act: { op: 'define-role', role: 'r', name: 'R', caps: 0, rank: 1000 } }), SchemaError],
    ['caps of 2^31', (b) => ({ ...b, act: { op: 'define-role', role: 'r', name: 'R', caps: 2 ** 31, rank: 5 } }), SchemaError],
    ['17 parents', (b) => ({ ...b, parents: Array.from({ length: MAX_PARENTS + 1 }, (_, i) => new Uint8Array(32).fill(i)) }), RecordTooLargeError],
    ['no parents', (b) => ({ ...b, parents: [] }), SchemaError],
    ['unsorted parents', (b) => ({ ...b, parents: [new Uint8Array(32).fill(2), new Uint8Array(32).fill(1)] }), SchemaError],
    ['duplicate parents', (b) => ({ ...b, parents: [new Uint8Array(32).fill(1), new Uint8Array(32).fill(1)] }), SchemaError],
    ['short parent id', (b) => ({ ...b, parents: [new Uint8Array(31)] }), SchemaError],
    ['icon over 64 KiB', (b) => ({ ...b, act: { op: 'set-meta', name: 'n', tags: [], icon: { mime: 'image/png', data: new Uint8Array(65_537) } } }), RecordTooLargeError],
    ['icon of another type', (b) => ({ ...b, act: { op: 'set-meta', name: 'n', tags: [], icon: { mime: 'image/svg+xml', data: new Uint8Array(4) } } }), SchemaError],
    ['nine tags', (b) => ({ ...b, act: { op: 'set-meta', name: 'n', tags: Array.from({ length: 9 }, (_, i) => `t${i}`) } }), RecordTooLargeError],
    ['tag over 32 bytes', (b) => ({ ...b, act: { op: 'set-meta', name: 'n', tags: [big(33)] } }), RecordTooLargeError],
    ['room name over 100 bytes', (b) => ({ ...b, act: { op: 'set-meta', name: big(101), tags: [] } }), RecordTooLargeError],
    ['description over 1024 bytes', (b) => ({ ...b, act: { op: 'set-meta', name: 'n', description: big(1025), tags: [] } }), RecordTooLargeError],
    ['reason over 256 bytes', (b) => ({ ...b, act: { op: 'ban', target: new Uint8Array(32), reason: big(257) } }), RecordTooLargeError],
    ['reason with a newline', (b) => ({ ...b, act: { op: 'ban', target: new Uint8Array(32), reason: 'a\nb' } }), SchemaError],
    ['channel id of 15 bytes', (b) => ({ ...b, act: { op: 'channel-delete', channel: new Uint8Array(15) } }), SchemaError],
    ['channel kind "stage"', (b) => ({ ...b, act: { op: 'channel-create', channel: new Uint8Array(16), name: 'c', kind: 'stage', position: 0 } }), SchemaError],
    ['override naming role and member', (b) => ({ ...b, act: { op: 'channel-override', channel: new Uint8Array(16), role: 'mod', member: new Uint8Array(32), allow: 1, deny: 0 } }), SchemaError],
    ['override naming neither', (b) => ({ ...b, act: { op: 'channel-override', channel: new Uint8Array(16), allow: 1, deny: 0 } }), SchemaError],
    ['override allowing and denying one bit', (b) => ({ ...b, act: { op: 'channel-override', channel: new Uint8Array(16), role: 'mod', allow: Cap.POST, deny: Cap.POST } }), SchemaError],
    ['invite signature of 63 bytes', (b) => ({ ...b, act: { op: 'join', invite: { by: new Uint8Array(32), sig: new Uint8Array(63) } } }), SchemaError],
    ['checkpoint seq 0', (b) => ({ ...b, act: { op: 'checkpoint', seq: 0 } }), SchemaError],
    ['lamport 0', (b) => ({ ...b, lamport: 0 }), SchemaError],
    ['negative time', (b) => ({ ...b, at: -1 }), SchemaError],
    ['unknown action', (b) => ({ ...b, act: { op: 'promote', target: new Uint8Array(32) } }), SchemaError],
    ['action without op', (b) => ({ ...b, act: { target: new Uint8Array(32) } }), SchemaError],
    ['action that is not a map', (b) => ({ ...b, act: 'ban' }), SchemaError],
    ['unknown field in an action', (b) => ({ ...b, act: { op: 'leave', also: 1 } }), SchemaError],
    ['unknown top-level field', (b) => ({ ...b, extra: true }), SchemaError],
    ['missing author', (b) => { const { author: _a, ...rest } = b; return rest }, SchemaError],
    ['version 2', (b) => ({ ...b, v: 2 }), UnknownVersionError],
    ['another record type', (b) => ({ ...b, t: 'genesis' }), UnknownRecordTypeError],
    ['room of 31 bytes', (b) => ({ ...b, room: new Uint8Array(31) }), SchemaError],
    ['entry over 80 KiB', (b) => ({ ...b, act: { op: 'set-meta', name: 'n', tags: [], icon: { mime: 'image/png', data: new Uint8Array(65_536) }, description: big(1024) }, pad: new Uint8Array(MAX_ENTRY_BYTES) }), RecordTooLargeError]
  ]
  for (const [name, mutate, cls] of variants) {
    it(`refuses ${name} (${cls.name})`, async () => {
      const { r, body } = await baseBody()
      await expectRefused(r.log, await signRaw(r.owner, mutate(body, r.log.genesis.room)), cls)
    })
  }

  it('refuses non-canonical, truncated and padded encodings', async () => {
    const { r, body } = await baseBody()
    const good = await signRaw(r.owner, body)
    expect(good[0]).toBe(0xa9) // a map of 9 pairs
    await expectRefused(r.log, concat(new Uint8Array([0xb8, 0x09]), good.subarray(1)), NonCanonicalEncodingError)
    await expectRefused(r.log, good.subarray(0, good.length - 1), TruncatedInputError)
    await expectRefused(r.log, concat(good, new Uint8Array([0x00])), TrailingBytesError)
    await expectRefused(r.log, new Uint8Array(0), TruncatedInputError)
    expect((await r.log.add([good])).added).toHaveLength(1)
  })
})

describe('hostile input: fuzzing add()', () => {
  it('random bytes never throw: each lands in result.invalid as a ProtocolError', async () => {
    const { r } = await setup('fuzz')
    const before = observe(r.log)
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 8 }), async (blobs) => {
        const res = await r.log.add(blobs)
        expect(res.added).toEqual([])
        expect(res.invalid).toHaveLength(blobs.length)
        for (const err of res.invalid) expect(err).toBeInstanceOf(ProtocolError)
        expect(observe(r.log)).toBe(before)
      }),
      { seed: 0xfa11, numRuns: 200 }
    )
  })

  it('random CBOR values and mutated valid entries never throw and change nothing', async () => {
    const { r, base } = await setup('mutate')
    const good = await r.dag.sign(r.owner, { op: 'ban', target: key('mutate/x').publicKey, reason: 'r' }, base)
    const before = observe(r.log)
    const cbor: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constant(null), fc.boolean(), fc.nat(), fc.string(), fc.uint8Array({ maxLength: 40 }),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom('v', 't', 'room', 'parents', 'lamport', 'author', 'at', 'act', 'sig', 'op', 'x'), tie('v'), { maxKeys: 9 })
      )
    })).v
    await fc.assert(
      fc.asyncProperty(cbor, fc.nat({ max: good.bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (value, at, xor) => {
        const mutated = Uint8Array.from(good.bytes)
        mutated[at] = (mutated[at] as number) ^ xor
        const res = await r.log.add([encodeCanonical(value), mutated])
        expect(res.added).toEqual([])
        expect(res.invalid).toHaveLength(2)
        for (const err of res.invalid) expect(err).toBeInstanceOf(ProtocolError)
        expect(observe(r.log)).toBe(before)
      }),
      { seed: 0xc0de, numRuns: 300 }
    )
  })
})
