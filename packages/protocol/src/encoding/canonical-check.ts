/**
 * The canonical-form check of PROTOCOL.md §1.1, as one pass over the bytes.
 *
 * It accepts exactly the core deterministic encoding (RFC 8949 §4.2.1) of the
 * Hearth data model: shortest heads, definite lengths, text map keys in
 * strictly ascending bytewise order, safe integers, valid UTF-8, false/true/
 * null as the only simple values, no floats or tags, depth ≤ 16, no
 * `"__proto__"` key, nothing after the top-level item. Checking the bytes
 * directly costs a fraction of encoding the decoded value again and
 * comparing, which is what replay throughput needs.
 */
import {
  MalformedEncodingError,
  NonCanonicalEncodingError,
  TrailingBytesError,
  TruncatedInputError
} from '../errors.ts'
import { compareBytes } from '../bytes.ts'

/** Deepest nesting allowed in any record; deeper input is malformed. */
export const MAX_DEPTH = 16

const MAX_SAFE = Number.MAX_SAFE_INTEGER
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const PROTO_KEY = Uint8Array.of(0x69, 0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f) // text "__proto__"

/** Throw the right error unless `bytes` is one canonical item of the accepted subset. */
export function assertCanonicalEncoding(bytes: Uint8Array): void {
  const end = check(bytes, 0, 0)
  if (end !== bytes.length) throw new TrailingBytesError('bytes follow a complete value')
}

function need(b: Uint8Array, end: number): void {
  if (end > b.length) throw new TruncatedInputError('input ends inside a value')
}

/** Check the item at `at`; return the offset after it. */
function check(b: Uint8Array, at: number, depth: number): number {
  need(b, at + 1)
  const initial = b[at] as number
  const major = initial >> 5
  const info = initial & 31
  let p = at + 1
  let arg: number
  if (info < 24) {
    arg = info
  } else if (info === 24) {
    need(b, p + 1)
    arg = b[p] as number
    p += 1
    if (arg < 24 && major !== 7) throw new NonCanonicalEncodingError('argument not in its shortest form')
  } else if (info === 25) {
    need(b, p + 2)
    arg = ((b[p] as number) << 8) | (b[p + 1] as number)
    p += 2
    if (arg < 0x100 && major !== 7) throw new NonCanonicalEncodingError('argument not in its shortest form')
  } else if (info === 26) {
    need(b, p + 4)
    arg = (b[p] as number) * 0x1000000 + (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number))
    p += 4
    if (arg < 0x10000 && major !== 7) throw new NonCanonicalEncodingError('argument not in its shortest form')
  } else if (info === 27) {
    need(b, p + 8)
    const hi = (b[p] as number) * 0x1000000 + (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number))
    const lo = (b[p + 4] as number) * 0x1000000 + (((b[p + 5] as number) << 16) | ((b[p + 6] as number) << 8) | (b[p + 7] as number))
    p += 8
    if (major === 7) throw new MalformedEncodingError('floats are not allowed')
    if (hi === 0) throw new NonCanonicalEncodingError('argument not in its shortest form')
    if (hi >= 0x200000) throw new MalformedEncodingError('integer or length beyond 2^53 − 1')
    arg = hi * 0x100000000 + lo
  } else if (info === 31) {
    throw new MalformedEncodingError('indefinite lengths are not allowed')
  } else {
    throw new MalformedEncodingError('reserved additional information')
  }
  switch (major) {
    case 0:
      if (arg > MAX_SAFE) throw new MalformedEncodingError('integer beyond 2^53 − 1')
      return p
    case 1:
      if (arg > MAX_SAFE - 1) throw new MalformedEncodingError('integer below −(2^53 − 1)')
      return p
    case 2:
      need(b, p + arg)
      return p + arg
    case 3:
      need(b, p + arg)
      try {
        strictUtf8.decode(b.subarray(p, p + arg))
      } catch {
        throw new MalformedEncodingError('text is not valid UTF-8')
      }
      return p + arg
    case 4:
      if (depth >= MAX_DEPTH) throw new MalformedEncodingError(`nesting deeper than ${MAX_DEPTH}`)
      for (let i = 0; i < arg; i++) p = check(b, p, depth + 1)
      return p
    case 5: {
      if (depth >= MAX_DEPTH) throw new MalformedEncodingError(`nesting deeper than ${MAX_DEPTH}`)
      let previous: Uint8Array | undefined
      for (let i = 0; i < arg; i++) {
        need(b, p + 1)
        if ((b[p] as number) >> 5 !== 3) throw new MalformedEncodingError('map keys must be text')
        const keyEnd = check(b, p, depth + 1)
        const key = b.subarray(p, keyEnd)
        if (previous) {
          const order = compareBytes(previous, key)
          if (order === 0) throw new MalformedEncodingError('duplicate map key')
          if (order > 0) throw new NonCanonicalEncodingError('map keys are not in bytewise order')
        }
        if (key.length === PROTO_KEY.length && compareBytes(key, PROTO_KEY) === 0) {
          throw new MalformedEncodingError('"__proto__" is not allowed as a map key')
        }
        previous = key
        p = check(b, keyEnd, depth + 1)
      }
      return p
    }
    case 6:
      throw new MalformedEncodingError('tags are not allowed')
    default:
      // Major type 7: only false (20), true (21) and null (22).
      if (info >= 20 && info <= 22) return p
      if (info >= 25) throw new MalformedEncodingError('floats are not allowed')
      throw new MalformedEncodingError('simple values other than false, true and null are not allowed')
  }
}
