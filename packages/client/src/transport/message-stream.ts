/**
 * The transport every conversation runs over (sync, PROTOCOL.md §8.10, and
 * blobs, §9.5): an ordered, reliable duplex stream of whole messages.
 * Anything that moves whole messages in order fits — a length-prefixed
 * libp2p stream, a WebRTC data channel, or the in-memory pair below for
 * tests — so the engines never see a socket.
 */

/** One end of an ordered, reliable stream of whole messages. */
export interface MessageStream {
  /** Send one message (may wait for back-pressure). Throws or rejects when the stream is closed. */
  send(message: Uint8Array): void | Promise<void>
  /** The next message, or `undefined` once the stream has ended (closed by either side). */
  receive(): Promise<Uint8Array | undefined>
  /** End the stream in both directions; the other end receives what was already sent, then `undefined`. Idempotent. */
  close(): void
}

/** `send` on a stream that has ended. */
export class StreamClosedError extends Error {
  override readonly name = 'StreamClosedError'
}

interface Side {
  readonly queue: Uint8Array[]
  readonly waiters: ((message: Uint8Array | undefined) => void)[]
}

/**
 * Two connected in-memory ends: what one sends, the other receives, in
 * order. Messages are copied, so neither side can change what the other got.
 * Closing either end ends both, like a connection closing: later sends
 * reject, and each end still receives what was sent to it before the close,
 * then `undefined`.
 */
export function memoryStreamPair(): [MessageStream, MessageStream] {
  const sides: [Side, Side] = [{ queue: [], waiters: [] }, { queue: [], waiters: [] }]
  let closed = false
  const close = (): void => {
    if (closed) return
    closed = true
    for (const side of sides) for (const waiter of side.waiters.splice(0)) waiter(undefined)
  }
  const end = (mine: Side, theirs: Side): MessageStream => ({
    send(message) {
      if (closed) return Promise.reject(new StreamClosedError('the stream is closed'))
      const copy = message.slice()
      const waiter = theirs.waiters.shift()
      if (waiter) waiter(copy)
      else theirs.queue.push(copy)
      return Promise.resolve()
    },
    receive() {
      const next = mine.queue.shift()
      if (next !== undefined || closed) return Promise.resolve(next)
      return new Promise((resolve) => mine.waiters.push(resolve))
    },
    close
  })
  return [end(sides[0], sides[1]), end(sides[1], sides[0])]
}
