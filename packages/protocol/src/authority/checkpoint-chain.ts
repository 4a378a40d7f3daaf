/**
 * The creator's checkpoint chain (PROTOCOL.md §6.3, step 1): seq 1 without
 * `prev`, then each seq naming the previous link; where the creator signed
 * several checkpoints with one seq, the smallest id is chosen and the pair is
 * kept as proof of equivocation.
 */
import { toHex, type Bytes } from '../bytes.ts'
import type { EntryNode } from './entry.ts'

/** Two checkpoints the creator signed with one seq: proof that the sequencer equivocated. */
export interface EquivocationProof {
  readonly seq: number
  /** The two checkpoint entries' encodings; anyone can verify both signatures. */
  readonly a: Bytes
  readonly b: Bytes
}

/** What the chain needs to know of a stored entry. */
export interface ChainCandidate {
  readonly node: EntryNode
  /** A checkpoint whose author is the creator. */
  readonly checkpointCandidate: boolean
}

const byKey = (x: ChainCandidate, y: ChainCandidate): number => (x.node.key < y.node.key ? -1 : 1)

/**
 * The chosen chain (hex ids, seq 1 first) among `stored`. Equivocation
 * proofs found on the way are added to `proofs`, keyed so each pair is kept once.
 */
export function checkpointChain(stored: Iterable<ChainCandidate>, proofs: Map<string, EquivocationProof>): string[] {
  const bySeq = new Map<number, ChainCandidate[]>()
  for (const s of stored) {
    if (!s.checkpointCandidate || s.node.entry.act.op !== 'checkpoint') continue
    const seq = s.node.entry.act.seq
    const list = bySeq.get(seq) ?? []
    list.push(s)
    bySeq.set(seq, list)
  }
  for (const [seq, list] of bySeq) {
    if (list.length < 2) continue
    const [a, b] = [...list].sort(byKey) as [ChainCandidate, ChainCandidate]
    const id = `${seq}:${a.node.key}:${b.node.key}`
    if (!proofs.has(id)) proofs.set(id, { seq, a: a.node.bytes, b: b.node.bytes })
  }
  const chain: string[] = []
  for (let seq = 1; ; seq++) {
    const prev = chain[chain.length - 1]
    const candidates = (bySeq.get(seq) ?? []).filter((s) => {
      const act = s.node.entry.act
      if (act.op !== 'checkpoint') return false
      if (prev === undefined) return act.prev === undefined
      return act.prev !== undefined && toHex(act.prev) === prev
    })
    if (candidates.length === 0) return chain
    candidates.sort(byKey)
    chain.push((candidates[0] as ChainCandidate).node.key)
  }
}
