import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { sha256, SHA256_BYTES, taggedHash } from './sha256.ts'
import { concat, toHex, utf8 } from '../bytes.ts'
import { randomBytes } from './random.ts'

describe('sha256', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1']
  ])('FIPS 180-4 example %j', (input, hex) => {
    expect(toHex(sha256(utf8(input)))).toBe(hex)
    expect(SHA256_BYTES).toBe(32)
  })

  it('hashes the concatenation of its parts', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 5 }), (parts) => {
        expect(toHex(sha256(...parts))).toBe(toHex(sha256(concat(...parts))))
      }),
      { numRuns: 100 }
    )
  })

  it('agrees with WebCrypto', async () => {
    for (const n of [0, 1, 55, 56, 64, 1000]) {
      const data = randomBytes(n)
      expect(toHex(sha256(data))).toBe(toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', data))))
    }
  })
})

describe('taggedHash', () => {
  it('is SHA-256(ascii(tag) ‖ 0x00 ‖ data)', () => {
    expect(toHex(taggedHash('hearth/x', utf8('abc')))).toBe(toHex(sha256(utf8('hearth/x'), new Uint8Array([0]), utf8('abc'))))
  })

  it('separates tags that share a prefix with the data', () => {
    // Without the 0x00 separator, ("a", "bc") and ("ab", "c") would collide.
    expect(toHex(taggedHash('a', utf8('bc')))).not.toBe(toHex(taggedHash('ab', utf8('c'))))
  })
})

describe('randomBytes', () => {
  it('fills buffers larger than one getRandomValues call', () => {
    const big = randomBytes(65536 * 2 + 10)
    expect(big.length).toBe(65536 * 2 + 10)
    // The last chunk is filled too (probability of 10 zero bytes by chance is negligible).
    expect(big.subarray(-10).some((b) => b !== 0)).toBe(true)
    expect(big.subarray(65536, 65546).some((b) => b !== 0)).toBe(true)
    expect(randomBytes(0).length).toBe(0)
  })
})
