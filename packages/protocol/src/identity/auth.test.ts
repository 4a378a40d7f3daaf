import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  answerChallenge,
  challengeDigest,
  createChallenge,
  decodeChallenge,
  decodeResponse,
  DEFAULT_CHALLENGE_TTL_MS,
  encodeAuth,
  verifyChallengeResponse,
  type AuthChallenge,
  type AuthResponse
} from './auth.ts'
import { certifyDevice, encodeDeviceRecord, revokeDevice } from './device-cert.ts'
import {
  ChallengeMismatchError,
  ExpiredError,
  InvalidCertificateError,
  InvalidKeyError,
  InvalidSignatureError,
  RecordTooLargeError,
  SchemaError
} from '../errors.ts'
import { fromHex, toHex } from '../bytes.ts'
import { taggedHash } from '../crypto/sha256.ts'
import { encodeRecord, signRecord } from '../records/record.ts'
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import { expectReject, expectSchemaField, expectThrow, hostileDecoderSuite, onlyProtocolErrorsAsync, testBytes, testKeypair } from '../test-support.ts'

const alice = testKeypair('auth/alice')
const aliceLaptop = testKeypair('auth/alice-laptop')
const mallory = testKeypair('auth/mallory')
const T0 = 1_700_000_000_000

function fixedChallenge(audience = '12D3KooWVerifierPeer', issued = T0, label = 'nonce'): AuthChallenge {
  return decodeChallenge(encodeAuth({ v: 1, t: 'auth-challenge', nonce: testBytes(label, 32), audience, issued }))
}

async function laptopCert(opts: { issued?: number; expires?: number } = {}): Promise<Uint8Array> {
  return encodeDeviceRecord(await certifyDevice(alice, aliceLaptop.publicKey, { label: 'Laptop', issued: opts.issued ?? T0 - 1000, ...(opts.expires !== undefined ? { expires: opts.expires } : {}) }))
}

describe('challenges', () => {
  it('createChallenge makes a fresh 32-byte nonce for the audience', () => {
    const a = createChallenge('peer', T0)
    const b = createChallenge('peer', T0)
    expect(a).toMatchObject({ v: 1, t: 'auth-challenge', audience: 'peer', issued: T0 })
    expect(a.nonce).toHaveLength(32)
    expect(toHex(a.nonce)).not.toBe(toHex(b.nonce))
    expect(decodeChallenge(encodeAuth(a))).toEqual(a)
  })

  it('the digest is taggedHash("hearth/auth-challenge", CBOR(challenge))', () => {
    const c = fixedChallenge()
    expect(toHex(challengeDigest(c))).toBe(toHex(taggedHash('hearth/auth-challenge', encodeAuth(c))))
  })

  it.each([
    ['an empty audience', '', SchemaError],
    ['an audience with a newline', 'a\nb', SchemaError],
    ['a 257-byte audience', 'a'.repeat(257), RecordTooLargeError]
  ] as const)('refuses %s', (_name, audience, errorClass) => {
    expectThrow(() => createChallenge(audience, T0), errorClass)
  })

  it.each([-1, 1.5])('refuses issued = %d', (issued) => {
    expectThrow(() => createChallenge('peer', issued))
  })
})

describe('round trips', () => {
  it('challenges and both kinds of response survive the wire for arbitrary inputs', async () => {
    const cert = await laptopCert({ issued: 0 })
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).filter((s) => !/[\p{Cc}\u2028\u2029]/u.test(s) && new TextEncoder().encode(s).length <= 256),
        fc.nat({ max: 2 ** 50 }),
        fc.nat({ max: DEFAULT_CHALLENGE_TTL_MS }),
        fc.boolean(),
        async (nonce, audience, issued, delay, withDevice) => {
          const challenge = decodeChallenge(encodeAuth({ v: 1, t: 'auth-challenge', nonce: Uint8Array.from(nonce), audience, issued }))
          expect(challenge.audience).toBe(audience)
          const response = withDevice
            ? await answerChallenge(challenge, { identity: alice.publicKey, device: aliceLaptop, cert }, issued + delay)
            : await answerChallenge(challenge, { identity: alice }, issued + delay)
          const wire = decodeResponse(encodeAuth(response))
          expect(wire).toEqual(response)
          const verified = await verifyChallengeResponse(decodeChallenge(encodeAuth(challenge)), wire, { now: issued + delay })
          expect(toHex(verified.identity)).toBe(toHex(alice.publicKey))
        }
      ),
      { numRuns: 40 }
    )
  })
})

