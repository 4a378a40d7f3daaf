/**
 * Room ids (PROTOCOL.md §4.1):
 *
 *   room_id = SHA-256( ascii("hearth/room-id/v1") ‖ 0x00
 *                      ‖ creator_pubkey[32]
 *                      ‖ u32be(len(name_utf8)) ‖ name_utf8
 *                      ‖ nonce[16] )
 *
 * This is the seed's H(creator_pubkey ‖ room_name ‖ nonce) with a domain tag
 * and a length prefix, so that no two different (name, nonce) pairs can
 * produce the same input bytes.
 */
import { InvalidArgumentError } from '../errors.ts'
import { fromBase32, toBase32, utf8, type Bytes } from '../bytes.ts'
import { taggedHash } from '../crypto/sha256.ts'

/** Length of a room id and of its nonce, in bytes. */
export const ROOM_ID_BYTES = 32
export const ROOM_NONCE_BYTES = 16

/** Compute a room id from its creator, name and nonce. */
export function computeRoomId(creator: Uint8Array, name: string, nonce: Uint8Array): Bytes {
  if (creator.length !== 32) throw new InvalidArgumentError('creator key must be 32 bytes')
  if (nonce.length !== ROOM_NONCE_BYTES) throw new InvalidArgumentError(`nonce must be ${ROOM_NONCE_BYTES} bytes`)
  const nameBytes = utf8(name)
  const len = new Uint8Array(4)
  new DataView(len.buffer).setUint32(0, nameBytes.length, false)
  return taggedHash('hearth/room-id/v1', creator, len, nameBytes, nonce)
}

/** A room id's text form: 52 characters of lowercase base32. */
export function formatRoomId(roomId: Uint8Array): string {
  return toBase32(roomId)
}

/** Parse a room id's text form; throws {@link InvalidArgumentError}. */
export function parseRoomId(text: string): Bytes {
  const id = fromBase32(text)
  if (id.length !== ROOM_ID_BYTES) throw new InvalidArgumentError('a room id is 32 bytes')
  return id
}
