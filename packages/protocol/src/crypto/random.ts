/** Cryptographically secure random bytes from the platform CSPRNG (WebCrypto). */
import type { Bytes } from '../bytes.ts'

/** `n` random bytes from `crypto.getRandomValues`. */
export function randomBytes(n: number): Bytes {
  const out = new Uint8Array(n)
  // getRandomValues fills at most 65,536 bytes per call.
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)))
  return out
}
