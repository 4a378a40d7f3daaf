/**
 * A libp2p stream as a whole-message stream (the client's `MessageStream`
 * port, PROTOCOL.md §8.10 and §9.5): length-prefixed frames (frame-codec.ts)
 * with a hard size limit, back-pressure both ways, a per-step timeout, and a
 * graceful close in which the peer gets everything sent before it.
 *
 * - Reading: frames are decoded as bytes arrive; while whole messages wait
 *   unread beyond a high-water mark, the libp2p stream is paused. An
 *   oversized or malformed frame aborts the stream; `receive` then rejects
 *   with the typed error (after any whole messages that came before it).
 * - Writing: `send` resolves once libp2p has taken the frame and, if its
 *   buffer filled, once it drained; sends are queued, so frames never
 *   interleave.
 * - Timeouts: a `receive` that waits longer than `receiveTimeoutMs`, or a
 *   send that waits longer than `drainTimeoutMs` for the peer to take what
 *   was sent, aborts the stream with `StreamTimeoutError`.
 * - Close: ends our side at once (pending receives give `undefined`, later
 *   sends reject), flushes what was sent, closes libp2p's writable end, and
 *   aborts the stream if the peer has not closed its end within
 *   `closeGraceMs` (a peer cannot hold a stream open by never closing).
 */
import type { Stream } from '@libp2p/interface'
import { encodeFrame, FrameDecoder } from './frame-codec.ts'
import { systemClock, type Clock, type MessageStream } from '@hearth/client'
import { StreamClosedError, StreamTimeoutError } from './errors.ts'

/** The client's whole-message stream port, which {@link FramedStream} implements on libp2p. */
export type { MessageStream }

/** Options of {@link FramedStream}. */
export interface FramedStreamOptions {
  /** Largest message accepted or sent, in bytes (the frame body; the prefix is extra). */
  readonly maxFrameBytes: number
  /** @default systemClock */
  readonly clock?: Clock
  /** Longest wait for one message in `receive`. @default no limit (the engines time their own requests) */
  readonly receiveTimeoutMs?: number
  /** Longest wait for the peer to make room for what we send (back-pressure). @default 15000 */
  readonly drainTimeoutMs?: number
  /** After `close`, how long the peer has to close its end before the stream is aborted. @default 5000 */
  readonly closeGraceMs?: number
  /** Bytes of whole, unread messages at which the libp2p stream is paused. @default maxFrameBytes */
  readonly highWaterBytes?: number
}

interface Waiter {
  readonly resolve: (message: Uint8Array | undefined) => void
  readonly reject: (err: Error) => void
}

/** A libp2p {@link Stream} carrying length-prefixed whole messages. */
export class FramedStream implements MessageStream {
  readonly #stream: Stream
  readonly #decoder: FrameDecoder
  readonly #clock: Clock
  readonly #receiveTimeoutMs: number | undefined
  readonly #drainTimeoutMs: number
  readonly #closeGraceMs: number
  readonly #highWater: number
  readonly #queue: Uint8Array[] = []
  #queuedBytes = 0
  readonly #waiters: Waiter[] = []
  #sendChain: Promise<void> = Promise.resolve()
  /** The peer finished sending (or the stream went away): no more messages. */
  #ended = false
  /** We closed our side. */
  #closed = false
  #failure: Error | undefined
  #cancelGrace: (() => void) | undefined

