/** User ids: an identity's public key in Hearth's text form (PROTOCOL.md §3.1). */
import { InvalidKeyError } from '../errors.ts'
import { fromBase32, toBase32, type Bytes } from '../bytes.ts'
import { assertValidPublicKey } from '../crypto/ed25519.ts'

/** The text form of an identity key: 52 characters of lowercase base32. */
export function formatUserId(publicKey: Uint8Array): string {
  return toBase32(publicKey)
}

/** Parse a user id; throws {@link InvalidKeyError} unless it is a valid Ed25519 key. */
export function parseUserId(text: string): Bytes {
  let key: Bytes
  try {
    key = fromBase32(text)
  } catch {
    throw new InvalidKeyError('a user id is 52 characters of base32')
  }
  return assertValidPublicKey(key)
}
