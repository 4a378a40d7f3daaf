/**
 * Challenge–response authentication (PROTOCOL.md §3.4): prove you hold an
 * identity key (or a device key it certified) without a server. The verifier
 * makes a challenge with a fresh nonce and its own audience string (for
 * example its peer id), the prover signs a response bound to the challenge's
 * hash, and the verifier checks hash, freshness and signature.
 */
import { ChallengeMismatchError, ExpiredError, InvalidSignatureError, SchemaError } from '../errors.ts'
import { equalBytes, type Bytes } from '../bytes.ts'
import { assertValidPublicKey, type Keypair } from '../crypto/ed25519.ts'
import { randomBytes } from '../crypto/random.ts'
import { taggedHash } from '../crypto/sha256.ts'
import { bytes, literal, optional, struct, text, uint, type StructOf } from '../encoding/schema.ts'
import { decodeRecord, encodeRecord, signRecord, verifyRecordSignature, type RecordType } from '../records/record.ts'
import { markVerified, type Verified } from '../verified.ts'
import { decodeDeviceCert, verifyDeviceCert, type DeviceRevocation } from './device-cert.ts'

const challengeFields = {
  v: literal(1),
  t: literal('auth-challenge'),
  nonce: bytes(32),
  audience: text(256, { min: 1, singleLine: true }),
  issued: uint()
}

const responseFields = {
  v: literal(1),
  t: literal('auth-response'),
  challenge: bytes(32),
  identity: bytes(32),
  device: optional(bytes(32)),
  cert: optional(bytes({ max: 512 })),
  signed: uint(),
  sig: bytes(64)
}

/** A challenge as sent to the prover. */
export type AuthChallenge = StructOf<typeof challengeFields>
/** A response as sent back to the verifier. */
export type AuthResponse = StructOf<typeof responseFields>

const challengeType: RecordType<AuthChallenge> = { tag: 'auth-challenge', maxBytes: 512, check: struct(challengeFields) }
const responseType: RecordType<AuthResponse> = { tag: 'auth-response', maxBytes: 1024, check: struct(responseFields) }

/** Default window in which a response must arrive, in milliseconds. */
export const DEFAULT_CHALLENGE_TTL_MS = 60_000

/** Make a fresh challenge for `audience` (who is asking, e.g. a peer id). */
export function createChallenge(audience: string, now: number): AuthChallenge {
  const challenge = { v: 1, t: 'auth-challenge', nonce: randomBytes(32), audience, issued: now } as const
  return decodeRecord(challengeType, encodeRecord(challenge))
}

/** Canonical bytes of a challenge or response. */
export function encodeAuth(record: AuthChallenge | AuthResponse): Bytes {
  return encodeRecord(record)
}

/** Decode a challenge received from a verifier. */
export function decodeChallenge(bytes: Uint8Array): AuthChallenge {
  return decodeRecord(challengeType, bytes)
}

/** Decode a response received from a prover. */
export function decodeResponse(bytes: Uint8Array): AuthResponse {
  return decodeRecord(responseType, bytes)
}

/** The 32-byte digest a response binds to: taggedHash("hearth/auth-challenge", CBOR(challenge)). */
export function challengeDigest(challenge: AuthChallenge): Bytes {
  return taggedHash('hearth/auth-challenge', encodeRecord(challenge))
}

/**
 * Answer a challenge. With `device`, the device key signs and `cert` (the
 * encoded certificate of that device by `identity`) travels with it;
 * otherwise the identity key signs.
 */
export async function answerChallenge(
  challenge: AuthChallenge,
  signer: { identity: Keypair } | { identity: Uint8Array; device: Keypair; cert: Uint8Array },
  now: number
): Promise<AuthResponse> {
  const base = { v: 1, t: 'auth-response', challenge: challengeDigest(challenge), signed: now } as const
  const signed = 'device' in signer
    ? await signRecord(signer.device, { ...base, identity: signer.identity, device: signer.device.publicKey, cert: signer.cert })
    : await signRecord(signer.identity, { ...base, identity: signer.identity.publicKey })
  return decodeRecord(responseType, encodeRecord(signed))
}

/**
 * Check `response` against the challenge this verifier issued: same digest,
 * issued no more than `ttlMs` ago, signed by the identity or by a device
 * whose certificate is valid now. Returns the verified response; its
 * `identity` is the proven identity.
 */
export async function verifyChallengeResponse(
  challenge: AuthChallenge,
  response: AuthResponse,
  opts: { now: number; ttlMs?: number; revocations?: readonly Verified<DeviceRevocation>[] }
): Promise<Verified<AuthResponse>> {
  if (!equalBytes(response.challenge, challengeDigest(challenge))) {
    throw new ChallengeMismatchError('response answers a different challenge')
  }
  const ttl = opts.ttlMs ?? DEFAULT_CHALLENGE_TTL_MS
  if (opts.now - challenge.issued > ttl || opts.now < challenge.issued) throw new ExpiredError('challenge has expired')
  assertValidPublicKey(response.identity)
  let signerKey: Uint8Array = response.identity
  if (response.device !== undefined || response.cert !== undefined) {
    if (response.device === undefined || response.cert === undefined) {
      throw new SchemaError('cert', 'device and cert go together')
    }
    const cert = decodeDeviceCert(response.cert)
    if (!equalBytes(cert.identity, response.identity) || !equalBytes(cert.device, response.device)) {
      throw new ChallengeMismatchError('certificate is for another identity or device')
    }
    await verifyDeviceCert(cert, opts.now, opts.revocations)
    signerKey = response.device
  }
  if (!(await verifyRecordSignature(response, signerKey))) {
    throw new InvalidSignatureError('challenge response signature does not verify')
  }
  return markVerified(response)
}
