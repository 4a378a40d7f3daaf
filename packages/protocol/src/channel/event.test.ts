/**
 * Channel event records: round trips, every limit, the decoder against
 * hostile input, signatures, the capabilities each kind needs, and a fixed
 * vector that pins the encoding and id.
 */
import { describe, expect, it } from 'vitest'
import { ed25519 } from '@noble/curves/ed25519.js'
import { concat, fromHex, toHex, utf8, type Bytes } from '../bytes.ts'
import { sha256 } from '../crypto/sha256.ts'
import { encodeCanonical, type CborValue } from '../encoding/cbor.ts'
import { InvalidSignatureError, RecordTooLargeError, SchemaError, UnknownRecordTypeError } from '../errors.ts'
import { encodeRecord, signRecord, signatureInput } from '../records/record.ts'
import { Cap } from '../authority/capabilities.ts'
import { recordId } from '../authority/entry.ts'
import { expectSchemaField, expectThrow, expectReject, hostileDecoderSuite, testBytes, testKeypair } from '../test-support.ts'
import {
  capabilitiesNeeded, decodeChannelEvent, EVENT_KINDS, MAX_ATTACHMENT_SIZE, MAX_CIPHERTEXT_BYTES, MAX_EVENT_BYTES,
  MAX_TEXT_BYTES, signChannelEvent, verifyChannelEvents, type ChannelEventNode, type EventBody, type EventBodyOf
} from './event.ts'
import { AUTH_KNOWN, AUTHORS, CHANNEL, ROOM, T0, flipSignatureBit, write } from './test-support.ts'

const [alice, bob] = AUTHORS as [typeof AUTHORS[0], typeof AUTHORS[0]]
const id = (label: string): Bytes => testBytes(`event-test/${label}`, 32)
const ids = (n: number, label = 'x'): Bytes[] => Array.from({ length: n }, (_, i) => id(`${label}/${i}`))

/** The unsigned map of a node, to change and re-encode. */
function fieldsOf(node: ChannelEventNode): Record<string, CborValue> {
  return { ...(node.event as unknown as Record<string, CborValue>) }
}

/** Encode a (possibly invalid) record as canonical CBOR, signature included as given. */
function raw(record: Record<string, CborValue>): Bytes {
  return encodeCanonical(record)
}

async function post(extra: Partial<EventBodyOf<'post'>> = {}): Promise<ChannelEventNode> {
  return write(alice, { kind: 'post', content: { text: 'hello' }, ...extra })
}

/** A full post: reply, mentions, attachments, two parents, two authority heads. */
async function fullPost(): Promise<ChannelEventNode> {
  const root = await write(alice, { kind: 'post', content: { text: 'root' } })
  const other = await write(bob, { kind: 'post', content: { text: 'other' } })
  return write(alice, {
    kind: 'post', content: { text: 'hi @bob' }, mentions: [bob.publicKey, alice.publicKey], reply: root.id,
    attachments: [{ hash: testBytes('blob', 32), size: 1234, mime: 'image/png', name: 'cat.png' }]
  }, [root, other], { auth: [AUTH_KNOWN, id('auth2')] })
}

