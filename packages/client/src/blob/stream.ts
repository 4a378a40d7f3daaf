/**
 * The transport the blob protocol runs over: a duplex stream of whole
 * messages (PROTOCOL.md §9.5). Anything that moves whole messages in order
 * fits — a length-prefixed libp2p stream, a WebRTC data channel, or the
 * in-memory pair below for tests — so the blob code never sees a socket.
 * The sync engine's `MessageStream` (client/sync/message-stream.ts) has the
 * same shape and is assignable to this one; the two are to be merged.
 */

/** One end of an ordered, reliable stream of whole messages. */
export interface BlobStream {
  /** Send one message (may wait for back-pressure). Throws or rejects when the stream is closed. */
  send(message: Uint8Array): void | Promise<void>
  /** The next message, or `undefined` once the stream has ended (closed by either side). */
  receive(): Promise<Uint8Array | undefined>
  /** End the stream in both directions. Idempotent. */
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
 * Closing either end ends both; queued messages are dropped, as a real
 * connection's would be.
 */
export function memoryStreamPair(): [BlobStream, BlobStream] {
  const sides: [Side, Side] = [{ queue: [], waiters: [] }, { queue: [], waiters: [] }]
  let closed = false
  const close = (): void => {
    if (closed) return
    closed = true
    for (const side of sides) {
      side.queue.length = 0
      for (const waiter of side.waiters.splice(0)) waiter(undefined)
    }
  }
  const end = (mine: Side, theirs: Side): BlobStream => ({
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
