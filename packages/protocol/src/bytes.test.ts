import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  compareBytes,
  concat,
  equalBytes,
  fromBase32,
  fromBase64Url,
  fromHex,
  fromUtf8,
  toBase32,
  toBase64Url,
  toBytes,
  toHex,
  utf8
} from './bytes.ts'
import { InvalidArgumentError } from './errors.ts'
import { expectThrow, onlyProtocolErrors } from './test-support.ts'

describe('hex', () => {
  it('round-trips and writes lowercase', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const hex = toHex(bytes)
        expect(hex).toMatch(/^[0-9a-f]*$/)
        expect(fromHex(hex)).toEqual(toBytes(bytes))
        expect(fromHex(hex.toUpperCase())).toEqual(toBytes(bytes))
      }),
      { numRuns: 200 }
    )
  })

  it.each(['abc', 'zz', '0x00', ' 00', '00 ', '0g', 'é0', '+0', '-1', '\u0000\u0000'])('refuses %j', (text) => {
    expectThrow(() => fromHex(text), InvalidArgumentError)
  })

  it('refuses non-strings', () => {
    for (const v of [null, undefined, 12, new Uint8Array(2), ['00']]) expectThrow(() => fromHex(v as unknown as string), InvalidArgumentError)
  })
})

describe('base32 (PROTOCOL.md §1.3)', () => {
  it('is RFC 4648 lowercase without padding', () => {
    // RFC 4648 §10 test vectors, lowercased and unpadded.
    const cases: [string, string][] = [['', ''], ['f', 'my'], ['fo', 'mzxq'], ['foo', 'mzxw6'], ['foob', 'mzxw6yq'], ['fooba', 'mzxw6ytb'], ['foobar', 'mzxw6ytboi']]
    for (const [plain, encoded] of cases) {
      expect(toBase32(utf8(plain))).toBe(encoded)
      expect(fromUtf8(fromBase32(encoded))).toBe(plain)
      expect(fromUtf8(fromBase32(encoded.toUpperCase()))).toBe(plain)
    }
    expect(toBase32(new Uint8Array(32))).toHaveLength(52)
  })

  it('round-trips arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = toBase32(bytes)
        expect(text).toMatch(/^[a-z2-7]*$/)
        expect(fromBase32(text)).toEqual(toBytes(bytes))
      }),
      { numRuns: 200 }
    )
  })

  it.each([
    ['padding', 'my======'],
    ['non-zero trailing bits (only one spelling per value)', 'mz'],
    ['impossible length', 'm'],
    ['impossible length 3', 'mzx'],
    ['digit 0', 'm0'],
    ['digit 1', '1y'],
    ['digit 8', 'm8'],
    ['space', 'my '],
    ['inner space', 'm y'],
    ['hyphen', 'my-q'],
    ['unicode', 'mé'],
    ['base64 characters', 'my+/']
  ])('refuses %s', (_name, text) => {
    expectThrow(() => fromBase32(text), InvalidArgumentError)
  })

  it('throws only InvalidArgumentError on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        onlyProtocolErrors(() => fromBase32(text))
        try {
          const bytes = fromBase32(text)
          expect(toBase32(bytes)).toBe(text.toLowerCase())
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidArgumentError)
        }
      }),
      { numRuns: 300 }
    )
  })

  it('refuses non-strings', () => {
    for (const v of [null, undefined, 12, new Uint8Array(2)]) expectThrow(() => fromBase32(v as unknown as string), InvalidArgumentError)
  })
})

describe('base64url', () => {
  it('is RFC 4648 §5 without padding', () => {
    expect(toBase64Url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_')
    expect(toBase64Url(utf8('f'))).toBe('Zg')
    expect(toBase64Url(utf8('fo'))).toBe('Zm8')
    expect(toBase64Url(utf8('foo'))).toBe('Zm9v')
  })

  it('round-trips arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const text = toBase64Url(bytes)
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/)
        expect(fromBase64Url(text)).toEqual(toBytes(bytes))
      }),
      { numRuns: 200 }
    )
  })

  it.each([
    ['padding', 'Zg=='],
    ['standard alphabet +', '+/8'],
    ['standard alphabet /', 'ab/c'],
    ['non-zero trailing bits', 'Zh'],
    ['impossible length', 'Z'],
    ['space', 'Zm9v '],
    ['newline', 'Zm9v\n']
  ])('refuses %s', (_name, text) => {
    expectThrow(() => fromBase64Url(text), InvalidArgumentError)
  })

  it('throws only InvalidArgumentError on random text, and accepts only its own spelling', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        try {
          expect(toBase64Url(fromBase64Url(text))).toBe(text)
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidArgumentError)
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe('utf8', () => {
  it('round-trips well-formed text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(fromUtf8(utf8(text))).toBe(text)
      }),
      { numRuns: 200 }
    )
  })

  it.each([
    ['invalid continuation', 'c328'],
    ['overlong', 'c0af'],
    ['surrogate', 'eda080'],
    ['beyond U+10FFFF', 'f4908080'],
    ['truncated', 'e282'],
    ['lone continuation', '80']
  ])('fromUtf8 refuses %s', (_name, hex) => {
    expectThrow(() => fromUtf8(fromHex(hex)), InvalidArgumentError)
  })

  it('keeps a leading BOM', () => {
    expect(fromUtf8(fromHex('efbbbf61'))).toBe('\ufeffa')
  })
})

describe('byte helpers', () => {
  it('compareBytes is a lexicographic total order consistent with equalBytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6 }), fc.uint8Array({ maxLength: 6 }), (a, b) => {
        const c = compareBytes(a, b)
        expect(Math.sign(c) + Math.sign(compareBytes(b, a))).toBe(0)
        expect(c === 0).toBe(equalBytes(a, b))
        // Hex strings of bytes compare like the bytes themselves.
        const [x, y] = [toHex(a), toHex(b)]
        expect(c < 0).toBe(x < y)
        expect(c > 0).toBe(x > y)
      }),
      { numRuns: 300 }
    )
  })

  it('concat and toBytes copy into fresh ArrayBuffers', () => {
    const a = new Uint8Array([1, 2, 3])
    const copy = toBytes(a.subarray(1))
    a[1] = 9
    expect(Array.from(copy)).toEqual([2, 3])
    expect(copy.buffer.byteLength).toBe(2)
    expect(Array.from(concat(a, new Uint8Array([4]), new Uint8Array(0)))).toEqual([1, 9, 3, 4])
    expect(concat().length).toBe(0)
  })
})
