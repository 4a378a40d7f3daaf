/**
 * What the sync and blob protocols share on libp2p: register a handler that
 * wraps each incoming stream as a whole-message stream and serves it within
 * the concurrency limits (answering `busy` over them), and open outgoing
 * conversations by dialling the protocol. `stop()` unregisters the handler
 * and ends the conversations being served.
 *
 * Both run over limited (relayed) connections too (§10.7): a peer reachable
 * only through a relay still syncs. A direct connection is used when there is
 * one; a relayed one already open is reused rather than dialling another.
 */
import type { AbortOptions, Libp2p, PeerId } from '@libp2p/interface'
import { systemClock, type Clock } from '@hearth/client'
import { ConversationSlots, type ConversationLimits } from './conversation-slots.ts'
import { FramedStream } from './message-stream.ts'
import { StreamClosedError } from './errors.ts'

/** The part of libp2p the stream protocols use (`getConnections` lets a dial reuse an open relayed connection). */
export type StreamHost = Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'> & Partial<Pick<Libp2p, 'getConnections'>>

/** A node with libp2p (a `HearthNode`, or anything shaped like one). */
export interface StreamNode {
  readonly libp2p: StreamHost
}

/** Options of a served protocol. */
export interface ServeOptions extends Partial<ConversationLimits> {
  /** @default systemClock */
  readonly clock?: Clock
  /** Longest wait for the initiator's next message; then the stream is aborted. @default per protocol */
  readonly idleTimeoutMs?: number
  /** Longest wait for the initiator to take what we send. @default 15000 */
  readonly drainTimeoutMs?: number
  /** After closing, how long the initiator has to close its end. @default 5000 */
  readonly closeGraceMs?: number
  /** Called when serving one conversation failed locally (storage) — never for what a peer sends. */
  readonly onError?: (err: unknown, peer: string) => void
  /** Called when a conversation is refused as busy (for metrics and tests). */
  readonly onBusy?: (peer: string) => void
}

/** A protocol being served. */
export interface StreamService {
  readonly protocol: string
  /** Conversations being served now. */
  readonly active: number
  /** Unregister the protocol and end the conversations being served. */
  stop(): Promise<void>
}

/** A peer to open conversations with (structurally the client's `SyncPeer`). */
export interface StreamPeer<S = FramedStream> {
  readonly id: string
  open(): Promise<S>
}

/** Options of dialling a protocol. */
export interface DialOptions {
  /** @default systemClock */
  readonly clock?: Clock
  /** Give up opening after this long. @default 15000 */
  readonly openTimeoutMs?: number
  /** Longest wait for one message. @default none: the engines time their own requests */
  readonly receiveTimeoutMs?: number
  /** Longest wait for the peer to take what we send. @default 15000 */
  readonly drainTimeoutMs?: number
  /** @default 5000 */
  readonly closeGraceMs?: number
}

/** How a protocol frames and serves its conversations. */
export interface ProtocolSpec {
  readonly protocol: string
  readonly maxFrameBytes: number
  readonly defaults: ConversationLimits & { readonly idleTimeoutMs: number }
  /** Serve one conversation; resolves when it is over. */
  readonly serve: (stream: FramedStream, peer: string) => Promise<unknown>
  /** Refuse one conversation as busy (read the first request, answer `busy`). */
  readonly busy: (stream: FramedStream) => Promise<void>
}

/** Register `spec.protocol` on `node`. */
export async function serveProtocol(node: StreamNode, spec: ProtocolSpec, options: ServeOptions = {}): Promise<StreamService> {
  const slots = new ConversationSlots({
    maxPerPeer: options.maxPerPeer ?? spec.defaults.maxPerPeer,
    maxTotal: options.maxTotal ?? spec.defaults.maxTotal
  })
  const clock = options.clock ?? systemClock
  const active = new Set<FramedStream>()
  let stopped = false

  const run = async (stream: FramedStream, peer: string): Promise<void> => {
    active.add(stream)
    const release = slots.acquire(peer)
    try {
      if (release === undefined) {
        options.onBusy?.(peer)
        await spec.busy(stream)
      } else {
        await spec.serve(stream, peer)
      }
    } catch (err) {
      // A stream that broke (closed, timed out, bad frame) is the peer's doing; anything else is ours.
      if (!isStreamFailure(err, stream)) options.onError?.(err, peer)
    } finally {
      release?.()
      active.delete(stream)
      stream.close()
    }
  }

  await node.libp2p.handle(spec.protocol, (raw, connection) => {
    const stream = new FramedStream(raw, {
      maxFrameBytes: spec.maxFrameBytes,
      clock,
      receiveTimeoutMs: options.idleTimeoutMs ?? spec.defaults.idleTimeoutMs,
      drainTimeoutMs: options.drainTimeoutMs ?? 15_000,
      closeGraceMs: options.closeGraceMs ?? 5000
    })
    if (stopped) {
      stream.abort(new StreamClosedError('the protocol is stopping'))
      return
    }
    void run(stream, connection.remotePeer.toString())
  }, {
    // Leave libp2p's own per-connection cap above ours, so that we, not a reset, answer `busy`.
    maxInboundStreams: (options.maxPerPeer ?? spec.defaults.maxPerPeer) + 4,
    // Relay fallback (§10.1): serve peers we reach only through a relay.
    runOnLimitedConnection: true
  })

  return {
    protocol: spec.protocol,
    get active() {
      return slots.total
    },
    async stop() {
      if (stopped) return
      stopped = true
      await node.libp2p.unhandle(spec.protocol)
      for (const stream of active) stream.abort(new StreamClosedError('the protocol stopped'))
    }
  }
}

/** Dial `peer` on `protocol` and wrap the stream. */
export async function dialProtocol(node: StreamNode, peer: PeerId, protocol: string, maxFrameBytes: number, options: DialOptions = {}): Promise<FramedStream> {
  const clock = options.clock ?? systemClock
  const controller = new AbortController()
  const timer = clock.after(options.openTimeoutMs ?? 15_000)
  void timer.promise.then(() => { controller.abort(new Error(`opening ${protocol} timed out`)) })
  const abort: AbortOptions & { runOnLimitedConnection: true } = { signal: controller.signal, runOnLimitedConnection: true }
  try {
    // libp2p's dial reuses only unlimited connections; with none, it would dial the relay again.
    const open = node.libp2p.getConnections?.(peer).filter((c) => c.status === 'open') ?? []
    const relayed = open.every((c) => c.limits !== undefined) ? open[0] : undefined
    const raw = relayed !== undefined ? await relayed.newStream(protocol, abort) : await node.libp2p.dialProtocol(peer, protocol, abort)
    return new FramedStream(raw, {
      maxFrameBytes,
      clock,
      ...(options.receiveTimeoutMs === undefined ? {} : { receiveTimeoutMs: options.receiveTimeoutMs }),
      drainTimeoutMs: options.drainTimeoutMs ?? 15_000,
      closeGraceMs: options.closeGraceMs ?? 5000
    })
  } finally {
    timer.cancel()
  }
}

function isStreamFailure(err: unknown, stream: FramedStream): boolean {
  return err === stream.failure || (err instanceof Error && err.name === 'StreamClosedError')
}
