/**
 * Walking canonical CBOR without decoding it (PROTOCOL.md §1.1, §2.3).
 *
 * Used on bytes that `decodeCanonical` has already accepted, to cut a map
 * entry out of an encoding — e.g. the signature input of a received record is
 * its own bytes minus the `sig` entry — instead of encoding the record again.
 * Because the input is canonical, the result is exactly the canonical
 * encoding of the map without that key.
 */
import { MalformedEncodingError } from '../errors.ts'
import { utf8, type Bytes } from '../bytes.ts'

interface Head {
  readonly major: number
  readonly arg: number
  /** Offset just after the head. */
  readonly next: number
}

function readHead(b: Uint8Array, at: number): Head {
  const initial = b[at]
  if (initial === undefined) throw new MalformedEncodingError('input ends inside a value')
  const major = initial >> 5
  const info = initial & 31
  let arg: number
  let next = at + 1
  if (info < 24) arg = info
  else if (info === 24) { arg = b[next] ?? 0; next += 1 }
  else if (info === 25) { arg = ((b[next] ?? 0) << 8) | (b[next + 1] ?? 0); next += 2 }
  else if (info === 26) { arg = (((b[next] ?? 0) << 24) >>> 0) + (((b[next + 1] ?? 0) << 16) | ((b[next + 2] ?? 0) << 8) | (b[next + 3] ?? 0)); next += 4 }
  else if (info === 27) {
    let n = 0
    for (let i = 0; i < 8; i++) n = n * 256 + (b[next + i] ?? 0)
    arg = n
    next += 8
  } else throw new MalformedEncodingError('indefinite or reserved length')
  if (next > b.length) throw new MalformedEncodingError('input ends inside a head')
  return { major, arg, next }
}

/** Offset just after the item that starts at `at`. */
export function itemEnd(b: Uint8Array, at: number): number {
  const { major, arg, next } = readHead(b, at)
  let p = next
  switch (major) {
    case 0: case 1: case 7: return p
    case 2: case 3: p += arg; break
    case 4: for (let i = 0; i < arg; i++) p = itemEnd(b, p); break
    case 5: for (let i = 0; i < 2 * arg; i++) p = itemEnd(b, p); break
    default: p = itemEnd(b, p) // tag: one item follows
  }
  if (p > b.length) throw new MalformedEncodingError('input ends inside a value')
  return p
}

/** The canonical head of major type `major` with argument `n`. */
function head(major: number, n: number): Uint8Array {
  const m = major << 5
  if (n < 24) return Uint8Array.of(m | n)
  if (n < 0x100) return Uint8Array.of(m | 24, n)
  if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff)
  return Uint8Array.of(m | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

/**
 * The encoding of the top-level map in `encoded` without the entry whose key
 * is the text `key`. Throws {@link MalformedEncodingError} when the input is
 * not a map or has no such key.
 */
export function withoutMapKey(encoded: Uint8Array, key: string): Bytes {
  const top = readHead(encoded, 0)
  if (top.major !== 5) throw new MalformedEncodingError('expected a map')
  const wanted = utf8(key)
  let p = top.next
  for (let i = 0; i < top.arg; i++) {
    const keyStart = p
    const k = readHead(encoded, p)
    const keyEnd = itemEnd(encoded, p)
    const valueEnd = itemEnd(encoded, keyEnd)
    if (k.major === 3 && k.arg === wanted.length && wanted.every((byte, j) => encoded[k.next + j] === byte)) {
      const h = head(5, top.arg - 1)
      const out = new Uint8Array(h.length + (keyStart - top.next) + (encoded.length - valueEnd))
      out.set(h, 0)
      out.set(encoded.subarray(top.next, keyStart), h.length)
      out.set(encoded.subarray(valueEnd), h.length + keyStart - top.next)
      return out
    }
    p = valueEnd
  }
  throw new MalformedEncodingError(`map has no "${key}" entry`)
}
