/**
 * The initiator's side of one conversation with one peer: requests and
 * their answers, one at a time, each within a timeout. Anything wrong with
 * the peer's side (a hang-up, a timeout, undecodable bytes, an answer of the
 * wrong kind) ends the conversation with a {@link SyncPeerError}, which the
 * caller turns into "move this peer's share to the others".
 */
import { decodeSyncWire, encodeSyncWire, ProtocolError, type SyncWireMessage } from '@hearth/protocol'
import { SyncPeerError, type SyncPeerFailure } from './errors.ts'
import type { SyncPeer } from './sync-peer.ts'
import type { MessageStream } from '../transport/message-stream.ts'
import { withTimeout, type Clock } from '../transport/clock.ts'

/** Traffic of one conversation, both directions. */
export interface LinkStats {
  messagesOut: number
  messagesIn: number
  bytesOut: number
  bytesIn: number
}

/** One open conversation with a peer (or the reason it is gone). */
export class PeerLink {
  readonly peer: string
  readonly stats: LinkStats = { messagesOut: 0, messagesIn: 0, bytesOut: 0, bytesIn: 0 }
  readonly #stream: MessageStream | undefined
  readonly #clock: Clock
  readonly #timeoutMs: number
  #failure: SyncPeerError | undefined

  private constructor(peer: string, stream: MessageStream | undefined, clock: Clock, timeoutMs: number, failure?: SyncPeerError) {
    this.peer = peer
    this.#stream = stream
    this.#clock = clock
    this.#timeoutMs = timeoutMs
    this.#failure = failure
  }

  /** Open a conversation; a peer that cannot be reached gives a link that has already failed. */
  static async open(peer: SyncPeer, clock: Clock, timeoutMs: number): Promise<PeerLink> {
    try {
      const stream = await withTimeout(peer.open(), clock, timeoutMs)
      if (stream === 'timeout') return new PeerLink(peer.id, undefined, clock, timeoutMs, new SyncPeerError(peer.id, 'unreachable', 'open timed out'))
      return new PeerLink(peer.id, stream, clock, timeoutMs)
    } catch (err) {
      return new PeerLink(peer.id, undefined, clock, timeoutMs, new SyncPeerError(peer.id, 'unreachable', String(err), { cause: err }))
    }
  }

  /** Why the conversation ended, if it did. */
  get failure(): SyncPeerError | undefined {
    return this.#failure
  }

  get alive(): boolean {
    return this.#failure === undefined
  }

  /**
   * Send `message` and, with `expectAnswer` (the default), wait for the
   * answer. Throws {@link SyncPeerError} (and ends the conversation) on a
   * hang-up, a timeout or undecodable bytes. A `sync-error` is returned for
   * the caller to judge.
   */
  async request(message: SyncWireMessage, expectAnswer?: true): Promise<SyncWireMessage>
  async request(message: SyncWireMessage, expectAnswer: false): Promise<undefined>
  async request(message: SyncWireMessage, expectAnswer = true): Promise<SyncWireMessage | undefined> {
    const stream = this.#live()
    const bytes = encodeSyncWire(message)
    try {
      await stream.send(bytes)
    } catch (err) {
      throw this.fail('closed', `send failed: ${String(err)}`, err)
    }
    this.stats.messagesOut++
    this.stats.bytesOut += bytes.length
    if (!expectAnswer) return undefined
    const answer = await withTimeout(stream.receive(), this.#clock, this.#timeoutMs).catch((err: unknown) => {
      throw this.fail('closed', `receive failed: ${String(err)}`, err)
    })
    if (answer === 'timeout') throw this.fail('timeout', `no answer to ${message.type} within ${this.#timeoutMs} ms`)
    if (answer === undefined) throw this.fail('closed', `hung up instead of answering ${message.type}`)
    this.stats.messagesIn++
    this.stats.bytesIn += answer.length
    try {
      return decodeSyncWire(answer)
    } catch (err) {
      if (err instanceof ProtocolError) throw this.fail('malformed', err.message, err)
      throw err
    }
  }

  /** End the conversation because of the peer; returns the error for the caller to throw. Keeps the first failure. */
  fail(reason: SyncPeerFailure, message: string, cause?: unknown): SyncPeerError {
    if (this.#failure === undefined) {
      this.#failure = new SyncPeerError(this.peer, reason, message, cause === undefined ? undefined : { cause })
      this.#stream?.close()
    }
    return this.#failure
  }

  /** Close a conversation that went well. */
  close(): void {
    this.#stream?.close()
  }

  #live(): MessageStream {
    if (this.#failure !== undefined) throw this.#failure
    if (this.#stream === undefined) throw new Error('a link without a stream has failed')
    return this.#stream
  }
}
