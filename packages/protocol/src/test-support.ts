/**
 * Shared helpers for the protocol test suite (not exported by the package):
 * deterministic keys, error assertions, a hand-written CBOR writer that can
 * produce every non-canonical spelling the decoder must refuse, and the
 * hostile-input battery every record decoder runs.
 */
import { expect, it } from 'vitest'
import fc from 'fast-check'
import { ed25519, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import {
  MalformedEncodingError,
  NonCanonicalEncodingError,
  ProtocolError,
  RecordTooLargeError,
  SchemaError,
  TrailingBytesError,
  TruncatedInputError,
  UnknownRecordTypeError,
  UnknownVersionError
} from './errors.ts'
import { compareBytes, concat, fromHex, toBytes, toHex, utf8, type Bytes } from './bytes.ts'
import { keypairFromSeed, type Keypair } from './crypto/ed25519.ts'
import { sha256 } from './crypto/sha256.ts'
import { decodeCanonical, encodeCanonical, type CborValue } from './encoding/cbor.ts'

// ---------------------------------------------------------------------------
// Deterministic inputs

/** The seed every test key derives from: SHA-256(ascii("hearth/test-seed/" + label)). */
export function testSeed(label: string): Bytes {
  return sha256(utf8(`hearth/test-seed/${label}`))
}

/**
 * A 52-character base32 text (32 bytes) whose last character keeps its data
 * bit but sets a padding bit: the same bytes under a lax decoder, refused by
 * a strict one.
 */
export function nonZeroPadding(text: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  const last = alphabet.indexOf(text.slice(-1).toLowerCase())
  return `${text.slice(0, -1)}${alphabet[last | 1] ?? ''}`
}

/** A fixed keypair per label (see {@link testSeed}). */
export function testKeypair(label: string): Keypair {
  return keypairFromSeed(testSeed(label))
}

/** `n` deterministic bytes per label: the first n bytes of SHA-256 chains. */
export function testBytes(label: string, n: number): Bytes {
  const out = new Uint8Array(n)
  let block = sha256(utf8(`hearth/test-bytes/${label}`))
  for (let i = 0; i < n; i += 32) {
    out.set(block.subarray(0, Math.min(32, n - i)), i)
    block = sha256(block)
  }
  return out
}

// ---------------------------------------------------------------------------
// Error assertions

/** Any concrete ProtocolError class. */
export type ErrorClass = abstract new (...args: never[]) => ProtocolError

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

/**
 * Assert `err` is a ProtocolError and, when classes are given, an instance of
 * one of them. Returns it typed.
 */
export function expectProtocolError(err: unknown, ...classes: ErrorClass[]): ProtocolError {
  if (!(err instanceof ProtocolError)) {
    expect.fail(`expected a ProtocolError, got ${describeError(err)}`)
  }
  if (classes.length > 0 && !classes.some((c) => err instanceof c)) {
    expect.fail(`expected ${classes.map((c) => c.name).join(' | ')}, got ${describeError(err)}`)
  }
  return err
}

const NO_THROW = Symbol('no throw')

/** Run `fn`, which must throw a ProtocolError (of one of `classes`, if given). */
export function expectThrow(fn: () => unknown, ...classes: ErrorClass[]): ProtocolError {
  let caught: unknown = NO_THROW
  try {
    fn()
  } catch (err) {
    caught = err
  }
  if (caught === NO_THROW) expect.fail(`expected ${classes.map((c) => c.name).join(' | ') || 'a ProtocolError'}, but nothing was thrown`)
  return expectProtocolError(caught, ...classes)
}

/** Await `fn()`, which must reject with a ProtocolError (of one of `classes`, if given). */
export async function expectReject(fn: () => unknown, ...classes: ErrorClass[]): Promise<ProtocolError> {
  let caught: unknown = NO_THROW
  try {
    await fn()
  } catch (err) {
    caught = err
  }
  if (caught === NO_THROW) expect.fail(`expected ${classes.map((c) => c.name).join(' | ') || 'a ProtocolError'}, but it resolved`)
  return expectProtocolError(caught, ...classes)
}

/** Assert `err` is a SchemaError naming `field` (or a field under it). */
export function expectSchemaField(err: ProtocolError, field: string): void {
  if (!(err instanceof SchemaError)) expect.fail(`expected a SchemaError naming ${field}, got ${describeError(err)}`)
  const named = err.field
  expect(named === field || named.startsWith(`${field}.`) || named.startsWith(`${field}[`), `field ${named} vs ${field}`).toBe(true)
}

/** Run `fn`; if it throws, the error must be a ProtocolError. Returns whether it threw. */
export function onlyProtocolErrors(fn: () => unknown): boolean {
  try {
    fn()
    return false
  } catch (err) {
    expectProtocolError(err)
    return true
  }
}

/** Await `fn()`; if it rejects, the error must be a ProtocolError. Returns whether it rejected. */
export async function onlyProtocolErrorsAsync(fn: () => unknown): Promise<boolean> {
  try {
    await fn()
    return false
  } catch (err) {
    expectProtocolError(err)
    return true
  }
}

// ---------------------------------------------------------------------------
// A hand-written CBOR writer (RFC 8949 §3). Independent of cborg: it spells
// canonical encodings for cross-checks, and every non-canonical form on request.

/** Width of a head's argument: inline (0) or 1, 2, 4, 8 following bytes. */
export type Width = 0 | 1 | 2 | 4 | 8

/** A CBOR data item with explicit spelling choices. */
export type Item =
  | { readonly kind: 'uint'; readonly value: bigint; readonly width?: Width }
  | { readonly kind: 'nint'; readonly value: bigint; readonly width?: Width } // encodes −1 − value
  | { readonly kind: 'bytes'; readonly value: Uint8Array; readonly width?: Width; readonly chunked?: boolean }
  | { readonly kind: 'text'; readonly value: Uint8Array; readonly width?: Width; readonly chunked?: boolean }
  | { readonly kind: 'array'; readonly items: readonly Item[]; readonly width?: Width; readonly indefinite?: boolean }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [Item, Item])[]; readonly width?: Width; readonly indefinite?: boolean }
  | { readonly kind: 'tag'; readonly tag: bigint; readonly item: Item }
  | { readonly kind: 'simple'; readonly value: number }
  | { readonly kind: 'raw'; readonly bytes: Uint8Array }

