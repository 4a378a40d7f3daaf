import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { decodeCanonical, encodeCanonical, MAX_DEPTH, type CborValue } from './cbor.ts'
import {
  MalformedEncodingError,
  NonCanonicalEncodingError,
  ProtocolError,
  RecordTooLargeError,
  TrailingBytesError,
  TruncatedInputError
} from '../errors.ts'
import { concat, fromHex, toHex } from '../bytes.ts'
import {
  CBOR_REJECTIONS,
  cborValue,
  encodingAttacks,
  HEARTH_CBOR_EXAMPLES,
  RFC8949_EXAMPLES,
  expectProtocolError,
  expectThrow,
  itemOf,
  onlyProtocolErrors,
  writeItem,
  type Item,
  type Width
} from '../test-support.ts'

describe('encodeCanonical', () => {
  it.each([...RFC8949_EXAMPLES, ...HEARTH_CBOR_EXAMPLES])('encodes %o as %s', (value, hex) => {
    expect(toHex(encodeCanonical(value))).toBe(hex)
  })

  it('matches an independent writer of RFC 8949 §4.2.1 on arbitrary values', () => {
    fc.assert(
      fc.property(cborValue, (value) => {
        expect(toHex(encodeCanonical(value))).toBe(toHex(writeItem(itemOf(value))))
      }),
      { numRuns: 300 }
    )
  })

  it('does not depend on the order of object keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 5 }).filter((k) => k !== '__proto__'), cborValue, { maxKeys: 8, noNullPrototype: true }), (map) => {
        const reversed = Object.fromEntries(Object.entries(map).reverse()) as Record<string, CborValue>
        expect(toHex(encodeCanonical(reversed))).toBe(toHex(encodeCanonical(map)))
      }),
      { numRuns: 100 }
    )
  })

  it('omits undefined fields at every depth', () => {
    expect(toHex(encodeCanonical({ a: { b: undefined, c: 1 }, d: undefined }))).toBe(toHex(encodeCanonical({ a: { c: 1 } })))
  })

  it.each([
    ['a float', 1.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['an unsafe integer', 2 ** 53],
    ['a bigint', 1n],
    ['undefined', undefined],
    ['undefined inside an array', [1, undefined]],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['a Map', new Map([['a', 1]])],
    ['a Set', new Set([1])],
    ['a Date', new Date(0)],
    ['a class instance', new (class Point { x = 1 })()],
    ['a __proto__ own key', JSON.parse('{"__proto__": 1}') as unknown],
    ['a nested __proto__ own key', JSON.parse('{"a": {"__proto__": {"v": 2}}}') as unknown],
    ['a lone high surrogate', '\ud800'],
    ['a lone low surrogate inside a map key value', { a: 'x\udc00y' }],
    [`nesting deeper than ${MAX_DEPTH}`, nest(MAX_DEPTH + 1)]
  ])('refuses %s with MalformedEncodingError', (_name, value) => {
    expectThrow(() => encodeCanonical(value as CborValue), MalformedEncodingError)
  })

  it(`accepts nesting of exactly ${MAX_DEPTH}`, () => {
    const bytes = encodeCanonical(nest(MAX_DEPTH))
    expect(decodeCanonical(bytes, 100)).toEqual(nest(MAX_DEPTH))
  })

  it('encodes -0 as the integer 0', () => {
    expect(toHex(encodeCanonical(-0))).toBe('00')
  })

  it('encodes subclasses and views of Uint8Array as plain byte strings', () => {
    const backing = new Uint8Array([9, 1, 2, 3, 9])
    expect(toHex(encodeCanonical(backing.subarray(1, 4)))).toBe('43010203')
  })
})

function nest(depth: number): CborValue {
  let v: CborValue = 0
  for (let i = 0; i < depth; i++) v = [v]
  return v
}

