import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createGenesis, decodeGenesis, DEFAULT_ROOM_POLICY, encodeGenesis, MAX_ROOM_NAME_BYTES, openGenesis, verifyGenesis, type Genesis } from './genesis.ts'
import { computeRoomId } from './room-id.ts'
import { InvalidKeyError, InvalidSignatureError, RecordTooLargeError, RoomIdMismatchError, SchemaError } from '../errors.ts'
import { fromHex, toHex } from '../bytes.ts'
import { encodeRecord, signRecord } from '../records/record.ts'
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import { expectReject, hostileDecoderSuite, onlyProtocolErrorsAsync, testBytes, testKeypair } from '../test-support.ts'

const creator = testKeypair('genesis/creator')
const mallory = testKeypair('genesis/mallory')
const T0 = 1_700_000_000_000

describe('createGenesis', () => {
  it('binds the room id to creator, name and nonce, and verifies', async () => {
    const nonce = testBytes('genesis nonce', 16)
    const g = await createGenesis(creator, { name: 'Hearth dev', created: T0, nonce })
    expect(g).toMatchObject({ v: 1, t: 'genesis', name: 'Hearth dev', created: T0, policy: DEFAULT_ROOM_POLICY })
    expect(toHex(g.room)).toBe(toHex(computeRoomId(creator.publicKey, 'Hearth dev', nonce)))
    const opened = await openGenesis(encodeGenesis(g), g.room)
    expect(opened).toEqual(g)
  })

  it('picks a fresh random nonce when none is given', async () => {
    const a = await createGenesis(creator, { name: 'same', created: T0 })
    const b = await createGenesis(creator, { name: 'same', created: T0 })
    expect(toHex(a.nonce)).not.toBe(toHex(b.nonce))
    expect(toHex(a.room)).not.toBe(toHex(b.room))
  })

  it('round-trips arbitrary names and policies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 })
          .filter((s) => !/[\p{Cc}\u2028\u2029]/u.test(s) && new TextEncoder().encode(s).length <= MAX_ROOM_NAME_BYTES),
        fc.constantFrom('open', 'invite'),
        fc.constantFrom('listed', 'unlisted'),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.maxSafeNat(),
        async (name, join, discoverable, nonce, created) => {
          const g = await createGenesis(creator, { name, created, nonce, policy: { join, discoverable } })
          const opened = await openGenesis(encodeGenesis(g), computeRoomId(creator.publicKey, name, nonce))
          expect(opened).toEqual(g)
        }
      ),
      { numRuns: 50 }
    )
  })

  it.each([
    ['an empty name', '', SchemaError],
    ['a 101-byte name', 'n'.repeat(101), RecordTooLargeError],
    ['a name with a newline', 'a\nb', SchemaError]
  ] as const)('refuses %s', async (_name, name, errorClass) => {
    await expectReject(() => createGenesis(creator, { name, created: T0 }), errorClass)
  })

  it('accepts a name of exactly 100 bytes', async () => {
    const name = 'é'.repeat(50)
    expect((await createGenesis(creator, { name, created: T0 })).name).toBe(name)
  })

  it('refuses an unknown policy value', async () => {
    await expectReject(() => createGenesis(creator, { name: 'x', created: T0, policy: { join: 'anyone', discoverable: 'listed' } as unknown as Genesis['policy'] }), SchemaError)
  })
})

describe('verifyGenesis', () => {
  async function genesis(): Promise<Genesis> {
    return createGenesis(creator, { name: 'Room', created: T0, nonce: testBytes('n', 16), policy: { join: 'invite', discoverable: 'listed' } })
  }

  it('refuses a genesis whose room id does not match its fields', async () => {
    const g = await genesis()
    // Re-signed by the creator, so only the id binding is wrong.
    for (const change of [{ name: 'Other' }, { nonce: testBytes('other', 16) }, { room: testBytes('random id', 32) }]) {
      const signed = await signRecord(creator, { ...g, ...change })
      await expectReject(() => openGenesis(encodeRecord(signed)), RoomIdMismatchError)
    }
  })

  it('refuses a genesis for another room than the one expected', async () => {
    const g = await genesis()
    const other = await createGenesis(creator, { name: 'Room', created: T0, nonce: testBytes('n2', 16) })
    await expectReject(() => openGenesis(encodeGenesis(g), other.room), RoomIdMismatchError)
    await openGenesis(encodeGenesis(g), g.room)
    await openGenesis(encodeGenesis(g))
  })

  it('refuses a genesis changed after signing (policy, time)', async () => {
    const g = await genesis()
    for (const change of [{ created: T0 + 1 }, { policy: { join: 'open' as const, discoverable: 'listed' as const } }]) {
      await expectReject(() => verifyGenesis(decodeGenesis(encodeRecord({ ...g, ...change }))), InvalidSignatureError)
    }
  })

  it('refuses a genesis claiming another creator: signed by someone else, or hijacked id', async () => {
    const g = await genesis()
    // Mallory re-signs Alice's genesis as is: the signature is not the creator's.
    const resigned = await signRecord(mallory, g)
    await expectReject(() => openGenesis(encodeRecord(resigned), g.room), InvalidSignatureError)
    // Mallory claims to be the creator of Alice's room: the id no longer matches.
    const hijacked = await signRecord(mallory, { ...g, creator: mallory.publicKey })
    await expectReject(() => openGenesis(encodeRecord(hijacked), g.room), RoomIdMismatchError)
  })

  it('refuses a small-order creator', async () => {
    const g = await genesis()
    await expectReject(() => verifyGenesis({ ...g, creator: fromHex(ED25519_TORSION_SUBGROUP[0]!) }), InvalidKeyError)
  })

  it('rejects every single-byte corruption', async () => {
    const bytes = encodeGenesis(await genesis())
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const corrupt = Uint8Array.from(bytes)
        corrupt[at] = (corrupt[at] as number) ^ xor
        expect(await onlyProtocolErrorsAsync(() => openGenesis(corrupt))).toBe(true)
      }),
      { numRuns: 150 }
    )
  })
})

describe('hostile input (decodeGenesis)', () => {
  hostileDecoderSuite({
    decode: decodeGenesis,
    valid: async () => encodeGenesis(await createGenesis(creator, { name: 'Room', created: T0, nonce: testBytes('n', 16) })),
    maxBytes: 512,
    tag: 'genesis'
  })
})
