import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { formatUserId, parseUserId } from './user-id.ts'
import { keypairFromSeed } from '../crypto/ed25519.ts'
import { InvalidKeyError } from '../errors.ts'
import { fromHex, toBase32, toHex } from '../bytes.ts'
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import { ED25519_P, expectThrow, leBytes, nonZeroPadding, testKeypair } from '../test-support.ts'

describe('user ids', () => {
  it('are 52 lowercase base32 characters and round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const { publicKey } = keypairFromSeed(seed)
        const id = formatUserId(publicKey)
        expect(id).toMatch(/^[a-z2-7]{52}$/)
        expect(toHex(parseUserId(id))).toBe(toHex(publicKey))
        expect(toHex(parseUserId(id.toUpperCase()))).toBe(toHex(publicKey))
      }),
      { numRuns: 50 }
    )
  })

  it('is RFC 4648 base32 of the key, checked against a bit-by-bit reference', () => {
    const reference = (bytes: Uint8Array): string => {
      const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
      const bits = Array.from(bytes, (b) => b.toString(2).padStart(8, '0')).join('')
      return (bits.match(/.{1,5}/g) ?? []).map((chunk) => alphabet[parseInt(chunk.padEnd(5, '0'), 2)]).join('')
    }
    const key = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a') // RFC 8032 TEST 1
    expect(formatUserId(key)).toBe(reference(key))
    expect(formatUserId(key)).toBe(toBase32(key))
  })

  const valid = formatUserId(testKeypair('user-id').publicKey)
  it.each([
    ['empty', ''],
    ['one character short', valid.slice(1)],
    ['one character long', `${valid}a`],
    ['padded', `${valid}====`],
    ['with whitespace', ` ${valid}`],
    ['with a digit outside the alphabet', `1${valid.slice(1)}`],
    ['with non-zero trailing bits', nonZeroPadding(valid)],
    ['a 31-byte key', toBase32(testKeypair('user-id').publicKey.subarray(1))],
    ['a small-order key (identity)', toBase32(fromHex(ED25519_TORSION_SUBGROUP[0]!))],
    ['a small-order key (order 8)', toBase32(fromHex(ED25519_TORSION_SUBGROUP[1]!))],
    ['a non-canonical key (y = p + 5)', toBase32(leBytes(ED25519_P + 5n))],
    ['a point not on the curve', toBase32(leBytes(2n))]
  ])('refuses %s with InvalidKeyError', (_name, text) => {
    expectThrow(() => parseUserId(text), InvalidKeyError)
  })

  it('refuses non-strings and random text with InvalidKeyError only', () => {
    for (const v of [null, undefined, 42, new Uint8Array(32)]) expectThrow(() => parseUserId(v as unknown as string), InvalidKeyError)
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^[a-z2-7]{52}$/)), (text) => {
        try {
          parseUserId(text)
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidKeyError)
        }
      }),
      { numRuns: 300 }
    )
  })
})
