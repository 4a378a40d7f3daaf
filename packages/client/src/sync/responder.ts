/**
 * The responder's side of a sync conversation (PROTOCOL.md §8.10): serve
 * the rooms this peer replicates to one incoming conversation. It answers
 * reconciliation sessions from a snapshot of the log, serves fetches from
 * stored records, and refuses what it cannot or will not do with a
 * `sync-error`. Every request is bounded (the decoder's limits, the
 * session's rounds) and so is the conversation (sessions, requests, bytes
 * out), so a hostile initiator costs a bounded amount of work.
 *
 * The responder never ingests anything: it only reads. A peer that wants
 * our records pulls them; a peer that wants to give us records opens its
 * own conversation the other way.
 */
import {
  decodeSyncWire, encodeSyncWire, equalBytes, ProtocolError, recordId, recordsThatFit, respondReconcile, toHex,
  type Bytes, type ReconcileOptions, type ReconcileSession, type SyncErrorCode, type SyncWireMessage
} from '@hearth/protocol'
import type { LogRef, SyncReplica } from './replica.ts'
import type { MessageStream } from '../transport/message-stream.ts'

/** Per-conversation limits of the responder. */
export interface ResponderOptions {
  /** Most reconciliation sessions (sync-open) in one conversation. @default 4096 */
  readonly maxSessions?: number
  /** Most requests of any kind in one conversation. @default 100_000 */
  readonly maxRequests?: number
  /** Most bytes sent in one conversation. @default 1 GiB */
  readonly maxBytesOut?: number
  /** Session options (rounds, depth, branching). */
  readonly reconcile?: ReconcileOptions
}

/** How a conversation ended, for logs and tests. */
export interface ConversationSummary {
  readonly requests: number
  readonly sessions: number
  readonly recordsSent: number
  readonly bytesOut: number
  /** Set when we ended it with a sync-error (or undefined: the initiator closed). */
  readonly refused?: SyncErrorCode
}

/** Which room replicas this peer serves. */
export type ReplicaLookup = (room: Bytes) => SyncReplica | undefined

/** Thrown inside the loop to answer with a sync-error; `terminal` ends the conversation. */
class Refusal extends Error {
  override readonly name = 'Refusal'
  readonly code: SyncErrorCode
  readonly detail: string
  readonly terminal: boolean
  constructor(code: SyncErrorCode, detail: string, terminal = true) {
    super(`${code}: ${detail}`)
    this.code = code
    this.detail = detail.slice(0, 200)
    this.terminal = terminal
  }
}

/**
 * Serve one conversation until the initiator closes it or we refuse it.
 * Never throws for anything the initiator sends; a replica failure is
 * answered with `internal` and ends the conversation.
 */
