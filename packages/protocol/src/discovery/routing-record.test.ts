import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  compareRoutingRecords,
  createRoutingRecord,
  decodeRoutingRecord,
  encodeRoutingRecord,
  MAX_CLOCK_SKEW_MS,
  MAX_ROUTING_ADDRS,
  MAX_ROUTING_DEVICES,
  MAX_ROUTING_RECORD_BYTES,
  MAX_ROUTING_TTL_MS,
  parseRoutingRecordKey,
  peerIdOfDeviceKey,
  routingRecordKey,
  selectRoutingRecord,
  validateRoutingRecord,
  type RoutingDeviceInput,
  type RoutingRecord
} from './routing-record.ts'
import { certifyDevice, encodeDeviceRecord } from '../identity/device-cert.ts'
import { formatUserId } from '../identity/user-id.ts'
import { encodeRecord, signRecord } from '../records/record.ts'
import { compareBytes, concat, utf8 } from '../bytes.ts'
import {
  ExpiredError,
  InvalidArgumentError,
  InvalidCertificateError,
  InvalidKeyError,
  InvalidSignatureError,
  ProtocolError,
  RecordTooLargeError,
  SchemaError
} from '../errors.ts'
import { expectReject, expectThrow, hostileDecoderSuite, onlyProtocolErrorsAsync, testKeypair } from '../test-support.ts'
import type { Keypair } from '../crypto/ed25519.ts'

const alice = testKeypair('routing/alice')
const bob = testKeypair('routing/bob')
const laptop = testKeypair('routing/laptop')
const phone = testKeypair('routing/phone')
const T0 = 1_700_000_000_000
const HOUR = 3_600_000
/** `/ip4/127.0.0.1/tcp/4001` as a binary multiaddr. */
const ADDR = new Uint8Array([0x04, 127, 0, 0, 1, 0x06, 0x0f, 0xa1])

async function device(identity: Keypair, dev: Keypair, opts: { issued?: number; expires?: number } = {}): Promise<RoutingDeviceInput> {
  const cert = await certifyDevice(identity, dev.publicKey, { label: 'dev', issued: opts.issued ?? T0 - HOUR, ...(opts.expires !== undefined ? { expires: opts.expires } : {}) })
  return { cert: encodeDeviceRecord(cert), addrs: [ADDR], relays: [] }
}

async function record(opts: { seq?: number; issued?: number; ttl?: number; devices?: RoutingDeviceInput[] } = {}): Promise<RoutingRecord> {
  return createRoutingRecord(alice, {
    seq: opts.seq ?? 1,
    issued: opts.issued ?? T0,
    ttl: opts.ttl ?? HOUR,
    devices: opts.devices ?? [await device(alice, laptop)]
  })
}

/** Re-sign a hand-built record body with `signer`. */
async function forge(body: Record<string, unknown>, signer: Keypair = alice): Promise<Uint8Array> {
  const { sig: _sig, ...unsigned } = body
  return encodeRecord(await signRecord(signer, unsigned))
}

