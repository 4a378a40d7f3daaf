/**
 * A peer the sync initiator can talk to: its id (for reports and fetch
 * planning) and how to open a conversation with it — one whole-message
 * stream per conversation (transport/message-stream.ts); libp2p carries it as
 * length-prefixed frames on one stream, tests wire two ends back to back.
 */
import type { MessageStream } from '../transport/message-stream.ts'

/** A peer to sync with. */
export interface SyncPeer {
  readonly id: string
  /** Open a new conversation with the peer (for libp2p: dial and open a stream on the sync protocol). */
  open(): Promise<MessageStream>
}
