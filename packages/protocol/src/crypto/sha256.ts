/**
 * SHA-256 (FIPS 180-4), synchronous so that pure reducers can hash without
 * awaiting. Backed by @noble/hashes.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { concat, toBytes, utf8, type Bytes } from '../bytes.ts'

/** Length of a SHA-256 digest in bytes. */
export const SHA256_BYTES = 32

/** SHA-256 of the concatenation of `parts`. */
export function sha256(...parts: Uint8Array[]): Bytes {
  const h = nobleSha256.create()
  for (const part of parts) h.update(part)
  return toBytes(h.digest())
}

/**
 * Domain-separated hash: SHA-256(ascii(tag) ‖ 0x00 ‖ data). Every hash Hearth
 * computes names its purpose this way (PROTOCOL.md §2.1) so a value hashed for
 * one purpose can never be replayed as another.
 */
export function taggedHash(tag: string, ...parts: Uint8Array[]): Bytes {
  let prefix = tagPrefixes.get(tag)
  if (!prefix) {
    prefix = concat(utf8(tag), new Uint8Array([0]))
    tagPrefixes.set(tag, prefix)
  }
  return sha256(prefix, ...parts)
}

/** Encoded `tag ‖ 0x00` per tag: a handful of constant tags, computed once each. */
const tagPrefixes = new Map<string, Bytes>()