describe('routing record', () => {
  const key = routingRecordKey(alice.publicKey)

  it('round-trips and validates inside its lifetime only', async () => {
    const r = await record()
    const bytes = encodeRoutingRecord(r)
    expect(decodeRoutingRecord(bytes)).toEqual(r)
    expect(r.devices[0]?.peer).toEqual(peerIdOfDeviceKey(laptop.publicKey))
    await expect(validateRoutingRecord(bytes, key, T0)).resolves.toEqual(r)
    await expect(validateRoutingRecord(bytes, key, T0 + HOUR - 1)).resolves.toEqual(r)
    await expectReject(() => validateRoutingRecord(bytes, key, T0 + HOUR), ExpiredError)
    await expect(validateRoutingRecord(bytes, key, T0 - MAX_CLOCK_SKEW_MS)).resolves.toEqual(r)
    await expectReject(() => validateRoutingRecord(bytes, key, T0 - MAX_CLOCK_SKEW_MS - 1), ExpiredError)
  })

  it('key format is /hearth/user/<user id>, lowercase, one spelling', () => {
    expect(new TextDecoder().decode(key)).toBe(`/hearth/user/${formatUserId(alice.publicKey)}`)
    expect(parseRoutingRecordKey(key)).toEqual(alice.publicKey)
    expectThrow(() => parseRoutingRecordKey(utf8(`/hearth/user/${formatUserId(alice.publicKey).toUpperCase()}`)), InvalidArgumentError)
    expectThrow(() => parseRoutingRecordKey(utf8(`/hearth/room/${formatUserId(alice.publicKey)}`)), InvalidArgumentError)
    expectThrow(() => parseRoutingRecordKey(utf8('/hearth/user/')), InvalidArgumentError, InvalidKeyError)
    expectThrow(() => parseRoutingRecordKey(new Uint8Array([0xff, 0xfe])), InvalidArgumentError)
    expectThrow(() => parseRoutingRecordKey(utf8(`/hearth/user/${'a'.repeat(52)}`)), InvalidKeyError, InvalidArgumentError)
  })

  it('refuses a record stored under another user key', async () => {
    const bytes = encodeRoutingRecord(await record())
    await expectReject(() => validateRoutingRecord(bytes, routingRecordKey(bob.publicKey), T0), InvalidArgumentError)
  })

  it('refuses a record signed by another key, or changed after signing', async () => {
    const r = await record()
    await expectReject(() => forge({ ...r }, bob).then((b) => validateRoutingRecord(b, key, T0)), InvalidSignatureError)
    const changed = encodeRecord({ ...r, seq: r.seq + 1 })
    await expectReject(() => validateRoutingRecord(changed, key, T0), InvalidSignatureError)
  })

  it('refuses certificates of another identity, expired or not yet valid certificates', async () => {
    const foreign = await device(bob, phone)
    const r = await record()
    await expectReject(async () => validateRoutingRecord(await forge({ ...r, devices: [{ ...r.devices[0], cert: foreign.cert }] }), key, T0), InvalidCertificateError)
    const expired = await device(alice, phone, { issued: T0 - 2 * HOUR, expires: T0 - HOUR })
    await expectReject(async () => validateRoutingRecord(encodeRoutingRecord(await record({ devices: [expired] })), key, T0), ExpiredError)
    const future = await device(alice, phone, { issued: T0 + HOUR })
    await expectReject(async () => validateRoutingRecord(encodeRoutingRecord(await record({ devices: [future] })), key, T0), ExpiredError)
    const garbage = { ...r.devices[0], cert: new Uint8Array([1, 2, 3]) }
    await expectReject(async () => validateRoutingRecord(await forge({ ...r, devices: [garbage] }), key, T0), InvalidCertificateError)
  })

  it('refuses a peer id that is not the certified device key, and duplicate devices', async () => {
    const r = await record()
    const wrongPeer = { ...r.devices[0], peer: peerIdOfDeviceKey(phone.publicKey) }
    await expectReject(async () => validateRoutingRecord(await forge({ ...r, devices: [wrongPeer] }), key, T0), InvalidCertificateError)
    const twice = await record({ devices: [await device(alice, laptop), await device(alice, laptop)] })
    await expectReject(() => validateRoutingRecord(encodeRoutingRecord(twice), key, T0), SchemaError)
  })

  it('enforces its limits: devices, addresses, lifetime, size', async () => {
    const d = await device(alice, laptop)
    await expectReject(() => record({ devices: [] }), SchemaError)
    await expectReject(() => record({ ttl: MAX_ROUTING_TTL_MS + 1 }), SchemaError)
    await expectReject(() => record({ ttl: 0 }), SchemaError)
    await expectReject(() => record({ devices: [{ ...d, addrs: Array.from({ length: MAX_ROUTING_ADDRS + 1 }, () => ADDR) }] }), RecordTooLargeError)
    await expectReject(() => record({ devices: [{ ...d, addrs: [new Uint8Array(129)] }] }), RecordTooLargeError)
    await expectReject(() => record({ devices: [{ ...d, relays: [new Uint8Array(0)] }] }), SchemaError)
    const many = await Promise.all(Array.from({ length: MAX_ROUTING_DEVICES + 1 }, (_, i) => device(alice, testKeypair(`routing/dev${i}`))))
    await expectReject(() => record({ devices: many }), RecordTooLargeError)
    // Every limit at once still fits the size limit.
    const full = await record({
      devices: many.slice(0, MAX_ROUTING_DEVICES).map((x) => ({
        ...x,
        addrs: Array.from({ length: MAX_ROUTING_ADDRS }, () => new Uint8Array(128)),
        relays: Array.from({ length: 4 }, () => new Uint8Array(128))
      }))
    })
    expect(encodeRoutingRecord(full).length).toBeLessThanOrEqual(MAX_ROUTING_RECORD_BYTES)
    await expect(validateRoutingRecord(encodeRoutingRecord(full), key, T0)).resolves.toBeDefined()
  })

  it('newest wins: seq, then issued, then sig; undecodable never wins', async () => {
    const a = await record({ seq: 1 })
    const b = await record({ seq: 2, issued: T0 - 10 })
    const c = await record({ seq: 2, issued: T0 })
    expect(compareRoutingRecords(b, a)).toBeGreaterThan(0)
    expect(compareRoutingRecords(c, b)).toBeGreaterThan(0)
    const enc = [a, b, c].map(encodeRoutingRecord)
    expect(selectRoutingRecord(enc)).toBe(2)
    expect(selectRoutingRecord([new Uint8Array([0xff]), enc[0]!])).toBe(1)
    expect(selectRoutingRecord([enc[2]!, enc[0]!, enc[1]!])).toBe(0)
    expectThrow(() => selectRoutingRecord([]), InvalidArgumentError)
    // Same seq and issued: the bytewise greater signature, whatever the order given.
    const x = await record({ seq: 5, devices: [await device(alice, laptop)] })
    const y = await record({ seq: 5, devices: [await device(alice, phone)] })
    const winner = compareBytes(x.sig, y.sig) > 0 ? x : y
    const pair = [x, y].map(encodeRoutingRecord)
    expect(pair[selectRoutingRecord(pair)]).toEqual(encodeRoutingRecord(winner))
    expect([...pair].reverse()[selectRoutingRecord([...pair].reverse())]).toEqual(encodeRoutingRecord(winner))
  })

  it('the selector is deterministic under any permutation', async () => {
    const records = await Promise.all([1, 2, 2, 3, 3].map((seq, i) => record({ seq, issued: T0 + (i % 2) })))
    const enc = records.map(encodeRoutingRecord)
    const best = enc[selectRoutingRecord(enc)]
    fc.assert(
      fc.property(fc.shuffledSubarray(enc, { minLength: enc.length, maxLength: enc.length }), (perm) => {
        expect(perm[selectRoutingRecord(perm)]).toEqual(best)
      })
    )
  })

  it('validation throws only ProtocolErrors on mutated records', async () => {
    const bytes = encodeRoutingRecord(await record())
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const copy = new Uint8Array(bytes)
        copy[at] = (copy[at] ?? 0) ^ xor
        expect(await onlyProtocolErrorsAsync(() => validateRoutingRecord(copy, key, T0))).toBe(true)
        await expect(validateRoutingRecord(copy, key, T0)).rejects.toBeInstanceOf(ProtocolError)
      }),
      { numRuns: 200 }
    )
    expect(await onlyProtocolErrorsAsync(() => validateRoutingRecord(concat(bytes, new Uint8Array([0])), key, T0))).toBe(true)
  })
})

describe('routing record decoder (hostile input)', () => {
  hostileDecoderSuite({
    decode: decodeRoutingRecord,
    valid: async () => encodeRoutingRecord(await record()),
    maxBytes: MAX_ROUTING_RECORD_BYTES,
    tag: 'routing',
    ranged: ['devices.cert']
  })
})
