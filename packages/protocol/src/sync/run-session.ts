/**
 * Run a reconciliation between two stores in one process, back to back, to
 * completion (PROTOCOL.md §8.6): what a peer does when both sets are local,
 * and what tests and benchmarks use to measure messages and bytes.
 */
import type { ReconcileStore } from './item-store.ts'
import { initiateReconcile, respondReconcile, type ReconcileOptions, type ReconcileSession } from './reconcile.ts'

/** A local run that needs more messages than this is a bug, not a big difference. */
const MAX_LOCAL_MESSAGES = 10_000

/** What a back-to-back run sent and learned. */
export interface RunResult {
  readonly initiator: ReconcileSession
  readonly responder: ReconcileSession
  /** Messages sent, both directions. */
  readonly messages: number
  /** Bytes sent, both directions. */
  readonly bytes: number
  /** Largest single message. */
  readonly largest: number
}

/** Run a session between `a` (initiator) and `b` (responder) until both are done. */
export function runSession(a: ReconcileStore, b: ReconcileStore, options?: ReconcileOptions, optionsB?: ReconcileOptions): RunResult {
  const { session: initiator, message } = initiateReconcile(a, options)
  let messages = 1
  let bytes = message.length
  let largest = message.length
  const first = respondReconcile(b, message, optionsB ?? options)
  const responder = first.session
  let reply = first.reply
  let turn: ReconcileSession = initiator
  while (reply !== undefined) {
    messages++
    bytes += reply.length
    largest = Math.max(largest, reply.length)
    if (messages > MAX_LOCAL_MESSAGES) throw new Error('runaway session')
    reply = turn.receive(reply).reply
    turn = turn === initiator ? responder : initiator
  }
  if (!initiator.done || !responder.done) throw new Error('a session stopped without finishing')
  return { initiator, responder, messages, bytes, largest }
}
