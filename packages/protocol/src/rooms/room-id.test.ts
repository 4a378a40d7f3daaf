import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { computeRoomId, formatRoomId, parseRoomId, ROOM_ID_BYTES, ROOM_NONCE_BYTES } from './room-id.ts'
import { InvalidArgumentError } from '../errors.ts'
import { concat, toBase32, toHex, utf8 } from '../bytes.ts'
import { sha256 } from '../crypto/sha256.ts'
import { expectThrow, nonZeroPadding, testBytes, testKeypair } from '../test-support.ts'

const creator = testKeypair('room/creator').publicKey

/** The room id formula of PROTOCOL.md §4.1, written out independently. */
function roomIdByHand(creatorKey: Uint8Array, name: string, nonce: Uint8Array): string {
  const nameBytes = utf8(name)
  const len = new Uint8Array([(nameBytes.length >>> 24) & 255, (nameBytes.length >>> 16) & 255, (nameBytes.length >>> 8) & 255, nameBytes.length & 255])
  return toHex(sha256(concat(utf8('hearth/room-id/v1'), new Uint8Array([0]), creatorKey, len, nameBytes, nonce)))
}

describe('computeRoomId', () => {
  it('is SHA-256("hearth/room-id/v1" ‖ 0x00 ‖ creator ‖ u32be(len) ‖ name ‖ nonce)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (name, nonce) => {
        const id = computeRoomId(creator, name, nonce)
        expect(id).toHaveLength(ROOM_ID_BYTES)
        expect(toHex(id)).toBe(roomIdByHand(creator, name, nonce))
      }),
      { numRuns: 100 }
    )
  })

  it('length-prefixes the name, so shifting bytes between name and nonce changes the id', () => {
    const nonce = testBytes('nonce', 16)
    // Without the length prefix, ("ab", nonce) and ("a", "b" ‖ nonce[0..15]) would hash the same bytes.
    const shifted = concat(utf8('b'), nonce.subarray(0, 15))
    expect(toHex(computeRoomId(creator, 'ab', nonce))).not.toBe(toHex(computeRoomId(creator, 'a', shifted)))
  })

  it('depends on every input', () => {
    const nonce = testBytes('nonce', 16)
    const base = toHex(computeRoomId(creator, 'Room', nonce))
    expect(toHex(computeRoomId(testKeypair('room/other').publicKey, 'Room', nonce))).not.toBe(base)
    expect(toHex(computeRoomId(creator, 'room', nonce))).not.toBe(base)
    expect(toHex(computeRoomId(creator, 'Room', testBytes('other nonce', 16)))).not.toBe(base)
  })

  it('refuses a creator key or nonce of the wrong length', () => {
    expectThrow(() => computeRoomId(creator.subarray(1), 'x', new Uint8Array(ROOM_NONCE_BYTES)), InvalidArgumentError)
    expectThrow(() => computeRoomId(creator, 'x', new Uint8Array(15)), InvalidArgumentError)
    expectThrow(() => computeRoomId(creator, 'x', new Uint8Array(32)), InvalidArgumentError)
  })
})

describe('room id text form', () => {
  it('round-trips as 52 lowercase base32 characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (id) => {
        const text = formatRoomId(id)
        expect(text).toMatch(/^[a-z2-7]{52}$/)
        expect(toHex(parseRoomId(text))).toBe(toHex(id))
        expect(toHex(parseRoomId(text.toUpperCase()))).toBe(toHex(id))
      }),
      { numRuns: 100 }
    )
  })

  const valid = formatRoomId(testBytes('room id', 32))
  it.each([
    ['empty', ''],
    ['51 characters', valid.slice(1)],
    ['53 characters', `${valid}a`],
    ['a 31-byte id', toBase32(new Uint8Array(31))],
    ['a 33-byte id', toBase32(new Uint8Array(33))],
    ['padding', `${valid}====`],
    ['whitespace', `${valid} `],
    ['non-zero trailing bits', nonZeroPadding(valid)],
    ['characters outside the alphabet', `${valid.slice(0, 51)}1`],
    ['hex instead of base32', toHex(testBytes('room id', 32))]
  ])('refuses %s with InvalidArgumentError', (_name, text) => {
    expectThrow(() => parseRoomId(text), InvalidArgumentError)
  })

  it('throws only InvalidArgumentError on random text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^[a-zA-Z2-7]{50,54}$/)), (text) => {
        try {
          expect(parseRoomId(text)).toHaveLength(32)
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidArgumentError)
        }
      }),
      { numRuns: 300 }
    )
    for (const v of [null, undefined, 1, new Uint8Array(32)]) expectThrow(() => parseRoomId(v as unknown as string), InvalidArgumentError)
  })
})
