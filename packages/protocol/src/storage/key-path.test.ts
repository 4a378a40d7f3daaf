/**
 * Key path encoding: test vectors (storage/README.md §Key encoding) and
 * properties — round trip, injectivity, and byte order equal to tuple order.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareKeyBytes, decodeKeyPath, encodeKeyPath, hasBytePrefix, keyAfter, prefixUpperBound, type KeyPath } from './key-path.ts'
import { compareTuples, startsWithPath } from './storage-contract-harness.ts'

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')

const VECTORS: readonly (readonly [KeyPath, string])[] = [
  [['a'], '61 00'],
  [[''], '00'],
  [['', ''], '00 00'],
  [['a', 'b'], '61 00 62 00'],
  [['ab'], '61 62 00'],
  [['a\u0000b'], '61 01 01 62 00'],
  [['\u0001'], '01 02 00'],
  [['\u0002'], '02 00'],
  [['é'], 'c3 a9 00'],
  [['\uffff'], 'ef bf bf 00'],
  [['😀'], 'f0 9f 98 80 00'],
  [['rooms', 'r1'], '72 6f 6f 6d 73 00 72 31 00']
]

// Segments drawn from every UTF-8 length class plus the escaped bytes.
const segment = fc.oneof(
  fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\u0002', 'a', 'b', 'é', '\uffff', '\ue000', '😀'), maxLength: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 6 })
)
const path = fc.array(segment, { minLength: 1, maxLength: 4 })

describe('encodeKeyPath', () => {
  it.each(VECTORS)('encodes %j as %s', (key, expected) => {
    expect(hex(encodeKeyPath(key))).toBe(expected)
    expect(decodeKeyPath(encodeKeyPath(key))).toEqual(key)
  })

  it('round-trips', () => {
    fc.assert(fc.property(path, (key) => {
      expect(decodeKeyPath(encodeKeyPath(key))).toEqual(key)
    }))
  })

  it('orders bytes exactly as tuples of UTF-8 strings (hence injective)', () => {
    fc.assert(fc.property(path, path, (a, b) => {
      expect(Math.sign(compareKeyBytes(encodeKeyPath(a), encodeKeyPath(b)))).toBe(Math.sign(compareTuples(a, b)))
    }), { numRuns: 2000 })
  })

  it('makes a path prefix a byte prefix, and bounds its extensions', () => {
    fc.assert(fc.property(path, path, (a, b) => {
      const encodedPrefix = encodeKeyPath(a, 'prefix')
      const encoded = encodeKeyPath(b)
      const upper = prefixUpperBound(encodedPrefix)
      const inside = compareKeyBytes(encoded, encodedPrefix) >= 0 && (upper === undefined || compareKeyBytes(encoded, upper) < 0)
      expect(hasBytePrefix(encoded, encodedPrefix)).toBe(startsWithPath(b, a))
      expect(inside).toBe(startsWithPath(b, a))
    }))
  })

  it('keyAfter is the immediate successor', () => {
    fc.assert(fc.property(path, path, (a, b) => {
      const next = encodeKeyPath(keyAfter(a), 'bound')
      expect(compareKeyBytes(next, encodeKeyPath(a))).toBeGreaterThan(0)
      // Nothing lies strictly between a and keyAfter(a).
      const c = encodeKeyPath(b)
      expect(compareKeyBytes(c, encodeKeyPath(a)) > 0 && compareKeyBytes(c, next) < 0).toBe(false)
    }))
  })

  it('allows the empty prefix and empty bounds, but not an empty key', () => {
    expect(encodeKeyPath([], 'prefix')).toEqual(new Uint8Array(0))
    expect(encodeKeyPath([], 'bound')).toEqual(new Uint8Array(0))
    expect(prefixUpperBound(new Uint8Array(0))).toBeUndefined()
    expect(() => encodeKeyPath([])).toThrow(expect.objectContaining({ name: 'InvalidKeyPathError', reason: 'empty' }) as Error)
  })
})

describe('decodeKeyPath', () => {
  it.each([
    ['empty', ''],
    ['no terminator', '61'],
    ['bad escape', '61 01 03 00'],
    ['escape at end', '61 01'],
    ['invalid UTF-8', 'ff 00'],
    ['overlong UTF-8', 'c0 80 00'],
    ['encoded surrogate', 'ed a0 80 00']
  ])('rejects %s', (_label, text) => {
    const bytes = new Uint8Array(text === '' ? [] : text.split(' ').map((h) => parseInt(h, 16)))
    expect(() => decodeKeyPath(bytes)).toThrow(expect.objectContaining({ name: 'InvalidKeyPathError', reason: 'malformed-encoding' }) as Error)
  })
})
