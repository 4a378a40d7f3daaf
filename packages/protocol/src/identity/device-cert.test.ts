import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  certifyDevice,
  decodeDeviceCert,
  decodeDeviceRevocation,
  encodeDeviceRecord,
  revokeDevice,
  verifyDeviceCert,
  verifyDeviceRevocation,
  type DeviceCert
} from './device-cert.ts'
import { ExpiredError, InvalidCertificateError, InvalidKeyError, InvalidSignatureError, RecordTooLargeError, SchemaError } from '../errors.ts'
import { fromHex, toHex } from '../bytes.ts'
import { encodeRecord, signRecord } from '../records/record.ts'
import { markVerified } from '../verified.ts'
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import { expectReject, hostileDecoderSuite, onlyProtocolErrorsAsync, testKeypair } from '../test-support.ts'

const identity = testKeypair('device/identity')
const laptop = testKeypair('device/laptop')
const phone = testKeypair('device/phone')
const other = testKeypair('device/other-identity')
const T0 = 1_700_000_000_000
const DAY = 86_400_000

describe('certifyDevice / verifyDeviceCert', () => {
  it('certifies a device that is valid inside its window only', async () => {
    const cert = await certifyDevice(identity, laptop.publicKey, { label: 'Laptop', issued: T0, expires: T0 + DAY })
    expect(cert).toMatchObject({ v: 1, t: 'device-cert', label: 'Laptop', issued: T0, expires: T0 + DAY })
    const decoded = decodeDeviceCert(encodeDeviceRecord(cert))
    expect(decoded).toEqual(cert)
    await verifyDeviceCert(decoded, T0)
    await verifyDeviceCert(decoded, T0 + DAY - 1)
    await expectReject(() => verifyDeviceCert(decoded, T0 - 1), ExpiredError)
    await expectReject(() => verifyDeviceCert(decoded, T0 + DAY), ExpiredError)
    await expectReject(() => verifyDeviceCert(decoded, Number.MAX_SAFE_INTEGER), ExpiredError)
  })

  it('a certificate without expiry is valid from issued on', async () => {
    const cert = await certifyDevice(identity, laptop.publicKey, { label: '', issued: T0 })
    expect(cert.expires).toBeUndefined()
    await verifyDeviceCert(cert, Number.MAX_SAFE_INTEGER)
    await expectReject(() => verifyDeviceCert(cert, T0 - 1), ExpiredError)
  })

  it('follows the window rule issued ≤ at < expires for arbitrary times', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 1000 }), fc.option(fc.integer({ min: 1, max: 1000 })), fc.nat({ max: 2100 }), async (issued, span, at) => {
        const expires = span === null ? undefined : issued + span
        const cert = await certifyDevice(identity, laptop.publicKey, { label: 'x', issued, ...(expires !== undefined ? { expires } : {}) })
        const valid = issued <= at && (expires === undefined || at < expires)
        if (valid) await verifyDeviceCert(cert, at)
        else await expectReject(() => verifyDeviceCert(cert, at), ExpiredError)
      }),
      { numRuns: 60 }
    )
  })

  it('refuses to certify the identity key itself, an invalid key, or an empty window', async () => {
    await expectReject(() => certifyDevice(identity, identity.publicKey, { label: 'x', issued: T0 }), InvalidCertificateError)
    await expectReject(() => certifyDevice(identity, fromHex(ED25519_TORSION_SUBGROUP[1]!), { label: 'x', issued: T0 }), InvalidKeyError)
    await expectReject(() => certifyDevice(identity, laptop.publicKey.subarray(1), { label: 'x', issued: T0 }), InvalidKeyError)
    await expectReject(() => certifyDevice(identity, laptop.publicKey, { label: 'x', issued: T0, expires: T0 }), InvalidCertificateError)
    await expectReject(() => certifyDevice(identity, laptop.publicKey, { label: 'x', issued: T0, expires: T0 - 1 }), InvalidCertificateError)
  })

  it.each([
    ['a 65-byte label', 'l'.repeat(65), RecordTooLargeError],
    ['a label with a newline', 'a\nb', SchemaError],
    ['a label with a control character', 'a\u0007', SchemaError]
  ] as const)('refuses %s', async (_name, label, errorClass) => {
    await expectReject(() => certifyDevice(identity, laptop.publicKey, { label, issued: T0 }), errorClass)
  })

  it('refuses a certificate signed by another key than its identity', async () => {
    const signed = await signRecord(other, { v: 1, t: 'device-cert', identity: identity.publicKey, device: laptop.publicKey, label: 'x', issued: T0 })
    await expectReject(() => verifyDeviceCert(decodeDeviceCert(encodeRecord(signed)), T0), InvalidSignatureError)
  })

  it('refuses a certificate changed after signing', async () => {
    const cert = await certifyDevice(identity, laptop.publicKey, { label: 'Laptop', issued: T0, expires: T0 + DAY })
    for (const change of [{ label: 'Phone' }, { issued: T0 - DAY }, { expires: T0 + 2 * DAY }, { expires: undefined }, { device: phone.publicKey }]) {
      const tampered = decodeDeviceCert(encodeRecord({ ...cert, ...change }))
      await expectReject(() => verifyDeviceCert(tampered, T0 + 1), InvalidSignatureError)
    }
  })

  it('refuses a hand-signed certificate whose device is its identity', async () => {
    const signed = await signRecord(identity, { v: 1, t: 'device-cert', identity: identity.publicKey, device: identity.publicKey, label: 'x', issued: T0 })
    await expectReject(() => verifyDeviceCert(decodeDeviceCert(encodeRecord(signed)), T0), InvalidCertificateError)
  })

  it('refuses small-order identity or device keys with InvalidKeyError', async () => {
    const cert = await certifyDevice(identity, laptop.publicKey, { label: 'x', issued: T0 })
    for (const bad of [fromHex(ED25519_TORSION_SUBGROUP[0]!), fromHex(ED25519_TORSION_SUBGROUP[4]!)]) {
      await expectReject(() => verifyDeviceCert({ ...cert, identity: bad }, T0), InvalidKeyError)
      await expectReject(() => verifyDeviceCert({ ...cert, device: bad }, T0), InvalidKeyError)
    }
  })

  it('round-trips arbitrary certificates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 16 }).filter((s) => !/[\p{Cc}\u2028\u2029]/u.test(s) && new TextEncoder().encode(s).length <= 64),
        fc.nat({ max: 2 ** 50 }),
        fc.option(fc.integer({ min: 1, max: 2 ** 50 })),
        async (label, issued, span) => {
          const cert = await certifyDevice(identity, phone.publicKey, { label, issued, ...(span !== null ? { expires: issued + span } : {}) })
          const decoded = decodeDeviceCert(encodeDeviceRecord(cert))
          expect(decoded).toEqual(cert)
          await verifyDeviceCert(decoded, issued)
        }
      ),
      { numRuns: 40 }
    )
  })
})

