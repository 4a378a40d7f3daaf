/**
 * The serving side of blob transfer (PROTOCOL.md §9.5): answer a peer's
 * `blob-want` and `chunk-get` messages on one stream from a {@link BlobStore}.
 * A partial holder serves what it has and names the rest as `missing`, so a
 * peer still downloading already helps others. Every chunk is read back
 * verified, so a damaged disk never makes us look like a liar.
 */
import { decodeBlobMessage, encodeBlobMessage, ProtocolError, type BlobMessage } from '@hearth/protocol'
import type { BlobStore } from './blob-store.ts'
import type { MessageStream } from '../transport/message-stream.ts'

/** How a serving loop ended. */
export type BlobServeEnd =
  /** The stream ended (the fetcher is done, or the connection went away). */
  | { readonly reason: 'closed' }
  /** The peer sent bytes that are not a blob request; we closed the stream. */
  | { readonly reason: 'malformed'; readonly error: ProtocolError }
  /** The peer sent a message that is not a request (a chunk, a manifest, an error); we closed the stream. */
  | { readonly reason: 'unexpected'; readonly type: BlobMessage['type'] }

/** Options of {@link serveBlobs}. */
export interface BlobServeOptions {
  /** Called per chunk sent (for accounting and tests). */
  readonly onChunkSent?: (index: number) => void
}

/** Answer blob requests on `stream` until it ends. Never throws for bad input; storage failures reject. */
export async function serveBlobs(store: BlobStore, stream: MessageStream, options: BlobServeOptions = {}): Promise<BlobServeEnd> {
  for (;;) {
    const bytes = await stream.receive()
    if (bytes === undefined) return { reason: 'closed' }
    let request: BlobMessage
    try {
      request = decodeBlobMessage(bytes)
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err
      stream.close()
      return { reason: 'malformed', error: err }
    }
    const replies = answer(store, request, options)
    if (replies === undefined) {
      stream.close()
      return { reason: 'unexpected', type: request.type }
    }
    // Storage failures (from the replies) propagate; a send that fails means the peer is gone.
    for await (const reply of replies) {
      const encoded = encodeBlobMessage(reply)
      try {
        await stream.send(encoded)
      } catch {
        stream.close()
        return { reason: 'closed' }
      }
    }
  }
}

/** The replies to one request, in order; undefined when the message is not a request. */
function answer(store: BlobStore, request: BlobMessage, options: BlobServeOptions): AsyncGenerator<BlobMessage> | undefined {
  switch (request.type) {
    case 'blob-want':
      return (async function* () {
        const manifest = await store.manifest(request.id)
        yield manifest ? { type: 'blob-manifest', manifest } : { type: 'blob-error', id: request.id, code: 'unknown-blob' }
      })()
    case 'chunk-get':
      return (async function* () {
        const { id, chunks } = request
        const manifest = await store.manifest(id)
        if (manifest === undefined) {
          yield { type: 'blob-error', id, code: 'unknown-blob' }
          return
        }
        if (chunks.some((i) => i >= manifest.hashes.length)) {
          yield { type: 'blob-error', id, code: 'bad-request' }
          return
        }
        const missing: number[] = []
        for (const index of chunks) {
          const data = await store.chunk(id, index)
          if (data === undefined) {
            missing.push(index)
            continue
          }
          options.onChunkSent?.(index)
          yield { type: 'chunk', id, index, data }
        }
        if (missing.length > 0) yield { type: 'blob-error', id, code: 'missing', chunks: missing }
      })()
    default:
      return undefined
  }
}
