/**
 * A room's authority log (PROTOCOL.md §6): the DAG of verified entries, its
 * deterministic linear order, and the state that replaying that order gives.
 *
 * `add` takes entries from anywhere (gossip, sync, storage) in any order:
 * malformed, forged, misplaced or mis-stamped ones are refused and never
 * stored; ones whose parents are missing wait (bounded) until the parents
 * arrive; the rest join the DAG and the order. Appending an entry that sorts
 * last costs O(1); one that lands inside the provisional tail replays the tail
 * from the snapshot at the last checkpoint.
 */
import { InvalidSignatureError, ProtocolError } from '../errors.ts'
import { equalBytes, fromHex, toHex, type Bytes } from '../bytes.ts'
import type { Keypair } from '../crypto/ed25519.ts'
import type { Genesis } from '../rooms/genesis.ts'
import type { Verified } from '../verified.ts'
import { applyEntry } from './apply-entry.ts'
import {
  decodeAuthorityEntry, genesisId, MAX_PARENTS, signAuthorityEntry, verifyAuthorityEntries, type Action, type EntryNode
} from './entry.ts'
import { ancestorsOf, orderSegment, type OrderNode } from './linear-order.ts'
import { AuthorityRejectedError } from './rejection.ts'
import { WaitingSet } from '../waiting-set.ts'
import { checkpointChain, type EquivocationProof } from './checkpoint-chain.ts'
import { cloneState, initialState, type AuthorityState } from './state.ts'
import { stateOfPast } from './causal-point.ts'

/** Entries decoded and sent to verification at once when adding a batch. */
const VERIFY_CHUNK = 256

/** Causal-point states kept by {@link AuthorityLog.stateAt}. */
const POINT_CACHE_LIMIT = 64

/** Most entries held while they wait for missing parents. */
export const MAX_PENDING = 10_000

/** One entry's place in the order, for the audit log. */
export interface OrderedEntry {
  readonly node: EntryNode
  /** Undefined when accepted; the reason when refused at this place. */
  readonly rejection?: AuthorityRejectedError
  /** Seq of the checkpoint that made this position final; undefined while provisional. */
  readonly checkpoint?: number
}

/** What {@link AuthorityLog.add} did with a batch. */
export interface AddResult {
  /** Entries that joined the DAG (whether accepted or refused at their place). */
  readonly added: readonly EntryNode[]
  /** Entries refused before storage (malformed, forged, wrong room, bad Lamport, duplicate, no room to wait). */
  readonly invalid: readonly ProtocolError[]
  /** Ids of entries some waiting entry names as parent and nobody has given us yet. */
  readonly missing: readonly Bytes[]
}

interface Stored extends OrderNode {
  readonly checkpointCandidate: boolean
}

/** The authority log of one room. */
export class AuthorityLog {
  readonly genesis: Verified<Genesis>
  readonly rootKey: string
  readonly #nodes = new Map<string, Stored>()
  readonly #pending = new WaitingSet<EntryNode>(MAX_PENDING)
  #order: OrderedEntry[] = []
  #positions = new Map<string, number>()
  #state: AuthorityState
  /** State and order length at the end of the last checkpoint's segment. */
  #final: { state: AuthorityState; length: number; covered: Set<string>; chain: string[] }
  readonly #equivocations = new Map<string, EquivocationProof>()
  readonly #pointCache = new Map<string, AuthorityState>()

  /** An empty log for the room of a verified genesis. */
  constructor(genesis: Verified<Genesis>) {
    this.genesis = genesis
    this.rootKey = toHex(genesisId(genesis))
    this.#state = initialState(genesis)
    this.#final = { state: cloneState(this.#state), length: 0, covered: new Set(), chain: [] }
  }

  /** The current derived state. Read it; never change it. */
  get state(): AuthorityState {
    return this.#state
  }

  /** Every stored entry in the linear order, with its status. */
  get entries(): readonly OrderedEntry[] {
    return this.#order
  }

  /** Number of stored entries. */
  get size(): number {
    return this.#nodes.size
  }

  /** Number of entries waiting for parents. */
  get pendingCount(): number {
    return this.#pending.size
  }

