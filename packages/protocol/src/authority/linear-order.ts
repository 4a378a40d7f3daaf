/**
 * The one deterministic linear order of an authority log (PROTOCOL.md §6.3).
 *
 * 1. The creator's checkpoints form a chain (seq 1, 2, … each naming the
 *    previous as `prev` and having it as an ancestor). Where the creator
 *    signed several checkpoints with one seq, the lowest id is in the chain
 *    and the pair is kept as an equivocation proof.
 * 2. The order is segment after segment: the entries covered by checkpoint 1
 *    (its ancestors and itself), then those newly covered by checkpoint 2, …,
 *    then every entry no checkpoint covers (the provisional tail).
 * 3. Inside a segment, entries go by Lamport timestamp (so parents come before
 *    children); entries with the same timestamp are concurrent and are ordered
 *    by: owners first, then the seniority of the author's highest role (when
 *    it was granted; earlier first), then entry id. The first two are judged
 *    on the state after every earlier level, so a freshly generated key gains
 *    nothing: it has no role and no seniority.
 */
import { compareBytes, toHex } from '../bytes.ts'
import type { EntryNode } from './entry.ts'
import { isOwner, seniority, type AuthorityState } from './state.ts'

/** What the order needs to know about a stored entry. */
export interface OrderNode {
  readonly node: EntryNode
  readonly lamport: number
  /** Hex ids of the parents that are entries (the genesis root is left out). */
  readonly parents: readonly string[]
}

/** Compare two concurrent entries (same Lamport time) in `state`. */
export function compareConcurrent(state: AuthorityState, a: EntryNode, b: EntryNode): number {
  const authorA = toHex(a.entry.author)
  const authorB = toHex(b.entry.author)
  const ownerA = isOwner(state, authorA) ? 0 : 1
  const ownerB = isOwner(state, authorB) ? 0 : 1
  if (ownerA !== ownerB) return ownerA - ownerB
  const senA = seniority(state, authorA)
  const senB = seniority(state, authorB)
  if (senA !== senB) return senA - senB
  return compareBytes(a.id, b.id)
}

/**
 * Order one segment's entries and hand each to `apply` in order. `apply`
 * advances `state`; the tie-break of each Lamport level reads the state left
 * by the levels before it.
 */
export function orderSegment(
  entries: readonly OrderNode[],
  state: AuthorityState,
  apply: (node: OrderNode) => void
): void {
  const levels = new Map<number, OrderNode[]>()
  for (const e of entries) {
    const level = levels.get(e.lamport)
    if (level) level.push(e)
    else levels.set(e.lamport, [e])
  }
  const lamports = [...levels.keys()].sort((x, y) => x - y)
  for (const lamport of lamports) {
    const level = levels.get(lamport) as OrderNode[]
    if (level.length > 1) level.sort((x, y) => compareConcurrent(state, x.node, y.node))
    for (const e of level) apply(e)
  }
}

/** The entries of `start` and all their ancestors, stopping at ids in `stop`. */
export function ancestorsOf(
  start: string,
  nodes: ReadonlyMap<string, OrderNode>,
  stop: ReadonlySet<string>
): Set<string> {
  const seen = new Set<string>()
  const stack = [start]
  while (stack.length > 0) {
    const key = stack.pop() as string
    if (seen.has(key) || stop.has(key)) continue
    const n = nodes.get(key)
    if (!n) continue
    seen.add(key)
    for (const p of n.parents) stack.push(p)
  }
  return seen
}