describe('channel events: round trips', () => {
  it('every kind signs, encodes and decodes to the same event, with id = record id of the bytes', async () => {
    const root = await post()
    const bodies: EventBody[] = [
      { kind: 'post', content: { text: '' } },
      { kind: 'post', content: { enc: { key: new Uint8Array([7]), nonce: new Uint8Array(24), ct: new Uint8Array(MAX_CIPHERTEXT_BYTES) } } },
      { kind: 'edit', target: root.id, content: { text: 'fixed' } },
      { kind: 'edit', target: root.id, content: { enc: { key: new Uint8Array(32), nonce: new Uint8Array(12), ct: new Uint8Array(0) } } },
      { kind: 'delete', target: root.id },
      { kind: 'react', target: root.id, emoji: '👍' },
      { kind: 'unreact', target: root.id, emoji: '👍' },
      { kind: 'pin', target: root.id },
      { kind: 'unpin', target: root.id }
    ]
    expect(new Set(bodies.map((b) => b.kind))).toEqual(new Set(EVENT_KINDS))
    for (const body of bodies) {
      const node = await write(bob, body, [root])
      const again = decodeChannelEvent(node.bytes)
      expect(again).toEqual({ ...node })
      expect(again.event.body).toEqual(body)
      expect(again.id).toEqual(recordId(node.bytes))
      expect(again.key).toBe(toHex(again.id))
      expect(again.event).toMatchObject({ v: 1, t: 'event', room: ROOM, channel: CHANNEL, author: bob.publicKey, lamport: 2, at: T0 })
      expect(encodeRecord(again.event)).toEqual(node.bytes)
    }
  })

  it('a full post round-trips; signing sorts and deduplicates parents, auth and mentions', async () => {
    const node = await fullPost()
    expect(decodeChannelEvent(node.bytes)).toEqual({ ...node })
    const b = node.event.body
    if (b.kind !== 'post') throw new Error('not a post')
    expect(b.mentions?.map(toHex)).toEqual([alice.publicKey, bob.publicKey].map(toHex).sort())
    expect(node.event.parents.map(toHex)).toEqual([...node.event.parents.map(toHex)].sort())
    const dup = await signChannelEvent(alice, {
      room: ROOM, channel: CHANNEL, lamport: 2, parents: [id('p'), id('p')], auth: [id('a'), AUTH_KNOWN, id('a')], at: 0,
      body: { kind: 'post', content: { text: '' }, mentions: [bob.publicKey, bob.publicKey] }
    })
    expect(dup.event.parents).toHaveLength(1)
    expect(dup.event.auth).toHaveLength(2)
    expect((dup.event.body as EventBodyOf<'post'>).mentions).toHaveLength(1)
  })

  it('the largest schema-valid event fits the size limit', async () => {
    const sig = await signChannelEvent(alice, {
      room: ROOM, channel: CHANNEL, lamport: Number.MAX_SAFE_INTEGER, parents: ids(16, 'p'), auth: ids(16, 'a'), at: Number.MAX_SAFE_INTEGER,
      body: {
        kind: 'post', content: { enc: { key: new Uint8Array(32), nonce: new Uint8Array(24), ct: new Uint8Array(MAX_CIPHERTEXT_BYTES) } },
        mentions: ids(50, 'm'), reply: id('r'),
        attachments: Array.from({ length: 10 }, (_, i) => ({ hash: id(`h${i}`), size: MAX_ATTACHMENT_SIZE, mime: 'm'.repeat(128), name: 'é'.repeat(127) + 'x' }))
      }
    })
    expect(sig.bytes.length).toBeGreaterThan(MAX_EVENT_BYTES - 1024)
    expect(sig.bytes.length).toBeLessThanOrEqual(MAX_EVENT_BYTES)
    const longest = await write(alice, { kind: 'post', content: { text: 'é'.repeat(MAX_TEXT_BYTES / 2) } })
    expect(decodeChannelEvent(longest.bytes).event.body).toMatchObject({ content: { text: 'é'.repeat(2000) } })
  })
})

