/**
 * Framing of whole messages on a byte stream (PROTOCOL.md §10.7), pure:
 * round trips split at every byte, and hostile input — a length prefix over
 * the limit (refused before the body), an endless varint, a non-minimal
 * prefix, an empty frame, a truncated stream, random garbage.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ConversationSlots, encodeFrame, encodeVarint, FrameDecoder, FrameTooLargeError, MalformedFrameError } from '../src/index.ts'

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b)

/** Feed `chunks` and collect frames. */
function decodeAll(decoder: FrameDecoder, chunks: readonly Uint8Array[]): Uint8Array[] {
  return chunks.flatMap((c) => decoder.push(c))
}

describe('encodeVarint', () => {
  it('is unsigned LEB128, minimal', () => {
    expect(encodeVarint(0)).toEqual(bytes(0))
    expect(encodeVarint(127)).toEqual(bytes(0x7f))
    expect(encodeVarint(128)).toEqual(bytes(0x80, 0x01))
    expect(encodeVarint(300)).toEqual(bytes(0xac, 0x02))
    expect(encodeVarint(1_048_576)).toEqual(bytes(0x80, 0x80, 0x40))
    expect(() => encodeVarint(-1)).toThrow(RangeError)
  })
})

describe('encodeFrame', () => {
  it('prefixes the length; refuses empty and oversized messages (local misuse)', () => {
    expect(encodeFrame(bytes(1, 2, 3), 10)).toEqual(bytes(3, 1, 2, 3))
    expect(() => encodeFrame(new Uint8Array(0), 10)).toThrow(RangeError)
    expect(() => encodeFrame(new Uint8Array(11), 10)).toThrow(RangeError)
    expect(encodeFrame(new Uint8Array(10), 10).length).toBe(11)
  })
})

describe('FrameDecoder', () => {
  it('round-trips messages split at every byte boundary', () => {
    const messages = [bytes(1), new Uint8Array(200).fill(7), bytes(9, 8, 7)]
    const stream = Uint8Array.from(messages.flatMap((m) => [...encodeFrame(m, 1000)]))
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder(1000)
      expect(decodeAll(decoder, [stream.subarray(0, cut), stream.subarray(cut)])).toEqual(messages)
      expect(decoder.pending).toBe(0)
      decoder.end()
    }
    const byteByByte = new FrameDecoder(1000)
    expect(decodeAll(byteByByte, [...stream].map((b) => bytes(b)))).toEqual(messages)
  })

  it('accepts a frame of exactly the limit (1 MiB, the sync limit)', () => {
    const message = new Uint8Array(1_048_576).fill(1)
    expect(new FrameDecoder(1_048_576).push(encodeFrame(message, 1_048_576))).toEqual([message])
  })

  it('refuses a length over the limit as soon as the prefix says so, before any body byte', () => {
    const decoder = new FrameDecoder(1_048_576)
    // 1,048,577 = 0x81 0x80 0x40: known too large at the third prefix byte.
    expect(decoder.push(bytes(0x81, 0x80))).toEqual([])
    expect(() => decoder.push(bytes(0x40))).toThrow(FrameTooLargeError)
    // It stays failed: the stream is to be aborted, nothing more is decoded.
    expect(() => decoder.push(bytes(1, 0))).toThrow(FrameTooLargeError)
    expect(() => { decoder.end() }).toThrow(FrameTooLargeError)
  })

  it('refuses an endless varint after the bytes the limit can need', () => {
    const decoder = new FrameDecoder(1_048_576)
    // 0x80 continuation bytes keep the value at 0; the fourth would be ≥ 2^21 > the limit.
    expect(() => decoder.push(new Uint8Array(16).fill(0x80))).toThrow(FrameTooLargeError)
    const small = new FrameDecoder(100)
    expect(() => small.push(bytes(0xff))).toThrow(FrameTooLargeError)
    expect(() => new FrameDecoder(262_400).push(new Uint8Array(64).fill(0xff))).toThrow(FrameTooLargeError)
  })

  it('refuses a non-minimal prefix and an empty frame', () => {
    expect(() => new FrameDecoder(1000).push(bytes(0x81, 0x00, 1))).toThrow(expect.objectContaining({ name: 'MalformedFrameError', reason: 'non-minimal-length' }))
    expect(() => new FrameDecoder(1000).push(bytes(0x00))).toThrow(expect.objectContaining({ name: 'MalformedFrameError', reason: 'empty' }))
  })

  it('reports a stream that ends inside a prefix or a body as truncated', () => {
    const inPrefix = new FrameDecoder(1000)
    inPrefix.push(bytes(0x81))
    expect(() => { inPrefix.end() }).toThrow(expect.objectContaining({ reason: 'truncated' }))
    const inBody = new FrameDecoder(1000)
    expect(inBody.push(bytes(5, 1, 2))).toEqual([])
    expect(inBody.pending).toBe(3)
    expect(() => { inBody.end() }).toThrow(MalformedFrameError)
  })

  it('on random garbage only yields frames within the limit or a framing error', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 16 }), fc.integer({ min: 1, max: 300 }), (chunks, limit) => {
      const decoder = new FrameDecoder(limit)
      try {
        for (const frame of decodeAll(decoder, chunks)) {
          expect(frame.length).toBeGreaterThan(0)
          expect(frame.length).toBeLessThanOrEqual(limit)
        }
        decoder.end()
      } catch (err) {
        expect(err instanceof FrameTooLargeError || err instanceof MalformedFrameError).toBe(true)
      }
    }))
  })
})

describe('ConversationSlots', () => {
  it('limits conversations per peer and in total; release is idempotent', () => {
    const slots = new ConversationSlots({ maxPerPeer: 2, maxTotal: 3 })
    const a1 = slots.acquire('a')
    const a2 = slots.acquire('a')
    expect(a1 && a2).toBeTruthy()
    expect(slots.acquire('a')).toBeUndefined()
    const b1 = slots.acquire('b')
    expect(b1).toBeDefined()
    expect(slots.acquire('c')).toBeUndefined()
    a1?.()
    a1?.()
    expect(slots.total).toBe(2)
    expect(slots.of('a')).toBe(1)
    expect(slots.acquire('c')).toBeDefined()
    expect(() => new ConversationSlots({ maxPerPeer: 0, maxTotal: 1 })).toThrow(RangeError)
  })
})