describe('decodeCanonical', () => {
  it.each([...RFC8949_EXAMPLES])('decodes %s back to %o', (value, hex) => {
    expect(decodeCanonical(fromHex(hex), 1000)).toEqual(value)
  })

  it('round-trips arbitrary values of the subset', () => {
    fc.assert(
      fc.property(cborValue, (value) => {
        const bytes = encodeCanonical(value)
        expect(decodeCanonical(bytes, bytes.length)).toEqual(value)
        expect(toHex(encodeCanonical(decodeCanonical(bytes, bytes.length) as CborValue))).toBe(toHex(bytes))
      }),
      { numRuns: 300 }
    )
  })

  it('accepts exactly maxBytes and refuses one more', () => {
    const bytes = encodeCanonical({ data: new Uint8Array(100) })
    expect(decodeCanonical(bytes, bytes.length)).toEqual({ data: new Uint8Array(100) })
    expectThrow(() => decodeCanonical(bytes, bytes.length - 1), RecordTooLargeError)
  })

  it('refuses input that is not bytes', () => {
    for (const input of ['a1', [0xa0], null, undefined, 0, new ArrayBuffer(1), new DataView(new ArrayBuffer(1))]) {
      expectThrow(() => decodeCanonical(input as unknown as Uint8Array, 10), MalformedEncodingError)
    }
  })

  it('refuses empty input as truncated', () => {
    expectThrow(() => decodeCanonical(new Uint8Array(0), 10), TruncatedInputError)
  })

  describe('hostile spellings of a map', () => {
    const sample = encodeCanonical({ v: 1, t: 'sample', data: fromHex('00112233445566778899'), n: 1000, list: [1, 'two'] })
    const maxBytes = 4096
    for (const c of encodingAttacks(sample, maxBytes)) {
      it(`${c.name} → ${c.errors.map((e) => e.name).join(' | ')}`, () => {
        expectThrow(() => decodeCanonical(c.bytes, maxBytes), ...c.errors)
      })
    }
  })

  it.each(CBOR_REJECTIONS)('%s (%s) → %o', (_name, hex, errorClass) => {
    expectThrow(() => decodeCanonical(fromHex(hex), 10_000), errorClass)
  })

  it.each([
    ['invalid UTF-8', '62c328'],
    ['UTF-8 of a surrogate (CESU)', '63eda080'],
    ['overlong UTF-8 for "/"', '62c0af'],
    ['code point beyond U+10FFFF', '64f4908080'],
    ['truncated UTF-8 sequence', '62e282']
  ])('refuses text that is not UTF-8: %s', (_name, hex) => {
    // cborg decodes such text leniently (to U+FFFD), so this surfaces as a
    // re-encoding mismatch; either class is a correct refusal.
    expectThrow(() => decodeCanonical(fromHex(hex), 100), NonCanonicalEncodingError, MalformedEncodingError)
  })

  it('refuses very deep nesting without overflowing the stack', () => {
    for (const open of ['81', 'a16161', '9f']) {
      const bytes = fromHex(`${open.repeat(50_000)}00`)
      const err = expectThrow(() => decodeCanonical(bytes, bytes.length))
      expect(err).toBeInstanceOf(ProtocolError)
    }
  })

  it('reports every strict prefix of a canonical encoding as truncated', () => {
    fc.assert(
      fc.property(cborValue, fc.nat(), (value, cut) => {
        const bytes = encodeCanonical(value)
        if (bytes.length < 2) return
        const n = cut % bytes.length
        expectThrow(() => decodeCanonical(bytes.subarray(0, n), bytes.length), TruncatedInputError)
      }),
      { numRuns: 300 }
    )
  })

  it('reports bytes after a complete value as trailing', () => {
    fc.assert(
      fc.property(cborValue, fc.uint8Array({ minLength: 1, maxLength: 8 }), (value, extra) => {
        const bytes = concat(encodeCanonical(value), extra)
        expectThrow(() => decodeCanonical(bytes, bytes.length), TrailingBytesError, MalformedEncodingError)
      }),
      { numRuns: 200 }
    )
  })

  it('refuses every longer-than-minimal integer and length head', () => {
    const widths: Width[] = [1, 2, 4, 8]
    fc.assert(
      fc.property(
        fc.oneof(fc.nat({ max: 30 }), fc.nat({ max: 70000 }), fc.maxSafeNat()),
        fc.constantFrom(...widths),
        fc.constantFrom('uint', 'nint', 'bytes', 'array'),
        (n, width, kind) => {
          const big = BigInt(n)
          const fits = width === 8 || big < 1n << BigInt(8 * width)
          const minimal = n < 24 ? 0 : n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 2 ** 32 ? 4 : 8
          if (!fits || width <= minimal) return
          if ((kind === 'bytes' || kind === 'array') && n > 64) return
          const item: Item = kind === 'uint' ? { kind, value: big, width }
            : kind === 'nint' ? { kind, value: big, width }
            : kind === 'bytes' ? { kind, value: new Uint8Array(n), width }
            : { kind, items: Array.from({ length: n }, () => ({ kind: 'uint', value: 0n }) as const), width }
          expectThrow(() => decodeCanonical(writeItem(item), 1000), NonCanonicalEncodingError)
        }
      ),
      { numRuns: 200 }
    )
  })

  it('refuses every map whose keys are not in canonical order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 4 }).filter((k) => k !== '__proto__'), { minLength: 2, maxLength: 6 }),
        fc.infiniteStream(fc.nat()),
        (keys, picks) => {
          const canonical = itemOf(Object.fromEntries(keys.map((k, i) => [k, i]))) as Extract<Item, { kind: 'map' }>
          // Shuffle deterministically from the stream, and skip the identity permutation.
          const entries = [...canonical.entries]
          const it = picks[Symbol.iterator]()
          for (let i = entries.length - 1; i > 0; i--) {
            const j = (it.next().value as number) % (i + 1)
            ;[entries[i], entries[j]] = [entries[j]!, entries[i]!]
          }
          const bytes = writeItem({ ...canonical, entries })
          if (toHex(bytes) === toHex(writeItem(canonical))) return
          expectThrow(() => decodeCanonical(bytes, 1000), NonCanonicalEncodingError)
        }
      ),
      { numRuns: 200 }
    )
  })

  it('throws only ProtocolErrors on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        onlyProtocolErrors(() => decodeCanonical(bytes, 64))
      }),
      { numRuns: 1000 }
    )
  })

  it('throws only ProtocolErrors on random bytes with a plausible prefix', () => {
    fc.assert(
      fc.property(fc.constantFrom(0xa1, 0xa5, 0x9f, 0xbf, 0x5f, 0x7f, 0x83, 0xd9, 0xf9, 0xfb, 0x1b, 0x3b), fc.uint8Array({ maxLength: 40 }), (first, rest) => {
        onlyProtocolErrors(() => decodeCanonical(concat(new Uint8Array([first]), rest), 64))
      }),
      { numRuns: 1000 }
    )
  })

  it('either accepts random bytes canonically or refuses them', () => {
    // Anything decodeCanonical accepts must re-encode to the same bytes.
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 12 }), (bytes) => {
        let value: unknown
        try {
          value = decodeCanonical(bytes, 64)
        } catch (err) {
          expectProtocolError(err)
          return
        }
        expect(toHex(encodeCanonical(value as CborValue))).toBe(toHex(bytes))
      }),
      { numRuns: 2000 }
    )
  })
})