describe('channel events: field rules', () => {
  it('refuses each limit by one', async () => {
    const base = fieldsOf(await post())
    const root = base
    const cases: [string, Record<string, CborValue>, string][] = [
      ['text over 4000 bytes', { ...base, body: { kind: 'post', content: { text: 'a'.repeat(MAX_TEXT_BYTES + 1) } } }, 'body.content.text'],
      ['51 mentions', { ...base, body: { kind: 'post', content: { text: '' }, mentions: ids(51).sort((a, b) => (toHex(a) < toHex(b) ? -1 : 1)) } }, 'body.mentions'],
      ['empty mentions', { ...base, body: { kind: 'post', content: { text: '' }, mentions: [] } }, 'body.mentions'],
      ['unsorted mentions', { ...base, body: { kind: 'post', content: { text: '' }, mentions: [...ids(2)].sort((a, b) => (toHex(a) < toHex(b) ? 1 : -1)) } }, 'body.mentions'],
      ['11 attachments', { ...base, body: { kind: 'post', content: { text: '' }, attachments: Array.from({ length: 11 }, () => ({ hash: id('h'), size: 1, mime: 'a/b', name: 'n' })) } }, 'body.attachments'],
      ['empty attachments', { ...base, body: { kind: 'post', content: { text: '' }, attachments: [] } }, 'body.attachments'],
      ['attachment over 100 MiB', { ...base, body: { kind: 'post', content: { text: '' }, attachments: [{ hash: id('h'), size: MAX_ATTACHMENT_SIZE + 1, mime: 'a/b', name: 'n' }] } }, 'body.attachments[0].size'],
      ['attachment mime with a newline', { ...base, body: { kind: 'post', content: { text: '' }, attachments: [{ hash: id('h'), size: 1, mime: 'a/b\n', name: 'n' }] } }, 'body.attachments[0].mime'],
      ['attachment name over 255 bytes', { ...base, body: { kind: 'post', content: { text: '' }, attachments: [{ hash: id('h'), size: 1, mime: 'a/b', name: 'n'.repeat(256) }] } }, 'body.attachments[0].name'],
      ['attachment without name', { ...base, body: { kind: 'post', content: { text: '' }, attachments: [{ hash: id('h'), size: 1, mime: 'a/b' }] } }, 'body.attachments[0].name'],
      ['attachment hash of 31 bytes', { ...base, body: { kind: 'post', content: { text: '' }, attachments: [{ hash: new Uint8Array(31), size: 1, mime: 'a/b', name: 'n' }] } }, 'body.attachments[0].hash'],
      ['empty emoji', { ...base, body: { kind: 'react', target: id('t'), emoji: '' } }, 'body.emoji'],
      ['emoji over 64 bytes', { ...base, body: { kind: 'react', target: id('t'), emoji: '😀'.repeat(17) } }, 'body.emoji'],
      ['emoji with a tab', { ...base, body: { kind: 'unreact', target: id('t'), emoji: 'a\tb' } }, 'body.emoji'],
      ['both text and enc', { ...base, body: { kind: 'post', content: { text: '', enc: { key: new Uint8Array(1), nonce: new Uint8Array(12), ct: new Uint8Array(1) } } } }, 'body.content.text'],
      ['empty content', { ...base, body: { kind: 'post', content: {} } }, 'body.content.text'],
      ['enc key empty', { ...base, body: { kind: 'edit', target: id('t'), content: { enc: { key: new Uint8Array(0), nonce: new Uint8Array(12), ct: new Uint8Array(1) } } } }, 'body.content.enc.key'],
      ['enc key 33 bytes', { ...base, body: { kind: 'edit', target: id('t'), content: { enc: { key: new Uint8Array(33), nonce: new Uint8Array(12), ct: new Uint8Array(1) } } } }, 'body.content.enc.key'],
      ['enc nonce 11 bytes', { ...base, body: { kind: 'edit', target: id('t'), content: { enc: { key: new Uint8Array(1), nonce: new Uint8Array(11), ct: new Uint8Array(1) } } } }, 'body.content.enc.nonce'],
      ['enc nonce 25 bytes', { ...base, body: { kind: 'edit', target: id('t'), content: { enc: { key: new Uint8Array(1), nonce: new Uint8Array(25), ct: new Uint8Array(1) } } } }, 'body.content.enc.nonce'],
      ['ciphertext over 16 KiB', { ...base, body: { kind: 'edit', target: id('t'), content: { enc: { key: new Uint8Array(1), nonce: new Uint8Array(12), ct: new Uint8Array(MAX_CIPHERTEXT_BYTES + 1) } } } }, 'body.content.enc.ct'],
      ['unknown kind', { ...base, body: { kind: 'typing', target: id('t') } }, 'body.kind'],
      ['kind missing', { ...base, body: { target: id('t') } }, 'body.kind'],
      ['target on a post', { ...base, body: { kind: 'post', content: { text: '' }, target: id('t') } }, 'body.target'],
      ['content on a delete', { ...base, body: { kind: 'delete', target: id('t'), content: { text: '' } } }, 'body.content'],
      ['reply of 31 bytes', { ...base, body: { kind: 'post', content: { text: '' }, reply: new Uint8Array(31) } }, 'body.reply'],
      ['17 parents', { ...root, lamport: 2, parents: ids(17).sort((a, b) => (toHex(a) < toHex(b) ? -1 : 1)) }, 'parents'],
      ['parents out of order', { ...root, lamport: 2, parents: [...ids(2)].sort((a, b) => (toHex(a) < toHex(b) ? 1 : -1)) }, 'parents'],
      ['parents repeated', { ...root, lamport: 2, parents: [id('p'), id('p')] }, 'parents'],
      ['no authority heads', { ...base, auth: [] }, 'auth'],
      ['17 authority heads', { ...base, auth: ids(17).sort((a, b) => (toHex(a) < toHex(b) ? -1 : 1)) }, 'auth'],
      ['authority heads repeated', { ...base, auth: [id('a'), id('a')] }, 'auth'],
      ['lamport 0', { ...base, lamport: 0 }, 'lamport'],
      ['a root with lamport 2', { ...base, lamport: 2 }, 'lamport'],
      ['a child with lamport 1', { ...base, lamport: 1, parents: [id('p')] }, 'lamport'],
      ['channel of 32 bytes', { ...base, channel: new Uint8Array(32) }, 'channel']
    ]
    for (const [name, record, field] of cases) {
      const err = expectThrow(() => decodeChannelEvent(raw(record)), SchemaError, RecordTooLargeError)
      if (err instanceof SchemaError) expectSchemaField(err, field)
      else expect(err.message, name).toContain(field)
    }
  })

  it('refuses other record types and versions', async () => {
    const base = fieldsOf(await post())
    expectThrow(() => decodeChannelEvent(raw({ ...base, t: 'authority' })), UnknownRecordTypeError)
    expectThrow(() => decodeChannelEvent(raw({ ...base, t: 'events' })), UnknownRecordTypeError)
  })

  it('signing refuses what decoding refuses, with the same typed error', async () => {
    await expectReject(() => write(alice, { kind: 'post', content: { text: 'x'.repeat(MAX_TEXT_BYTES + 1) } }), RecordTooLargeError)
    await expectReject(() => write(alice, { kind: 'react', target: id('t'), emoji: '' }), SchemaError)
    await expectReject(() => signChannelEvent(alice, { room: ROOM, channel: CHANNEL, lamport: 1, parents: [id('p')], auth: [AUTH_KNOWN], at: 0, body: { kind: 'delete', target: id('t') } }), SchemaError)
    await expectReject(() => signChannelEvent(alice, { room: ROOM, channel: CHANNEL, lamport: 1, parents: [], auth: [], at: 0, body: { kind: 'delete', target: id('t') } }), SchemaError)
  })
})

