import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { decodeRecord, encodeRecord, RECORD_VERSION, signatureInput, signRecord, verifyRecordSignature, type RecordType } from './record.ts'
import { bytes, literal, struct, text, uint, type StructOf } from '../encoding/schema.ts'
import { encodeCanonical } from '../encoding/cbor.ts'
import { concat, toHex, utf8 } from '../bytes.ts'
import { ProtocolError, SchemaError, UnknownRecordTypeError, UnknownVersionError } from '../errors.ts'
import { cborValue, expectSchemaField, expectThrow, hostileDecoderSuite, testKeypair } from '../test-support.ts'

const noteFields = { v: literal(1), t: literal('note'), body: text(100), n: uint(), sig: bytes(64) }
type Note = StructOf<typeof noteFields>
const noteType: RecordType<Note> = { tag: 'note', maxBytes: 256, check: struct(noteFields) }
const author = testKeypair('record/author')

async function signedNote(body = 'hello', n = 1): Promise<Note> {
  return signRecord(author, { v: 1, t: 'note', body, n } as const)
}

describe('record envelope', () => {
  it('writes version 1', () => {
    expect(RECORD_VERSION).toBe(1)
  })

  it('signature input is "hearth/sig/v1" ‖ 0x00 ‖ CBOR(record without sig)', async () => {
    const note = await signedNote()
    const { sig: _sig, ...unsigned } = note
    expect(toHex(signatureInput(note))).toBe(toHex(concat(utf8('hearth/sig/v1'), new Uint8Array([0]), encodeCanonical(unsigned))))
    expect(toHex(signatureInput(note))).toBe(toHex(signatureInput(unsigned)))
    expect(toHex(signatureInput(note)).startsWith(toHex(utf8('hearth/sig/v1\u0000')))).toBe(true)
  })

  it('signs and verifies; the signature covers every field but sig', async () => {
    const note = await signedNote()
    expect(await verifyRecordSignature(note, author.publicKey)).toBe(true)
    const changedBody: Note = { ...note, body: 'hellp' }
    const changedN: Note = { ...note, n: 2 }
    expect(await verifyRecordSignature(changedBody, author.publicKey)).toBe(false)
    expect(await verifyRecordSignature(changedN, author.publicKey)).toBe(false)
    expect(await verifyRecordSignature({ ...note, t: 'other' } as unknown as Note, author.publicKey)).toBe(false)
    expect(await verifyRecordSignature({ ...note, extra: 1 } as Note, author.publicKey)).toBe(false)
    expect(await verifyRecordSignature(note, testKeypair('record/other').publicKey)).toBe(false)
  })

  it('a signature is not valid for the bare CBOR without the context prefix', async () => {
    const note = await signedNote()
    const { sig, ...unsigned } = note
    const { verify } = await import('../crypto/ed25519.ts')
    expect(await verify(author.publicKey, encodeCanonical(unsigned), sig)).toBe(false)
  })

  it('round-trips through encodeRecord and decodeRecord', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.maxSafeNat(), async (body, n) => {
        const note = await signedNote(body, n)
        const decoded = decodeRecord(noteType, encodeRecord(note))
        expect(decoded).toEqual(note)
        expect(toHex(encodeRecord(decoded))).toBe(toHex(encodeRecord(note)))
        expect(await verifyRecordSignature(decoded, author.publicKey)).toBe(true)
      }),
      { numRuns: 40 }
    )
  })

  it('checks v before t before fields', () => {
    expectThrow(() => decodeRecord(noteType, encodeCanonical({ v: 2, t: 'zzz', body: 1 })), UnknownVersionError)
    expectThrow(() => decodeRecord(noteType, encodeCanonical({ v: 1, t: 'zzz', body: 1 })), UnknownRecordTypeError)
    expectSchemaField(expectThrow(() => decodeRecord(noteType, encodeCanonical({ v: 1, t: 'note', body: 1 })), SchemaError), 'body')
    expectSchemaField(expectThrow(() => decodeRecord(noteType, encodeCanonical({ t: 'note' })), SchemaError), 'v')
    expectSchemaField(expectThrow(() => decodeRecord(noteType, encodeCanonical({ v: 1 })), SchemaError), 't')
  })

  it('UnknownRecordTypeError messages stay short for long hostile tags', () => {
    const err = expectThrow(() => decodeRecord(noteType, encodeCanonical({ v: 1, t: 'x'.repeat(200) })), UnknownRecordTypeError)
    expect(err.message.length).toBeLessThan(120)
  })

  it('refuses arbitrary values under v: 1, t: "note" with SchemaError', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 5 }).filter((k) => k !== '__proto__'), cborValue, { maxKeys: 4, noNullPrototype: true }), (fields) => {
        const value = { ...fields, v: 1, t: 'note' }
        const bytes = encodeCanonical(value)
        if (bytes.length > noteType.maxBytes) return
        expectThrow(() => decodeRecord(noteType, bytes), SchemaError)
      }),
      { numRuns: 200 }
    )
  })

  describe('hostile input (decodeRecord)', () => {
    hostileDecoderSuite({
      decode: (b) => decodeRecord(noteType, b),
      valid: async () => encodeRecord(await signedNote()),
      maxBytes: noteType.maxBytes,
      tag: 'note'
    })
  })
})

describe('error messages never call methods of hostile values', () => {
  // Regression: fast-check seed 991296523 found {"v":[{"toString":null}]}, where String(v) threw a TypeError.
  it.each([
    ['v is an array holding a map with toString: null', { v: [{ toString: null }], t: 'x' }],
    ['v is a map with toString: null', { v: { toString: null, valueOf: null } }],
    ['t is a map with toString: null', { v: 1, t: { toString: null } }],
    ['t is an array', { v: 1, t: [{ toString: null }] }]
  ])('%s', (_name, value) => {
    const bytes = encodeCanonical(value)
    expect(() => decodeRecord({ tag: 'x', maxBytes: 1000, check: (v) => v }, bytes)).toThrow(ProtocolError)
  })
})
