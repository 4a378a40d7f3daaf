import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import fc from 'fast-check'
import { ed25519, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import {
  assertSignature,
  assertValidPublicKey,
  ed25519Backend,
  generateKeypair,
  isCanonicalSignature,
  keypairFromSeed,
  setEd25519Backend,
  sign,
  verify,
  verifyBatch,
  type Ed25519Backend
} from './ed25519.ts'
import { InvalidKeyError, InvalidSignatureError } from '../errors.ts'
import { concat, fromHex, toBytes, toHex, utf8 } from '../bytes.ts'
import {
  challengeScalar,
  craftSignature,
  ED25519_L,
  ED25519_P,
  expectReject,
  expectThrow,
  leBytes,
  leNumber,
  RFC8032_VECTORS,
  secretScalar,
  testSeed,
  torsionPoint
} from '../test-support.ts'

const BACKENDS: readonly Ed25519Backend[] = ['webcrypto', 'noble']

afterEach(() => {
  setEd25519Backend(undefined)
})

/** Verify under each backend; returns { webcrypto, noble }. */
async function verifyOnBoth(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<Record<Ed25519Backend, boolean>> {
  const out = {} as Record<Ed25519Backend, boolean>
  // noble first: the key cache must not make a later 'noble' run use WebCrypto.
  for (const backend of ['noble', 'webcrypto'] as const) {
    setEd25519Backend(backend)
    out[backend] = await verify(publicKey, message, signature)
  }
  setEd25519Backend(undefined)
  return out
}

async function expectRejectedByBoth(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<void> {
  expect(await verifyOnBoth(publicKey, message, signature)).toEqual({ webcrypto: false, noble: false })
}

describe('RFC 8032 §7.1 test vectors', () => {
  for (const v of RFC8032_VECTORS) {
    describe(v.name, () => {
      it('derives the public key', () => {
        expect(toHex(keypairFromSeed(fromHex(v.secretKey)).publicKey)).toBe(v.publicKey)
      })
      for (const backend of BACKENDS) {
        it(`signs and verifies with ${backend}`, async () => {
          setEd25519Backend(backend)
          const keypair = keypairFromSeed(fromHex(v.secretKey))
          expect(toHex(await sign(keypair, fromHex(v.message)))).toBe(v.signature)
          expect(await verify(fromHex(v.publicKey), fromHex(v.message), fromHex(v.signature))).toBe(true)
          await assertSignature(fromHex(v.publicKey), fromHex(v.message), fromHex(v.signature))
        })
      }
    })
  }
})

describe('the strict validity rule (PROTOCOL.md §2.2), on both backends', () => {
  const seed = testSeed('ed25519/strict')
  const keypair = keypairFromSeed(seed)
  const message = utf8('hearth strict rule')

  it('accepts an ordinary signature on both', async () => {
    const sig = await sign(keypair, message)
    expect(await verifyOnBoth(keypair.publicKey, message, sig)).toEqual({ webcrypto: true, noble: true })
  })

  describe('small-order public keys', () => {
    ED25519_TORSION_SUBGROUP.forEach((hex, i) => {
      it(`refuses torsion point ${i} (${hex.slice(0, 8)}…)`, async () => {
        const key = fromHex(hex)
        expect(torsionPoint(i).isSmallOrder()).toBe(true)
        const err = expectThrow(() => assertValidPublicKey(key), InvalidKeyError)
        // Canonical small-order encodings are refused as small order; x = 0 with the sign bit is not a valid encoding at all.
        expect(err.message).toMatch(/small order|not a point/)
        // For the identity key, R = [S]B satisfies [S]B = R + [k]A for every message: a universal forgery.
        const s = 12345n
        const forged = concat(ed25519.Point.BASE.multiply(s).toBytes(), leBytes(s))
        await expectRejectedByBoth(key, message, forged)
        await expectRejectedByBoth(key, message, await sign(keypair, message))
      })
    })

    it('the identity-key forgery is accepted by a lax (ZIP-215) verifier, so the rule matters', () => {
      const s = 12345n
      const forged = concat(ed25519.Point.BASE.multiply(s).toBytes(), leBytes(s))
      expect(ed25519.verify(forged, message, fromHex(ED25519_TORSION_SUBGROUP[0]!), { zip215: true })).toBe(true)
    })
  })

  describe('non-canonical public key encodings (y ≥ p)', () => {
    for (let offset = 0n; offset < 19n; offset++) {
      for (const signBit of [0n, 1n]) {
        const encoding = leBytes(ED25519_P + offset + (signBit << 255n))
        it(`refuses y = p + ${offset}${signBit === 1n ? ' with the sign bit' : ''}`, async () => {
          const err = expectThrow(() => assertValidPublicKey(encoding), InvalidKeyError)
          expect(err.message).toMatch(/not canonical/)
          await expectRejectedByBoth(encoding, message, await sign(keypair, message))
        })
      }
    }

    it('includes encodings a lax decoder reads as valid, non-small-order points', () => {
      // p + y for small y: ZIP-215 decoders reduce mod p. At least one such y is on the curve and not small-order.
      const lax = []
      for (let y = 2n; y < 19n; y++) {
        try {
          const point = ed25519.Point.fromBytes(leBytes(ED25519_P + y), true)
          if (!point.isSmallOrder()) lax.push(y)
        } catch {
          // not on the curve
        }
      }
      expect(lax.length).toBeGreaterThan(0)
    })
  })

  it('refuses keys that are not on the curve', async () => {
    let found = 0
    for (let y = 2n; found < 5 && y < 200n; y++) {
      const encoding = leBytes(y)
      try {
        ed25519.Point.fromBytes(encoding)
        continue
      } catch {
        found++
      }
      expectThrow(() => assertValidPublicKey(encoding), InvalidKeyError)
      await expectRejectedByBoth(encoding, message, await sign(keypair, message))
    }
    expect(found).toBe(5)
  })

  it('refuses keys and signatures of the wrong length or type without throwing', async () => {
    const sig = await sign(keypair, message)
    for (const badKey of [keypair.publicKey.subarray(1), concat(keypair.publicKey, new Uint8Array(1)), new Uint8Array(0)]) {
      expectThrow(() => assertValidPublicKey(badKey), InvalidKeyError)
      await expectRejectedByBoth(badKey, message, sig)
    }
    for (const badSig of [sig.subarray(1), concat(sig, new Uint8Array(1)), new Uint8Array(0)]) {
      await expectRejectedByBoth(keypair.publicKey, message, badSig)
    }
    for (const notBytes of [null, undefined, 'key', [1, 2, 3], 42, Array.from(keypair.publicKey)]) {
      expectThrow(() => assertValidPublicKey(notBytes as unknown as Uint8Array), InvalidKeyError)
      await expectRejectedByBoth(notBytes as unknown as Uint8Array, message, sig)
      await expectRejectedByBoth(keypair.publicKey, notBytes as unknown as Uint8Array, sig)
      await expectRejectedByBoth(keypair.publicKey, message, notBytes as unknown as Uint8Array)
    }
  })

  it('refuses S ≥ L (a valid signature with L added to S)', async () => {
    const sig = await sign(keypair, message)
    const s = leNumber(sig.subarray(32))
    for (const bigS of [s + ED25519_L, ED25519_L, 2n ** 253n - 1n, 2n ** 256n - 1n]) {
      const malleated = concat(sig.subarray(0, 32), leBytes(bigS))
      expect(isCanonicalSignature(malleated)).toBe(false)
      await expectRejectedByBoth(keypair.publicKey, message, malleated)
    }
    // S + L satisfies the equation: [S + L]B = [S]B.
    expect(ed25519.Point.BASE.multiplyUnsafe(s).equals(ed25519.Point.BASE.multiply(ED25519_L - 1n).multiply(s).negate())).toBe(true)
  })

  it('refuses a non-canonical R (the identity spelled as y = p + 1) that satisfies the equation', async () => {
    const rEncoding = leBytes(ED25519_P + 1n)
    const sig = craftSignature({ seed, message, r: 0n, rEncoding })
    expect(ed25519.verify(sig, message, keypair.publicKey, { zip215: true })).toBe(true) // lax verifiers accept it
    expect(isCanonicalSignature(sig)).toBe(false)
    await expectRejectedByBoth(keypair.publicKey, message, sig)
  })

  it('refuses R spelled with x = 0 and the sign bit set', async () => {
    for (const y of [1n, ED25519_P - 1n]) {
      const rEncoding = leBytes(y + (1n << 255n))
      const sig = craftSignature({ seed, message, r: 0n, rEncoding })
      expect(isCanonicalSignature(sig)).toBe(false)
      await expectRejectedByBoth(keypair.publicKey, message, sig)
    }
  })

  describe('regressions: backends used to disagree (found while writing this suite)', () => {
    // Before the fix, the noble path ran noble's cofactored check and accepted
    // these, while WebCrypto (cofactorless, and refusing small-order R on
    // Node ≥ 24.x) refused them: a signature one peer accepts and another
    // refuses.
    it('refuses a small-order R (the identity) that satisfies the cofactorless equation', async () => {
      const sig = craftSignature({ seed, message, r: 0n })
      expect(toHex(sig.subarray(0, 32))).toBe(ED25519_TORSION_SUBGROUP[0])
      expect(isCanonicalSignature(sig)).toBe(false)
      await expectRejectedByBoth(keypair.publicKey, message, sig)
    })

    for (const index of [0, 1, 2, 3, 4, 5, 6, 7]) {
      it(`refuses R with torsion component ${index} added (cofactored-only valid)`, async () => {
        const sig = craftSignature({ seed, message, r: 987654321n, addToR: torsionPoint(index) })
        // A cofactored verifier accepts it; the cofactorless rule must not.
        expect(ed25519.verify(sig, message, keypair.publicKey, { zip215: false })).toBe(true)
        const expected = index === 0 // adding the identity changes nothing
        expect(await verifyOnBoth(keypair.publicKey, message, sig)).toEqual({ webcrypto: expected, noble: expected })
      })
    }

    it('agrees on keys with a torsion component (mixed order): valid exactly when [k]T = 0', async () => {
      const T = torsionPoint(1) // order 8
      const a = secretScalar(seed)
      const mixedKey = ed25519.Point.BASE.multiply(a).add(T).toBytes()
      expect(() => assertValidPublicKey(mixedKey)).not.toThrow()
      let seenValid = 0
      let seenInvalid = 0
      for (let i = 0; i < 24; i++) {
        const msg = utf8(`mixed ${i}`)
        const sig = craftSignature({ seed, message: msg, r: 1000n + BigInt(i), publicKey: mixedKey })
        const k = challengeScalar(sig, mixedKey, msg)
        const expected = k % 8n === 0n
        if (expected) seenValid++
        else seenInvalid++
        expect(await verifyOnBoth(mixedKey, msg, sig), `message ${i}, k mod 8 = ${k % 8n}`).toEqual({ webcrypto: expected, noble: expected })
      }
      expect(seenValid).toBeGreaterThan(0)
      expect(seenInvalid).toBeGreaterThan(0)
    })

    it('uses the backend asked for, even for a key the other backend parsed first', async () => {
      const sig = await sign(keypair, message)
      setEd25519Backend('webcrypto')
      expect(await verify(keypair.publicKey, message, sig)).toBe(true)
      const spy = vi.spyOn(crypto.subtle, 'verify')
      try {
        setEd25519Backend('noble')
        expect(await verify(keypair.publicKey, message, sig)).toBe(true)
        expect(spy).not.toHaveBeenCalled()
        setEd25519Backend('webcrypto')
        expect(await verify(keypair.publicKey, message, sig)).toBe(true)
        expect(spy).toHaveBeenCalledTimes(1)
      } finally {
        spy.mockRestore()
      }
    })
  })
})

describe('sign and verify (properties)', () => {
  const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 })
  const messageArb = fc.uint8Array({ maxLength: 200 })

  for (const backend of BACKENDS) {
    describe(`with ${backend}`, () => {
      beforeEach(() => {
        setEd25519Backend(backend)
      })

      it('verifies what it signs', async () => {
        await fc.assert(
          fc.asyncProperty(seedArb, messageArb, async (seed, message) => {
            const keypair = keypairFromSeed(seed)
            expect(await verify(keypair.publicKey, message, await sign(keypair, message))).toBe(true)
          }),
          { numRuns: 60 }
        )
      })

      it('refuses any single bit flip in the message, signature or key', async () => {
        await fc.assert(
          fc.asyncProperty(seedArb, messageArb, fc.constantFrom('message', 'signature', 'key'), fc.nat(), async (seed, message, where, bit) => {
            const keypair = keypairFromSeed(seed)
            const sig = await sign(keypair, message)
            let key: Uint8Array = keypair.publicKey
            let msg: Uint8Array = message
            let signature: Uint8Array = sig
            const flip = (bytes: Uint8Array): Uint8Array => {
              const out = toBytes(bytes)
              const i = bit % (out.length * 8)
              out[i >> 3] = (out[i >> 3] as number) ^ (1 << (i & 7))
              return out
            }
            if (where === 'message') {
              if (message.length === 0) return
              msg = flip(message)
            } else if (where === 'signature') {
              signature = flip(sig)
            } else {
              key = flip(keypair.publicKey)
            }
            expect(await verify(key, msg, signature)).toBe(false)
          }),
          { numRuns: 150 }
        )
      })
    })
  }

  it('backends agree: identical signatures, and each verifies the other’s', async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, messageArb, async (seed, message) => {
        setEd25519Backend('noble')
        const byNoble = await sign(keypairFromSeed(seed), message)
        setEd25519Backend('webcrypto')
        const byWebCrypto = await sign(keypairFromSeed(seed), message)
        expect(toHex(byNoble)).toBe(toHex(byWebCrypto))
        const publicKey = keypairFromSeed(seed).publicKey
        expect(await verify(publicKey, message, byNoble)).toBe(true)
        setEd25519Backend('noble')
        expect(await verify(publicKey, message, byWebCrypto)).toBe(true)
      }),
      { numRuns: 60 }
    )
  })

  it('backends agree on random keys, messages and signatures', async () => {
    const keypair = keypairFromSeed(testSeed('ed25519/agree'))
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constant(keypair.publicKey), fc.constantFrom(...ED25519_TORSION_SUBGROUP.map(fromHex))),
        messageArb,
        fc.oneof(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ maxLength: 70 })),
        async (publicKey, message, signature) => {
          const results = await verifyOnBoth(publicKey, message, signature)
          expect(results.noble).toBe(results.webcrypto)
        }
      ),
      { numRuns: 200 }
    )
  })

  it('backends agree on crafted signatures with random nonces, torsion and spellings', async () => {
    const seed = testSeed('ed25519/crafted')
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 0n, max: ED25519_L - 1n }),
        fc.nat({ max: 7 }),
        fc.boolean(),
        messageArb,
        async (r, torsion, mixedKey, message) => {
          const publicKey = mixedKey
            ? ed25519.Point.BASE.multiply(secretScalar(seed)).add(torsionPoint(torsion)).toBytes()
            : keypairFromSeed(seed).publicKey
          const sig = craftSignature({ seed, message, r, addToR: torsionPoint(torsion), publicKey })
          const results = await verifyOnBoth(publicKey, message, sig)
          expect(results.noble).toBe(results.webcrypto)
        }
      ),
      { numRuns: 100 }
    )
  })
})

