/**
 * Archive requests and answers (PROTOCOL.md §10.9): round trips, the
 * byte-exact examples of the specification, every limit, and hostile bytes
 * (non-canonical spellings, unknown fields, wrong types, oversize, random
 * input) giving only the right ProtocolErrors.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  archiveDetail, ARCHIVE_STATUSES, decodeArchiveAnswer, decodeArchiveRequest, encodeArchiveAnswer, encodeArchiveRequest,
  MAX_ARCHIVE_ANSWER_BYTES, MAX_ARCHIVE_DETAIL_BYTES, MAX_ARCHIVE_INVITE_BYTES, MAX_ARCHIVE_REQUEST_BYTES, type ArchiveDecision
} from './archive-request.ts'
import { concat, fromHex, toHex, utf8 } from '../bytes.ts'
import { encodeCanonical } from '../encoding/cbor.ts'
import {
  MalformedEncodingError, NonCanonicalEncodingError, ProtocolError, RecordTooLargeError, SchemaError, TrailingBytesError,
  TruncatedInputError, UnknownRecordTypeError, UnknownVersionError
} from '../errors.ts'
import {
  cborValue, expectSchemaField, expectThrow, floatItem, itemOf, onlyProtocolErrors, schemaAttacks, sortEntries, textItem,
  writeItem, type ErrorClass, type Item
} from '../test-support.ts'

const ROOM_TEXT = 'a'.repeat(52)
const INVITE = `hearth:?room=${ROOM_TEXT}`

/** §10.9's examples, byte for byte. */
const EXAMPLES = {
  request: 'a3 6174 6f617263686976652d72657175657374 6176 01 66696e76697465 7841 ' + toHex(utf8(INVITE)),
  archiving: 'a3 6174 6e617263686976652d616e73776572 6176 01 66737461747573 69617263686976696e67',
  refused: 'a4 6174 6e617263686976652d616e73776572 6176 01 6664657461696c 76 ' + toHex(utf8('the invite has expired')) + ' 66737461747573 6772656675736564'
}
const hex = (spaced: string): Uint8Array => fromHex(spaced.replace(/ /g, ''))