function minimalWidth(n: bigint): Width {
  return n < 24n ? 0 : n < 0x100n ? 1 : n < 0x10000n ? 2 : n < 0x100000000n ? 4 : 8
}

function head(major: number, n: bigint, width: Width = minimalWidth(n)): Bytes {
  if (width === 0) return new Uint8Array([(major << 5) | Number(n)])
  const out = new Uint8Array(1 + width)
  out[0] = (major << 5) | { 1: 24, 2: 25, 4: 26, 8: 27 }[width]
  for (let i = 0; i < width; i++) out[width - i] = Number((n >> BigInt(8 * i)) & 0xffn)
  return out
}

/** Spell an item as bytes, honouring every spelling choice it makes. */
export function writeItem(item: Item): Bytes {
  switch (item.kind) {
    case 'uint':
      return head(0, item.value, item.width)
    case 'nint':
      return head(1, item.value, item.width)
    case 'bytes':
    case 'text': {
      const major = item.kind === 'bytes' ? 2 : 3
      if (item.chunked === true) {
        const half = item.value.length >> 1
        return concat(
          new Uint8Array([(major << 5) | 31]),
          head(major, BigInt(half)), item.value.subarray(0, half),
          head(major, BigInt(item.value.length - half)), item.value.subarray(half),
          new Uint8Array([0xff])
        )
      }
      return concat(head(major, BigInt(item.value.length), item.width), item.value)
    }
    case 'array': {
      const body = item.items.map(writeItem)
      if (item.indefinite === true) return concat(new Uint8Array([0x9f]), ...body, new Uint8Array([0xff]))
      return concat(head(4, BigInt(item.items.length), item.width), ...body)
    }
    case 'map': {
      const body = item.entries.flatMap(([k, v]) => [writeItem(k), writeItem(v)])
      if (item.indefinite === true) return concat(new Uint8Array([0xbf]), ...body, new Uint8Array([0xff]))
      return concat(head(5, BigInt(item.entries.length), item.width), ...body)
    }
    case 'tag':
      return concat(head(6, item.tag), writeItem(item.item))
    case 'simple':
      return item.value < 24 ? new Uint8Array([0xe0 | item.value]) : new Uint8Array([0xf8, item.value])
    case 'raw':
      return toBytes(item.bytes)
  }
}