describe('channel events: hostile input (a full post)', () => {
  hostileDecoderSuite({
    decode: decodeChannelEvent,
    valid: async () => (await fullPost()).bytes,
    maxBytes: MAX_EVENT_BYTES,
    tag: 'event',
    optional: ['body.mentions', 'body.reply', 'body.attachments']
  })
})

describe('channel events: hostile input (an encrypted edit)', () => {
  hostileDecoderSuite({
    decode: decodeChannelEvent,
    valid: async () => {
      const root = await post()
      return (await write(bob, { kind: 'edit', target: root.id, content: { enc: { key: new Uint8Array([1, 2]), nonce: new Uint8Array(12).fill(3), ct: new Uint8Array(40).fill(4) } } }, [root])).bytes
    },
    maxBytes: MAX_EVENT_BYTES,
    tag: 'event',
    // A content map without `enc` is read as plain text, so "enc missing" is refused naming body.content.text
    // (the field rules test covers it); the three byte fields take a range of lengths.
    optional: ['body.content.enc'],
    ranged: ['body.content.enc.key', 'body.content.enc.nonce', 'body.content.enc.ct'],
    numRuns: 60
  })
})

describe('channel events: hostile input (a reaction)', () => {
  hostileDecoderSuite({
    decode: decodeChannelEvent,
    valid: async () => (await write(bob, { kind: 'react', target: id('t'), emoji: '🎉' })).bytes,
    maxBytes: MAX_EVENT_BYTES,
    tag: 'event',
    numRuns: 60
  })
})

describe('channel events: signatures', () => {
  it('verifies honest events and refuses forged, tampered, re-signed and invalid-key ones', async () => {
    const good = await fullPost()
    const flipped = flipSignatureBit(good.bytes)
    const unsigned = fieldsOf(good)
    const tampered = raw({ ...unsigned, at: good.event.at + 1 })
    const retext = raw({ ...unsigned, body: { ...(unsigned.body as Record<string, CborValue>), content: { text: 'forged' } } })
    const { sig: _sig, ...body } = unsigned
    const resigned = encodeRecord(await signRecord(bob, body)) // author field still alice
    const identity = new Uint8Array(32)
    identity[0] = 1
    const badKey = encodeRecord(await signRecord(bob, { ...body, author: identity }))
    const nodes = [good, ...[flipped, tampered, retext, resigned, badKey].map(decodeChannelEvent)]
    const results = await verifyChannelEvents(nodes)
    expect(results[0]).toBe(results[0])
    expect(results[0]).not.toBeInstanceOf(InvalidSignatureError)
    for (const r of results.slice(1)) expect(r).toBeInstanceOf(InvalidSignatureError)
    expect((results[5] as InvalidSignatureError).message).toMatch(/not a valid Ed25519 key/)
    expect(await verifyChannelEvents([])).toEqual([])
  })

  it('signs exactly signature_input of the record minus sig', async () => {
    const node = await post()
    const { sig, ...unsigned } = node.event
    const again = await signRecord(alice, unsigned)
    expect(again.sig).toEqual(sig)
    expect(signatureInput(node.event).subarray(0, 14)).toEqual(concat(utf8('hearth/sig/v1'), new Uint8Array([0])))
  })
})

