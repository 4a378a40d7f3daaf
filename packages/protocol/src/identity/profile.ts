/**
 * Signed, self-published profiles (PROTOCOL.md §3.2): display name, avatar,
 * bio and status, signed by the identity key. `seq` increases with every
 * update; the newest profile wins everywhere by the same rule.
 */
import { InvalidSignatureError, SchemaError } from '../errors.ts'
import { compareBytes, equalBytes, type Bytes } from '../bytes.ts'
import { assertValidPublicKey, type Keypair } from '../crypto/ed25519.ts'
import { bytes, literal, oneOf, optional, struct, text, uint, type StructOf } from '../encoding/schema.ts'
import { decodeRecord, encodeRecord, signRecord, verifyRecordSignature, type RecordType } from '../records/record.ts'
import { markVerified, type Verified } from '../verified.ts'

/** Image types an avatar may have. */
export const AVATAR_MIME_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const
/** Largest avatar image, in bytes. */
export const MAX_AVATAR_BYTES = 65_536
/** Largest encoded profile record, in bytes. */
export const MAX_PROFILE_BYTES = 73_728

const profileFields = {
  v: literal(1),
  t: literal('profile'),
  id: bytes(32),
  seq: uint(),
  name: text(64, { min: 1, singleLine: true }),
  bio: optional(text(1024)),
  status: optional(text(128, { singleLine: true })),
  avatar: optional(struct({ mime: oneOf(...AVATAR_MIME_TYPES), data: bytes({ min: 1, max: MAX_AVATAR_BYTES }) })),
  updated: uint(),
  sig: bytes(64)
}

/** A profile record as decoded (not yet verified). */
export type Profile = StructOf<typeof profileFields>
/** The editable part of a profile. */
export type ProfileFields = Pick<Profile, 'name' | 'bio' | 'status' | 'avatar'>

const profileType: RecordType<Profile> = {
  tag: 'profile',
  maxBytes: MAX_PROFILE_BYTES,
  check: (value, path) => {
    const profile = struct(profileFields)(value, path)
    if (profile.avatar) assertImageMatchesMime(profile.avatar.mime, profile.avatar.data)
    return profile
  }
}

/** Magic numbers of the allowed image types, so an avatar is what it says it is. */
function assertImageMatchesMime(mime: (typeof AVATAR_MIME_TYPES)[number], data: Uint8Array): void {
  const starts = (sig: readonly number[], at = 0): boolean => sig.every((b, i) => data[at + i] === b)
  const ok =
    mime === 'image/png' ? starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    : mime === 'image/jpeg' ? starts([0xff, 0xd8, 0xff])
    : mime === 'image/gif' ? starts([0x47, 0x49, 0x46, 0x38])
    : starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)
  if (!ok) throw new SchemaError('avatar.data', `is not a ${mime} image`)
}

/**
 * Create and sign a profile. `seq` must exceed the previous profile's;
 * `updated` is the author's clock in Unix milliseconds. Throws
 * {@link ProtocolError} when a field breaks a limit.
 */
export async function createProfile(
  keypair: Keypair,
  fields: ProfileFields,
  seq: number,
  updated: number
): Promise<Verified<Profile>> {
  const unsigned = { v: 1, t: 'profile', id: keypair.publicKey, seq, updated, ...fields } as const
  const signed = await signRecord(keypair, unsigned)
  // Round-trip through the decoder so we never publish what peers would reject.
  const checked = decodeRecord(profileType, encodeRecord(signed))
  return markVerified(checked)
}

/** Canonical bytes of a profile. */
export function encodeProfile(profile: Profile): Bytes {
  return encodeRecord(profile)
}

/** Decode a profile without checking its signature. Throws {@link ProtocolError}. */
export function decodeProfile(bytes: Uint8Array): Profile {
  return decodeRecord(profileType, bytes)
}

/** Check a decoded profile's key and signature. Throws {@link InvalidKeyError} or {@link InvalidSignatureError}. */
export async function verifyProfile(profile: Profile): Promise<Verified<Profile>> {
  assertValidPublicKey(profile.id)
  if (!(await verifyRecordSignature(profile, profile.id))) {
    throw new InvalidSignatureError('profile signature does not verify')
  }
  return markVerified(profile)
}

/** Decode and verify profile bytes from the network. */
export async function openProfile(bytes: Uint8Array): Promise<Verified<Profile>> {
  return verifyProfile(decodeProfile(bytes))
}

/**
 * Which of two verified profiles of one identity wins: the higher `seq`; at
 * equal `seq`, the later `updated`; then the larger signature bytes, so every
 * peer picks the same one even from a key that signed two profiles with one
 * seq. Returns the winner.
 */
export function newerProfile<P extends Profile>(a: P, b: P): P {
  if (!equalBytes(a.id, b.id)) throw new SchemaError('id', 'profiles of different identities cannot be compared')
  if (a.seq !== b.seq) return a.seq > b.seq ? a : b
  if (a.updated !== b.updated) return a.updated > b.updated ? a : b
  return compareBytes(a.sig, b.sig) >= 0 ? a : b
}
