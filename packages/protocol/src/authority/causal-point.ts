/**
 * The state at a causal point (PROTOCOL.md §6.6): the replay of a set of
 * entries closed under ancestry — the entries a record's `auth` heads name
 * and all their ancestors — in the linear order of §6.3 computed from that
 * set alone.
 *
 * Why from the set alone: the tie-break between concurrent entries reads the
 * state, and the checkpoint chain decides the segments, so replaying the set
 * in the order of a larger log would let entries outside the causal past
 * reorder entries inside it. A channel event is judged at its causal point
 * once and for all (§7.4), so that state must not depend on what else a
 * peer happens to know.
 */
import { applyEntry } from './apply-entry.ts'
import { checkpointChain, type ChainCandidate } from './checkpoint-chain.ts'
import { ancestorsOf, orderSegment, type OrderNode } from './linear-order.ts'
import { initialState, type AuthorityState } from './state.ts'
import type { Genesis } from '../rooms/genesis.ts'

/** A stored entry as the log keeps it. */
export type PastEntry = OrderNode & ChainCandidate

/** Replay `past` (closed under ancestry) from the genesis in its own linear order. */
export function stateOfPast(genesis: Genesis, past: readonly PastEntry[]): AuthorityState {
  const nodes = new Map(past.map((s) => [s.node.key, s]))
  // Equivocation proofs are the full log's business; a causal point only needs its chain.
  const chain = checkpointChain(past, new Map())
  const state = initialState(genesis)
  const covered = new Set<string>()
  const apply = (s: OrderNode): void => { applyEntry(state, s.node) }
  for (const cp of chain) {
    const segment = ancestorsOf(cp, nodes, covered)
    for (const k of segment) covered.add(k)
    orderSegment([...segment].map((k) => nodes.get(k) as PastEntry), state, apply)
  }
  orderSegment(past.filter((s) => !covered.has(s.node.key)), state, apply)
  return state
}
