/**
 * The message codec: byte-exact vector, round trips of random messages, every
 * stateless rule refused with its typed error, and hostile bytes giving only
 * ProtocolErrors.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  decodeSyncMessage,
  encodeSyncMessage,
  MAX_SYNC_IDS,
  MAX_SYNC_MESSAGE_BYTES,
  MAX_SYNC_RANGES,
  type SyncMessage,
  type SyncRange
} from './message.ts'
import { boundBetween, compareItemKeys, INFINITY_BOUND, itemKeyString, type ItemKey, type SyncBound } from './item-key.ts'
import { SyncBoundsError, SyncItemsError, SyncLimitError } from './errors.ts'
import {
  NonCanonicalEncodingError,
  ProtocolError,
  RecordTooLargeError,
  SchemaError,
  UnknownRecordTypeError,
  UnknownVersionError
} from '../errors.ts'
import { fromHex, toHex } from '../bytes.ts'
import { encodeCanonical, type CborValue } from '../encoding/cbor.ts'
import { makeKeys } from './test-support.ts'

const fp = new Uint8Array(16).fill(0x11)
const raw = (r: CborValue, extra: Record<string, CborValue> = {}): Uint8Array => encodeCanonical({ v: 1, t: 'rbsr', r, ...extra })
const ids = (n: number, fill = 1): Uint8Array => new Uint8Array(32 * n).fill(fill)

describe('sync message encoding', () => {
  it('matches the byte-exact vector of PROTOCOL.md §8.4', () => {
    const message: SyncMessage = {
      ranges: [
        { upper: { lamport: 5, prefix: fromHex('ab') }, mode: 'skip' },
        { upper: { lamport: 7, prefix: new Uint8Array(0) }, mode: 'fingerprint', fingerprint: fp },
        { upper: INFINITY_BOUND, mode: 'ids', keys: [{ lamport: 9, id: new Uint8Array(32).fill(1) }] }
      ]
    }
    const expected = 'a3' + '6172' + '83' +
      '82' + '820541ab' + '00' +
      '83' + '820240' + '01' + '50' + '11'.repeat(16) +
      '84' + 'f6' + '02' + '8102' + '5820' + '01'.repeat(32) +
      '6174' + '6472627372' + '6176' + '01'
    expect(toHex(encodeSyncMessage(message))).toBe(expected)
    expect(decodeSyncMessage(fromHex(expected))).toEqual(message)
    // The shortest message: "nothing to say", the end of a session.
    expect(toHex(encodeSyncMessage({ ranges: [{ upper: INFINITY_BOUND, mode: 'skip' }] }))).toBe('a3617281' + '82f600' + '61746472627372617601')
  })

  it('a message at every limit at once still fits MAX_SYNC_MESSAGE_BYTES', () => {
    // 1,024 diff ranges, each bound a 9-byte Lamport delta and a 32-byte prefix,
    // each range holding 4 keys with 9-byte deltas (4,096 keys) and a lack byte.
    const ranges: SyncRange[] = []
    for (let i = 0; i < MAX_SYNC_RANGES; i++) {
      const keys = Array.from({ length: MAX_SYNC_IDS / MAX_SYNC_RANGES }, (_, k) => ({ lamport: i * 2 ** 42 + (k + 1) * 2 ** 33, id: new Uint8Array(32).fill(k + 1) }))
      const upper = i === MAX_SYNC_RANGES - 1 ? INFINITY_BOUND : { lamport: (i + 1) * 2 ** 42, prefix: new Uint8Array(32).fill(0xff) }
      ranges.push({ upper, mode: 'diff', keys, lack: new Uint8Array([0xff]) })
    }
    const bytes = encodeSyncMessage({ ranges })
    expect(bytes.length).toBeLessThanOrEqual(MAX_SYNC_MESSAGE_BYTES)
    expect(decodeSyncMessage(bytes).ranges).toHaveLength(MAX_SYNC_RANGES)
  })

  it('round-trips random messages (property)', () => {
    fc.assert(fc.property(randomMessage, (message) => {
      const decoded = decodeSyncMessage(encodeSyncMessage(message))
      expect(decoded).toEqual(message)
    }), { numRuns: 200, seed: 0x4e55 })
  })

  it('refuses each stateless rule with its typed error', () => {
    const cases: [string, Uint8Array, new (...args: never[]) => ProtocolError, string?][] = [
      ['bounds out of order', raw([[[5, fromHex('ab')], 0], [[0, fromHex('aa')], 1, fp], [null, 1, fp]]), SyncBoundsError, 'unsorted-bounds'],
      ['an empty range (equal bounds)', raw([[[5, fromHex('ab')], 1, fp], [[0, fromHex('ab')], 1, fp], [null, 0]]), SyncBoundsError, 'unsorted-bounds'],
      ['a first range ending at the minimum', raw([[[0, new Uint8Array(0)], 1, fp], [null, 0]]), SyncBoundsError, 'unsorted-bounds'],
      ['a prefix with a trailing zero', raw([[[5, fromHex('ab00')], 1, fp], [null, 0]]), SyncBoundsError, 'bound-not-canonical'],
      ['a 33-byte prefix', raw([[[5, new Uint8Array(33).fill(1)], 1, fp], [null, 0]]), SyncBoundsError, 'bound-not-canonical'],
      ['a Lamport time past 2^53 − 1', raw([[[2 ** 53 - 1, fromHex('01')], 0], [[5, fromHex('01')], 1, fp], [null, 0]]), SyncBoundsError, 'bound-not-canonical'],
      ['+∞ before the end', raw([[null, 1, fp], [null, 0]]), SyncBoundsError, 'infinity-not-last'],
      ['a last range short of +∞', raw([[[5, fromHex('ab')], 1, fp]]), SyncBoundsError, 'last-not-infinity'],
      ['two skips in a row', raw([[[5, fromHex('ab')], 0], [null, 0]]), SyncBoundsError, 'adjacent-skips'],
      ['too many ranges', raw([...Array.from({ length: MAX_SYNC_RANGES }, (_, i) => [[i + 1, new Uint8Array(0)], 1, fp]), [null, 0]]), SyncLimitError, 'too-many-ranges'],
      ['too many ids', raw([[[5000, new Uint8Array(0)], 2, Array(2100).fill(1), ids(2100)], [null, 2, Array(2100).fill(1), ids(2100)]]), SyncLimitError, 'too-many-ids'],
      ['Lamport times and ids disagree', raw([[null, 2, [0, 0], ids(1)]]), SyncItemsError, 'count-mismatch'],
      ['a key listed twice', raw([[null, 2, [3, 0], ids(2)]]), SyncItemsError, 'unsorted-items'],
      ['a key outside its range', raw([[[5, new Uint8Array(0)], 2, [7], ids(1)], [null, 0]]), SyncItemsError, 'item-outside-range'],
      ['a diff with nothing in it', raw([[null, 3, [], new Uint8Array(0), fromHex('00')]]), SyncItemsError, 'empty-diff'],
      ['an over-long lack bitmap', raw([[null, 3, [], new Uint8Array(0), new Uint8Array(MAX_SYNC_IDS / 8 + 1).fill(1)]]), SyncItemsError, 'lack-length'],
      ['an unknown mode', raw([[null, 4]]), SchemaError],
      ['a skip with a payload', raw([[null, 0, fp]]), SchemaError],
      ['a 15-byte fingerprint', raw([[null, 1, fp.slice(1)]]), SchemaError],
      ['a negative Lamport delta', raw([[[-1, fromHex('01')], 1, fp], [null, 0]]), SchemaError],
      ['a bound that is not a pair', raw([[[5], 1, fp], [null, 0]]), SchemaError],
      ['no ranges', raw([]), SchemaError],
      ['ranges that are not an array', raw({ a: 1 }), SchemaError],
      ['an unknown field', raw([[null, 0]], { x: 1 }), SchemaError],
      ['a different record type', encodeCanonical({ v: 1, t: 'genesis', r: [[null, 0]] }), UnknownRecordTypeError],
      ['version 2', encodeCanonical({ v: 2, t: 'rbsr', r: [[null, 0]] }), UnknownVersionError],
      ['over the byte limit', raw([[null, 1, fp]], { p: new Uint8Array(MAX_SYNC_MESSAGE_BYTES) }), RecordTooLargeError],
      ['non-canonical CBOR (long-form integer)', fromHex('a3617281' + '82f61800' + '61746472627372617601'), NonCanonicalEncodingError]
    ]
    for (const [what, bytes, type, reason] of cases) {
      let caught: unknown
      try {
        decodeSyncMessage(bytes)
      } catch (err) {
        caught = err
      }
      expect(caught, what).toBeInstanceOf(type)
      if (reason !== undefined) expect((caught as { reason: string }).reason, what).toBe(reason)
    }
  })

  it('gives only ProtocolErrors for random bytes, mutated messages and random CBOR (property)', () => {
    const decodeOrProtocolError = (bytes: Uint8Array): void => {
      try {
        decodeSyncMessage(bytes)
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err
      }
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodeOrProtocolError), { numRuns: 500, seed: 1 })
    fc.assert(fc.property(randomMessage, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(),
      (message, flips, cut) => {
        const bytes = encodeSyncMessage(message).slice()
        for (const [at, value] of flips) bytes[at % bytes.length] = value
        decodeOrProtocolError(bytes)
        decodeOrProtocolError(bytes.subarray(0, cut % (bytes.length + 1)))
      }), { numRuns: 400, seed: 2 })
    const cbor: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' },
        fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 300 }), fc.uint8Array({ maxLength: 40 }),
        fc.string({ maxLength: 4 }), fc.array(tie('v'), { maxLength: 5 }))
    })).v
    fc.assert(fc.property(fc.array(fc.oneof(cbor, fc.tuple(fc.oneof(fc.constant(null), cbor), fc.integer({ min: 0, max: 4 }), cbor, cbor)), { maxLength: 6 }),
      (r) => { decodeOrProtocolError(raw(r)) }), { numRuns: 400, seed: 3 })
  })
})

/** Random valid messages: sorted bounds from random keys, no adjacent skips, valid payloads. */
const randomMessage: fc.Arbitrary<SyncMessage> = fc.record({
  seed: fc.nat(),
  count: fc.integer({ min: 1, max: 12 }),
  modes: fc.array(fc.constantFrom('skip', 'fingerprint', 'ids', 'diff'), { minLength: 12, maxLength: 12 }),
  lack: fc.uint8Array({ minLength: 1, maxLength: 3 })
}).map(({ seed, count, modes, lack }) => {
  const keys = makeKeys(count * 4, seed, 2).sort(compareItemKeys)
  const bounds: SyncBound[] = []
  for (let i = 1; i < count; i++) bounds.push(boundBetween(keys[i * 4 - 1] as ItemKey, keys[i * 4] as ItemKey))
  bounds.push(INFINITY_BOUND)
  const ranges: SyncRange[] = []
  bounds.forEach((upper, i) => {
    let mode = modes[i] ?? 'skip'
    if (mode === 'skip' && ranges[ranges.length - 1]?.mode === 'skip') mode = 'fingerprint'
    const inside = keys.slice(i * 4, i * 4 + 1 + (i % 3)).sort(compareItemKeys)
    if (mode === 'skip') ranges.push({ upper, mode })
    else if (mode === 'fingerprint') ranges.push({ upper, mode, fingerprint: fp })
    else if (mode === 'ids') ranges.push({ upper, mode, keys: inside })
    else ranges.push({ upper, mode, keys: inside, lack: lack.map((b) => b | 1) })
  })
  return { ranges }
})

it('randomMessage keeps keys inside their ranges', () => {
  fc.assert(fc.property(randomMessage, (m) => m.ranges.every((r) => r.mode !== 'ids' || new Set(r.keys.map(itemKeyString)).size === r.keys.length)), { numRuns: 20 })
})
