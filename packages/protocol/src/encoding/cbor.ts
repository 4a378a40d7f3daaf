/**
 * Deterministic CBOR (PROTOCOL.md §1.1).
 *
 * Everything Hearth signs or hashes is encoded with RFC 8949 §4.2.1 "core
 * deterministic encoding": definite lengths, shortest integer and length
 * forms, map keys sorted by their encoded bytes. Decoding accepts exactly that
 * subset (no floats, tags, undefined, indefinite lengths, duplicate or
 * non-text map keys, "__proto__" keys or invalid UTF-8), checked on the
 * bytes before decoding (canonical-check.ts), so every value has exactly one
 * byte form.
 */
import { decode, encode, rfc8949EncodeOptions } from 'cborg'
import {
  MalformedEncodingError,
  NonCanonicalEncodingError,
  RecordTooLargeError,
  TrailingBytesError,
  TruncatedInputError
} from '../errors.ts'
import { toBytes, type Bytes } from '../bytes.ts'
import { assertCanonicalEncoding, MAX_DEPTH } from './canonical-check.ts'

/** A value of the CBOR subset Hearth uses. */
export type CborValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly CborValue[]
  | { readonly [key: string]: CborValue | undefined }

/** Largest integer allowed in a record (2^53 − 1), so every peer can hold it exactly. */
export const MAX_SAFE_UINT = Number.MAX_SAFE_INTEGER

const decodeOptions = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true,
  useMaps: false
} as const

/**
 * Encode a value canonically. Object properties whose value is `undefined` are
 * omitted (an absent optional field), never encoded.
 */
export function encodeCanonical(value: CborValue): Bytes {
  const clean = stripUndefined(value)
  assertEncodable(clean, 0)
  return toBytes(encode(clean, rfc8949EncodeOptions))
}

/**
 * Decode canonical CBOR of at most `maxBytes` bytes. Throws only
 * {@link ProtocolError} subclasses: {@link RecordTooLargeError},
 * {@link TruncatedInputError}, {@link TrailingBytesError},
 * {@link MalformedEncodingError}, {@link NonCanonicalEncodingError}.
 */
export function decodeCanonical(bytes: Uint8Array, maxBytes: number): unknown {
  if (!(bytes instanceof Uint8Array)) throw new MalformedEncodingError('input is not bytes')
  if (bytes.length > maxBytes) {
    throw new RecordTooLargeError(`encoding is ${bytes.length} bytes; the limit is ${maxBytes}`)
  }
  if (bytes.length === 0) throw new TruncatedInputError('empty input')
  assertCanonicalEncoding(bytes)
  try {
    return decode(bytes, decodeOptions)
  } catch (err) {
    // The bytes passed the canonical check, so this is not expected; keep the typed contract anyway.
    throw classifyDecodeFailure(err)
  }
}

export { MAX_DEPTH }

function classifyDecodeFailure(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err)
  if (/not enough (data|entries)|unexpected end|insufficient|out of bounds/i.test(message)) {
    return new TruncatedInputError('input ends inside a value')
  }
  if (/too many terminals/i.test(message)) {
    return new TrailingBytesError('bytes follow a complete value')
  }
  if (/more bytes than necessary/i.test(message)) {
    // Well-formed CBOR whose integer or length is not in its shortest form.
    return new NonCanonicalEncodingError('integer or length not in its shortest form (PROTOCOL.md §1.1)')
  }
  if (err instanceof RangeError) {
    return new MalformedEncodingError('nesting too deep')
  }
  return new MalformedEncodingError(`malformed CBOR: ${message.replace(/^CBOR decode error: /, '')}`)
}

function assertEncodable(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new MalformedEncodingError(`nesting deeper than ${MAX_DEPTH}`)
  if (value === null || typeof value === 'boolean' || value instanceof Uint8Array) return
  if (typeof value === 'string') {
    // A lone surrogate has no UTF-8 form: the encoder would write U+FFFD and
    // so give two different strings one encoding.
    if (LONE_SURROGATE.test(value)) throw new MalformedEncodingError('text is not well-formed Unicode (lone surrogate)')
    return
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new MalformedEncodingError('only safe integers are allowed, no floats')
    return
  }
  if (Array.isArray(value)) {
    for (const item of value) assertEncodable(item, depth + 1)
    return
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    assertNoProtoKey(value)
    for (const item of Object.values(value as Record<string, unknown>)) assertEncodable(item, depth + 1)
    return
  }
  throw new MalformedEncodingError(`unsupported value of type ${typeof value}`)
}

const LONE_SURROGATE = /\p{Cs}/u

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * A "__proto__" key cannot survive a plain JavaScript object: assigning it
 * sets the prototype instead, so such a map would not re-encode to itself.
 */
function assertNoProtoKey(value: object): void {
  if (Object.hasOwn(value, '__proto__')) throw new MalformedEncodingError('"__proto__" is not allowed as a map key')
}

function stripUndefined(value: CborValue): CborValue {
  if (Array.isArray(value)) return value.map(stripUndefined)
  // Only plain objects are maps; anything else (Map, Date, class instances) is
  // left for assertEncodable to refuse rather than silently encoded as `{}`.
  if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    assertNoProtoKey(value)
    const out: Record<string, CborValue> = {}
    for (const [k, v] of Object.entries(value as Record<string, CborValue | undefined>)) {
      if (v !== undefined) out[k] = stripUndefined(v)
    }
    return out
  }
  return value
}
