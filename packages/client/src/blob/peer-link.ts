/**
 * One peer's stream as the fetcher uses it: send a message, or wait for the
 * next one within the timeout, turning every way that can go wrong into a
 * {@link BlobPeerDroppedError} with its reason.
 */
import { decodeBlobMessage, encodeBlobMessage, ProtocolError, type BlobMessage, type BlobMessageType } from '@hearth/protocol'
import { withTimeout, type Clock } from '../transport/clock.ts'
import { BlobPeerDroppedError } from './errors.ts'
import type { MessageStream } from '../transport/message-stream.ts'

/** A peer's stream with timeouts and typed failures. */
export class PeerLink {
  readonly peer: string
  readonly #stream: MessageStream
  readonly #clock: Clock
  readonly #timeoutMs: number
  /** Resolves when we close the link, so a pending receive ends even if the stream's own close does not end it. */
  readonly #closed: Promise<undefined>
  #close!: () => void

  constructor(peer: string, stream: MessageStream, clock: Clock, timeoutMs: number) {
    this.peer = peer
    this.#stream = stream
    this.#clock = clock
    this.#timeoutMs = timeoutMs
    this.#closed = new Promise((resolve) => {
      this.#close = () => { resolve(undefined) }
    })
  }

  /** Send `message`; a stream that refuses is a disconnected peer. */
  async send(message: BlobMessage): Promise<void> {
    const bytes = encodeBlobMessage(message)
    try {
      await this.#stream.send(bytes)
    } catch (err) {
      throw this.drop('disconnected', 'the stream refused a message', err)
    }
  }

  /** The next message, which must be one of `expected`. */
  async receive<T extends BlobMessageType>(expected: readonly T[]): Promise<Extract<BlobMessage, { readonly type: T }>> {
    let bytes: Uint8Array | undefined | 'timeout'
    try {
      bytes = await withTimeout(Promise.race([this.#stream.receive(), this.#closed]), this.#clock, this.#timeoutMs)
    } catch (err) {
      throw this.drop('disconnected', 'the stream failed', err)
    }
    if (bytes === 'timeout') throw this.drop('timeout', `no answer within ${this.#timeoutMs} ms`)
    if (bytes === undefined) throw this.drop('disconnected', 'the stream ended')
    try {
      // decodeBlobMessage returns only the types in `expected`.
      return decodeBlobMessage(bytes, expected) as Extract<BlobMessage, { readonly type: T }>
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err
      const unexpected = err.name === 'UnknownRecordTypeError' && isBlobMessage(bytes)
      throw this.drop(unexpected ? 'unexpected-message' : 'malformed-message', err.message, err)
    }
  }

  /** Close the stream. */
  close(): void {
    this.#close()
    this.#stream.close()
  }

  /** A drop error for this peer. */
  drop(reason: BlobPeerDroppedError['reason'], message: string, cause?: unknown): BlobPeerDroppedError {
    return new BlobPeerDroppedError(this.peer, reason, message, cause === undefined ? undefined : { cause })
  }
}

/** Whether `bytes` are a well-formed blob message of some type (to tell "wrong type here" from garbage). */
function isBlobMessage(bytes: Uint8Array): boolean {
  try {
    decodeBlobMessage(bytes)
    return true
  } catch {
    return false
  }
}
