/**
 * Blob transfer over libp2p (PROTOCOL.md §9.5, §10.7): protocol
 * `/hearth/blob/1.0.0`, one stream per fetch from one holder, each message
 * one frame of at most 262,400 bytes (a `chunk`).
 *
 * The holder's loop (the client's `serveBlobs`) is passed in, as for sync:
 *
 *     await handleBlobs(node, (stream) => serveBlobs(blobStore, stream))
 *     const { opened } = await openPeers(holders.map((p) => blobPeerOf(node, p)))
 *     await new BlobFetcher(blobStore).fetch(id, opened)
 */
import { decodeBlobMessage, encodeBlobMessage, MAX_BLOB_MESSAGE_BYTES, type Bytes } from '@hearth/protocol'
import type { PeerId } from '@libp2p/interface'
import type { MessageStream } from './message-stream.ts'
import {
  dialProtocol, serveProtocol, type DialOptions, type ServeOptions, type StreamNode, type StreamPeer, type StreamService
} from './stream-service.ts'

/** The blob protocol id. */
export const BLOB_PROTOCOL = '/hearth/blob/1.0.0'

/** Largest blob frame (a `chunk` message, §9.4). */
export const BLOB_FRAME_BYTES = MAX_BLOB_MESSAGE_BYTES

/**
 * Defaults of the holder. A fetcher may leave a stream quiet while other
 * peers deliver (§9.6), so the wait for its next request is long.
 */
export const BLOB_SERVE_DEFAULTS = { maxPerPeer: 8, maxTotal: 64, idleTimeoutMs: 120_000 } as const

/** Serves one fetcher's stream (the client's `serveBlobs` on a store). */
export type BlobStreamServer = (stream: MessageStream, peer: string) => Promise<unknown>

/** Serve blob requests on `node` with `serve`, within the concurrency limits; `busy` over them. */
export function handleBlobs(node: StreamNode, serve: BlobStreamServer, options: ServeOptions = {}): Promise<StreamService> {
  return serveProtocol(node, {
    protocol: BLOB_PROTOCOL,
    maxFrameBytes: BLOB_FRAME_BYTES,
    defaults: BLOB_SERVE_DEFAULTS,
    serve,
    busy: refuseBlobBusy
  }, options)
}

/** A holder to open a blob stream to. */
export function blobPeerOf(node: StreamNode, peer: PeerId, options: DialOptions = {}): StreamPeer<MessageStream> {
  return {
    id: peer.toString(),
    open: () => dialProtocol(node, peer, BLOB_PROTOCOL, BLOB_FRAME_BYTES, options)
  }
}

/** Peers with a stream open, and the ones that could not be opened. */
export interface OpenedPeers<S> {
  /** In the order given (the client's `BlobPeer` shape). */
  readonly opened: readonly { readonly id: string; readonly stream: S }[]
  readonly failed: readonly { readonly id: string; readonly error: unknown }[]
}

/** Open a stream to each peer at once; a peer that cannot be reached is listed in `failed`. */
export async function openPeers<S>(peers: readonly StreamPeer<S>[]): Promise<OpenedPeers<S>> {
  const outcomes = await Promise.allSettled(peers.map((p) => p.open()))
  const opened: { id: string; stream: S }[] = []
  const failed: { id: string; error: unknown }[] = []
  outcomes.forEach((outcome, i) => {
    const id = (peers[i] as StreamPeer<S>).id
    if (outcome.status === 'fulfilled') opened.push({ id, stream: outcome.value })
    else failed.push({ id, error: outcome.reason })
  })
  return { opened, failed }
}

/**
 * Refuse a fetcher as `busy` (§9.4): answer its first request with
 * `blob-error busy` for the blob it names (nothing else is sent), then end
 * the stream. A first message that is not a request just ends it.
 */
async function refuseBlobBusy(stream: MessageStream): Promise<void> {
  const first = await stream.receive()
  if (first === undefined) return
  let id: Bytes
  try {
    const request = decodeBlobMessage(first, ['blob-want', 'chunk-get'])
    if (request.type !== 'blob-want' && request.type !== 'chunk-get') return
    id = request.id
  } catch {
    return
  }
  await stream.send(encodeBlobMessage({ type: 'blob-error', id, code: 'busy' }))
}
