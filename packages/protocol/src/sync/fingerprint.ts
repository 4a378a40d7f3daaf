/**
 * Range fingerprints (PROTOCOL.md §8.2).
 *
 *   item hash   h(k) = SHA-256(ascii("hearth/rbsr-item/v1") ‖ 0x00 ‖ u64be(k.lamport) ‖ k.id)
 *   sum         S    = Σ h(k) mod 2^256, each hash read as a little-endian integer
 *   fingerprint fp   = first 16 bytes of SHA-256(ascii("hearth/rbsr-fp/v1") ‖ 0x00 ‖ le256(S) ‖ u64be(count))
 *
 * Why this shape (as negentropy does):
 * - *Incremental.* Addition mod 2^256 is a group, so a store keeps prefix sums
 *   and gets any range's sum as one subtraction: O(log n) per fingerprint,
 *   and adding or removing an item is one addition.
 * - *Not cheaply forgeable.* XOR of the hashes would be incremental too, but
 *   it is linear over GF(2): an attacker who can choose items (ids are hashes
 *   of records it writes) solves for a set of ~257 items whose XOR is any
 *   target, or makes two different sets collide, by Gaussian elimination in
 *   milliseconds. Finding a subset *sum* mod 2^256 that hits a target is a
 *   much harder (generalised birthday) problem, and hashing each key first
 *   keeps the attacker from choosing the summands directly. The sum and the
 *   count are hashed once more, so the fingerprint reveals neither and a
 *   set cannot be padded with items that cancel out without changing the count.
 * - *The whole key is hashed*, not only the id, so two sets that agree on ids
 *   but disagree on an item's Lamport time do not look equal.
 * - 16 bytes keep messages small; an accidental collision (2^-128) would only
 *   make two peers miss a difference until the next session.
 */
import type { Bytes } from '../bytes.ts'
import { taggedHash } from '../crypto/sha256.ts'
import type { ItemKey } from './item-key.ts'

/** Length of a fingerprint in bytes. */
export const FINGERPRINT_BYTES = 16

/** Domain tags (PROTOCOL.md §2.1 style). */
export const ITEM_HASH_TAG = 'hearth/rbsr-item/v1'
export const FINGERPRINT_TAG = 'hearth/rbsr-fp/v1'

/** 32-bit limbs in a 256-bit sum. */
export const SUM_LIMBS = 8

/** h(k): the 32-byte hash a key contributes to a range sum. */
export function itemHash(key: ItemKey): Bytes {
  return taggedHash(ITEM_HASH_TAG, u64be(key.lamport), key.id)
}

/**
 * Read a 32-byte hash as a little-endian 256-bit integer into 8 little-endian
 * 32-bit limbs at `out[offset…offset+8)`.
 */
export function readLimbs(hash: Uint8Array, out: Uint32Array, offset: number): void {
  for (let i = 0; i < SUM_LIMBS; i++) {
    const b = i * 4
    out[offset + i] = ((hash[b] ?? 0) | ((hash[b + 1] ?? 0) << 8) | ((hash[b + 2] ?? 0) << 16) | ((hash[b + 3] ?? 0) << 24)) >>> 0
  }
}

/** out[o…] = a[ao…] + b[bo…] mod 2^256 (limb arrays; `out` may alias either input). */
export function addLimbs(out: Uint32Array, o: number, a: Uint32Array, ao: number, b: Uint32Array, bo: number): void {
  let carry = 0
  for (let i = 0; i < SUM_LIMBS; i++) {
    const s = (a[ao + i] ?? 0) + (b[bo + i] ?? 0) + carry
    out[o + i] = s >>> 0
    carry = s > 0xffffffff ? 1 : 0
  }
}

/** out[o…] = a[ao…] − b[bo…] mod 2^256. */
export function subLimbs(out: Uint32Array, o: number, a: Uint32Array, ao: number, b: Uint32Array, bo: number): void {
  let borrow = 0
  for (let i = 0; i < SUM_LIMBS; i++) {
    const d = (a[ao + i] ?? 0) - (b[bo + i] ?? 0) - borrow
    out[o + i] = d >>> 0
    borrow = d < 0 ? 1 : 0
  }
}

/** The fingerprint of a range whose sum is `limbs[offset…offset+8)` and which holds `count` items. */
export function fingerprintOfSum(limbs: Uint32Array, offset: number, count: number): Bytes {
  const sum = new Uint8Array(32)
  for (let i = 0; i < SUM_LIMBS; i++) {
    const v = limbs[offset + i] ?? 0
    sum[i * 4] = v & 0xff
    sum[i * 4 + 1] = (v >>> 8) & 0xff
    sum[i * 4 + 2] = (v >>> 16) & 0xff
    sum[i * 4 + 3] = v >>> 24
  }
  return taggedHash(FINGERPRINT_TAG, sum, u64be(count)).slice(0, FINGERPRINT_BYTES)
}

/**
 * The fingerprint of a set of keys, computed directly (the reference
 * definition; stores compute the same value from prefix sums). Keys must be
 * distinct.
 */
export function fingerprintOfKeys(keys: Iterable<ItemKey>): Bytes {
  const acc = new Uint32Array(SUM_LIMBS)
  const h = new Uint32Array(SUM_LIMBS)
  let count = 0
  for (const key of keys) {
    readLimbs(itemHash(key), h, 0)
    addLimbs(acc, 0, acc, 0, h, 0)
    count++
  }
  return fingerprintOfSum(acc, 0, count)
}

/** u64be(n) for 0 ≤ n ≤ 2^53 − 1. */
export function u64be(n: number): Bytes {
  const out = new Uint8Array(8)
  const view = new DataView(out.buffer)
  view.setUint32(0, Math.floor(n / 0x100000000))
  view.setUint32(4, n >>> 0)
  return out
}
