/**
 * Length-prefixed framing for whole messages on a byte stream (PROTOCOL.md
 * §10.7): each message is an unsigned LEB128 varint of its length (minimal,
 * 1 … 8 bytes in practice) followed by that many bytes. Pure, so it is
 * tested on byte chunks without sockets.
 *
 * The decoder refuses a frame longer than its limit as soon as the prefix
 * says so, before reading (or allocating for) the body; a prefix that cannot
 * fit the limit is refused after at most ⌈bits(limit)/7⌉ bytes.
 */
import { FrameTooLargeError, MalformedFrameError } from './errors.ts'

/** How many varint bytes a length up to `max` needs. */
function varintBytesFor(max: number): number {
  let n = 1
  while (max >= 2 ** (7 * n)) n++
  return n
}

/** The unsigned LEB128 encoding of `n` (a safe non-negative integer). */
export function encodeVarint(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a varint: ${n}`)
  const out: number[] = []
  let rest = n
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80)
    rest = Math.floor(rest / 0x80)
  }
  out.push(rest)
  return Uint8Array.from(out)
}

/** One frame: the varint length of `message`, then `message`. Local misuse (empty or over `maxFrameBytes`) throws RangeError. */
export function encodeFrame(message: Uint8Array, maxFrameBytes: number): Uint8Array {
  if (message.length === 0) throw new RangeError('a frame carries at least one byte')
  if (message.length > maxFrameBytes) throw new RangeError(`message of ${message.length} bytes exceeds the frame limit ${maxFrameBytes}`)
  const prefix = encodeVarint(message.length)
  const frame = new Uint8Array(prefix.length + message.length)
  frame.set(prefix)
  frame.set(message, prefix.length)
  return frame
}

/**
 * Turns byte chunks (as they arrive, split anywhere) into whole frames.
 * After it has thrown once, it stays failed: the stream is to be aborted.
 */
export class FrameDecoder {
  readonly maxFrameBytes: number
  readonly #maxPrefixBytes: number
  /** Length prefix being read: value so far and bytes read. */
  #length = 0
  #prefixBytes = 0
  /** Body being filled (allocated once the length is known and allowed). */
  #body: Uint8Array | undefined
  #filled = 0
  #failed: Error | undefined

  constructor(maxFrameBytes: number) {
    if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 1) throw new RangeError('maxFrameBytes must be a positive integer')
    this.maxFrameBytes = maxFrameBytes
    this.#maxPrefixBytes = varintBytesFor(maxFrameBytes)
  }

  /** Bytes of an incomplete frame held (prefix and body). */
  get pending(): number {
    return this.#prefixBytes + this.#filled
  }

  /** Feed one chunk; returns the frames it completes, in order. Throws FrameTooLargeError or MalformedFrameError. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failed) throw this.#failed
    try {
      return this.#push(chunk)
    } catch (err) {
      this.#failed = err instanceof Error ? err : new Error(String(err))
      throw err
    }
  }

  /** The stream ended: throws MalformedFrameError (truncated) when it ended inside a frame. */
  end(): void {
    if (this.#failed) throw this.#failed
    if (this.pending > 0) {
      this.#failed = new MalformedFrameError('truncated', `the stream ended ${this.#body ? `after ${this.#filled} of ${this.#body.length} body bytes` : 'inside a length prefix'}`)
      throw this.#failed
    }
  }

  #push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = []
    let at = 0
    while (at < chunk.length) {
      const body = this.#body
      if (body === undefined) {
        const byte = chunk[at++] as number
        this.#length += (byte & 0x7f) * 2 ** (7 * this.#prefixBytes)
        this.#prefixBytes++
        if (this.#length > this.maxFrameBytes) {
          throw new FrameTooLargeError(this.maxFrameBytes, `a frame of at least ${this.#length} bytes exceeds the limit of ${this.maxFrameBytes}`)
        }
        if ((byte & 0x80) !== 0) {
          // Another group would add at least 2^(7·k) > limit (or be a zero group: non-minimal).
          if (this.#prefixBytes >= this.#maxPrefixBytes) {
            throw new FrameTooLargeError(this.maxFrameBytes, `a length prefix longer than ${this.#maxPrefixBytes} bytes exceeds the limit of ${this.maxFrameBytes}`)
          }
          continue
        }
        if (byte === 0 && this.#prefixBytes > 1) throw new MalformedFrameError('non-minimal-length', 'a length prefix ends with a zero group')
        if (this.#length === 0) throw new MalformedFrameError('empty', 'a frame of length 0')
        this.#body = new Uint8Array(this.#length)
        this.#filled = 0
        continue
      }
      const take = Math.min(body.length - this.#filled, chunk.length - at)
      body.set(chunk.subarray(at, at + take), this.#filled)
      this.#filled += take
      at += take
      if (this.#filled === body.length) {
        frames.push(body)
        this.#body = undefined
        this.#filled = 0
        this.#length = 0
        this.#prefixBytes = 0
      }
    }
    return frames
  }
}
