import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createSignal, decodeSignal, encodeSignal, MAX_SIGNAL_BYTES, SIGNAL_MAX_AGE_MS, SIGNAL_MAX_SKEW_MS, validateSignal } from './signal.ts'
import { certifyDevice, encodeDeviceRecord } from '../identity/device-cert.ts'
import { encodeRecord, signRecord } from '../records/record.ts'
import { ExpiredError, InvalidArgumentError, InvalidCertificateError, InvalidSignatureError, ProtocolError, SchemaError } from '../errors.ts'
import { expectReject, hostileDecoderSuite, testBytes, testKeypair } from '../test-support.ts'

const alice = testKeypair('signal/alice')
const mallory = testKeypair('signal/mallory')
const phone = testKeypair('signal/phone')
const room = testBytes('signal/room', 32)
const otherRoom = testBytes('signal/other-room', 32)
const channel = testBytes('signal/channel', 16)
const T0 = 1_700_000_000_000

async function phoneCert(identity = alice): Promise<Uint8Array> {
  return encodeDeviceRecord(await certifyDevice(identity, phone.publicKey, { label: 'Phone', issued: T0 - 1000 }))
}

describe('signal', () => {
  it('typing by the identity and presence by a device validate while fresh', async () => {
    const typing = await createSignal({ room, identity: alice, body: { kind: 'typing', channel }, at: T0 })
    await expect(validateSignal(encodeSignal(typing), room, T0 + SIGNAL_MAX_AGE_MS)).resolves.toEqual(typing)
    await expect(validateSignal(encodeSignal(typing), room, T0 - SIGNAL_MAX_SKEW_MS)).resolves.toEqual(typing)
    await expectReject(() => validateSignal(encodeSignal(typing), room, T0 + SIGNAL_MAX_AGE_MS + 1), ExpiredError)
    await expectReject(() => validateSignal(encodeSignal(typing), room, T0 - SIGNAL_MAX_SKEW_MS - 1), ExpiredError)
    const presence = await createSignal({ room, identity: alice.publicKey, device: { keypair: phone, cert: await phoneCert() }, body: { kind: 'presence', status: 'idle' }, at: T0 })
    await expect(validateSignal(encodeSignal(presence), room, T0)).resolves.toEqual(presence)
  })

  it('refuses another room, forged signatures and foreign certificates', async () => {
    const s = await createSignal({ room, identity: alice, body: { kind: 'typing', channel }, at: T0 })
    await expectReject(() => validateSignal(encodeSignal(s), otherRoom, T0), InvalidArgumentError)
    const { sig: _sig, ...unsigned } = s
    const forged = encodeRecord(await signRecord(mallory, unsigned))
    await expectReject(() => validateSignal(forged, room, T0), InvalidSignatureError)
    const foreign = await createSignal({ room, identity: alice.publicKey, device: { keypair: phone, cert: await phoneCert(mallory) }, body: { kind: 'presence', status: 'online' }, at: T0 })
    await expectReject(() => validateSignal(encodeSignal(foreign), room, T0), InvalidCertificateError)
    await expectReject(() => createSignal({ room, identity: alice.publicKey, body: { kind: 'presence', status: 'online' }, at: T0 }), InvalidArgumentError)
  })

  it('refuses inconsistent bodies', async () => {
    const s = await createSignal({ room, identity: alice, body: { kind: 'typing', channel }, at: T0 })
    const { sig: _sig, ...unsigned } = s
    const cases: Record<string, unknown>[] = [
      { ...unsigned, channel: undefined },
      { ...unsigned, status: 'online' },
      { ...unsigned, kind: 'presence' },
      { ...unsigned, kind: 'presence', channel: undefined },
      { ...unsigned, device: phone.publicKey }
    ]
    for (const c of cases) await expectReject(async () => decodeSignal(encodeRecord(await signRecord(alice, c))), SchemaError)
  })

  it('validation throws only ProtocolErrors on corrupted signals', async () => {
    const bytes = encodeSignal(await createSignal({ room, identity: alice.publicKey, device: { keypair: phone, cert: await phoneCert() }, body: { kind: 'presence', status: 'busy' }, at: T0 }))
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const copy = new Uint8Array(bytes)
        copy[at] = (copy[at] ?? 0) ^ xor
        await expect(validateSignal(copy, room, T0)).rejects.toBeInstanceOf(ProtocolError)
      }),
      { numRuns: 150 }
    )
  })
})

describe('signal decoder (hostile input)', () => {
  hostileDecoderSuite({
    decode: decodeSignal,
    valid: async () => encodeSignal(await createSignal({ room, identity: alice.publicKey, device: { keypair: phone, cert: await phoneCert() }, body: { kind: 'typing', channel }, at: T0 })),
    maxBytes: MAX_SIGNAL_BYTES,
    tag: 'signal',
    optional: ['device', 'cert', 'channel', 'status'],
    ranged: ['cert']
  })
})
