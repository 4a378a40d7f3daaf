/**
 * The two ports the sync engine talks through: a stream of whole messages
 * (one per conversation; libp2p carries it as length-prefixed frames on one
 * stream, tests wire two ends back to back) and a timer, injected so tests
 * decide when a request times out.
 */

/** One end of an ordered, reliable conversation carrying whole messages. */
export interface MessageStream {
  /** Send one whole message. May wait for back-pressure; throws once the stream is closed or broken. */
  send(message: Uint8Array): void | Promise<void>
  /** The next message, or undefined once the other end closed (or the stream broke). */
  receive(): Promise<Uint8Array | undefined>
  /** Close our end; the other end's `receive` then yields undefined. Idempotent. */
  close(): void
}

/** A peer the initiator can sync with: its id (for reports and fetch planning) and how to open a conversation. */
export interface SyncPeer {
  readonly id: string
  /** Open a new conversation with the peer (for libp2p: dial and open a stream on the sync protocol). */
  open(): Promise<MessageStream>
}

/** A cancellable wait. */
export interface Sleep {
  readonly done: Promise<void>
  cancel(): void
}

/** Timers the engine uses for request timeouts; inject a fake one in tests. */
export interface SyncTimers {
  sleep(ms: number): Sleep
}

/** Timers on `setTimeout`. */
export const realTimers: SyncTimers = {
  sleep(ms) {
    let handle: ReturnType<typeof setTimeout> | undefined
    const done = new Promise<void>((resolve) => { handle = setTimeout(resolve, ms) })
    return { done, cancel: () => { clearTimeout(handle) } }
  }
}