describe('archive request records', () => {
  it('encode to the byte-exact examples of §10.9 and decode back', () => {
    expect(toHex(encodeArchiveRequest({ invite: INVITE }))).toBe(EXAMPLES.request.replace(/ /g, ''))
    expect(toHex(encodeArchiveAnswer({ status: 'archiving' }))).toBe(EXAMPLES.archiving.replace(/ /g, ''))
    expect(toHex(encodeArchiveAnswer({ status: 'refused', detail: 'the invite has expired' }))).toBe(EXAMPLES.refused.replace(/ /g, ''))
    expect(decodeArchiveRequest(hex(EXAMPLES.request))).toEqual({ invite: INVITE })
    expect(decodeArchiveAnswer(hex(EXAMPLES.archiving))).toEqual({ status: 'archiving' })
    expect(decodeArchiveAnswer(hex(EXAMPLES.refused))).toEqual({ status: 'refused', detail: 'the invite has expired' })
  })

  it('round-trip any valid request and answer', () => {
    const line = fc.string({ minLength: 1, maxLength: 60 }).map((s) => archiveDetail(s)).filter((s): s is string => s !== undefined)
    fc.assert(fc.property(line, (invite) => {
      expect(decodeArchiveRequest(encodeArchiveRequest({ invite }))).toEqual({ invite })
    }))
    fc.assert(fc.property(fc.constantFrom(...ARCHIVE_STATUSES), fc.option(line, { nil: undefined }), (status, detail) => {
      const answer: ArchiveDecision = detail === undefined ? { status } : { status, detail }
      expect(decodeArchiveAnswer(encodeArchiveAnswer(answer))).toEqual(answer)
    }))
  })

  it('hold every field at its limit, and refuse one byte more (on encode and on decode)', () => {
    const longest = `hearth:?room=${ROOM_TEXT}&name=${'x'.repeat(MAX_ARCHIVE_INVITE_BYTES - INVITE.length - 6)}`
    expect(utf8(longest).length).toBe(MAX_ARCHIVE_INVITE_BYTES)
    const request = encodeArchiveRequest({ invite: longest })
    expect(request.length).toBeLessThanOrEqual(MAX_ARCHIVE_REQUEST_BYTES)
    expect(decodeArchiveRequest(request).invite).toBe(longest)
    expectThrow(() => encodeArchiveRequest({ invite: `${longest}x` }), RecordTooLargeError)
    expectThrow(() => decodeArchiveRequest(encodeCanonical({ v: 1, t: 'archive-request', invite: `${longest}x` })), RecordTooLargeError)
    // Multi-byte characters count in UTF-8 bytes.
    expectThrow(() => encodeArchiveRequest({ invite: 'é'.repeat(MAX_ARCHIVE_INVITE_BYTES / 2 + 1) }), RecordTooLargeError)

    const detail = 'd'.repeat(MAX_ARCHIVE_DETAIL_BYTES)
    const answer = encodeArchiveAnswer({ status: 'archiving', detail })
    expect(answer.length).toBeLessThanOrEqual(MAX_ARCHIVE_ANSWER_BYTES)
    expect(decodeArchiveAnswer(answer).detail).toBe(detail)
    expectThrow(() => encodeArchiveAnswer({ status: 'refused', detail: `${detail}d` }), RecordTooLargeError)
    expectThrow(() => decodeArchiveAnswer(encodeCanonical({ v: 1, t: 'archive-answer', status: 'refused', detail: `${detail}d` })), RecordTooLargeError)
  })

  it('refuse empty text, more than one line, control characters and unknown statuses', () => {
    for (const invite of ['', 'hearth:?room=a\nb', 'tab\there', 'nul\u0000', 'sep\u2028', 'c1\u0085']) {
      expectSchemaField(expectThrow(() => encodeArchiveRequest({ invite }), SchemaError), 'invite')
      expectSchemaField(expectThrow(() => decodeArchiveRequest(encodeCanonical({ v: 1, t: 'archive-request', invite })), SchemaError), 'invite')
    }
    // A lone surrogate has no UTF-8 form: refused before encoding.
    expectSchemaField(expectThrow(() => encodeArchiveRequest({ invite: 'x\ud800' }), SchemaError), 'invite')
    expectSchemaField(expectThrow(() => encodeArchiveAnswer({ status: 'refused', detail: '' }), SchemaError), 'detail')
    expectSchemaField(expectThrow(() => encodeArchiveAnswer({ status: 'refused', detail: 'two\nlines' }), SchemaError), 'detail')
    expectSchemaField(expectThrow(() => encodeArchiveAnswer({ status: 'maybe' as 'refused' }), SchemaError), 'status')
    expectSchemaField(expectThrow(() => decodeArchiveAnswer(encodeCanonical({ v: 1, t: 'archive-answer', status: 'Archiving' })), SchemaError), 'status')
    expectSchemaField(expectThrow(() => decodeArchiveAnswer(encodeCanonical({ v: 1, t: 'archive-answer', status: 'refused', detail: null })), SchemaError), 'detail')
  })

  it('a request is not an answer, nor the reverse', () => {
    expectThrow(() => decodeArchiveAnswer(hex(EXAMPLES.request)), UnknownRecordTypeError, RecordTooLargeError)
    expectThrow(() => decodeArchiveRequest(hex(EXAMPLES.archiving)), UnknownRecordTypeError)
    expectThrow(() => decodeArchiveRequest(encodeCanonical({ v: 1, t: 'sync-error', code: 'busy' })), UnknownRecordTypeError)
  })
})

describe('archiveDetail', () => {
  it('makes any text a valid detail: one line, at most 256 bytes, cut at a character', () => {
    expect(archiveDetail('the invite\nhas\texpired\u0000 ')).toBe('the invite has expired')
    expect(archiveDetail('   \n\t')).toBeUndefined()
    const cut = archiveDetail('€'.repeat(200)) as string
    expect(cut.endsWith('…')).toBe(true)
    expect(utf8(cut).length).toBeLessThanOrEqual(MAX_ARCHIVE_DETAIL_BYTES)
    expect(cut.slice(0, -1)).toBe('€'.repeat(cut.length - 1))
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
      const detail = archiveDetail(s)
      if (detail === undefined) return
      expect(decodeArchiveAnswer(encodeArchiveAnswer({ status: 'refused', detail })).detail).toBe(detail)
    }), { numRuns: 300 })
  })
})