describe('revocation', () => {
  it('revokes from its time on, and only that device of that identity', async () => {
    const cert = await certifyDevice(identity, laptop.publicKey, { label: 'Laptop', issued: T0 })
    const revocation = await verifyDeviceRevocation(decodeDeviceRevocation(encodeDeviceRecord(
      await revokeDevice(identity, laptop.publicKey, { revoked: T0 + DAY, reason: 'stolen' })
    )))
    expect(revocation).toMatchObject({ t: 'device-revoke', revoked: T0 + DAY, reason: 'stolen' })
    await verifyDeviceCert(cert, T0 + DAY - 1, [revocation])
    await expectReject(() => verifyDeviceCert(cert, T0 + DAY, [revocation]), InvalidCertificateError)
    await expectReject(() => verifyDeviceCert(cert, T0 + 2 * DAY, [revocation]), InvalidCertificateError)
    // A revocation of another device, or by another identity, does not apply.
    const otherDevice = await revokeDevice(identity, phone.publicKey, { revoked: T0 })
    const otherIdentity = await revokeDevice(other, laptop.publicKey, { revoked: T0 })
    await verifyDeviceCert(cert, T0 + 2 * DAY, [otherDevice, otherIdentity])
  })

  it('a revocation before issue still revokes (re-certifying a revoked key needs a new key)', async () => {
    const revocation = await revokeDevice(identity, laptop.publicKey, { revoked: T0 - DAY })
    const cert = await certifyDevice(identity, laptop.publicKey, { label: 'again', issued: T0 })
    await expectReject(() => verifyDeviceCert(cert, T0, [revocation]), InvalidCertificateError)
  })

  it('round-trips arbitrary revocations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.maxSafeNat(),
        fc.option(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !/[\p{Cc}\u2028\u2029]/u.test(s) && new TextEncoder().encode(s).length <= 256), { nil: undefined }),
        async (revoked, reason) => {
          const r = await revokeDevice(identity, phone.publicKey, { revoked, ...(reason !== undefined ? { reason } : {}) })
          const back = await verifyDeviceRevocation(decodeDeviceRevocation(encodeDeviceRecord(r)))
          expect(back).toEqual(r)
          expect(back.reason).toBe(reason)
        }
      ),
      { numRuns: 40 }
    )
  })

  it('refuses a revocation signed by another key, or changed after signing', async () => {
    const forged = await signRecord(other, { v: 1, t: 'device-revoke', identity: identity.publicKey, device: laptop.publicKey, revoked: T0 })
    await expectReject(() => verifyDeviceRevocation(decodeDeviceRevocation(encodeRecord(forged))), InvalidSignatureError)
    const real = await revokeDevice(identity, laptop.publicKey, { revoked: T0, reason: 'lost' })
    for (const change of [{ revoked: T0 + 1 }, { reason: 'found' }, { reason: undefined }, { device: phone.publicKey }]) {
      await expectReject(() => verifyDeviceRevocation(decodeDeviceRevocation(encodeRecord({ ...real, ...change }))), InvalidSignatureError)
    }
  })

  it('refuses a revocation by a small-order identity', async () => {
    const real = await revokeDevice(identity, laptop.publicKey, { revoked: T0 })
    await expectReject(() => verifyDeviceRevocation({ ...real, identity: fromHex(ED25519_TORSION_SUBGROUP[0]!) }), InvalidKeyError)
  })

  it('refuses an overlong reason', async () => {
    await expectReject(() => revokeDevice(identity, laptop.publicKey, { revoked: T0, reason: 'r'.repeat(257) }), RecordTooLargeError)
  })

  it('rejects every single-byte corruption of a certificate or revocation', async () => {
    const cert = encodeDeviceRecord(await certifyDevice(identity, laptop.publicKey, { label: 'Laptop', issued: T0, expires: T0 + DAY }))
    const rev = encodeDeviceRecord(await revokeDevice(identity, laptop.publicKey, { revoked: T0, reason: 'x' }))
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 }), async (isCert, at, xor) => {
        const bytes = Uint8Array.from(isCert ? cert : rev)
        const i = at % bytes.length
        bytes[i] = (bytes[i] as number) ^ xor
        const rejected = await onlyProtocolErrorsAsync(async () => {
          if (isCert) await verifyDeviceCert(decodeDeviceCert(bytes), T0 + 1)
          else await verifyDeviceRevocation(decodeDeviceRevocation(bytes))
        })
        expect(rejected).toBe(true)
      }),
      { numRuns: 150 }
    )
  })

  it('trusts the revocations it is given: callers verify them first (here one is branded by hand)', async () => {
    const cert: DeviceCert = await certifyDevice(identity, laptop.publicKey, { label: 'x', issued: T0 })
    const raw = decodeDeviceRevocation(encodeDeviceRecord(await revokeDevice(identity, laptop.publicKey, { revoked: T0 })))
    await expectReject(() => verifyDeviceCert(cert, T0, [markVerified(raw)]), InvalidCertificateError)
    expect(toHex(raw.device)).toBe(toHex(laptop.publicKey))
  })
})

describe('hostile input (decodeDeviceCert)', () => {
  hostileDecoderSuite({
    decode: decodeDeviceCert,
    valid: async () => encodeDeviceRecord(await certifyDevice(identity, laptop.publicKey, { label: 'Laptop', issued: T0, expires: T0 + DAY })),
    maxBytes: 512,
    tag: 'device-cert',
    optional: ['expires']
  })
})

describe('hostile input (decodeDeviceRevocation)', () => {
  hostileDecoderSuite({
    decode: decodeDeviceRevocation,
    valid: async () => encodeDeviceRecord(await revokeDevice(identity, laptop.publicKey, { revoked: T0, reason: 'stolen' })),
    maxBytes: 768,
    tag: 'device-revoke',
    optional: ['reason']
  })
})