  constructor(stream: Stream, options: FramedStreamOptions) {
    this.#stream = stream
    this.#decoder = new FrameDecoder(options.maxFrameBytes)
    this.#clock = options.clock ?? systemClock
    this.#receiveTimeoutMs = options.receiveTimeoutMs
    this.#drainTimeoutMs = options.drainTimeoutMs ?? 15_000
    this.#closeGraceMs = options.closeGraceMs ?? 5000
    this.#highWater = options.highWaterBytes ?? options.maxFrameBytes
    stream.addEventListener('message', (evt) => {
      this.#onData(evt.data instanceof Uint8Array ? evt.data : evt.data.subarray())
    })
    stream.addEventListener('end', () => { this.#onEnd() })
    stream.addEventListener('close', () => { this.#onClose() })
    if (stream.readableEnded) this.#onEnd()
    if (stream.status === 'closed' || stream.status === 'aborted' || stream.status === 'reset') this.#onClose()
  }

  /** Why the stream failed (a framing error, a timeout), if it did. */
  get failure(): Error | undefined {
    return this.#failure
  }

  /** The libp2p stream underneath. */
  get stream(): Stream {
    return this.#stream
  }

  send(message: Uint8Array): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure)
    if (this.#closed) return Promise.reject(new StreamClosedError('the stream is closed'))
    let frame: Uint8Array
    try {
      frame = encodeFrame(message, this.#decoder.maxFrameBytes)
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)))
    }
    const sent = this.#sendChain.then(() => this.#write(frame))
    this.#sendChain = sent.catch(() => undefined)
    return sent
  }

  receive(): Promise<Uint8Array | undefined> {
    const next = this.#queue.shift()
    if (next !== undefined) {
      this.#queuedBytes -= next.length
      if (this.#queuedBytes < this.#highWater) this.#resume()
      return Promise.resolve(next)
    }
    if (this.#failure) return Promise.reject(this.#failure)
    if (this.#ended || this.#closed) return Promise.resolve(undefined)
    return new Promise((resolve, reject) => {
      const ms = this.#receiveTimeoutMs
      if (ms === undefined) {
        this.#waiters.push({ resolve, reject })
        return
      }
      const timer = this.#clock.after(ms)
      const waiter: Waiter = {
        resolve: (m) => { timer.cancel(); resolve(m) },
        reject: (e) => { timer.cancel(); reject(e) }
      }
      this.#waiters.push(waiter)
      void timer.promise.then(() => {
        if (this.#waiters.includes(waiter)) this.abort(new StreamTimeoutError(`no message within ${ms} ms`))
      })
    })
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(undefined)
    this.#queue.length = 0
    this.#queuedBytes = 0
    // Keep reading (and discarding) so a peer that still sends cannot fill libp2p's buffer.
    this.#resume()
    if (this.#stream.status !== 'open') return
    const grace = this.#clock.after(this.#closeGraceMs)
    this.#cancelGrace = () => { grace.cancel() }
    void grace.promise.then(() => {
      if (this.#stream.status === 'open' || this.#stream.status === 'closing') {
        this.#stream.abort(new StreamTimeoutError(`the peer did not close within ${this.#closeGraceMs} ms`))
      }
    })
    // Queued sends go first; the peer then receives everything and our end-of-stream.
    void this.#sendChain.then(() => this.#stream.close()).catch((err: unknown) => {
      this.#stream.abort(err instanceof Error ? err : new Error(String(err)))
    })
  }

  /** End the stream at once (a reset to the peer); pending and later receives reject with `err`. */
  abort(err: Error): void {
    if (this.#failure === undefined) this.#failure = err
    for (const waiter of this.#waiters.splice(0)) waiter.reject(err)
    this.#stream.abort(err)
  }

  async #write(frame: Uint8Array): Promise<void> {
    if (this.#failure) throw this.#failure
    await this.#drain()
    let accepted: boolean
    try {
      accepted = this.#stream.send(frame)
    } catch (err) {
      throw new StreamClosedError('the stream refused a message', { cause: err })
    }
    if (!accepted) await this.#drain()
  }

  /** Wait until libp2p's write buffer has room (within the drain timeout). */
  async #drain(): Promise<void> {
    if (!this.#stream.writableNeedsDrain) return
    const drained = this.#stream.onDrain().then(() => 'drained' as const, (err: unknown) => {
      throw new StreamClosedError('the stream closed while sending', { cause: err })
    })
    const timer = this.#clock.after(this.#drainTimeoutMs)
    try {
      const outcome = await Promise.race([drained, timer.promise.then(() => 'timeout' as const)])
      if (outcome === 'timeout') {
        const err = new StreamTimeoutError(`the peer took nothing for ${this.#drainTimeoutMs} ms`)
        this.abort(err)
        throw err
      }
    } finally {
      timer.cancel()
    }
  }

  #onData(bytes: Uint8Array): void {
    if (this.#closed || this.#failure) return
    let frames: Uint8Array[]
    try {
      frames = this.#decoder.push(bytes)
    } catch (err) {
      this.abort(err instanceof Error ? err : new Error(String(err)))
      return
    }
    for (const frame of frames) {
      const waiter = this.#waiters.shift()
      if (waiter) {
        waiter.resolve(frame)
        continue
      }
      this.#queue.push(frame)
      this.#queuedBytes += frame.length
    }
    if (this.#queuedBytes >= this.#highWater) this.#pause()
  }

  #onEnd(): void {
    if (this.#ended) return
    this.#ended = true
    if (this.#closed || this.#failure) return
    try {
      this.#decoder.end()
    } catch (err) {
      this.abort(err instanceof Error ? err : new Error(String(err)))
      return
    }
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(undefined)
  }

  #onClose(): void {
    this.#cancelGrace?.()
    // A graceful close can come while bytes wait in a paused stream: let them through first.
    this.#resume()
    // Reset or transport gone: whatever was decoded is still delivered, then the end.
    this.#ended = true
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(undefined)
  }

  #pause(): void {
    if (this.#stream.readStatus !== 'readable') return
    try {
      this.#stream.pause()
    } catch {
      // closing: nothing more will come anyway
    }
  }

  #resume(): void {
    if (this.#stream.readStatus !== 'paused') return
    try {
      this.#stream.resume()
    } catch {
      // closing
    }
  }
}

/** Wrap a libp2p stream as a whole-message stream. */
export function framedStream(stream: Stream, options: FramedStreamOptions): FramedStream {
  return new FramedStream(stream, options)
}
