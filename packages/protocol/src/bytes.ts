/**
 * Byte helpers shared by every record module: concatenation, comparison,
 * UTF-8 and the text encodings Hearth shows to people (PROTOCOL.md §1.3).
 */
import { base32nopad, base64urlnopad } from '@scure/base'
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js'
import { InvalidArgumentError } from './errors.ts'

/** Bytes backed by a plain ArrayBuffer: what WebCrypto accepts as `BufferSource`. */
export type Bytes = Uint8Array<ArrayBuffer>

/** Copy into a fresh ArrayBuffer-backed array (also detaches from caller mutation). */
export function toBytes(data: Uint8Array): Bytes {
  const out = new Uint8Array(data.length)
  out.set(data)
  return out
}

/**
 * The same bytes typed for WebCrypto, without copying when they already sit
 * on a plain ArrayBuffer (the hot paths: verify, decode). Use {@link toBytes}
 * where the result must not share memory with the argument.
 */
export function asBytes(data: Uint8Array): Bytes {
  return data.buffer instanceof ArrayBuffer ? (data as Bytes) : toBytes(data)
}

/** Concatenate byte arrays. */
export function concat(...parts: Uint8Array[]): Bytes {
  return toBytes(concatBytes(...parts))
}

/** Constant-length-agnostic equality (not constant time; use for public data only). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Lexicographic byte order: negative when a sorts before b. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.length - b.length
}

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** UTF-8 encode. */
export function utf8(text: string): Bytes {
  return toBytes(utf8Encoder.encode(text))
}

/** Strict UTF-8 decode: invalid sequences throw {@link InvalidArgumentError}. */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return utf8Decoder.decode(bytes)
  } catch {
    throw new InvalidArgumentError('invalid UTF-8')
  }
}

/** Lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes)
}

/** Parse hex (either case); throws {@link InvalidArgumentError}. */
export function fromHex(hex: string): Bytes {
  try {
    return toBytes(hexToBytes(hex))
  } catch {
    throw new InvalidArgumentError('invalid hex')
  }
}

/**
 * Hearth's text form of ids and keys: RFC 4648 base32, lowercase, no padding
 * (PROTOCOL.md §1.3). A 32-byte id is 52 characters.
 */
export function toBase32(bytes: Uint8Array): string {
  return base32nopad.encode(bytes).toLowerCase()
}

/** Parse {@link toBase32} text (case-insensitive); throws {@link InvalidArgumentError}. */
export function fromBase32(text: string): Bytes {
  try {
    return toBytes(base32nopad.decode(text.toUpperCase()))
  } catch {
    throw new InvalidArgumentError('invalid base32')
  }
}

/** RFC 4648 §5 base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes)
}

/** Parse base64url without padding; throws {@link InvalidArgumentError}. */
export function fromBase64Url(text: string): Bytes {
  try {
    return toBytes(base64urlnopad.decode(text))
  } catch {
    throw new InvalidArgumentError('invalid base64url')
  }
}