describe('answering with the identity key', () => {
  it('verifies and proves the identity', async () => {
    const challenge = fixedChallenge()
    const response = await answerChallenge(challenge, { identity: alice }, T0 + 10)
    expect(response).toMatchObject({ v: 1, t: 'auth-response', signed: T0 + 10 })
    expect(response.device).toBeUndefined()
    const wire = decodeResponse(encodeAuth(response))
    expect(wire).toEqual(response)
    const verified = await verifyChallengeResponse(challenge, wire, { now: T0 + 20 })
    expect(toHex(verified.identity)).toBe(toHex(alice.publicKey))
  })

  it('refuses a response replayed against another challenge', async () => {
    const first = fixedChallenge('peer', T0, 'first')
    const second = fixedChallenge('peer', T0, 'second')
    const otherAudience = fixedChallenge('another peer', T0, 'first')
    const response = await answerChallenge(first, { identity: alice }, T0)
    await expectReject(() => verifyChallengeResponse(second, response, { now: T0 }), ChallengeMismatchError)
    await expectReject(() => verifyChallengeResponse(otherAudience, response, { now: T0 }), ChallengeMismatchError)
    await expectReject(() => verifyChallengeResponse({ ...first, issued: T0 + 1 }, response, { now: T0 + 1 }), ChallengeMismatchError)
  })

  it('refuses a response that arrives too late, or before the challenge was issued', async () => {
    const challenge = fixedChallenge()
    const response = await answerChallenge(challenge, { identity: alice }, T0)
    await verifyChallengeResponse(challenge, response, { now: T0 + DEFAULT_CHALLENGE_TTL_MS })
    await expectReject(() => verifyChallengeResponse(challenge, response, { now: T0 + DEFAULT_CHALLENGE_TTL_MS + 1 }), ExpiredError)
    await expectReject(() => verifyChallengeResponse(challenge, response, { now: T0 - 1 }), ExpiredError)
    await verifyChallengeResponse(challenge, response, { now: T0 + 5_000, ttlMs: 5_000 })
    await expectReject(() => verifyChallengeResponse(challenge, response, { now: T0 + 5_001, ttlMs: 5_000 }), ExpiredError)
  })

  it('refuses a response signed by someone else claiming the identity', async () => {
    const challenge = fixedChallenge()
    const forged = await signRecord(mallory, { v: 1, t: 'auth-response', challenge: challengeDigest(challenge), identity: alice.publicKey, signed: T0 })
    await expectReject(() => verifyChallengeResponse(challenge, decodeResponse(encodeRecord(forged)), { now: T0 }), InvalidSignatureError)
  })

  it('refuses a response changed after signing', async () => {
    const challenge = fixedChallenge()
    const response = await answerChallenge(challenge, { identity: alice }, T0)
    const changed: AuthResponse = { ...response, signed: T0 + 1 }
    await expectReject(() => verifyChallengeResponse(challenge, changed, { now: T0 }), InvalidSignatureError)
    const otherIdentity: AuthResponse = { ...response, identity: mallory.publicKey }
    await expectReject(() => verifyChallengeResponse(challenge, otherIdentity, { now: T0 }), InvalidSignatureError)
  })

  it('refuses a small-order identity', async () => {
    const challenge = fixedChallenge()
    const response = await answerChallenge(challenge, { identity: alice }, T0)
    await expectReject(() => verifyChallengeResponse(challenge, { ...response, identity: fromHex(ED25519_TORSION_SUBGROUP[2]!) }, { now: T0 }), InvalidKeyError)
  })
})

