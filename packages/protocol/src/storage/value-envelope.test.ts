/** The integrity envelope: layout, and detection of damage and misplacement. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeKeyPath } from './key-path.ts'
import { ENVELOPE_HEADER_BYTES, ENVELOPE_VERSION, openValue, sealValue } from './value-envelope.ts'

const key = encodeKeyPath(['rooms', 'r1'])

describe('value envelope', () => {
  it('has the documented layout (vector)', () => {
    const sealed = sealValue(encodeKeyPath(['a']), new Uint8Array([1, 2, 3]))
    expect(sealed.length).toBe(ENVELOPE_HEADER_BYTES + 3)
    expect(sealed[0]).toBe(ENVELOPE_VERSION)
    // SHA-256(00 00 00 02 ‖ 61 00 ‖ 01 02 03)[0..8], computed with sha256sum
    expect(Array.from(sealed.subarray(1, 9), (b) => b.toString(16).padStart(2, '0')).join('')).toBe('772fa825ce2adbf7')
    expect([...sealed.subarray(9)]).toEqual([1, 2, 3])
  })

  it('round-trips any value', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (value) => {
      const opened = openValue(key, sealValue(key, value))
      expect(opened.ok && [...opened.value]).toEqual([...value])
    }))
  })

  it('detects any single bit flip, truncation or wrong key', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), (value, at) => {
      const sealed = sealValue(key, value)
      const flipped = sealed.slice()
      const bit = at % (flipped.length * 8)
      flipped[bit >> 3] = (flipped[bit >> 3] ?? 0) ^ (1 << (bit & 7))
      expect(openValue(key, flipped).ok).toBe(false)
      expect(openValue(key, sealed.subarray(0, at % ENVELOPE_HEADER_BYTES))).toEqual({ ok: false, reason: 'truncated' })
      expect(openValue(encodeKeyPath(['rooms', 'r2']), sealed).ok).toBe(false)
    }))
  })

  it('reports non-bytes as truncated and an unknown version as such', () => {
    expect(openValue(key, 'text')).toEqual({ ok: false, reason: 'truncated' })
    expect(openValue(key, undefined)).toEqual({ ok: false, reason: 'truncated' })
    const sealed = sealValue(key, new Uint8Array([1]))
    sealed[0] = 2
    expect(openValue(key, sealed)).toEqual({ ok: false, reason: 'unknown-version' })
  })
})