/** The canonical item of a value (RFC 8949 §4.2.1), written without cborg. */
export function itemOf(value: unknown): Item {
  if (value === null) return { kind: 'simple', value: 22 }
  if (value === true) return { kind: 'simple', value: 21 }
  if (value === false) return { kind: 'simple', value: 20 }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`)
    return value >= 0 ? { kind: 'uint', value: BigInt(value) } : { kind: 'nint', value: BigInt(-1 - value) }
  }
  if (typeof value === 'string') return { kind: 'text', value: utf8(value) }
  if (value instanceof Uint8Array) return { kind: 'bytes', value }
  if (Array.isArray(value)) return { kind: 'array', items: value.map(itemOf) }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [itemOf(k), itemOf(v)] as const)
    return { kind: 'map', entries: sortEntries(entries) }
  }
  throw new Error(`cannot encode ${typeof value}`)
}

/** Sort map entries by the bytes of their encoded keys (RFC 8949 §4.2.1). */
export function sortEntries(entries: readonly (readonly [Item, Item])[]): (readonly [Item, Item])[] {
  return [...entries].sort(([a], [b]) => compareBytes(writeItem(a), writeItem(b)))
}

/** Text item of a JS string. */
export function textItem(text: string): Item {
  return { kind: 'text', value: utf8(text) }
}

/** A float item of the given size (16-bit only for values it represents exactly). */
export function floatItem(value: number, size: 2 | 4 | 8): Item {
  const out = new Uint8Array(1 + size)
  const view = new DataView(out.buffer)
  if (size === 2) {
    const half: Record<string, number> = { '0': 0x0000, '-0': 0x8000, '1': 0x3c00, '1.5': 0x3e00, Infinity: 0x7c00, '-Infinity': 0xfc00, NaN: 0x7e00 }
    const key = Object.is(value, -0) ? '-0' : String(value)
    const bits = half[key]
    if (bits === undefined) throw new Error(`no float16 spelling for ${value} in this helper`)
    out[0] = 0xf9
    view.setUint16(1, bits)
  } else if (size === 4) {
    out[0] = 0xfa
    view.setFloat32(1, value)
  } else {
    out[0] = 0xfb
    view.setFloat64(1, value)
  }
  return { kind: 'raw', bytes: out }
}

// ---------------------------------------------------------------------------
// CBOR examples (shared by the CBOR tests and the cbor.json vectors)

/** RFC 8949 Appendix A examples that fall inside Hearth's subset. */
export const RFC8949_EXAMPLES: readonly [CborValue, string][] = [
  [0, '00'], [1, '01'], [10, '0a'], [23, '17'], [24, '1818'], [25, '1819'], [100, '1864'], [1000, '1903e8'],
  [1000000, '1a000f4240'], [1000000000000, '1b000000e8d4a51000'], [-1, '20'], [-10, '29'], [-100, '3863'], [-1000, '3903e7'],
  [false, 'f4'], [true, 'f5'], [null, 'f6'],
  [new Uint8Array(0), '40'], [fromHex('01020304'), '4401020304'],
  ['', '60'], ['a', '6161'], ['IETF', '6449455446'], ['"\\', '62225c'], ['\u00fc', '62c3bc'], ['\u6c34', '63e6b0b4'], ['\u{10151}', '64f0908591'],
  [[], '80'], [[1, 2, 3], '83010203'], [[1, [2, 3], [4, 5]], '8301820203820405'],
  [Array.from({ length: 25 }, (_, i) => i + 1), '98190102030405060708090a0b0c0d0e0f101112131415161718181819'],
  [{}, 'a0'], [{ a: 1, b: [2, 3] }, 'a26161016162820203'], [['a', { b: 'c' }], '826161a161626163'],
  [{ a: 'A', b: 'B', c: 'C', d: 'D', e: 'E' }, 'a56161614161626142616361436164614461656145']
]

/** Edges of Hearth's integer range and the deterministic key order. */
export const HEARTH_CBOR_EXAMPLES: readonly [CborValue, string][] = [
  [Number.MAX_SAFE_INTEGER, '1b001fffffffffffff'],
  [Number.MIN_SAFE_INTEGER, '3b001ffffffffffffe'],
  [255, '18ff'], [256, '190100'], [65535, '19ffff'], [65536, '1a00010000'], [2 ** 32 - 1, '1affffffff'], [2 ** 32, '1b0000000100000000'],
  // Shorter keys sort first (their head byte is smaller), then bytewise.
  [{ b: 1, aa: 2 }, 'a261620162616102'],
  [{ aa: 2, b: 1 }, 'a261620162616102'],
  [{ B: 1, a: 2 }, 'a2614201616102'],
  // A field whose value is undefined is absent.
  [{ a: 1, b: undefined }, 'a1616101']
]

/** Byte strings decodeCanonical must refuse, with the error class it throws. */
export const CBOR_REJECTIONS: readonly (readonly [string, string, ErrorClass])[] = [
  ['non-minimal uint (1 in 1 byte)', '1801', NonCanonicalEncodingError],
  ['non-minimal uint (24 in 2 bytes)', '190018', NonCanonicalEncodingError],
  ['non-minimal uint (0 in 8 bytes)', '1b0000000000000000', NonCanonicalEncodingError],
  ['non-minimal negative int', '3800', NonCanonicalEncodingError],
  ['non-minimal byte-string length', '580100', NonCanonicalEncodingError],
  ['non-minimal text length', '780161', NonCanonicalEncodingError],
  ['non-minimal array length', '980100', NonCanonicalEncodingError],
  ['non-minimal map length', 'b801616101', NonCanonicalEncodingError],
  ['array length in 8 bytes', '9b000000000000000100', NonCanonicalEncodingError],
  ['unsorted map keys', 'a2616201616101', NonCanonicalEncodingError],
  ['longer key before shorter key', 'a262616101616202', NonCanonicalEncodingError],
  ['float16 0.0', 'f90000', MalformedEncodingError],
  ['float16 1.0', 'f93c00', MalformedEncodingError],
  ['float32 100.0', 'fa42c80000', MalformedEncodingError],
  ['float64 1.0e12', 'fb426d1a94a2000000', MalformedEncodingError],
  ['float16 -0.0', 'f98000', MalformedEncodingError],
  ['float16 1.5', 'f93e00', MalformedEncodingError],
  ['float64 1.1', 'fb3ff199999999999a', MalformedEncodingError],
  ['float16 NaN', 'f97e00', MalformedEncodingError],
  ['float16 Infinity', 'f97c00', MalformedEncodingError],
  ['float16 -Infinity', 'f9fc00', MalformedEncodingError],
  ['float64 NaN', 'fb7ff8000000000000', MalformedEncodingError],
  ['undefined', 'f7', MalformedEncodingError],
  ['simple value 0', 'e0', MalformedEncodingError],
  ['simple value 19', 'f3', MalformedEncodingError],
  ['simple value 255', 'f8ff', MalformedEncodingError],
  ['two-byte simple 20', 'f814', MalformedEncodingError],
  ['reserved simple 28', 'fc', MalformedEncodingError],
  ['tag 0 (date string)', 'c074323031332d30332d32315432303a30343a30305a', MalformedEncodingError],
  ['tag 1 (epoch)', 'c11a514b67b0', MalformedEncodingError],
  ['tag 2 (bignum)', 'c249010000000000000000', MalformedEncodingError],
  ['tag 24 (embedded CBOR)', 'd818456449455446', MalformedEncodingError],
  ['tag 55799 (self-describe)', 'd9d9f7a0', MalformedEncodingError],
  ['indefinite byte string', '5f42010243030405ff', MalformedEncodingError],
  ['indefinite text', '7f657374726561646d696e67ff', MalformedEncodingError],
  ['indefinite array', '9f018202039f0405ffff', MalformedEncodingError],
  ['indefinite empty array', '9fff', MalformedEncodingError],
  ['indefinite map', 'bf61610161629f0203ffff', MalformedEncodingError],
  ['lone break', 'ff', MalformedEncodingError],
  ['break inside a definite array', '8201ff', MalformedEncodingError],
  ['reserved additional info 28', '1c', MalformedEncodingError],
  ['reserved additional info 30', '5e', MalformedEncodingError],
  ['indefinite uint', '1f', MalformedEncodingError],
  ['uint 2^53', '1b0020000000000000', MalformedEncodingError],
  ['uint 2^64-1', '1bffffffffffffffff', MalformedEncodingError],
  ['nint -2^53-1', '3b0020000000000000', MalformedEncodingError],
  ['integer map key', 'a10101', MalformedEncodingError],
  ['negative integer map key', 'a12001', MalformedEncodingError],
  ['byte-string map key', 'a1410001', MalformedEncodingError],
  ['array map key', 'a18001', MalformedEncodingError],
  ['map map key', 'a1a001', MalformedEncodingError],
  ['null map key', 'a1f601', MalformedEncodingError],
  ['duplicate keys', 'a2616101616102', MalformedEncodingError],
  ['duplicate keys, same value', 'a2616101616101', MalformedEncodingError],
  ['duplicate nested keys', 'a16178a2616101616101', MalformedEncodingError],
  ['__proto__ key', `a169${toHex(utf8('__proto__'))}a0`, MalformedEncodingError],
  ['__proto__ key with integer value', `a169${toHex(utf8('__proto__'))}01`, MalformedEncodingError],
  ['nested __proto__ key', `a16161a169${toHex(utf8('__proto__'))}a1617602`, MalformedEncodingError],
  ['17 nested arrays', `${'81'.repeat(17)}00`, MalformedEncodingError],
  ['17 nested maps', `${'a16161'.repeat(17)}00`, MalformedEncodingError],
  ['trailing byte', '0000', TrailingBytesError],
  ['trailing map', 'a0a0', TrailingBytesError],
  ['truncated head', '19', TruncatedInputError],
  ['truncated 8-byte head', '1b00000000', TruncatedInputError],
  ['truncated byte string', '4401', TruncatedInputError],
  ['truncated text', '6449', TruncatedInputError],
  ['truncated array', '8301', TruncatedInputError],
  ['truncated map value', 'a16161', TruncatedInputError],
  ['truncated map key', 'a2616101', TruncatedInputError],
  ['truncated float', 'fb3ff0', TruncatedInputError],
  ['byte-string length 2^31 with no data', '5a7fffffff', TruncatedInputError],
  ['array length 2^28 with no items', '9a0fffffff', TruncatedInputError]
]

// ---------------------------------------------------------------------------
// Arbitraries

/** Text that has a UTF-8 form (no lone surrogates), any code point. */
export const anyText = (maxLength = 12): fc.Arbitrary<string> => fc.string({ unit: 'binary', maxLength })

/** Map keys: short ASCII, any Unicode, and keys that look like Object.prototype members. */
const mapKey = fc.oneof(
  fc.string({ maxLength: 6 }),
  anyText(4),
  fc.constantFrom('constructor', 'toString', 'hasOwnProperty', 'valueOf', 'v', 't', 'sig', '', 'a', 'aa', 'b')
).filter((k) => k !== '__proto__')

/** Every value of the CBOR subset Hearth accepts (depth bounded below MAX_DEPTH). */
export const cborValue: fc.Arbitrary<CborValue> = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 8, withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -30, max: 30 }),
    fc.maxSafeInteger(),
    fc.constantFrom(23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, -24, -25, -256, -257, -(2 ** 32), -(2 ** 32) - 1, Number.MIN_SAFE_INTEGER),
    anyText(30),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(mapKey, tie('value'), { maxKeys: 5, noNullPrototype: true })
  )
})).value

// ---------------------------------------------------------------------------
// Hostile inputs for record decoders

/** One hostile input and the error classes it may produce. */
export interface HostileCase {
  readonly name: string
  readonly bytes: Uint8Array
  readonly errors: readonly ErrorClass[]
  /** When set, the SchemaError must name this field. */
  readonly field?: string
}

type MapItem = Extract<Item, { kind: 'map' }>
type Entry = readonly [Item, Item]

function keyText(entry: Entry): string {
  const k = entry[0]
  return k.kind === 'text' ? new TextDecoder().decode(k.value) : '?'
}

function withEntry(map: MapItem, key: string, item: Item): MapItem {
  return { ...map, entries: sortEntries([...map.entries.filter((e) => keyText(e) !== key), [textItem(key), item]]) }
}

function mapEntry(map: MapItem, key: string): Item {
  const e = map.entries.find((x) => keyText(x) === key)
  if (!e) throw new Error(`record has no field ${key}`)
  return e[1]
}

function nested(depth: number): Item {
  let item: Item = { kind: 'uint', value: 0n }
  for (let i = 0; i < depth; i++) item = { kind: 'array', items: [item] }
  return item
}

/**
 * Every malformed and non-canonical spelling the CBOR layer must refuse,
 * derived from one valid record encoding: prefixes, trailing bytes, oversize,
 * non-minimal heads, unsorted/duplicate keys, indefinite lengths, floats,
 * tags, undefined and other simple values, deep nesting, `__proto__` and
 * non-text keys, invalid UTF-8, out-of-range integers.
 */
export function encodingAttacks(valid: Uint8Array, maxBytes: number): HostileCase[] {
  const value = decodeCanonical(valid, Infinity) as Record<string, CborValue>
  const record = itemOf(value) as MapItem
  if (!equal(writeItem(record), valid)) throw new Error('test writer disagrees with the canonical encoder')
  const firstBytesField = Object.keys(value).sort().find((k) => value[k] instanceof Uint8Array && value[k].length > 1)
  if (firstBytesField === undefined) throw new Error('record has no bytes field')
  const cases: HostileCase[] = []
  const add = (name: string, item: Item | Uint8Array, ...errors: ErrorClass[]): void => {
    cases.push({ name, bytes: item instanceof Uint8Array ? item : writeItem(item), errors })
  }
  for (let n = 0; n < valid.length; n++) add(`prefix of ${n} bytes`, valid.subarray(0, n), TruncatedInputError)
  add('trailing zero byte', concat(valid, new Uint8Array([0])), TrailingBytesError)
  add('two records back to back', concat(valid, valid), TrailingBytesError, RecordTooLargeError)
  add('trailing break byte', concat(valid, new Uint8Array([0xff])), TrailingBytesError, MalformedEncodingError)
  add('one byte over the size limit', new Uint8Array(maxBytes + 1), RecordTooLargeError)
  add('well-formed record padded over the size limit', withEntry(record, 'pad', { kind: 'bytes', value: new Uint8Array(maxBytes) }), RecordTooLargeError)
  // Non-minimal heads: well-formed, but not the deterministic spelling.
  add('non-minimal integer (v as 0x18 0x01)', withEntry(record, 'v', { kind: 'uint', value: 1n, width: 1 }), NonCanonicalEncodingError)
  add('non-minimal integer (v as 8 bytes)', withEntry(record, 'v', { kind: 'uint', value: 1n, width: 8 }), NonCanonicalEncodingError)
  add('non-minimal map length', { ...record, width: 1 }, NonCanonicalEncodingError)
  add('non-minimal map length (4 bytes)', { ...record, width: 4 }, NonCanonicalEncodingError)
  add('non-minimal key length', {
    ...record,
    entries: record.entries.map(([k, v]) => [k.kind === 'text' && keyText([k, v]) === 't' ? { ...k, width: 1 as const } : k, v] as const)
  }, NonCanonicalEncodingError)
  const bytesField = mapEntry(record, firstBytesField) as Extract<Item, { kind: 'bytes' }>
  add(`non-minimal byte-string length (${firstBytesField})`, withEntry(record, firstBytesField, { ...bytesField, width: bytesField.value.length < 256 ? 2 : 4 }), NonCanonicalEncodingError)
  add('map keys in reverse order', { ...record, entries: [...record.entries].reverse() }, NonCanonicalEncodingError)
  add('map keys sorted as JS strings, not as encoded bytes', {
    ...record,
    entries: [...record.entries].sort((a, b) => (keyText(a) < keyText(b) ? -1 : keyText(a) > keyText(b) ? 1 : 0))
  }, NonCanonicalEncodingError)
  // Outside the accepted subset.
  add('indefinite-length map', { ...record, indefinite: true }, MalformedEncodingError)
  add(`indefinite-length byte string (${firstBytesField})`, withEntry(record, firstBytesField, { ...bytesField, chunked: true }), MalformedEncodingError)
  add('indefinite-length text (t)', withEntry(record, 't', { ...(mapEntry(record, 't') as Extract<Item, { kind: 'text' }>), chunked: true }), MalformedEncodingError)
  add('indefinite-length array field', withEntry(record, 'zz', { kind: 'array', items: [], indefinite: true }), MalformedEncodingError)
  add('float16 1.0 for v', withEntry(record, 'v', floatItem(1, 2)), MalformedEncodingError)
  add('float32 1.0 for v', withEntry(record, 'v', floatItem(1, 4)), MalformedEncodingError)
  add('float64 1.0 for v', withEntry(record, 'v', floatItem(1, 8)), MalformedEncodingError)
  add('float 1.5 for v', withEntry(record, 'v', floatItem(1.5, 8)), MalformedEncodingError)
  add('float NaN for v', withEntry(record, 'v', floatItem(NaN, 2)), MalformedEncodingError)
  add('float Infinity for v', withEntry(record, 'v', floatItem(Infinity, 2)), MalformedEncodingError)
  add('float -0 for v', withEntry(record, 'v', floatItem(-0, 2)), NonCanonicalEncodingError, MalformedEncodingError)
  add('self-describe tag 55799 around the record', { kind: 'tag', tag: 55799n, item: record }, MalformedEncodingError)
  add('tag 0 on t', withEntry(record, 't', { kind: 'tag', tag: 0n, item: mapEntry(record, 't') }), MalformedEncodingError)
  add('bignum tag 2 for v', withEntry(record, 'v', { kind: 'tag', tag: 2n, item: { kind: 'bytes', value: new Uint8Array([1]) } }), MalformedEncodingError)
  add('undefined for v', withEntry(record, 'v', { kind: 'simple', value: 23 }), MalformedEncodingError)
  add('undefined as an extra field', withEntry(record, 'zz', { kind: 'simple', value: 23 }), MalformedEncodingError)
  add('simple value 16', withEntry(record, 'v', { kind: 'simple', value: 16 }), MalformedEncodingError)
  add('simple value 255', withEntry(record, 'v', { kind: 'simple', value: 255 }), MalformedEncodingError)
  add('two-byte spelling of simple false', withEntry(record, 'v', { kind: 'raw', bytes: new Uint8Array([0xf8, 20]) }), MalformedEncodingError)
  add('reserved additional information 28', withEntry(record, 'v', { kind: 'raw', bytes: new Uint8Array([0x1c]) }), MalformedEncodingError)
  add('lone break byte as a value', withEntry(record, 'v', { kind: 'raw', bytes: new Uint8Array([0xff]) }), MalformedEncodingError)
  add('integer 2^53 (beyond safe range)', withEntry(record, 'v', { kind: 'uint', value: 2n ** 53n }), MalformedEncodingError)
  add('integer 2^64 − 1', withEntry(record, 'v', { kind: 'uint', value: 2n ** 64n - 1n }), MalformedEncodingError)
  add('negative integer −2^64', withEntry(record, 'v', { kind: 'nint', value: 2n ** 64n - 1n }), MalformedEncodingError)
  add('duplicate key v', { ...record, entries: [...record.entries, [textItem('v'), { kind: 'uint', value: 1n }]] }, MalformedEncodingError, NonCanonicalEncodingError)
  add('duplicate key, both spellings adjacent', {
    ...record,
    entries: record.entries.flatMap((e) => (keyText(e) === 't' ? [e, e] : [e]))
  }, MalformedEncodingError)
  add('17 levels of nesting', withEntry(record, 'zz', nested(17)), MalformedEncodingError)
  add('deep nesting up to the size limit', withEntry(record, 'zz', {
    kind: 'raw', bytes: concat(new Uint8Array(Math.max(0, maxBytes - valid.length - 8)).fill(0x81), new Uint8Array([0]))
  }), MalformedEncodingError, RecordTooLargeError)
  add('__proto__ key with a map value', withEntry(record, '__proto__', { kind: 'map', entries: [[textItem('v'), { kind: 'uint', value: 2n }]] }), MalformedEncodingError)
  add('__proto__ key with an integer value', withEntry(record, '__proto__', { kind: 'uint', value: 1n }), MalformedEncodingError)
  add('__proto__ key nested in a field', withEntry(record, 'zz', { kind: 'map', entries: [[textItem('__proto__'), { kind: 'map', entries: [] }]] }), MalformedEncodingError)
  add('integer map key', { ...record, entries: sortEntries([...record.entries, [{ kind: 'uint', value: 1n }, { kind: 'uint', value: 1n }]]) }, MalformedEncodingError)
  add('byte-string map key', { ...record, entries: sortEntries([...record.entries, [{ kind: 'bytes', value: new Uint8Array([1]) }, { kind: 'uint', value: 1n }]]) }, MalformedEncodingError)
  add('invalid UTF-8 in t', withEntry(record, 't', { kind: 'text', value: new Uint8Array([0xc3, 0x28]) }), NonCanonicalEncodingError, MalformedEncodingError)
  add('UTF-8 encoded surrogate in t', withEntry(record, 't', { kind: 'text', value: new Uint8Array([0xed, 0xa0, 0x80]) }), NonCanonicalEncodingError, MalformedEncodingError)
  add('overlong UTF-8 in t', withEntry(record, 't', { kind: 'text', value: new Uint8Array([0xc0, 0xaf]) }), NonCanonicalEncodingError, MalformedEncodingError)
  add('byte-string length beyond the input', withEntry(record, firstBytesField, { kind: 'raw', bytes: new Uint8Array([0x5a, 0x7f, 0xff, 0xff, 0xff, 0]) }), TruncatedInputError)
  add('array length beyond the input', withEntry(record, 'zz', { kind: 'raw', bytes: new Uint8Array([0x9a, 0x0f, 0xff, 0xff, 0xff]) }), TruncatedInputError)
  return cases
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return compareBytes(a, b) === 0 && a.length === b.length
}

/** Values of every CBOR type, to put where a field of another type belongs. */
const typeSwaps: readonly { readonly type: string; readonly value: CborValue }[] = [
  { type: 'uint', value: 0 },
  { type: 'nint', value: -1 },
  { type: 'text', value: 'x' },
  { type: 'bytes', value: new Uint8Array([1]) },
  { type: 'array', value: [] },
  { type: 'map', value: { x: 1 } },
  { type: 'bool', value: true },
  { type: 'null', value: null }
]

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'number') return value >= 0 ? 'uint' : 'nint'
  if (typeof value === 'string') return 'text'
  if (typeof value === 'boolean') return 'bool'
  if (value instanceof Uint8Array) return 'bytes'
  return Array.isArray(value) ? 'array' : 'map'
}

type Json = Record<string, CborValue>

function setPath(value: Json, path: readonly string[], replacement: CborValue | undefined): Json {
  const [first, ...rest] = path
  if (first === undefined) throw new Error('empty path')
  const out: Json = Object.fromEntries(Object.entries(value).filter(([k]) => k !== first))
  const next = rest.length === 0 ? replacement : setPath(value[first] as Json, rest, replacement)
  if (next !== undefined) out[first] = next
  return out
}

/**
 * Well-formed canonical CBOR that breaks the record's schema: wrong version
 * and type, not a map, each required field missing, each field of every
 * other CBOR type, each fixed-length byte field one byte short and long, and
 * unknown fields. `optional` lists the fields that may be absent, `ranged`
 * the byte fields whose length is a range rather than fixed.
 */
export function schemaAttacks(valid: Uint8Array, opts: { tag: string; optional?: readonly string[]; ranged?: readonly string[] }): HostileCase[] {
  const value = decodeCanonical(valid, Infinity) as Json
  const cases: HostileCase[] = []
  const add = (name: string, v: CborValue, errors: ErrorClass[], field?: string): void => {
    cases.push({ name, bytes: encodeCanonical(v), errors, ...(field !== undefined ? { field } : {}) })
  }
  for (const top of [null, true, 0, -1, 'record', new Uint8Array(4), [value], []] as CborValue[]) {
    add(`top-level ${typeOf(top)} instead of a map`, top, [SchemaError])
  }
  add('empty map', {}, [SchemaError], 'v')
  for (const v of [0, 2, 255, -1, '1', true, null, new Uint8Array([1])] as CborValue[]) {
    add(`version ${JSON.stringify(v)}`, { ...value, v }, [UnknownVersionError])
  }
  add('version missing', setPath(value, ['v'], undefined), [SchemaError], 'v')
  const otherTags = ['profile', 'genesis', 'device-cert', 'device-revoke', 'auth-challenge', 'auth-response', 'backup', 'identity-secret', 'invite']
  for (const t of [...otherTags.filter((x) => x !== opts.tag), opts.tag.toUpperCase(), `${opts.tag} `, '', 1, null] as CborValue[]) {
    add(`type ${JSON.stringify(t)}`, { ...value, t }, [UnknownRecordTypeError])
  }
  add('type missing', setPath(value, ['t'], undefined), [SchemaError], 't')
  add('unknown field', { ...value, extra: 1 }, [SchemaError], 'extra')
  add('unknown field that sorts first', { ...value, a: 0 }, [SchemaError], 'a')
  add('unknown field named like a prototype member', { ...value, constructor: 'x' }, [SchemaError], 'constructor')
  add('unknown field hasOwnProperty', { ...value, hasOwnProperty: 1 }, [SchemaError], 'hasOwnProperty')
  const visit = (obj: Json, path: string[]): void => {
    for (const [key, field] of Object.entries(obj)) {
      const here = [...path, key]
      const name = here.join('.')
      if (path.length === 0 && (key === 'v' || key === 't')) continue
      if (!(opts.optional ?? []).includes(name)) add(`${name} missing`, setPath(value, here, undefined), [SchemaError], name)
      const own = typeOf(field)
      for (const swap of typeSwaps) {
        if (swap.type === own || (own === 'map' && swap.type === 'map')) continue
        add(`${name} as ${swap.type}`, setPath(value, here, swap.value), [SchemaError], name)
      }
      if (field instanceof Uint8Array && !(opts.ranged ?? []).includes(name)) {
        add(`${name} one byte short`, setPath(value, here, field.subarray(1)), [SchemaError], name)
        add(`${name} one byte long`, setPath(value, here, concat(field, new Uint8Array([0]))), [SchemaError], name)
        add(`${name} empty`, setPath(value, here, new Uint8Array(0)), [SchemaError], name)
      }
      if (own === 'map') {
        add(`${name} with an unknown field`, setPath(value, here, { ...(field as Json), extra: 1 }), [SchemaError], `${name}.extra`)
        visit(field as Json, here)
      }
    }
  }
  visit(value, [])
  return cases
}

/**
 * Register the hostile-input battery for one record decoder: every case of
 * {@link encodingAttacks} and {@link schemaAttacks}, random bytes, random CBOR
 * values, random single-byte corruptions and random truncations of a valid
 * encoding. The decoder must throw only ProtocolErrors, and the class
 * listed for each case.
 */
export function hostileDecoderSuite(opts: {
  decode: (bytes: Uint8Array) => unknown
  valid: () => Promise<Uint8Array>
  maxBytes: number
  tag: string
  optional?: readonly string[]
  ranged?: readonly string[]
  numRuns?: number
  /** Random corruptions and splices of the valid encoding (off where a mutation can make decoding slow). */
  randomMutations?: boolean
}): void {
  const numRuns = opts.numRuns ?? 150
  it('refuses every malformed or non-canonical spelling with the right error', async () => {
    const valid = await opts.valid()
    await opts.decode(valid) // sanity: the base case decodes
    for (const c of encodingAttacks(valid, opts.maxBytes)) {
      const err = await expectReject(() => opts.decode(c.bytes), ...c.errors).catch((e: unknown) => {
        throw new Error(`case "${c.name}": ${describeError(e)}`, { cause: e })
      })
      expect(err).toBeInstanceOf(ProtocolError)
    }
  })
  it('refuses every schema violation with the right error and field', async () => {
    const valid = await opts.valid()
    for (const c of schemaAttacks(valid, { tag: opts.tag, optional: opts.optional ?? [], ranged: opts.ranged ?? [] })) {
      let err: ProtocolError
      try {
        err = await expectReject(() => opts.decode(c.bytes), ...c.errors)
        if (c.field !== undefined) expectSchemaField(err, c.field)
      } catch (e) {
        throw new Error(`case "${c.name}": ${describeError(e)}`, { cause: e })
      }
    }
  })
  it('throws only ProtocolErrors on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await onlyProtocolErrorsAsync(() => opts.decode(bytes))
      }),
      { numRuns }
    )
  })
  it('throws only SchemaError-family errors on random canonical CBOR values', async () => {
    await fc.assert(
      fc.asyncProperty(cborValue, async (value) => {
        // Values outside the data model (fast-check likes "__proto__" keys) cannot be encoded at all.
        let encoded: Uint8Array
        try {
          encoded = encodeCanonical(value)
        } catch (e) {
          expect(e).toBeInstanceOf(MalformedEncodingError)
          return
        }
        const err = await expectReject(() => opts.decode(encoded))
        expect(err instanceof SchemaError || err instanceof UnknownVersionError || err instanceof UnknownRecordTypeError || err instanceof RecordTooLargeError).toBe(true)
      }),
      { numRuns }
    )
  })
  if (opts.randomMutations === false) return
  it('throws only ProtocolErrors on random corruptions of a valid encoding', async () => {
    const valid = await opts.valid()
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const bytes = toBytes(valid)
        bytes[at] = (bytes[at] as number) ^ xor
        await onlyProtocolErrorsAsync(() => opts.decode(bytes))
      }),
      { numRuns }
    )
  })
  it('throws only ProtocolErrors on random splices of a valid encoding', async () => {
    const valid = await opts.valid()
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: valid.length }), fc.nat({ max: valid.length }), fc.uint8Array({ maxLength: 12 }), async (a, b, insert) => {
        const [from, to] = a <= b ? [a, b] : [b, a]
        await onlyProtocolErrorsAsync(() => opts.decode(concat(valid.subarray(0, from), insert, valid.subarray(to))))
      }),
      { numRuns }
    )
  })
}

// ---------------------------------------------------------------------------
// Ed25519 crafting: signatures and keys that honest signers never produce,
// built from the RFC 8032 equations so the strict rule can be exercised.

/** The prime order of the Ed25519 base point. */
export const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n
/** The field prime 2^255 − 19. */
export const ED25519_P = 2n ** 255n - 19n

/** Little-endian bytes of `n`. */
export function leBytes(n: bigint, length = 32): Bytes {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn)
  return out
}

/** `bytes` read as a little-endian integer. */
export function leNumber(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number)
  return n
}

/** The secret scalar a of an RFC 8032 seed. */
export function secretScalar(seed: Uint8Array): bigint {
  return ed25519.utils.getExtendedPublicKey(seed).scalar
}

/** A torsion point (index into noble's ED25519_TORSION_SUBGROUP). */
export function torsionPoint(index: number): ReturnType<typeof ed25519.Point.fromHex> {
  return ed25519.Point.fromHex(ED25519_TORSION_SUBGROUP[index] as string)
}

/**
 * A signature made with the secret of `seed` but a chosen nonce: R = [r]B
 * (plus `addToR`), spelled as `rEncoding` when given, under `publicKey`
 * (default: the seed's own key). S = r + k·a mod L with k = SHA-512(R ‖ A ‖ M)
 * over the exact bytes, so the cofactorless equation holds whenever R's
 * decoding equals [r]B and A's equals [a]B.
 */
export function craftSignature(opts: {
  seed: Uint8Array
  message: Uint8Array
  r: bigint
  addToR?: ReturnType<typeof ed25519.Point.fromHex>
  rEncoding?: Uint8Array
  publicKey?: Uint8Array
}): Bytes {
  const a = secretScalar(opts.seed)
  let R = opts.r % ED25519_L === 0n ? ed25519.Point.ZERO : ed25519.Point.BASE.multiply(opts.r % ED25519_L)
  if (opts.addToR) R = R.add(opts.addToR)
  const rBytes = opts.rEncoding ?? R.toBytes()
  const publicKey = opts.publicKey ?? ed25519.getPublicKey(opts.seed)
  const k = leNumber(sha512(concat(rBytes, publicKey, opts.message))) % ED25519_L
  const s = (opts.r + k * a) % ED25519_L
  return concat(rBytes, leBytes(s))
}

/** k = SHA-512(R ‖ A ‖ M) mod L of a signature. */
export function challengeScalar(signature: Uint8Array, publicKey: Uint8Array, message: Uint8Array): bigint {
  return leNumber(sha512(concat(signature.subarray(0, 32), publicKey, message))) % ED25519_L
}

// ---------------------------------------------------------------------------
// Fixtures shared by module tests and the vector files

/** RFC 8032 §7.1, TEST 1–3. */
export const RFC8032_VECTORS = [
  {
    name: 'TEST 1',
    secretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'
  },
  {
    name: 'TEST 2',
    secretKey: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'
  },
  {
    name: 'TEST 3',
    secretKey: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a'
  }
] as const

/** Minimal bytes that pass each type's magic-number check. */
export const AVATAR_SAMPLES: Record<'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif', Bytes> = {
  'image/png': fromHex('89504e470d0a1a0a0000000d49484452'),
  'image/jpeg': fromHex('ffd8ffe000104a464946'),
  'image/webp': fromHex('52494646240000005745425056503820'),
  'image/gif': fromHex('4749463839610100010000')
}

/** The backup format of PROTOCOL.md §3.5, written with WebCrypto directly (no protocol code but the CBOR encoder). */
export async function encryptBackupByHand(opts: {
  id: Uint8Array
  plaintext: CborValue
  passphrase: string
  iterations?: number
  salt: Bytes
  iv: Bytes
}): Promise<Bytes> {
  const iterations = opts.iterations ?? 100_000
  const header = { v: 1, t: 'backup', id: opts.id, kdf: { alg: 'PBKDF2-SHA-256', iterations, salt: opts.salt }, cipher: { alg: 'AES-256-GCM', iv: opts.iv } }
  const base = await crypto.subtle.importKey('raw', utf8(opts.passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey'])
  const key = await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: opts.salt, iterations }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt'])
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: opts.iv, additionalData: encodeCanonical(header) }, key, encodeCanonical(opts.plaintext)))
  return encodeCanonical({ ...header, ct })
}

/** Decrypt a backup file with WebCrypto directly; returns the plaintext CBOR bytes. */
export async function decryptBackupByHand(file: Uint8Array, passphrase: string): Promise<Bytes> {
  const { ct, ...header } = decodeCanonical(file, 1 << 20) as { ct: Bytes; kdf: { iterations: number; salt: Bytes }; cipher: { iv: Bytes } } & Record<string, CborValue>
  const base = await crypto.subtle.importKey('raw', utf8(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey'])
  const key = await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: toBytes(header.kdf.salt), iterations: header.kdf.iterations }, base, { name: 'AES-GCM', length: 256 }, false, ['decrypt'])
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: toBytes(header.cipher.iv), additionalData: encodeCanonical(header) }, key, toBytes(ct)))
}
