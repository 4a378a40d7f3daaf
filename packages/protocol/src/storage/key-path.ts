/**
 * Key paths and their order-preserving byte encoding (storage/README.md §Key encoding).
 *
 * A key path is an array of string segments, e.g.
 * `['rooms', roomId, 'channels', channelId, 'events', '000000000000002a', eventId]`.
 * Paths are ordered as tuples: segment by segment, each segment by its UTF-8
 * bytes, a path before its extensions. Every adapter gets that order for free
 * by storing the *encoded* path and comparing encodings bytewise (memcmp,
 * which is what SQLite BLOB comparison and IndexedDB binary keys do):
 *
 *   encode(path) = for each segment: escape(utf8(segment)) ‖ 0x00
 *   escape: 0x00 → 0x01 0x01, 0x01 → 0x01 0x02, every other byte unchanged
 *
 * The escape keeps 0x00 for terminators only, maps bytes monotonically, and the
 * terminator sorts below every escaped byte, so "a" < "a\u0000" < "ab" and
 * ['a'] < ['a', ''] < ['a', 'x'] < ['a\u0000']. The encoding is injective
 * because segments are well-formed UTF-16 (lone surrogates are rejected; UTF-8
 * cannot represent them) and the escape is reversible.
 */
import { InvalidKeyPathError } from './errors.ts'

/** A key path: the address of one stored value. */
export type KeyPath = readonly string[]

/** What a key path is used as; decides the accepted segment count. */
export type KeyRole = 'key' | 'prefix' | 'bound'

/** Most segments in a stored key. Prefixes may have 0..MAX, range bounds 0..MAX+1 (see {@link keyAfter}). */
export const MAX_KEY_SEGMENTS = 32
/** Most UTF-8 bytes in one segment (before escaping). */
export const MAX_SEGMENT_BYTES = 1024

const utf8Encoder = new TextEncoder()
// ignoreBOM: a segment may legitimately start with U+FEFF and must round-trip.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0
      if (next < 0xdc00 || next > 0xdfff) return true
      i++
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return true
    }
  }
  return false
}

function segmentLimits(role: KeyRole): { min: number; max: number } {
  if (role === 'key') return { min: 1, max: MAX_KEY_SEGMENTS }
  if (role === 'prefix') return { min: 0, max: MAX_KEY_SEGMENTS }
  return { min: 0, max: MAX_KEY_SEGMENTS + 1 }
}

/**
 * Validate a key path and encode it to bytes. This is the boundary check:
 * anything that is not an array of well-formed strings within the limits
 * throws {@link InvalidKeyPathError}.
 * @param path untrusted input expected to be a {@link KeyPath}
 * @param role `'key'` (1..32 segments), `'prefix'` (0..32) or `'bound'` (0..33)
 */
export function encodeKeyPath(path: unknown, role: KeyRole = 'key'): Uint8Array<ArrayBuffer> {
  if (!Array.isArray(path)) throw new InvalidKeyPathError(`${role} must be an array of strings`, 'not-an-array')
  const segments: readonly unknown[] = path
  const { min, max } = segmentLimits(role)
  if (segments.length < min) throw new InvalidKeyPathError(`${role} must have at least ${min} segment`, 'empty')
  if (segments.length > max) throw new InvalidKeyPathError(`${role} has ${segments.length} segments; at most ${max}`, 'too-many-segments')
  const parts: Uint8Array[] = []
  let size = 0
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]
    if (typeof segment !== 'string') throw new InvalidKeyPathError(`${role} segment ${i} is not a string`, 'segment-not-a-string')
    if (hasLoneSurrogate(segment)) throw new InvalidKeyPathError(`${role} segment ${i} has a lone surrogate`, 'lone-surrogate')
    const utf8 = utf8Encoder.encode(segment)
    if (utf8.length > MAX_SEGMENT_BYTES) {
      throw new InvalidKeyPathError(`${role} segment ${i} is ${utf8.length} UTF-8 bytes; at most ${MAX_SEGMENT_BYTES}`, 'segment-too-long')
    }
    size += utf8.length + 1
    for (const byte of utf8) if (byte <= 0x01) size++
    parts.push(utf8)
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const utf8 of parts) {
    for (const byte of utf8) {
      if (byte <= 0x01) {
        out[at++] = 0x01
        out[at++] = byte + 1
      } else {
        out[at++] = byte
      }
    }
    out[at++] = 0x00
  }
  return out
}

/**
 * Decode bytes made by {@link encodeKeyPath}. Throws {@link InvalidKeyPathError}
 * (reason `'malformed-encoding'`) for bytes no key path encodes to.
 */
export function decodeKeyPath(bytes: Uint8Array): KeyPath {
  const malformed = (why: string): InvalidKeyPathError => new InvalidKeyPathError(`encoded key ${why}`, 'malformed-encoding')
  if (bytes.length === 0) throw malformed('is empty')
  if (bytes[bytes.length - 1] !== 0x00) throw malformed('does not end with a terminator')
  const path: string[] = []
  const segment = new Uint8Array(bytes.length)
  let length = 0
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0
    if (byte === 0x00) {
      try {
        path.push(utf8Decoder.decode(segment.subarray(0, length)))
      } catch {
        throw malformed('has a segment that is not UTF-8')
      }
      length = 0
    } else if (byte === 0x01) {
      const escaped = bytes[++i]
      if (escaped !== 0x01 && escaped !== 0x02) throw malformed('has a bad escape')
      segment[length++] = escaped - 1
    } else {
      segment[length++] = byte
    }
  }
  if (path.length > MAX_KEY_SEGMENTS) throw malformed('has too many segments')
  return path
}

/** Compare byte strings as memcmp does (unsigned, a prefix first). */
export function compareKeyBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

/** True when `bytes` starts with `prefix`. */
export function hasBytePrefix(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false
  return true
}

/**
 * The smallest byte string above every encoded key that extends the encoded
 * prefix, i.e. the exclusive upper bound of a prefix scan; `undefined` for the
 * empty prefix (no bound). Valid because an encoded prefix ends with 0x00.
 */
export function prefixUpperBound(encodedPrefix: Uint8Array): Uint8Array<ArrayBuffer> | undefined {
  if (encodedPrefix.length === 0) return undefined
  const upper = encodedPrefix.slice()
  upper[upper.length - 1] = 0x01
  return upper
}

/**
 * The smallest key path strictly greater than `key`: `[...key, '']`. Use it as
 * `start` to page forward past the last key of a previous page.
 */
export function keyAfter(key: KeyPath): KeyPath {
  return [...key, '']
}

/** Lowercase hex of bytes; used to index keys in maps. */
export function bytesToHexKey(bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}
