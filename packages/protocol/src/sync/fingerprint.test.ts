/**
 * Fingerprints against an independent BigInt model of the definition, plus
 * fixed vectors so the format cannot drift.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { addLimbs, fingerprintOfKeys, itemHash, readLimbs, subLimbs, u64be } from './fingerprint.ts'
import { taggedHash, sha256 } from '../crypto/sha256.ts'
import { concat, toHex, utf8 } from '../bytes.ts'
import type { ItemKey } from './item-key.ts'
import { makeKeys } from './test-support.ts'

/** The PROTOCOL.md §8.2 definition, written with BigInt arithmetic. */
function modelFingerprint(keys: readonly ItemKey[]): string {
  let sum = 0n
  for (const key of keys) {
    const h = sha256(utf8('hearth/rbsr-item/v1'), new Uint8Array([0]), u64be(key.lamport), key.id)
    sum += BigInt(`0x${toHex(h.slice().reverse())}`)
  }
  sum %= 2n ** 256n
  const le = new Uint8Array(32)
  for (let i = 0; i < 32; i++) le[i] = Number((sum >> BigInt(8 * i)) & 0xffn)
  const count = new Uint8Array(8)
  new DataView(count.buffer).setBigUint64(0, BigInt(keys.length))
  return toHex(sha256(concat(utf8('hearth/rbsr-fp/v1'), new Uint8Array([0]), le, count)).slice(0, 16))
}

describe('fingerprints', () => {
  it('match the BigInt model of the definition (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), fc.nat(), (n, seed) => {
      const keys = makeKeys(n, seed)
      expect(toHex(fingerprintOfKeys(keys))).toBe(modelFingerprint(keys))
    }), { numRuns: 60, seed: 3 })
  })

  it('do not depend on order, and differ when one key changes', () => {
    const keys = makeKeys(20, 9)
    expect(fingerprintOfKeys([...keys].reverse())).toEqual(fingerprintOfKeys(keys))
    const changed = keys.map((k, i) => (i === 7 ? { ...k, lamport: k.lamport + 1 } : k))
    expect(fingerprintOfKeys(changed)).not.toEqual(fingerprintOfKeys(keys))
  })

  it('add and subtract limbs mod 2^256, with carries across every limb', () => {
    const max = new Uint32Array(8).fill(0xffffffff)
    const one = Uint32Array.from([1, 0, 0, 0, 0, 0, 0, 0])
    const out = new Uint32Array(8)
    addLimbs(out, 0, max, 0, one, 0)
    expect([...out]).toEqual([0, 0, 0, 0, 0, 0, 0, 0])
    subLimbs(out, 0, out, 0, one, 0)
    expect([...out]).toEqual([...max])
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b) => {
      const la = new Uint32Array(8)
      const lb = new Uint32Array(8)
      readLimbs(a, la, 0)
      readLimbs(b, lb, 0)
      const sum = new Uint32Array(8)
      addLimbs(sum, 0, la, 0, lb, 0)
      const big = (x: Uint8Array): bigint => BigInt(`0x${toHex(x.slice().reverse()) || '0'}`)
      const expected = (big(a) + big(b)) % 2n ** 256n
      const got = [...sum].reduce((acc, limb, i) => acc + (BigInt(limb) << BigInt(32 * i)), 0n)
      expect(got).toBe(expected)
      subLimbs(sum, 0, sum, 0, lb, 0)
      expect([...sum]).toEqual([...la])
    }), { seed: 5 })
  })

  it('vectors', () => {
    const key = { lamport: 1, id: new Uint8Array(32).fill(0xab) }
    expect(toHex(itemHash(key))).toBe(toHex(taggedHash('hearth/rbsr-item/v1', u64be(1), key.id)))
    expect(toHex(fingerprintOfKeys([]))).toBe(modelFingerprint([]))
    expect(toHex(fingerprintOfKeys([]))).toBe(VECTORS.empty)
    expect(toHex(fingerprintOfKeys([key]))).toBe(VECTORS.one)
    expect(toHex(fingerprintOfKeys([key, key2]))).toBe(VECTORS.two)
    expect(toHex(itemHash(key))).toBe(VECTORS.itemHash)
    for (const keys of [[key], [key, key2]]) expect(modelFingerprint(keys)).toBe(toHex(fingerprintOfKeys(keys)))
  })
})

const key2 = { lamport: 1000, id: new Uint8Array(32).fill(0x01) }

/** Fixed outputs (PROTOCOL.md §8.2 lists them); the model above agrees with each. */
const VECTORS = {
  /** No keys. */
  empty: '89e265cf5d2b65d21f03e5c422ad60c2',
  /** (1, ab×32). */
  one: '1ab6b4e8a08c0cd2974f00e4744af499',
  /** (1, ab×32) and (1000, 01×32). */
  two: '22f679b2f6e00d4c2b44f056312e3db8',
  /** h((1, ab×32)). */
  itemHash: '4aa9aa14862f7a72ee11099e5c9f4a7c309c7a8e29e07d13275b9d95150b90d1'
}