export async function serveSyncConversation(stream: MessageStream, replicas: ReplicaLookup, options: ResponderOptions = {}): Promise<ConversationSummary> {
  const maxSessions = options.maxSessions ?? 4096
  const maxRequests = options.maxRequests ?? 100_000
  const maxBytesOut = options.maxBytesOut ?? 1 << 30
  let requests = 0
  let sessions = 0
  let recordsSent = 0
  let bytesOut = 0
  let session: ReconcileSession | undefined
  let refused: SyncErrorCode | undefined

  const send = async (message: SyncWireMessage): Promise<void> => {
    const bytes = encodeSyncWire(message)
    bytesOut += bytes.length
    await stream.send(bytes)
  }

  const handle = async (message: SyncWireMessage): Promise<void> => {
    switch (message.type) {
      case 'sync-open': {
        session = undefined
        if (++sessions > maxSessions) throw new Refusal('limit', `more than ${maxSessions} sessions`)
        const { replica, log } = resolve(replicas, message)
        const store = guard(() => replica.reconcileStore(log))
        const first = reconcileStep(() => respondReconcile(store, message.rbsr, options.reconcile))
        if (first.reply !== undefined) await send({ type: 'sync-msg', rbsr: first.reply })
        if (!first.done) session = first.session
        return
      }
      case 'sync-msg': {
        const open = session
        if (open === undefined) throw new Refusal('bad-message', 'sync-msg without an open session')
        const step = reconcileStep(() => open.receive(message.rbsr))
        if (step.done) session = undefined
        if (step.reply !== undefined) await send({ type: 'sync-msg', rbsr: step.reply })
        return
      }
      case 'sync-genesis': {
        const { replica } = resolve(replicas, message)
        const genesis = guard(() => replica.genesisRecord())
        await send({ type: 'sync-records', upto: 1, records: [Uint8Array.from(genesis)] })
        return
      }
      case 'sync-fetch': {
        const { replica, log } = resolve(replicas, message)
        let records: Uint8Array[]
        try {
          records = await replica.records(log, message.ids)
        } catch (err) {
          throw new Refusal('internal', `records: ${String(err)}`)
        }
        const fit = recordsThatFit(records)
        const upto = fit === records.length ? message.ids.length : positionOf(message.ids, records[fit] as Uint8Array)
        const sent = records.slice(0, fit).map((r) => Uint8Array.from(r))
        if (bytesOut + sent.reduce((n, r) => n + r.length, 0) > maxBytesOut) throw new Refusal('limit', `more than ${maxBytesOut} bytes`)
        recordsSent += sent.length
        await send({ type: 'sync-records', upto, records: sent })
        return
      }
      default:
        throw new Refusal('bad-message', `${message.type} is not a request`)
    }
  }

  for (;;) {
    const bytes = await stream.receive()
    if (bytes === undefined) break
    try {
      if (++requests > maxRequests) throw new Refusal('limit', `more than ${maxRequests} requests`)
      let message: SyncWireMessage
      try {
        message = decodeSyncWire(bytes)
      } catch (err) {
        if (err instanceof ProtocolError) throw new Refusal('bad-message', `${err.name}: ${err.message}`)
        throw err
      }
      await handle(message)
    } catch (err) {
      if (!(err instanceof Refusal)) throw err
      session = undefined
      await send({ type: 'sync-error', code: err.code, detail: err.detail }).catch(() => undefined)
      if (err.terminal) {
        refused = err.code
        break
      }
    }
  }
  stream.close()
  return { requests, sessions, recordsSent, bytesOut, ...(refused === undefined ? {} : { refused }) }
}

/** The replica and log a request names (§8.10.1: `channel`, `log`, or neither for the authority log). */
function resolve(replicas: ReplicaLookup, request: { readonly room: Bytes; readonly channel?: Bytes; readonly log?: 'profiles' }): { replica: SyncReplica; log: LogRef } {
  const { channel } = request
  const replica = guard(() => replicas(request.room))
  if (replica === undefined) throw new Refusal('unknown-room', 'this peer does not replicate the room')
  if (request.log === 'profiles') return { replica, log: { kind: 'profiles' } }
  if (channel === undefined) return { replica, log: { kind: 'authority' } }
  const known = guard(() => replica.channels()).some((c) => equalBytes(c, channel))
  if (!known) throw new Refusal('unknown-log', `channel ${toHex(channel)} is not defined here`, false)
  return { replica, log: { kind: 'channel', channel } }
}

/** Run a replica call; its failure is ours, answered as `internal`. */
function guard<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    throw new Refusal('internal', String(err))
  }
}

/** Run a session step; a rule the initiator broke is `bad-message`. */
function reconcileStep<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof ProtocolError) throw new Refusal('bad-message', `${err.name}: ${err.message}`)
    throw err
  }
}

/** Index in `ids` of the id of `record` (which `records()` returned for one of them). */
function positionOf(ids: readonly Bytes[], record: Uint8Array): number {
  const id = recordId(record)
  const at = ids.findIndex((x) => equalBytes(x, id))
  if (at < 0) throw new Refusal('internal', 'the replica returned a record that was not asked for')
  return at
}