  /** Proofs that the creator signed two checkpoints with one seq. */
  get equivocations(): readonly EquivocationProof[] {
    return [...this.#equivocations.values()]
  }

  /** Whether the entry with this id is stored. */
  has(id: Uint8Array): boolean {
    return this.#nodes.has(toHex(id))
  }

  /** The stored entry with this id, if any. */
  get(id: Uint8Array): EntryNode | undefined {
    return this.#nodes.get(toHex(id))?.node
  }

  /** The place of an entry in the order and its status. */
  lookup(id: Uint8Array): OrderedEntry | undefined {
    const at = this.#positions.get(toHex(id))
    return at === undefined ? undefined : this.#order[at]
  }

  /**
   * The heads an author should name as parents: stored entries that no
   * stored entry names as parent (the genesis root when there are none), at
   * most {@link MAX_PARENTS}, newest first. Refused entries are included on
   * purpose: building on them anchors them before everything written later,
   * so a refused entry can never drift past a later promotion and take
   * effect (PROTOCOL.md §6.5).
   */
  heads(): { ids: Bytes[]; lamport: number } {
    const referenced = new Set<string>()
    for (const stored of this.#nodes.values()) for (const p of stored.parents) referenced.add(p)
    const heads = [...this.#nodes.values()]
      .filter((s) => !referenced.has(s.node.key))
      .sort((a, b) => b.lamport - a.lamport || (a.node.key < b.node.key ? -1 : 1))
      .slice(0, MAX_PARENTS)
    if (heads.length === 0) return { ids: [fromHex(this.rootKey)], lamport: 1 }
    return { ids: heads.map((h) => h.node.id), lamport: 1 + Math.max(...heads.map((h) => h.lamport)) }
  }

  /**
   * Decode, verify and add entries given as bytes. Large batches (sync) are
   * pipelined: while WebCrypto verifies one chunk on its worker threads, the
   * main thread decodes the next.
   */
  async add(encoded: readonly Uint8Array[]): Promise<AddResult> {
    const invalid: ProtocolError[] = []
    const added: EntryNode[] = []
    const seen = new Set<string>()
    let inflight: Promise<void> = Promise.resolve()
    for (let start = 0; start < encoded.length; start += VERIFY_CHUNK) {
      const nodes: EntryNode[] = []
      for (const bytes of encoded.slice(start, start + VERIFY_CHUNK)) {
        try {
          nodes.push(decodeAuthorityEntry(bytes))
        } catch (err) {
          if (err instanceof ProtocolError) invalid.push(err)
          else throw err
        }
      }
      const fresh = this.#screen(nodes, seen, invalid)
      const verifying = verifyAuthorityEntries(fresh)
      await inflight
      inflight = verifying.then((verified) => { this.#insertVerified(verified, added, invalid) })
    }
    await inflight
    if (added.length > 0) this.#integrate(added)
    return { added, invalid, missing: this.missingParents() }
  }

  /** Verify and add decoded entries. */
  async addNodes(nodes: readonly EntryNode[]): Promise<AddResult> {
    const invalid: ProtocolError[] = []
    const added: EntryNode[] = []
    const fresh = this.#screen(nodes, new Set(), invalid)
    this.#insertVerified(await verifyAuthorityEntries(fresh), added, invalid)
    if (added.length > 0) this.#integrate(added)
    return { added, invalid, missing: this.missingParents() }
  }

  /** Refuse duplicates and other rooms' entries; `seen` spans one batch. */
  #screen(nodes: readonly EntryNode[], seen: Set<string>, invalid: ProtocolError[]): EntryNode[] {
    const fresh: EntryNode[] = []
    for (const node of nodes) {
      if (this.#nodes.has(node.key) || this.#pending.has(node.key) || seen.has(node.key)) {
        invalid.push(new AuthorityRejectedError('duplicate', 'entry is already known'))
      } else if (!equalBytes(node.entry.room, this.#state.room)) {
        invalid.push(new AuthorityRejectedError('wrong-room', 'entry belongs to another room'))
      } else {
        seen.add(node.key)
        fresh.push(node)
      }
    }
    return fresh
  }

  #insertVerified(verified: readonly (Verified<EntryNode> | InvalidSignatureError)[], added: EntryNode[], invalid: ProtocolError[]): void {
    for (const v of verified) {
      if (v instanceof InvalidSignatureError) invalid.push(new AuthorityRejectedError('bad-signature', v.message))
      else this.#insert(v, added, invalid)
    }
  }

  /** Ids named as parents by waiting entries that are neither stored nor waiting themselves. */
  missingParents(): Bytes[] {
    return this.#pending.wanted().map(fromHex)
  }

  #insert(node: EntryNode, added: EntryNode[], invalid: ProtocolError[]): void {
    const missing = new Set<string>()
    for (const p of node.entry.parents) {
      const key = toHex(p)
      if (key !== this.rootKey && !this.#nodes.has(key)) missing.add(key)
    }
    if (missing.size > 0) {
      if (!this.#pending.add(node, missing)) {
        invalid.push(new AuthorityRejectedError('pending-full', 'too many entries are waiting for parents'))
      }
      return
    }
    // Every parent is known: check the Lamport rule and store.
    const queue: EntryNode[] = [node]
    while (queue.length > 0) {
      const n = queue.shift() as EntryNode
      const parents = n.entry.parents.map(toHex).filter((k) => k !== this.rootKey)
      const expected = 1 + Math.max(0, ...parents.map((k) => (this.#nodes.get(k) as Stored).lamport))
      if (n.entry.lamport !== expected) {
        invalid.push(new AuthorityRejectedError('bad-lamport', `lamport must be ${expected}, is ${n.entry.lamport}`))
        // Entries waiting on a refused entry can never be placed, nor what waits on them.
        for (let gone = [n.key]; gone.length > 0;) {
          const dropped = this.#pending.refused(gone.pop() as string)
          for (const _ of dropped) invalid.push(new AuthorityRejectedError('missing-parents', 'a parent was refused'))
          gone.push(...dropped.map((d) => d.key))
        }
        continue
      }
      const act = n.entry.act
      this.#nodes.set(n.key, {
        node: n, lamport: n.entry.lamport, parents,
        checkpointCandidate: act.op === 'checkpoint' && toHex(n.entry.author) === this.#state.creator
      })
      added.push(n)
      queue.push(...this.#pending.arrived(n.key))
    }
  }

  /**
   * The state at a causal point (PROTOCOL.md §6.6): the replay of the
   * entries named by `heads` (entry ids or the genesis id) and their
   * ancestors, in the order of that set alone (causal-point.ts), so it does
   * not change as the log learns other entries. This is what a record
   * written "under" those heads is judged by. Undefined when a head is not
   * stored (yet). Recent points are cached until the log changes; read the
   * result at once and never change it.
   */
  stateAt(heads: readonly Uint8Array[]): AuthorityState | undefined {
    const keys = heads.map(toHex).sort()
    const cacheKey = keys.join(',')
    const hit = this.#pointCache.get(cacheKey)
    if (hit) return hit
    const members = new Set<string>()
    for (const key of keys) {
      if (key === this.rootKey) continue
      if (!this.#nodes.has(key)) return undefined
      for (const k of ancestorsOf(key, this.#nodes, members)) members.add(k)
    }
    // The whole log: its current state is that replay already.
    const state = members.size === this.#nodes.size
      ? this.#state
      : stateOfPast(this.genesis, [...members].map((k) => this.#nodes.get(k) as Stored))
    this.#pointCache.set(cacheKey, state)
    if (this.#pointCache.size > POINT_CACHE_LIMIT) {
      const oldest = this.#pointCache.keys().next().value
      if (oldest !== undefined) this.#pointCache.delete(oldest)
    }
    return state
  }

  #integrate(added: readonly EntryNode[]): void {
    this.#pointCache.clear()
    const last = this.#order[this.#order.length - 1]
    const only = added.length === 1 ? (this.#nodes.get((added[0] as EntryNode).key) as Stored) : undefined
    if (only && !only.checkpointCandidate && (last === undefined || only.lamport > last.node.entry.lamport)) {
      this.#append(only, undefined)
      return
    }
    const checkpoints = added.filter((n) => (this.#nodes.get(n.key) as Stored).checkpointCandidate)
    if (checkpoints.length === 0) this.#replayTail()
    else if (checkpoints.length === 1 && this.#extendsChain(checkpoints[0] as EntryNode)) this.#replayFromLastCheckpoint(checkpoints[0] as EntryNode)
    else this.#replayAll()
  }

  /** Whether `cp` is the next link of the chain and no other candidate competes for its seq. */
  #extendsChain(cp: EntryNode): boolean {
    const act = cp.entry.act
    if (act.op !== 'checkpoint') return false
    const { chain } = this.#final
    const last = chain[chain.length - 1]
    if (act.seq !== chain.length + 1) return false
    if (last === undefined ? act.prev !== undefined : act.prev === undefined || toHex(act.prev) !== last) return false
    for (const s of this.#nodes.values()) {
      if (s.checkpointCandidate && s.node.key !== cp.key && s.node.entry.act.op === 'checkpoint' && s.node.entry.act.seq >= act.seq) return false
    }
    return true
  }

  /** A checkpoint extended the chain: finalise its segment after the last one and replay only the new tail. */
  #replayFromLastCheckpoint(cp: EntryNode): void {
    const { state, length, covered, chain } = this.#final
    this.#state = cloneState(state)
    for (const e of this.#order.slice(length)) this.#positions.delete(e.node.key)
    this.#order.length = length
    const segment = ancestorsOf(cp.key, this.#nodes, covered)
    const nextCovered = new Set(covered)
    for (const k of segment) nextCovered.add(k)
    const seq = chain.length + 1
    orderSegment([...segment].map((k) => this.#nodes.get(k) as Stored), this.#state, (s) => { this.#append(s as Stored, seq) })
    this.#final = { state: cloneState(this.#state), length: this.#order.length, covered: nextCovered, chain: [...chain, cp.key] }
    const tail = [...this.#nodes.values()].filter((s) => !nextCovered.has(s.node.key))
    orderSegment(tail, this.#state, (s) => { this.#append(s as Stored, undefined) })
  }

  #append(stored: Stored, checkpoint: number | undefined): void {
    const rejection = applyEntry(this.#state, stored.node)
    this.#positions.set(stored.node.key, this.#order.length)
    this.#order.push({ node: stored.node, ...(rejection ? { rejection } : {}), ...(checkpoint !== undefined ? { checkpoint } : {}) })
  }

  /** Replay only the provisional tail, from the snapshot at the last checkpoint. */
  #replayTail(): void {
    const { state, length, covered } = this.#final
    this.#state = cloneState(state)
    for (const e of this.#order.slice(length)) this.#positions.delete(e.node.key)
    this.#order.length = length
    const tail = [...this.#nodes.values()].filter((s) => !covered.has(s.node.key))
    orderSegment(tail, this.#state, (s) => { this.#append(s as Stored, undefined) })
  }

  /** Rebuild the checkpoint chain and replay everything. */
  #replayAll(): void {
    const chain = checkpointChain(this.#nodes.values(), this.#equivocations)
    this.#state = initialState(this.genesis)
    this.#order = []
    this.#positions = new Map()
    const covered = new Set<string>()
    chain.forEach((cp, i) => {
      const segment = ancestorsOf(cp, this.#nodes, covered)
      const entries = [...segment].map((k) => this.#nodes.get(k) as Stored)
      for (const k of segment) covered.add(k)
      orderSegment(entries, this.#state, (s) => { this.#append(s as Stored, i + 1) })
    })
    this.#final = { state: cloneState(this.#state), length: this.#order.length, covered, chain }
    const tail = [...this.#nodes.values()].filter((s) => !covered.has(s.node.key))
    orderSegment(tail, this.#state, (s) => { this.#append(s as Stored, undefined) })
  }

  /**
   * Check `act` as `author` would sign it now, against the current state at
   * the end of the order. Returns the rejection peers would give, or undefined.
   */
  check(author: Uint8Array, act: Action, at: number): AuthorityRejectedError | undefined {
    const { ids, lamport } = this.heads()
    const probe = cloneState(this.#state)
    const node: EntryNode = {
      entry: { v: 1, t: 'authority', room: this.#state.room, parents: ids, lamport, author: author as Bytes, at, act, sig: new Uint8Array(64) },
      bytes: new Uint8Array(0), id: new Uint8Array(32), key: 'probe'
    }
    return applyEntry(probe, node)
  }

  /**
   * Author an entry: refuse locally (throwing {@link AuthorityRejectedError})
   * what peers would refuse, otherwise sign it on the current heads and add it.
   */
  async author(keypair: Keypair, act: Action, at: number): Promise<Verified<EntryNode>> {
    const rejection = this.check(keypair.publicKey, act, at)
    if (rejection) throw rejection
    const { ids, lamport } = this.heads()
    const node = await signAuthorityEntry(keypair, { room: this.#state.room, parents: ids, lamport, at, act })
    const result = await this.addNodes([node])
    if (result.invalid[0]) throw result.invalid[0]
    const placed = this.lookup(node.id)
    if (placed?.rejection) throw placed.rejection
    return node
  }
}