describe('channel events: capabilities needed', () => {
  it('maps each kind to the capability bits of PROTOCOL.md §7.4', async () => {
    const p = (await post()).event
    const withFile = (await post({ attachments: [{ hash: id('h'), size: 1, mime: 'a/b', name: 'n' }] })).event
    const at = (body: EventBody): Promise<ChannelEventNode> => write(bob, body)
    const t = id('t')
    expect(capabilitiesNeeded(p)).toBe(Cap.POST)
    expect(capabilitiesNeeded(withFile)).toBe(Cap.POST | Cap.ATTACH)
    expect(capabilitiesNeeded((await at({ kind: 'edit', target: t, content: { text: '' } })).event)).toBe(Cap.POST)
    expect(capabilitiesNeeded((await at({ kind: 'react', target: t, emoji: 'x' })).event)).toBe(Cap.REACT)
    expect(capabilitiesNeeded((await at({ kind: 'unreact', target: t, emoji: 'x' })).event)).toBe(Cap.REACT)
    expect(capabilitiesNeeded((await at({ kind: 'pin', target: t })).event)).toBe(Cap.PIN)
    expect(capabilitiesNeeded((await at({ kind: 'unpin', target: t })).event)).toBe(Cap.PIN)
    const del = (await at({ kind: 'delete', target: t })).event
    expect(capabilitiesNeeded(del, bob.publicKey)).toBe(0)
    expect(capabilitiesNeeded(del, alice.publicKey)).toBe(Cap.DELETE_OTHERS)
  })
})

describe('channel events: vector', () => {
  it('a fixed event has a fixed encoding and id', async () => {
    const kp = testKeypair('channel/vector')
    const node = await signChannelEvent(kp, {
      room: fromHex('11'.repeat(32)), channel: fromHex('22'.repeat(16)), lamport: 3,
      parents: [fromHex('33'.repeat(32))], auth: [fromHex('44'.repeat(32))], at: 1_700_000_000_000,
      body: { kind: 'react', target: fromHex('55'.repeat(32)), emoji: '👍' }
    })
    expect(toHex(node.bytes)).toBe(VECTOR.bytes)
    expect(node.key).toBe(VECTOR.id)
    // Independently: the id is SHA-256 of the tag, a zero byte and the bytes; noble accepts the signature.
    expect(toHex(sha256(concat(utf8('hearth/record-id/v1'), new Uint8Array([0]), fromHex(VECTOR.bytes))))).toBe(VECTOR.id)
    expect(ed25519.verify(node.event.sig, signatureInput(node.event), kp.publicKey)).toBe(true)
    expect(decodeChannelEvent(fromHex(VECTOR.bytes))).toEqual({ ...node })
  })
})

const VECTOR = {
  bytes: 'ab6174656576656e746176016261741b0000018bcfe5680063736967584098dd16cf40a788a0349a5826f3890868dc590e6a18e5d57ae7c908e82240a8fdba5726c17067650e7e0f43ab411c9ac01f71f636ed51a1007f4f68121abd250a6461757468815820444444444444444444444444444444444444444444444444444444444444444464626f6479a3646b696e6465726561637465656d6f6a6964f09f918d667461726765745820555555555555555555555555555555555555555555555555555555555555555564726f6f6d5820111111111111111111111111111111111111111111111111111111111111111166617574686f725820b6bcd9aad7564c82b219de8ec701be34001e9acc303ff7f6bc5d1172c46e07b1676368616e6e656c5022222222222222222222222222222222676c616d706f72740367706172656e74738158203333333333333333333333333333333333333333333333333333333333333333',
  id: 'd42076b9b0d8e66c7020a689dca323a8c433ea769d2242665f37a34c574a59af'
}
