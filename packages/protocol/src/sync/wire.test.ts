/**
 * The sync conversation's wire records: round trips, a byte-exact vector,
 * every limit refused with its typed error, hostile bytes (random,
 * truncated, mutated) giving only ProtocolErrors, and the delivery check.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  decodeSyncWire,
  encodeSyncWire,
  matchDelivery,
  MAX_FETCH_IDS,
  MAX_SYNC_WIRE_BYTES,
  MAX_SYNCED_RECORD_BYTES,
  recordsThatFit,
  SYNC_ERROR_CODES,
  SYNC_LOG_NAMES,
  SyncDeliveryError,
  type SyncWireMessage
} from './wire.ts'
import { encodeSyncMessage } from './message.ts'
import { INFINITY_BOUND } from './item-key.ts'
import { recordId } from '../authority/entry.ts'
import { compareBytes, toHex, type Bytes } from '../bytes.ts'
import { encodeCanonical, type CborValue } from '../encoding/cbor.ts'
import {
  MalformedEncodingError, ProtocolError, RecordTooLargeError, SchemaError, UnknownRecordTypeError, UnknownVersionError
} from '../errors.ts'

const ROOM = new Uint8Array(32).fill(7)
const CHANNEL = new Uint8Array(16).fill(9)
const END = encodeSyncMessage({ ranges: [{ upper: INFINITY_BOUND, mode: 'skip' }] })
const raw = (fields: Record<string, CborValue>): Uint8Array => encodeCanonical({ v: 1, ...fields })
const sortedIds = (n: number, salt = 0): Bytes[] =>
  Array.from({ length: n }, (_, i) => recordId(new Uint8Array([salt, i & 0xff, i >> 8]))).sort(compareBytes)

function expectError(bytes: Uint8Array, type: abstract new (...args: never[]) => ProtocolError): void {
  expect(() => decodeSyncWire(bytes)).toThrow(type)
}

const bytesArb = (min: number, max: number): fc.Arbitrary<Bytes> =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Uint8Array.from(b))
const messageArb: fc.Arbitrary<SyncWireMessage> = fc.oneof(
  fc.record({ type: fc.constant('sync-open' as const), room: bytesArb(32, 32), rbsr: bytesArb(1, 64) }, { requiredKeys: ['type', 'room', 'rbsr'] }),
  fc.record({ type: fc.constant('sync-open' as const), room: bytesArb(32, 32), channel: bytesArb(16, 16), rbsr: bytesArb(1, 64) }),
  fc.record({ type: fc.constant('sync-open' as const), room: bytesArb(32, 32), log: fc.constantFrom(...SYNC_LOG_NAMES), rbsr: bytesArb(1, 64) }),
  fc.record({ type: fc.constant('sync-msg' as const), rbsr: bytesArb(1, 64) }),
  fc.record({ type: fc.constant('sync-genesis' as const), room: bytesArb(32, 32) }),
  fc.record({
    type: fc.constant('sync-fetch' as const), room: bytesArb(32, 32), log: fc.constantFrom(...SYNC_LOG_NAMES),
    ids: fc.uniqueArray(bytesArb(32, 32), { minLength: 1, maxLength: 20, selector: toHex }).map((ids) => ids.sort(compareBytes))
  }, { requiredKeys: ['type', 'room', 'ids'] }),
  fc.array(bytesArb(1, 40), { maxLength: 10 }).chain((records) =>
    fc.integer({ min: records.length, max: MAX_FETCH_IDS }).map((upto) => ({ type: 'sync-records' as const, upto, records }))),
  fc.record({ type: fc.constant('sync-error' as const), code: fc.constantFrom(...SYNC_ERROR_CODES), detail: fc.stringMatching(/^[a-z0-9 .:-]{0,20}$/) }, { requiredKeys: ['type', 'code'] })
)

describe('sync wire records', () => {
  it('round-trip every message type', () => {
    fc.assert(fc.property(messageArb, (message) => {
      const encoded = encodeSyncWire(message)
      expect(decodeSyncWire(encoded)).toEqual(message)
      expect(toHex(encodeSyncWire(decodeSyncWire(encoded)))).toBe(toHex(encoded))
    }))
  })

  it('match the byte-exact vectors', () => {
    // Keys in canonical order (shorter first, then bytewise): t, v, then the fields.
    expect(toHex(encodeSyncWire({ type: 'sync-msg', rbsr: END }))).toBe(
      'a3' + '6174' + '6873796e632d6d7367' + '617601' + '6472627372' + '51' + 'a361728182f60061746472627372617601')
    expect(toHex(encodeSyncWire({ type: 'sync-error', code: 'limit' }))).toBe(
      'a3' + '6174' + '6a73796e632d6572726f72' + '617601' + '64636f6465' + '656c696d6974')
    expect(toHex(encodeSyncWire({ type: 'sync-fetch', room: ROOM, channel: CHANNEL, ids: [new Uint8Array(32).fill(1)] }))).toBe(
      'a5' + '6174' + '6a73796e632d6665746368' + '617601' + '63696473' + '815820' + '01'.repeat(32) +
      '64726f6f6d' + '5820' + '07'.repeat(32) + '676368616e6e656c' + '50' + '09'.repeat(16))
  })

  it('omit an absent channel (the authority log) and carry a present one', () => {
    const authority = decodeSyncWire(encodeSyncWire({ type: 'sync-open', room: ROOM, rbsr: END }))
    expect(authority).toEqual({ type: 'sync-open', room: ROOM, rbsr: END })
    expect('channel' in authority).toBe(false)
    expect(decodeSyncWire(encodeSyncWire({ type: 'sync-fetch', room: ROOM, channel: CHANNEL, ids: sortedIds(3) }))).toMatchObject({ channel: CHANNEL })
  })

  it('name the profiles set with log: "profiles" (byte-exact), never together with a channel, and no other log', () => {
    const ID = new Uint8Array(32).fill(1)
    // Keys in canonical order: t, v, then ids/log (3 bytes; "ids" < "log"), then rbsr/room.
    expect(toHex(encodeSyncWire({ type: 'sync-open', room: ROOM, log: 'profiles', rbsr: END }))).toBe(
      'a5' + '6174' + '6973796e632d6f70656e' + '617601' + '636c6f67' + '6870726f66696c6573' +
      '6472627372' + '51' + 'a361728182f60061746472627372617601' + '64726f6f6d' + '5820' + '07'.repeat(32))
    expect(toHex(encodeSyncWire({ type: 'sync-fetch', room: ROOM, log: 'profiles', ids: [ID] }))).toBe(
      'a5' + '6174' + '6a73796e632d6665746368' + '617601' + '63696473' + '815820' + '01'.repeat(32) +
      '636c6f67' + '6870726f66696c6573' + '64726f6f6d' + '5820' + '07'.repeat(32))
    expect(decodeSyncWire(raw({ t: 'sync-open', room: ROOM, log: 'profiles', rbsr: END }))).toEqual({ type: 'sync-open', room: ROOM, log: 'profiles', rbsr: END })
    // Both a channel and a log: which log would it be? Refused, as is any log name but "profiles".
    expectError(raw({ t: 'sync-open', room: ROOM, channel: CHANNEL, log: 'profiles', rbsr: END }), SchemaError)
    expectError(raw({ t: 'sync-fetch', room: ROOM, channel: CHANNEL, log: 'profiles', ids: [ID] }), SchemaError)
    for (const bad of ['authority', 'events', 'Profiles', 'profiles ', '', 1, null, new Uint8Array(1), ['profiles'], { profiles: 1 }] as CborValue[]) {
      expectError(raw({ t: 'sync-open', room: ROOM, log: bad, rbsr: END }), SchemaError)
      expectError(raw({ t: 'sync-fetch', room: ROOM, log: bad, ids: [ID] }), SchemaError)
    }
    // Only the requests that name a log carry it.
    expectError(raw({ t: 'sync-msg', log: 'profiles', rbsr: END }), SchemaError)
    expectError(raw({ t: 'sync-genesis', log: 'profiles', room: ROOM }), SchemaError)
    expectError(raw({ t: 'sync-records', log: 'profiles', upto: 0, records: [] }), SchemaError)
    // Our encoder refuses to build what a peer would refuse.
    expect(() => encodeSyncWire({ type: 'sync-open', room: ROOM, channel: CHANNEL, log: 'profiles', rbsr: END })).toThrow(SchemaError)
  })

  it('refuse envelopes that are not sync messages', () => {
    expectError(encodeCanonical({ v: 1, t: 'rbsr', r: [] }), UnknownRecordTypeError)
    expectError(encodeCanonical({ v: 2, t: 'sync-msg', rbsr: END }), UnknownVersionError)
    expectError(encodeCanonical({ t: 'sync-msg', rbsr: END }), SchemaError)
    expectError(encodeCanonical([1, 2]), SchemaError)
    expectError(raw({ t: 'sync-msg', rbsr: END, extra: 1 }), SchemaError)
    expectError(raw({ t: 'sync-msg', rbsr: 'text' }), SchemaError)
    expectError(raw({ t: 'sync-msg', rbsr: new Uint8Array(0) }), SchemaError)
    expectError(raw({ t: 'sync-open', room: new Uint8Array(31), rbsr: END }), SchemaError)
    expectError(raw({ t: 'sync-open', room: ROOM, channel: new Uint8Array(32), rbsr: END }), SchemaError)
    expectError(raw({ t: 'sync-error', code: 'teapot' }), SchemaError)
    expectError(raw({ t: 'sync-error', code: 'limit', detail: 'x'.repeat(300) }), RecordTooLargeError)
    expectError(raw({ t: 'sync-records', upto: -1, records: [] }), SchemaError)
  })

  it('bound fetches: at most MAX_FETCH_IDS ids, strictly ascending, none empty', () => {
    expect(decodeSyncWire(raw({ t: 'sync-fetch', room: ROOM, ids: sortedIds(MAX_FETCH_IDS) }))).toMatchObject({ type: 'sync-fetch' })
    expectError(raw({ t: 'sync-fetch', room: ROOM, ids: [...sortedIds(MAX_FETCH_IDS, 1), new Uint8Array(32).fill(0xff)] }), RecordTooLargeError)
    const [a, b] = sortedIds(2)
    expectError(raw({ t: 'sync-fetch', room: ROOM, ids: [b!, a!] }), SchemaError)
    expectError(raw({ t: 'sync-fetch', room: ROOM, ids: [a!, a!] }), SchemaError)
    expectError(raw({ t: 'sync-fetch', room: ROOM, ids: [] }), SchemaError)
    expectError(raw({ t: 'sync-fetch', room: ROOM, ids: [new Uint8Array(31)] }), SchemaError)
  })

  it('bound answers: count, record size, total size, upto', () => {
    const big = new Uint8Array(MAX_SYNCED_RECORD_BYTES + 1)
    expectError(raw({ t: 'sync-records', upto: 1, records: [big] }), RecordTooLargeError)
    expectError(raw({ t: 'sync-records', upto: 1, records: [new Uint8Array(1), new Uint8Array(1)] }), SchemaError)
    expectError(raw({ t: 'sync-records', upto: MAX_FETCH_IDS + 1, records: [] }), SchemaError)
    const many = Array.from({ length: MAX_FETCH_IDS + 1 }, () => new Uint8Array(1))
    expectError(raw({ t: 'sync-records', upto: MAX_FETCH_IDS, records: many }), RecordTooLargeError)
    // 14 records of 80 KiB: each allowed, together over the frame limit, refused before decoding.
    const heavy = Array.from({ length: 14 }, () => new Uint8Array(MAX_SYNCED_RECORD_BYTES))
    expectError(raw({ t: 'sync-records', upto: 14, records: heavy }), RecordTooLargeError)
    expect(() => encodeSyncWire({ type: 'sync-records', upto: 14, records: heavy })).toThrow(Error)
    // An oversized rbsr inside an open is refused too.
    expectError(raw({ t: 'sync-msg', rbsr: new Uint8Array(262_145) }), RecordTooLargeError)
  })

  it('recordsThatFit packs as many as one message holds, and at least one of any size allowed', () => {
    const heavy = Array.from({ length: 20 }, () => new Uint8Array(MAX_SYNCED_RECORD_BYTES).fill(1))
    const n = recordsThatFit(heavy)
    expect(n).toBe(12)
    const encoded = encodeSyncWire({ type: 'sync-records', upto: n, records: heavy.slice(0, n) })
    expect(encoded.length).toBeLessThanOrEqual(MAX_SYNC_WIRE_BYTES)
    expect(recordsThatFit([new Uint8Array(MAX_SYNCED_RECORD_BYTES)])).toBe(1)
    expect(recordsThatFit(Array.from({ length: 2000 }, () => new Uint8Array(10)))).toBe(MAX_FETCH_IDS)
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 70_000 }), { maxLength: 40 }), (sizes) => {
      const records = sizes.map((s) => new Uint8Array(s))
      const k = recordsThatFit(records)
      expect(encodeSyncWire({ type: 'sync-records', upto: k, records: records.slice(0, k) }).length).toBeLessThanOrEqual(MAX_SYNC_WIRE_BYTES)
      if (records.length > 0) expect(k).toBeGreaterThanOrEqual(1)
    }), { numRuns: 50 })
  })

  it('throw only ProtocolErrors for arbitrary, truncated and mutated bytes', () => {
    const decodeOnly = (bytes: Uint8Array): void => {
      try {
        decodeSyncWire(bytes)
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError)
      }
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodeOnly), { numRuns: 2000 })
    fc.assert(fc.property(messageArb, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (message, cut, at, flip) => {
      const encoded = encodeSyncWire(message)
      decodeOnly(encoded.slice(0, cut % encoded.length))
      const mutated = Uint8Array.from(encoded)
      mutated[at % mutated.length]! ^= flip
      decodeOnly(mutated)
    }), { numRuns: 2000 })
    expectError(new Uint8Array([0xa1]), ProtocolError)
    expectError(new Uint8Array([0xff]), MalformedEncodingError)
  })
})

describe('matchDelivery', () => {
  const records = [new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3])]
  const ids = records.map(recordId)

  it('sorts an answer into records, absent ids and unanswered ids', () => {
    const d = matchDelivery(ids, { type: 'sync-records', upto: 2, records: [records[1]!] })
    expect(d.records.map((r) => toHex(r.id))).toEqual([toHex(ids[1]!)])
    expect(d.absent.map(toHex)).toEqual([toHex(ids[0]!)])
    expect(d.unanswered.map(toHex)).toEqual([toHex(ids[2]!)])
  })

  it('refuses records not asked for, sent twice, or answers to more than was asked', () => {
    const reason = (f: () => unknown): string => {
      try {
        f()
      } catch (err) {
        expect(err).toBeInstanceOf(SyncDeliveryError)
        return (err as SyncDeliveryError).reason
      }
      return 'none'
    }
    expect(reason(() => matchDelivery(ids, { type: 'sync-records', upto: 3, records: [new Uint8Array([9])] }))).toBe('not-requested')
    // A record asked for but beyond `upto` is not answered by this message.
    expect(reason(() => matchDelivery(ids, { type: 'sync-records', upto: 1, records: [records[2]!] }))).toBe('not-requested')
    expect(reason(() => matchDelivery(ids, { type: 'sync-records', upto: 3, records: [records[0]!, records[0]!] }))).toBe('duplicate-record')
    expect(reason(() => matchDelivery(ids, { type: 'sync-records', upto: 4, records: [] }))).toBe('upto-too-large')
  })
})