/** Hand-written spellings of the request (test-support's writer), each with the errors it must give. */
function encodingCases(): { name: string; bytes: Uint8Array; errors: ErrorClass[] }[] {
  const valid = encodeArchiveRequest({ invite: INVITE })
  const record = itemOf({ v: 1, t: 'archive-request', invite: INVITE }) as Extract<Item, { kind: 'map' }>
  const key = (e: readonly [Item, Item]): string => (e[0].kind === 'text' ? new TextDecoder().decode(e[0].value) : '?')
  const withEntry = (k: string, item: Item): Item => ({ ...record, entries: sortEntries([...record.entries.filter((e) => key(e) !== k), [textItem(k), item]]) })
  const invite = utf8(INVITE)
  const cases: { name: string; bytes: Uint8Array; errors: ErrorClass[] }[] = []
  const add = (name: string, item: Item | Uint8Array, ...errors: ErrorClass[]): void => {
    cases.push({ name, bytes: item instanceof Uint8Array ? item : writeItem(item), errors })
  }
  for (let n = 0; n < valid.length; n++) add(`prefix of ${n} bytes`, valid.subarray(0, n), TruncatedInputError)
  add('trailing zero byte', concat(valid, new Uint8Array([0])), TrailingBytesError)
  add('two requests back to back', concat(valid, valid), TrailingBytesError)
  add('one byte over the size limit', new Uint8Array(MAX_ARCHIVE_REQUEST_BYTES + 1), RecordTooLargeError)
  add('padded over the size limit', withEntry('pad', { kind: 'bytes', value: new Uint8Array(MAX_ARCHIVE_REQUEST_BYTES) }), RecordTooLargeError)
  add('non-minimal v', withEntry('v', { kind: 'uint', value: 1n, width: 1 }), NonCanonicalEncodingError)
  add('non-minimal map length', { ...record, width: 1 }, NonCanonicalEncodingError)
  add('non-minimal text length (invite)', withEntry('invite', { kind: 'text', value: invite, width: 2 }), NonCanonicalEncodingError)
  add('map keys in reverse order', { ...record, entries: [...record.entries].reverse() }, NonCanonicalEncodingError)
  add('indefinite-length map', { ...record, indefinite: true }, MalformedEncodingError)
  add('indefinite-length text (invite)', withEntry('invite', { kind: 'text', value: invite, chunked: true }), MalformedEncodingError)
  add('float 1.0 for v', withEntry('v', floatItem(1, 8)), MalformedEncodingError)
  add('tag 32 (URI) on invite', withEntry('invite', { kind: 'tag', tag: 32n, item: textItem(INVITE) }), MalformedEncodingError)
  add('undefined as the invite', withEntry('invite', { kind: 'simple', value: 23 }), MalformedEncodingError)
  add('duplicate key invite', { ...record, entries: [...record.entries, [textItem('invite'), textItem('x')]] }, MalformedEncodingError, NonCanonicalEncodingError)
  add('invalid UTF-8 in the invite', withEntry('invite', { kind: 'text', value: new Uint8Array([0x68, 0xc3, 0x28]) }), MalformedEncodingError, NonCanonicalEncodingError)
  add('__proto__ key', withEntry('__proto__', { kind: 'map', entries: [] }), MalformedEncodingError)
  add('text length beyond the input', withEntry('invite', { kind: 'raw', bytes: new Uint8Array([0x7a, 0x7f, 0xff, 0xff, 0xff, 0x61]) }), TruncatedInputError, RecordTooLargeError)
  return cases
}

describe('archive request decoders (hostile input)', () => {
  it('refuse every malformed or non-canonical spelling with the right error', () => {
    for (const c of encodingCases()) {
      try {
        expectThrow(() => decodeArchiveRequest(c.bytes), ...c.errors)
      } catch (err) {
        throw new Error(`case "${c.name}": ${err instanceof Error ? err.message : String(err)}`, { cause: err })
      }
    }
  })

  it('refuse every schema violation (version, type, unknown fields, wrong types) naming the field', () => {
    const suites = [
      { decode: decodeArchiveRequest, valid: encodeArchiveRequest({ invite: INVITE }), tag: 'archive-request', optional: [] },
      { decode: decodeArchiveAnswer, valid: encodeArchiveAnswer({ status: 'refused', detail: 'no' }), tag: 'archive-answer', optional: ['detail'] }
    ]
    for (const suite of suites) {
      const cases = schemaAttacks(suite.valid, { tag: suite.tag, optional: suite.optional })
      expect(cases.length).toBeGreaterThan(20)
      for (const c of cases) {
        try {
          const err = expectThrow(() => suite.decode(c.bytes), ...c.errors)
          if (c.field !== undefined) expectSchemaField(err, c.field)
        } catch (err) {
          throw new Error(`${suite.tag} case "${c.name}": ${err instanceof Error ? err.message : String(err)}`, { cause: err })
        }
      }
    }
    expectThrow(() => decodeArchiveAnswer(encodeCanonical({ v: 2, t: 'archive-answer', status: 'archiving' })), UnknownVersionError)
  })

  it('throw only ProtocolErrors on random bytes, random CBOR values and corruptions', () => {
    for (const decode of [decodeArchiveRequest, decodeArchiveAnswer]) {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => { onlyProtocolErrors(() => decode(bytes)) }), { numRuns: 200 })
      fc.assert(fc.property(cborValue, (value) => {
        let bytes: Uint8Array
        try {
          bytes = encodeCanonical(value)
        } catch {
          return
        }
        expect(() => decode(bytes)).toThrow(ProtocolError)
      }), { numRuns: 200 })
    }
    for (const valid of [hex(EXAMPLES.request), hex(EXAMPLES.refused)]) {
      fc.assert(fc.property(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const bytes = Uint8Array.from(valid)
        bytes[at] = (bytes[at] as number) ^ xor
        onlyProtocolErrors(() => decodeArchiveRequest(bytes))
        onlyProtocolErrors(() => decodeArchiveAnswer(bytes))
      }), { numRuns: 300 })
    }
  })
})
