/**
 * Room genesis records (PROTOCOL.md §4.2): the creator's signed statement that
 * binds a room id to its name, nonce, creator, creation time and initial
 * policy. Anyone holding a genesis can check it against a room id without
 * trusting whoever sent it.
 */
import { InvalidSignatureError, RoomIdMismatchError } from '../errors.ts'
import { equalBytes, type Bytes } from '../bytes.ts'
import { assertValidPublicKey, type Keypair } from '../crypto/ed25519.ts'
import { randomBytes } from '../crypto/random.ts'
import { bytes, literal, oneOf, struct, text, uint, type StructOf } from '../encoding/schema.ts'
import { decodeRecord, encodeRecord, signRecord, verifyRecordSignature, type RecordType } from '../records/record.ts'
import { markVerified, type Verified } from '../verified.ts'
import { computeRoomId, ROOM_NONCE_BYTES } from './room-id.ts'

/** Most UTF-8 bytes in a room name. */
export const MAX_ROOM_NAME_BYTES = 100

const policyFields = {
  /** `open`: anyone with the room id may join; `invite`: only with a valid invite. */
  join: oneOf('open', 'invite'),
  /** Whether the room may publish itself under discovery tags. */
  discoverable: oneOf('listed', 'unlisted')
}

const genesisFields = {
  v: literal(1),
  t: literal('genesis'),
  room: bytes(32),
  creator: bytes(32),
  name: text(MAX_ROOM_NAME_BYTES, { min: 1, singleLine: true }),
  nonce: bytes(ROOM_NONCE_BYTES),
  created: uint(),
  policy: struct(policyFields),
  sig: bytes(64)
}

/** A genesis record as decoded. */
export type Genesis = StructOf<typeof genesisFields>
/** A room's initial policy. */
export type RoomPolicy = Genesis['policy']

const genesisType: RecordType<Genesis> = { tag: 'genesis', maxBytes: 512, check: struct(genesisFields) }

/** The policy a room gets when its creator chooses nothing. */
export const DEFAULT_ROOM_POLICY: RoomPolicy = { join: 'open', discoverable: 'unlisted' }

/**
 * Create a room: pick a random nonce, compute the id and sign the genesis.
 * `created` is Unix milliseconds. `nonce` may be given for test vectors.
 */
export async function createGenesis(
  creator: Keypair,
  opts: { name: string; created: number; policy?: RoomPolicy; nonce?: Uint8Array }
): Promise<Verified<Genesis>> {
  const nonce = opts.nonce ?? randomBytes(ROOM_NONCE_BYTES)
  const room = computeRoomId(creator.publicKey, opts.name, nonce)
  const signed = await signRecord(creator, {
    v: 1, t: 'genesis', room, creator: creator.publicKey, name: opts.name, nonce,
    created: opts.created, policy: opts.policy ?? DEFAULT_ROOM_POLICY
  } as const)
  return markVerified(decodeRecord(genesisType, encodeRecord(signed)))
}

/** Canonical bytes of a genesis. */
export function encodeGenesis(genesis: Genesis): Bytes {
  return encodeRecord(genesis)
}

/** Decode a genesis (not yet verified). */
export function decodeGenesis(bytes: Uint8Array): Genesis {
  return decodeRecord(genesisType, bytes)
}

/**
 * Verify a genesis: its `room` is the hash of its creator, name and nonce,
 * it is signed by its creator, and (when given) it belongs to `expectedRoom`.
 */
export async function verifyGenesis(genesis: Genesis, expectedRoom?: Uint8Array): Promise<Verified<Genesis>> {
  assertValidPublicKey(genesis.creator)
  const computed = computeRoomId(genesis.creator, genesis.name, genesis.nonce)
  if (!equalBytes(computed, genesis.room)) throw new RoomIdMismatchError('genesis does not hash to its room id')
  if (expectedRoom && !equalBytes(expectedRoom, genesis.room)) {
    throw new RoomIdMismatchError('genesis is for a different room')
  }
  if (!(await verifyRecordSignature(genesis, genesis.creator))) {
    throw new InvalidSignatureError('genesis signature does not verify')
  }
  return markVerified(genesis)
}

/** Decode and verify genesis bytes received for `expectedRoom`. */
export async function openGenesis(bytes: Uint8Array, expectedRoom?: Uint8Array): Promise<Verified<Genesis>> {
  return verifyGenesis(decodeGenesis(bytes), expectedRoom)
}
