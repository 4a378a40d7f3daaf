/**
 * The content id a room's online peers provide in the DHT (PROTOCOL.md §10.2,
 * draft in docs/drafts/network.md). Kademlia provider records are keyed by a
 * CID, so each room gets one, derived from its id alone: anyone who knows the
 * room id can look up its peers, and nobody learns the room id from the CID.
 *
 *   digest   = SHA-256( ascii("hearth/room-cid/v1") ‖ 0x00 ‖ room_id )   (taggedHash, §2.1)
 *   room_cid = 0x01 (CIDv1) ‖ 0x55 (raw) ‖ 0x12 (sha2-256) ‖ 0x20 (32) ‖ digest
 *
 * That is the CIDv1 (raw codec) of the 51-byte block `"hearth/room-cid/v1" ‖
 * 0x00 ‖ room_id`: an ordinary CID any multiformats library decodes. The bytes
 * are written by hand here because this package does not depend on libp2p.
 */
import { InvalidArgumentError } from '../errors.ts'
import { concat, type Bytes } from '../bytes.ts'
import { taggedHash } from '../crypto/sha256.ts'
import { ROOM_ID_BYTES } from '../rooms/room-id.ts'

/** Domain tag of the room CID digest. */
export const ROOM_CID_TAG = 'hearth/room-cid/v1'
/** Length of a room CID in bytes. */
export const ROOM_CID_BYTES = 36

/** CIDv1, raw codec (0x55), sha2-256 multihash (0x12) of 32 bytes (0x20). */
const CID_PREFIX = new Uint8Array([0x01, 0x55, 0x12, 0x20])

/** The binary CID under which a room's online peers provide themselves. */
export function roomCid(roomId: Uint8Array): Bytes {
  if (roomId.length !== ROOM_ID_BYTES) throw new InvalidArgumentError(`a room id is ${ROOM_ID_BYTES} bytes`)
  return concat(CID_PREFIX, taggedHash(ROOM_CID_TAG, roomId))
}
