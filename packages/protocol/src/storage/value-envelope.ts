/**
 * The integrity envelope every adapter stores around a value (storage/README.md §Value envelope).
 *
 *   stored = version (1 byte, 0x01) ‖ check (8 bytes) ‖ value
 *   check  = SHA-256(u32be(len(encodedKey)) ‖ encodedKey ‖ value)[0..8]
 *
 * Why SHA-256 and not CRC32: it is already a dependency (`@noble/hashes`),
 * costs little next to the I/O, a 64-bit check misses random damage with
 * probability 2^-64 instead of 2^-32, and hashing the key too catches a value
 * that ended up under the wrong key (a misdirected page write, a bad copy).
 * This guards against accidents, not attackers: anyone who can write the store
 * can recompute the check. The version byte lets the format change later.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import type { CorruptValueReason } from './errors.ts'

/** Format version of the envelope. */
export const ENVELOPE_VERSION = 0x01
/** Bytes before the value: version + check. */
export const ENVELOPE_HEADER_BYTES = 9
const CHECK_BYTES = 8

/** The result of {@link openValue}: the value, or why it failed its check. */
export type OpenedValue =
  | { readonly ok: true; readonly value: Uint8Array<ArrayBuffer> }
  | { readonly ok: false; readonly reason: Exclude<CorruptValueReason, 'malformed-key'> }

function check(encodedKey: Uint8Array, value: Uint8Array): Uint8Array {
  const length = new Uint8Array(4)
  new DataView(length.buffer).setUint32(0, encodedKey.length)
  return sha256.create().update(length).update(encodedKey).update(value).digest().subarray(0, CHECK_BYTES)
}

/** Wrap `value`, stored under `encodedKey`, in the envelope. */
export function sealValue(encodedKey: Uint8Array, value: Uint8Array): Uint8Array<ArrayBuffer> {
  const stored = new Uint8Array(ENVELOPE_HEADER_BYTES + value.length)
  stored[0] = ENVELOPE_VERSION
  stored.set(check(encodedKey, value), 1)
  stored.set(value, ENVELOPE_HEADER_BYTES)
  return stored
}

/**
 * Check and unwrap a stored envelope. Never throws: anything that is not a
 * sound envelope for this key (including a non-`Uint8Array`) is reported.
 * The returned value is a view into `stored`.
 */
export function openValue(encodedKey: Uint8Array, stored: unknown): OpenedValue {
  if (!(stored instanceof Uint8Array) || stored.length < ENVELOPE_HEADER_BYTES) return { ok: false, reason: 'truncated' }
  if (stored[0] !== ENVELOPE_VERSION) return { ok: false, reason: 'unknown-version' }
  // A stored array may sit on any buffer (even a shared one); copy into a plain one when needed.
  const bytes: Uint8Array<ArrayBuffer> = stored.buffer instanceof ArrayBuffer ? new Uint8Array(stored.buffer, stored.byteOffset, stored.length) : stored.slice()
  const value = bytes.subarray(ENVELOPE_HEADER_BYTES)
  const expected = check(encodedKey, value)
  for (let i = 0; i < CHECK_BYTES; i++) {
    if (bytes[1 + i] !== expected[i]) return { ok: false, reason: 'checksum-mismatch' }
  }
  return { ok: true, value }
}