describe('answering with a certified device key', () => {
  it('verifies and proves the identity, not the device', async () => {
    const challenge = fixedChallenge()
    const cert = await laptopCert()
    const response = await answerChallenge(challenge, { identity: alice.publicKey, device: aliceLaptop, cert }, T0)
    expect(toHex(response.device!)).toBe(toHex(aliceLaptop.publicKey))
    const verified = await verifyChallengeResponse(challenge, decodeResponse(encodeAuth(response)), { now: T0 })
    expect(toHex(verified.identity)).toBe(toHex(alice.publicKey))
  })

  it('refuses an expired or not-yet-valid certificate', async () => {
    const challenge = fixedChallenge()
    const expired = await answerChallenge(challenge, { identity: alice.publicKey, device: aliceLaptop, cert: await laptopCert({ issued: T0 - 10, expires: T0 }) }, T0)
    await expectReject(() => verifyChallengeResponse(challenge, expired, { now: T0 }), ExpiredError)
    const future = await answerChallenge(challenge, { identity: alice.publicKey, device: aliceLaptop, cert: await laptopCert({ issued: T0 + 10 }) }, T0)
    await expectReject(() => verifyChallengeResponse(challenge, future, { now: T0 }), ExpiredError)
  })

  it('refuses a revoked device', async () => {
    const challenge = fixedChallenge()
    const response = await answerChallenge(challenge, { identity: alice.publicKey, device: aliceLaptop, cert: await laptopCert() }, T0)
    const revocation = await revokeDevice(alice, aliceLaptop.publicKey, { revoked: T0 - 1 })
    await expectReject(() => verifyChallengeResponse(challenge, response, { now: T0, revocations: [revocation] }), InvalidCertificateError)
    const later = await revokeDevice(alice, aliceLaptop.publicKey, { revoked: T0 + 1 })
    await verifyChallengeResponse(challenge, response, { now: T0, revocations: [later] })
  })

  it('refuses a certificate for another device or identity', async () => {
    const challenge = fixedChallenge()
    const phone = testKeypair('auth/alice-phone')
    const phoneCert = encodeDeviceRecord(await certifyDevice(alice, phone.publicKey, { label: 'Phone', issued: T0 - 1 }))
    const wrongDevice = await answerChallenge(challenge, { identity: alice.publicKey, device: aliceLaptop, cert: phoneCert }, T0)
    await expectReject(() => verifyChallengeResponse(challenge, wrongDevice, { now: T0 }), ChallengeMismatchError)
    const malloryCert = encodeDeviceRecord(await certifyDevice(mallory, aliceLaptop.publicKey, { label: 'x', issued: T0 - 1 }))
    const wrongIdentity = await answerChallenge(challenge, { identity: alice.publicKey, device: aliceLaptop, cert: malloryCert }, T0)
    await expectReject(() => verifyChallengeResponse(challenge, wrongIdentity, { now: T0 }), ChallengeMismatchError)
  })

  it('refuses a certificate the device made for itself', async () => {
    const challenge = fixedChallenge()
    const selfSigned = await signRecord(aliceLaptop, { v: 1, t: 'device-cert', identity: alice.publicKey, device: aliceLaptop.publicKey, label: 'x', issued: T0 - 1 })
    const response = await answerChallenge(challenge, { identity: alice.publicKey, device: aliceLaptop, cert: encodeRecord(selfSigned) }, T0)
    await expectReject(() => verifyChallengeResponse(challenge, response, { now: T0 }), InvalidSignatureError)
  })

  it('refuses a device response whose signature is the identity’s, or missing half of device/cert', async () => {
    const challenge = fixedChallenge()
    const cert = await laptopCert()
    const byIdentity = await signRecord(alice, {
      v: 1, t: 'auth-response', challenge: challengeDigest(challenge), identity: alice.publicKey, device: aliceLaptop.publicKey, cert, signed: T0
    })
    await expectReject(() => verifyChallengeResponse(challenge, decodeResponse(encodeRecord(byIdentity)), { now: T0 }), InvalidSignatureError)
    const response = await answerChallenge(challenge, { identity: alice.publicKey, device: aliceLaptop, cert }, T0)
    const { cert: _c, ...noCert } = response
    const { device: _d, ...noDevice } = response
    expectSchemaField(await expectReject(() => verifyChallengeResponse(challenge, noCert, { now: T0 }), SchemaError), 'cert')
    expectSchemaField(await expectReject(() => verifyChallengeResponse(challenge, noDevice, { now: T0 }), SchemaError), 'cert')
  })

  it('refuses garbage where the certificate belongs', async () => {
    const challenge = fixedChallenge()
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (cert) => {
        const response = await answerChallenge(challenge, { identity: alice.publicKey, device: aliceLaptop, cert }, T0)
        expect(await onlyProtocolErrorsAsync(() => verifyChallengeResponse(challenge, response, { now: T0 }))).toBe(true)
      }),
      { numRuns: 30 }
    )
  })
})

describe('hostile input (decodeChallenge)', () => {
  hostileDecoderSuite({
    decode: decodeChallenge,
    valid: () => Promise.resolve(encodeAuth(fixedChallenge())),
    maxBytes: 512,
    tag: 'auth-challenge'
  })
})

describe('hostile input (decodeResponse)', () => {
  hostileDecoderSuite({
    decode: decodeResponse,
    valid: async () => encodeAuth(await answerChallenge(fixedChallenge(), { identity: alice.publicKey, device: aliceLaptop, cert: await laptopCert() }, T0)),
    maxBytes: 1024,
    tag: 'auth-response',
    optional: ['device', 'cert'],
    ranged: ['cert']
  })
})
