/**
 * Archive requests over libp2p (PROTOCOL.md §10.9): protocol
 * `/hearth/archive/1.0.0`, one request per stream. The requester sends one
 * `archive-request` (an invite link), the daemon answers one
 * `archive-answer` (`archiving` or `refused`, with a reason) and closes.
 *
 * The decision is the daemon's (its archiver, passed in); this module is the
 * conversation, its limits and timeouts, and what a hostile peer can do to
 * it (nothing but get `refused`). It runs over limited (relayed) connections
 * too, as sync and blobs do (stream-service.ts): a request and its answer
 * are far below a relay's data limit.
 *
 *     await handleArchiveRequests(node, (invite, from) => archiver.request(invite, from))
 *     const { status, detail } = await requestArchive(node, daemonPeerId, inviteLink)
 */
import {
  archiveDetail, ARCHIVE_STATUSES, decodeArchiveAnswer, decodeArchiveRequest, encodeArchiveAnswer, encodeArchiveRequest,
  MAX_ARCHIVE_REQUEST_BYTES, ProtocolError, type ArchiveDecision
} from '@hearth/protocol'
import { systemClock, withTimeout, type Clock } from '@hearth/client'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import type { FramedStream } from './message-stream.ts'
import { StreamClosedError } from './errors.ts'
import { dialProtocol, serveProtocol, type ServeOptions, type StreamNode, type StreamService } from './stream-service.ts'

/** The archive request protocol id. */
export const ARCHIVE_PROTOCOL = '/hearth/archive/1.0.0'

/** Largest archive frame (an `archive-request` with the longest invite; answers are at most 512 bytes). */
export const ARCHIVE_FRAME_BYTES = MAX_ARCHIVE_REQUEST_BYTES

/**
 * Defaults of the daemon: requests served at once per peer and in all, and
 * the wait for the request once the stream is open (it is sent at once).
 */
export const ARCHIVE_SERVE_DEFAULTS = { maxPerPeer: 2, maxTotal: 32, idleTimeoutMs: 10_000 } as const

/** Longest the daemon waits for its handler's decision before answering `refused`. */
export const ARCHIVE_DECISION_TIMEOUT_MS = 10_000

/** Longest a requester waits, from dialling to the answer. */
export const ARCHIVE_REQUEST_TIMEOUT_MS = 20_000

/**
 * Decides a request: `invite` is the request's text (not parsed: the
 * handler verifies it), `from` the requester's peer id. Answer at once;
 * anything slow (joining the room) belongs in the background.
 */
export type ArchiveRequestHandler = (invite: string, from: string) => Promise<ArchiveDecision>

/** Options of {@link handleArchiveRequests}. */
export interface ArchiveServeOptions extends ServeOptions {
  /** Longest wait for the handler; then the answer is `refused`. @default ARCHIVE_DECISION_TIMEOUT_MS */
  readonly decisionTimeoutMs?: number
}

/**
 * Answer archive requests on `node` with `handler`, within the concurrency
 * limits (`refused` with "busy" over them). A request that does not decode
 * is answered `refused` with the decoder's reason; a handler that throws or
 * takes too long gives `refused` (and `onError` for the throw). One answer
 * per stream, then the stream is closed.
 */
export function handleArchiveRequests(node: StreamNode, handler: ArchiveRequestHandler, options: ArchiveServeOptions = {}): Promise<StreamService> {
  const clock = options.clock ?? systemClock
  const decisionTimeoutMs = options.decisionTimeoutMs ?? ARCHIVE_DECISION_TIMEOUT_MS
  return serveProtocol(node, {
    protocol: ARCHIVE_PROTOCOL,
    maxFrameBytes: ARCHIVE_FRAME_BYTES,
    defaults: ARCHIVE_SERVE_DEFAULTS,
    serve: async (stream, peer) => {
      const first = await stream.receive()
      if (first === undefined) return
      let invite: string
      try {
        invite = decodeArchiveRequest(first).invite
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err
        await answer(stream, { status: 'refused', detail: `malformed request: ${err.name}: ${err.message}` })
        return
      }
      await answer(stream, await decide(handler, invite, peer, clock, decisionTimeoutMs, options.onError))
    },
    busy: async (stream) => {
      const first = await stream.receive()
      if (first === undefined) return
      await answer(stream, { status: 'refused', detail: 'busy: too many archive requests at once; try again later' })
    }
  }, options)
}

/** Run the handler within its time; a throw or a timeout is `refused` (this daemon's fault, not the peer's). */
async function decide(
  handler: ArchiveRequestHandler, invite: string, peer: string, clock: Clock, timeoutMs: number, onError: ServeOptions['onError']
): Promise<ArchiveDecision> {
  const outcome = await withTimeout(handler(invite, peer).then((decision) => ({ decision }), (error: unknown) => ({ error })), clock, timeoutMs)
  if (outcome === 'timeout') return { status: 'refused', detail: 'the daemon could not decide in time; try again later' }
  if ('error' in outcome) {
    onError?.(outcome.error, peer)
    return { status: 'refused', detail: 'the daemon failed to handle the request' }
  }
  return outcome.decision
}

