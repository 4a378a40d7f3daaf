/** Test-only helpers for blob tests. */
import type { Bytes } from '../bytes.ts'

/**
 * `size` bytes where byte i is `(i * 7 + seed) mod 251`: cheap, reproducible
 * in any language, and without period 256 so no two chunks are equal.
 */
export function patternBlob(size: number, seed = 0): Bytes {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i * 7 + seed) % 251
  return out
}
