/**
 * Sync conversations over libp2p (PROTOCOL.md §8.10, §10.7): protocol
 * `/hearth/sync/1.0.0`, one conversation per stream, each message one frame
 * of at most 1,048,576 bytes.
 *
 * The responder is passed in (net implements the client's ports and imports
 * their types, not the engines; apps compose):
 *
 *     await handleSync(node, (stream) => serveSyncConversation(stream, lookup))
 *     const report = await syncRoom(replica, peers.map((p) => syncPeerOf(node, p)))
 */
import { encodeSyncWire, MAX_SYNC_WIRE_BYTES } from '@hearth/protocol'
import type { PeerId } from '@libp2p/interface'
import type { MessageStream } from './message-stream.ts'
import {
  dialProtocol, serveProtocol, type DialOptions, type ServeOptions, type StreamNode, type StreamPeer, type StreamService
} from './stream-service.ts'

/** The sync protocol id. */
export const SYNC_PROTOCOL = '/hearth/sync/1.0.0'

/** Largest sync frame (a `sync-records` answer, §8.10.1). */
export const SYNC_FRAME_BYTES = MAX_SYNC_WIRE_BYTES

/** Defaults of the responder: conversations per peer and in all, and the wait for the initiator's next request. */
export const SYNC_SERVE_DEFAULTS = { maxPerPeer: 4, maxTotal: 64, idleTimeoutMs: 60_000 } as const

/** Serves one conversation (the client's `serveSyncConversation` with its lookup and limits). */
export type SyncConversationServer = (stream: MessageStream, peer: string) => Promise<unknown>

/** Answer sync conversations on `node` with `serve`, within the concurrency limits; `busy` over them. */
export function handleSync(node: StreamNode, serve: SyncConversationServer, options: ServeOptions = {}): Promise<StreamService> {
  return serveProtocol(node, {
    protocol: SYNC_PROTOCOL,
    maxFrameBytes: SYNC_FRAME_BYTES,
    defaults: SYNC_SERVE_DEFAULTS,
    serve,
    busy: refuseSyncBusy
  }, options)
}

/** A peer the sync engine can open conversations with (the client's `SyncPeer`). */
export function syncPeerOf(node: StreamNode, peer: PeerId, options: DialOptions = {}): StreamPeer<MessageStream> {
  return {
    id: peer.toString(),
    open: () => dialProtocol(node, peer, SYNC_PROTOCOL, SYNC_FRAME_BYTES, options)
  }
}

/**
 * Refuse a conversation as `busy` (§8.10.2): a responder never speaks
 * unasked, so it waits for the first request, answers it with
 * `sync-error busy`, and ends the conversation.
 */
async function refuseSyncBusy(stream: MessageStream): Promise<void> {
  const first = await stream.receive()
  if (first === undefined) return
  await stream.send(encodeSyncWire({ type: 'sync-error', code: 'busy', detail: 'too many conversations; try later' }))
}