/** Send one answer, made valid first: a handler's status is checked and its detail made one short line. */
async function answer(stream: FramedStream, decision: ArchiveDecision): Promise<void> {
  const status = (ARCHIVE_STATUSES as readonly string[]).includes(decision.status) ? decision.status : 'refused'
  const detail = typeof decision.detail === 'string' ? archiveDetail(decision.detail) : undefined
  await stream.send(encodeArchiveAnswer(detail === undefined ? { status } : { status, detail }))
}

/** Why a request got no answer. */
export type ArchiveRequestFailure =
  /** The stream could not be opened (no connection, or the peer does not speak the protocol). */
  | 'unreachable'
  /** No answer within the time allowed. */
  | 'timeout'
  /** The peer hung up, or the stream broke, before answering. */
  | 'closed'
  /** The answer is not a valid `archive-answer` (the `cause` is the decoder's or the framing's error). */
  | 'malformed'
  /** The caller's signal aborted the request. */
  | 'aborted'

/** A request that got no (valid) answer. A `refused` answer is an answer, not this error. */
export class ArchiveRequestError extends Error {
  override readonly name = 'ArchiveRequestError'
  readonly reason: ArchiveRequestFailure
  constructor(reason: ArchiveRequestFailure, message: string, options?: ErrorOptions) {
    super(message, options)
    this.reason = reason
  }
}

/** Options of {@link requestArchive}. */
export interface RequestArchiveOptions {
  /** Aborts the request (rejects with reason `aborted`). */
  readonly signal?: AbortSignal
  /** Longest wait from dialling to the answer. @default ARCHIVE_REQUEST_TIMEOUT_MS */
  readonly timeoutMs?: number
  /** @default systemClock */
  readonly clock?: Clock
}

/**
 * Ask `peer` to archive the room of `invite` (a link, §4.3). Resolves with
 * its answer (`archiving`, or `refused` and why). Rejects with
 * {@link ArchiveRequestError} when there is no valid answer, and with the
 * encoder's ProtocolError, before dialling, for an invite no daemon would
 * accept (empty, over 8,192 bytes, more than one line).
 */
export async function requestArchive(node: StreamNode, peer: PeerId | string, invite: string, options: RequestArchiveOptions = {}): Promise<ArchiveDecision> {
  const request = encodeArchiveRequest({ invite })
  const peerId = typeof peer === 'string' ? peerIdFromString(peer) : peer
  const clock = options.clock ?? systemClock
  const timeoutMs = options.timeoutMs ?? ARCHIVE_REQUEST_TIMEOUT_MS
  const signal = options.signal
  if (signal?.aborted === true) throw new ArchiveRequestError('aborted', 'the archive request was aborted', { cause: signal.reason })

  let stream: FramedStream | undefined
  let over = false
  const exchange = async (): Promise<ArchiveDecision> => {
    try {
      stream = await dialProtocol(node, peerId, ARCHIVE_PROTOCOL, ARCHIVE_FRAME_BYTES, { clock, openTimeoutMs: Math.min(15_000, timeoutMs) })
    } catch (err) {
      throw new ArchiveRequestError('unreachable', `cannot open ${ARCHIVE_PROTOCOL} to ${peerId.toString()}: ${messageOf(err)}`, { cause: err })
    }
    if (over) {
      stream.abort(new StreamClosedError('the archive request is over'))
      throw new ArchiveRequestError('closed', 'the request ended before the stream opened')
    }
    let bytes: Uint8Array | undefined
    try {
      await stream.send(request)
      bytes = await stream.receive()
    } catch (err) {
      if (err instanceof ProtocolError) throw new ArchiveRequestError('malformed', `the answer is not a valid frame: ${err.message}`, { cause: err })
      throw new ArchiveRequestError('closed', `the stream broke: ${messageOf(err)}`, { cause: err })
    }
    if (bytes === undefined) throw new ArchiveRequestError('closed', 'the peer hung up without answering')
    let decision: ArchiveDecision
    try {
      decision = decodeArchiveAnswer(bytes)
    } catch (err) {
      throw new ArchiveRequestError('malformed', `the answer does not decode: ${messageOf(err)}`, { cause: err })
    }
    stream.close()
    return decision
  }

  const timer = clock.after(timeoutMs)
  let onAbort: (() => void) | undefined
  const stopped = new Promise<never>((_resolve, reject) => {
    void timer.promise.then(() => { reject(new ArchiveRequestError('timeout', `no answer within ${timeoutMs} ms`)) })
    onAbort = () => { reject(new ArchiveRequestError('aborted', 'the archive request was aborted', { cause: signal?.reason })) }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([exchange(), stopped])
  } catch (err) {
    stream?.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  } finally {
    over = true
    timer.cancel()
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort)
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