describe('verifyBatch', () => {
  it('answers each item in order, across several windows', async () => {
    const keypairs = [0, 1, 2].map((i) => keypairFromSeed(testSeed(`batch/${i}`)))
    const items = await Promise.all(
      Array.from({ length: 23 }, async (_, i) => {
        const kp = keypairs[i % 3]!
        const message = utf8(`message ${i}`)
        const signature = await sign(kp, message)
        const valid = i % 4 !== 1
        return { publicKey: kp.publicKey, message: valid ? message : utf8('other'), signature, valid }
      })
    )
    for (const backend of BACKENDS) {
      setEd25519Backend(backend)
      for (const parallel of [1, 5, 64]) {
        expect(await verifyBatch(items, parallel)).toEqual(items.map((it) => it.valid))
      }
    }
    expect(await verifyBatch([])).toEqual([])
  })
})

describe('keys', () => {
  it('keypairFromSeed refuses seeds of the wrong length or type', () => {
    for (const seed of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(64), new Uint8Array(0), 'seed', null, Array.from(new Uint8Array(32))]) {
      expectThrow(() => keypairFromSeed(seed as unknown as Uint8Array), InvalidKeyError)
    }
  })

  it('keypairFromSeed copies the seed and freezes the keypair', () => {
    const seed = toBytes(testSeed('copy'))
    const kp = keypairFromSeed(seed)
    seed.fill(0)
    expect(toHex(kp.seed)).toBe(toHex(testSeed('copy')))
    expect(Object.isFrozen(kp)).toBe(true)
  })

  it('generateKeypair gives distinct, valid keys', async () => {
    const a = generateKeypair()
    const b = generateKeypair()
    expect(toHex(a.publicKey)).not.toBe(toHex(b.publicKey))
    expect(toHex(assertValidPublicKey(a.publicKey))).toBe(toHex(a.publicKey))
    expect(await verify(a.publicKey, utf8('x'), await sign(a, utf8('x')))).toBe(true)
  })

  it('assertValidPublicKey returns an owned copy', () => {
    const kp = keypairFromSeed(testSeed('owned'))
    const copy = assertValidPublicKey(kp.publicKey)
    expect(copy).not.toBe(kp.publicKey)
    expect(toHex(copy)).toBe(toHex(kp.publicKey))
  })

  it('assertSignature throws InvalidSignatureError for a bad signature', async () => {
    const kp = keypairFromSeed(testSeed('assert'))
    await expectReject(() => assertSignature(kp.publicKey, utf8('a'), new Uint8Array(64)), InvalidSignatureError)
  })

  it('still verifies correctly after the key cache evicts entries', async () => {
    setEd25519Backend('noble')
    const kp = keypairFromSeed(testSeed('cache'))
    const sig = await sign(kp, utf8('m'))
    expect(await verify(kp.publicKey, utf8('m'), sig)).toBe(true)
    // Push 4,100 other keys (some invalid) through the cache.
    for (let i = 0; i < 4100; i++) {
      const junk = leBytes(BigInt(i) * 7919n + 3n)
      await verify(junk, utf8('m'), sig)
    }
    expect(await verify(kp.publicKey, utf8('m'), sig)).toBe(true)
    expect(await verify(kp.publicKey, utf8('n'), sig)).toBe(false)
    expect(await verify(fromHex(ED25519_TORSION_SUBGROUP[0]!), utf8('m'), sig)).toBe(false)
  })

  it('detects WebCrypto on Node and restores detection after a forced backend', async () => {
    setEd25519Backend('noble')
    expect(await ed25519Backend()).toBe('noble')
    setEd25519Backend(undefined)
    expect(await ed25519Backend()).toBe('webcrypto')
  })
})
