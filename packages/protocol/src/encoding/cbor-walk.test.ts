import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MalformedEncodingError } from '../errors.ts'
import { toHex } from '../bytes.ts'
import { encodeCanonical, type CborValue } from './cbor.ts'
import { itemEnd, withoutMapKey } from './cbor-walk.ts'
import { signatureInput, signatureInputOf } from '../records/record.ts'
import { cborValue } from '../test-support.ts'

/** Encodable values only (fast-check also makes "__proto__" keys and lone surrogates, which the encoder refuses). */
function tryEncode(value: CborValue): Uint8Array | undefined {
  try {
    return encodeCanonical(value)
  } catch (e) {
    expect(e).toBeInstanceOf(MalformedEncodingError)
    return undefined
  }
}

describe('itemEnd', () => {
  it('finds the end of every canonical item', () => {
    fc.assert(fc.property(cborValue, (value) => {
      const bytes = tryEncode(value)
      if (bytes) expect(itemEnd(bytes, 0)).toBe(bytes.length)
    }), { numRuns: 300 })
  })

  it('refuses truncated input and indefinite lengths', () => {
    expect(() => itemEnd(Uint8Array.of(0x59, 0x01), 0)).toThrow(MalformedEncodingError)
    expect(() => itemEnd(Uint8Array.of(0x62, 0x61), 0)).toThrow(MalformedEncodingError)
    expect(() => itemEnd(Uint8Array.of(0x9f, 0xff), 0)).toThrow(MalformedEncodingError)
    expect(() => itemEnd(new Uint8Array(0), 0)).toThrow(MalformedEncodingError)
  })
})

describe('withoutMapKey', () => {
  it('equals encoding the map without the key, for any map and value', () => {
    fc.assert(fc.property(fc.dictionary(fc.string({ maxLength: 6 }), cborValue, { maxKeys: 30, noNullPrototype: true }), cborValue, (map, sig) => {
      const whole = tryEncode({ ...map, sig })
      const rest = tryEncode(Object.fromEntries(Object.entries(map).filter(([k]) => k !== 'sig')))
      if (!whole || !rest) return
      expect(toHex(withoutMapKey(whole, 'sig'))).toBe(toHex(rest))
      expect(toHex(signatureInputOf(whole))).toBe(toHex(signatureInput({ ...map, sig })))
    }), { numRuns: 300 })
  })

  it('handles a map of 24 entries, whose head shrinks by a byte', () => {
    const map: Record<string, number> = {}
    for (let i = 0; i < 23; i++) map[`k${String(i).padStart(2, '0')}`] = i
    const whole = encodeCanonical({ ...map, sig: 1 })
    expect(whole[0]).toBe(0xb8)
    expect(toHex(withoutMapKey(whole, 'sig'))).toBe(toHex(encodeCanonical(map)))
  })

  it('refuses a non-map or a map without the key', () => {
    expect(() => withoutMapKey(encodeCanonical([1, 2]), 'sig')).toThrow(MalformedEncodingError)
    expect(() => withoutMapKey(encodeCanonical({ a: 1 }), 'sig')).toThrow(MalformedEncodingError)
  })
})
