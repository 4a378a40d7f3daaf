/**
 * A channel's history (PROTOCOL.md §7.2–§7.4): an append-only set of
 * verified events in one total order, (lamport, id), that respects
 * causality. It is a CRDT: every event is admitted or refused by rules that
 * read only the event, its ancestors (and, for a delete, its target) and the
 * acceptance hook, so replicas that receive the same events in any order, in
 * any batches, with any duplicates, store the same set in the same order.
 *
 * An event waits (bounded) while a parent, or a delete's target, is missing;
 * it is held (bounded) while the hook says the authority heads it cites are
 * not known yet, and offered again by {@link ChannelLog.retryHeld}. Refused
 * events are not stored; what waits on them is refused too.
 */
import { ProtocolError } from '../errors.ts'
import { equalBytes, fromHex, toBytes, toHex, type Bytes } from '../bytes.ts'
import type { Keypair } from '../crypto/ed25519.ts'
import type { Verified } from '../verified.ts'
import {
  capabilitiesNeeded, compareEventOrder, decodeChannelEvent, MAX_EVENT_PARENTS, signChannelEvent, verifyChannelEvents,
  type ChannelEventNode, type EventBody
} from './event.ts'
import { ChannelRejectedError, type ChannelAcceptHook, type ChannelRejectReason, type ChannelWitnessCheck } from './acceptance.ts'
import { WaitingSet } from '../waiting-set.ts'

/** Most events waiting for a missing parent or delete target, by default. */
export const MAX_CHANNEL_PENDING = 10_000
/** Most events held for unknown authority heads, by default. */
export const MAX_CHANNEL_HELD = 10_000
/** Most events quarantined (author banned now, not witnessed yet), by default. */
export const MAX_CHANNEL_QUARANTINE = 10_000
/** How many refused ids a log remembers (to refuse their descendants at once), by default. */
export const MAX_REMEMBERED_REJECTIONS = 10_000

/** Events decoded and verified at once by {@link ChannelLog.add}. */
const VERIFY_CHUNK = 256

/** How to open a log. */
export interface ChannelLogInit {
  readonly room: Uint8Array
  readonly channel: Uint8Array
  readonly accept: ChannelAcceptHook
  /** Needed when `accept` can answer `quarantine`: which waiting events release a quarantined one. */
  readonly witness?: ChannelWitnessCheck
  /** @default MAX_CHANNEL_QUARANTINE */
  readonly maxQuarantine?: number
  /** @default MAX_CHANNEL_PENDING */
  readonly maxPending?: number
  /** @default MAX_CHANNEL_HELD */
  readonly maxHeld?: number
  /** @default MAX_REMEMBERED_REJECTIONS */
  readonly rememberRejections?: number
}

/** What one call did. */
export interface ChannelAddResult {
  /** Events stored by this call (offered now or released from waiting), parents before children. */
  readonly added: readonly Verified<ChannelEventNode>[]
  /** Events newly held because the hook did not know their authority heads yet. */
  readonly held: readonly Verified<ChannelEventNode>[]
  /** Events newly quarantined: their author is banned now and nothing witnesses them yet (not stored). */
  readonly quarantined: readonly Verified<ChannelEventNode>[]
  /** Events refused and not stored. */
  readonly rejected: readonly ChannelRejectedError[]
  /** Events offered that were already stored, waiting or held (ignored). */
  readonly duplicates: number
  /** {@link ChannelLog.missingParents} after the call. */
  readonly missing: readonly Bytes[]
}

/** Where an event stands in a log. */
export type ChannelEventStatus = 'stored' | 'pending' | 'held' | 'quarantined' | 'rejected'

type Node = Verified<ChannelEventNode>

interface Outcome {
  added: Node[]
  held: Node[]
  quarantined: Node[]
  rejected: ChannelRejectedError[]
  duplicates: number
}

/** The history of one channel of one room. */
export class ChannelLog {
  readonly room: Bytes
  readonly channel: Bytes
  readonly #accept: ChannelAcceptHook
  readonly #maxHeld: number
  readonly #remember: number
  readonly #stored = new Map<string, Node>()
  readonly #order: Node[] = []
  readonly #heads = new Set<string>()
  readonly #pending: WaitingSet<Node>
  readonly #held = new Map<string, Node>()
  readonly #quarantine = new Map<string, Node>()
  readonly #witness: ChannelWitnessCheck | undefined
  readonly #maxQuarantine: number
  /** Refused ids and why, oldest first (bounded). */
  readonly #rejected = new Map<string, ChannelRejectReason>()

  constructor(init: ChannelLogInit) {
    this.room = toBytes(init.room)
    this.channel = toBytes(init.channel)
    this.#accept = init.accept
    this.#pending = new WaitingSet(init.maxPending ?? MAX_CHANNEL_PENDING)
    this.#maxHeld = init.maxHeld ?? MAX_CHANNEL_HELD
    this.#witness = init.witness
    this.#maxQuarantine = init.maxQuarantine ?? MAX_CHANNEL_QUARANTINE
    this.#remember = init.rememberRejections ?? MAX_REMEMBERED_REJECTIONS
  }

  /** Stored events in the channel order, oldest first. Read it; never change it. */
  get events(): readonly Node[] {
    return this.#order
  }

  /** Number of stored events. */
  get size(): number {
    return this.#stored.size
  }

  /** Number of events waiting for a missing parent or delete target. */
  get pendingCount(): number {
    return this.#pending.size
  }

  /** Number of events held for unknown authority heads. */
  get heldCount(): number {
    return this.#held.size
  }

  /** Number of quarantined events (author banned now, not witnessed; not stored). */
  get quarantineCount(): number {
    return this.#quarantine.size
  }

  /** Whether the event with this id is stored. */
  has(id: Uint8Array): boolean {
    return this.#stored.has(toHex(id))
  }

  /** The stored event with this id, if any. */
  get(id: Uint8Array): Node | undefined {
    return this.#stored.get(toHex(id))
  }

  /** Where an event stands: stored, waiting, held, refused (while remembered), or unknown. */
  status(id: Uint8Array): ChannelEventStatus | undefined {
    const k = toHex(id)
    if (this.#stored.has(k)) return 'stored'
    if (this.#pending.has(k)) return 'pending'
    if (this.#held.has(k)) return 'held'
    if (this.#quarantine.has(k)) return 'quarantined'
    return this.#rejected.has(k) ? 'rejected' : undefined
  }

  /**
   * The parents a new event names: stored events no stored event names as a
   * parent, highest Lamport first, at most {@link MAX_EVENT_PARENTS}; and the
   * Lamport stamp it gets. Every stored event precedes the new one in the order.
   */
  heads(): { ids: Bytes[]; lamport: number } {
    const heads = [...this.#heads]
      .map((k) => this.#stored.get(k) as Node)
      .sort((a, b) => -compareEventOrder(a, b))
      .slice(0, MAX_EVENT_PARENTS)
    const top = heads[0]
    return { ids: heads.map((h) => h.id), lamport: top ? top.event.lamport + 1 : 1 }
  }

  /** Ids that waiting events need (parents, delete targets) and that nobody has given this log yet, sorted. */
  missingParents(): Bytes[] {
    return this.#pending.wanted().filter((k) => !this.#held.has(k) && !this.#quarantine.has(k)).map(fromHex)
  }

  /**
   * Decode, verify and insert events given as bytes (gossip, sync, storage).
   * Never throws for bad input. Chunks are pipelined: the next chunk is
   * decoded while the signatures of the previous one are being checked
   * (WebCrypto verifies off the main thread), so neither waits for the other.
   */
  async add(encoded: readonly Uint8Array[]): Promise<ChannelAddResult> {
    const out = emptyOutcome()
    let inFlight: { readonly fresh: ChannelEventNode[]; readonly verified: ReturnType<typeof verifyChannelEvents> } | undefined
    const settle = async (): Promise<void> => {
      if (inFlight === undefined) return
      const { fresh, verified } = inFlight
      inFlight = undefined
      ;(await verified).forEach((v, i) => {
        if (v instanceof ProtocolError) out.rejected.push(new ChannelRejectedError('bad-signature', v.message, (fresh[i] as ChannelEventNode).id))
        else this.#offer(v, out)
      })
    }
    for (let start = 0; start < encoded.length; start += VERIFY_CHUNK) {
      const fresh = this.#decodeChunk(encoded.slice(start, start + VERIFY_CHUNK), out)
      const verified = verifyChannelEvents(fresh)
      await settle()
      inFlight = { fresh, verified }
    }
    await settle()
    return this.#result(out)
  }

  /** Decode a chunk; refuse what does not decode, count what is already known (no signature check needed). */
  #decodeChunk(chunk: readonly Uint8Array[], out: Outcome): ChannelEventNode[] {
    const fresh: ChannelEventNode[] = []
    for (const bytes of chunk) {
      let node: ChannelEventNode
      try {
        node = decodeChannelEvent(bytes)
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err
        out.rejected.push(new ChannelRejectedError('malformed', err.message, undefined, { cause: err }))
        continue
      }
      if (this.#known(node.key)) out.duplicates++
      else fresh.push(node)
    }
    return fresh
  }

  /** Insert verified events, in any order. */
  insert(nodes: readonly Node[]): ChannelAddResult {
    const out = emptyOutcome()
    for (const node of nodes) this.#offer(node, out)
    return this.#result(out)
  }

  /** Insert every event another replica stores (the merge of two replicas). */
  merge(other: ChannelLog): ChannelAddResult {
    return this.insert(other.events)
  }

  /**
   * Offer every held and quarantined event to the hook again (call when the
   * authority log learned entries: a head became known, a ban was lifted).
   */
  retryHeld(): ChannelAddResult {
    const out = emptyOutcome()
    const again = [...this.#held.values(), ...this.#quarantine.values()].sort(compareEventOrder)
    this.#held.clear()
    this.#quarantine.clear()
    for (const node of again) this.#judge(node, out)
    return this.#result(out)
  }

  /**
   * Write an event on the current heads, sign it and insert it. Throws the
   * {@link ChannelRejectedError} when the log refuses it; an event that is
   * held or waits (a delete of an event not stored here) is returned as is.
   */
  async author(keypair: Keypair, fields: { body: EventBody; at: number; auth: readonly Uint8Array[] }): Promise<Node> {
    const { ids, lamport } = this.heads()
    const node = await signChannelEvent(keypair, { room: this.room, channel: this.channel, parents: ids, lamport, ...fields })
    const result = this.insert([node])
    if (result.rejected[0]) throw result.rejected[0]
    return node
  }

  #result(out: Outcome): ChannelAddResult {
    return { ...out, missing: this.missingParents() }
  }

  #known(k: string): boolean {
    return this.#stored.has(k) || this.#pending.has(k) || this.#held.has(k) || this.#quarantine.has(k)
  }

  #offer(node: Node, out: Outcome): void {
    const k = node.key
    if (this.#known(k)) {
      out.duplicates++
      return
    }
    const prior = this.#rejected.get(k)
    if (prior !== undefined) {
      out.rejected.push(new ChannelRejectedError(prior, 'refused before', node.id))
      return
    }
    const { event } = node
    const refusal = this.#linkage(node)
    if (refusal) {
      this.#refuse(node, refusal.reason, refusal.message, out)
      return
    }
    const missing = new Set<string>()
    for (const p of event.parents) {
      const pk = toHex(p)
      if (!this.#stored.has(pk)) missing.add(pk)
    }
    // A delete needs its target's author to be judged, so it waits for the target like for a parent.
    if (event.body.kind === 'delete' && !this.#stored.has(toHex(event.body.target))) missing.add(toHex(event.body.target))
    if (missing.size === 0) {
      this.#judge(node, out)
      return
    }
    if (!this.#pending.add(node, missing)) {
      out.rejected.push(new ChannelRejectedError('pending-full', 'too many events are waiting for parents', node.id))
      return
    }
    this.#releaseWitnessed(node, out)
  }

  /**
   * `waiting` just started to wait: if it waits (directly or through other
   * waiting events) for a quarantined event it releases, judge that event
   * again — it now finds its releaser and is stored, releasing the chain.
   */
  #releaseWitnessed(waiting: Node, out: Outcome): void {
    if (this.#quarantine.size === 0 || this.#witness === undefined) return
    const seen = new Set<string>()
    const stack = this.#pending.missingOf(waiting.key)
    for (let k = stack.pop(); k !== undefined; k = stack.pop()) {
      if (seen.has(k)) continue
      seen.add(k)
      const quarantined = this.#quarantine.get(k)
      if (quarantined !== undefined) {
        if (this.#witness(waiting, quarantined.event.author)) {
          this.#quarantine.delete(k)
          this.#judge(quarantined, out)
        }
        continue
      }
      stack.push(...this.#pending.missingOf(k))
    }
  }

  /** Whether an event waiting (directly or through others) for `node` releases it. */
  #witnessedByWaiting(node: Node): boolean {
    if (this.#witness === undefined) return false
    const seen = new Set<string>()
    const stack = this.#pending.waitersOf(node.key)
    for (let k = stack.pop(); k !== undefined; k = stack.pop()) {
      if (seen.has(k)) continue
      seen.add(k)
      const w = this.#pending.get(k)
      if (w === undefined) continue
      if (this.#witness(w, node.event.author)) return true
      stack.push(...this.#pending.waitersOf(k))
    }
    return false
  }

  /** Room, channel, and dependencies already refused. */
  #linkage(node: Node): { reason: ChannelRejectReason; message: string } | undefined {
    const { event } = node
    if (!equalBytes(event.room, this.room)) return { reason: 'wrong-room', message: 'event belongs to another room' }
    if (!equalBytes(event.channel, this.channel)) return { reason: 'wrong-channel', message: 'event belongs to another channel' }
    for (const p of event.parents) {
      const pk = toHex(p)
      if (this.#rejected.has(pk)) return { reason: 'parent-rejected', message: `parent ${pk.slice(0, 16)}… was refused` }
    }
    if (event.body.kind === 'delete') {
      const tk = toHex(event.body.target)
      if (this.#rejected.has(tk)) return { reason: 'target-rejected', message: `target ${tk.slice(0, 16)}… was refused` }
    }
    return undefined
  }

  /** Judge events whose dependencies are all stored, and whatever storing them releases. */
  #judge(first: Node, out: Outcome): void {
    const queue = [first]
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const node = next
      let verdict = this.#verdict(node)
      if (verdict === 'quarantine' && this.#witnessedByWaiting(node)) verdict = true
      if (verdict === true) {
        this.#store(node)
        out.added.push(node)
        queue.push(...this.#pending.arrived(node.key))
      } else if (verdict === 'quarantine') {
        if (this.#quarantine.size >= this.#maxQuarantine) {
          out.rejected.push(new ChannelRejectedError('quarantine-full', 'too many events by banned authors are set aside', node.id))
        } else {
          this.#quarantine.set(node.key, node)
          out.quarantined.push(node)
        }
      } else if (verdict === 'unknown-authority') {
        if (this.#held.size >= this.#maxHeld) {
          out.rejected.push(new ChannelRejectedError('held-full', 'too many events are held for unknown authority', node.id))
        } else {
          this.#held.set(node.key, node)
          out.held.push(node)
        }
      } else {
        this.#refuse(node, verdict.reason, verdict.message, out)
      }
    }
  }

  /** The Lamport rule, then the hook. Every dependency is stored. */
  #verdict(node: Node): true | 'unknown-authority' | 'quarantine' | { reason: ChannelRejectReason; message: string } {
    const { event } = node
    let expected = 1
    for (const p of event.parents) expected = Math.max(expected, (this.#stored.get(toHex(p)) as Node).event.lamport + 1)
    if (event.lamport !== expected) return { reason: 'bad-lamport', message: `lamport must be ${expected}, is ${event.lamport}` }
    const targetAuthor = event.body.kind === 'delete' ? (this.#stored.get(toHex(event.body.target)) as Node).event.author : undefined
    const needed = capabilitiesNeeded(event, targetAuthor)
    const answer = this.#accept(targetAuthor ? { event: node, needed, targetAuthor } : { event: node, needed })
    if (answer === true || answer === 'unknown-authority' || answer === 'quarantine') return answer
    return { reason: answer, message: `refused by the acceptance hook (needed caps 0x${needed.toString(16)})` }
  }

  #store(node: Node): void {
    this.#stored.set(node.key, node)
    for (const p of node.event.parents) this.#heads.delete(toHex(p))
    this.#heads.add(node.key)
    const order = this.#order
    const last = order[order.length - 1]
    if (last === undefined || compareEventOrder(last, node) < 0) {
      order.push(node)
      return
    }
    let lo = 0
    let hi = order.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareEventOrder(order[mid] as Node, node) < 0) lo = mid + 1
      else hi = mid
    }
    order.splice(lo, 0, node)
  }

  /** Refuse and remember `node`, then everything that waits on it, transitively. */
  #refuse(node: Node, reason: ChannelRejectReason, message: string, out: Outcome): void {
    const refused: { node: Node; reason: ChannelRejectReason; message: string }[] = [{ node, reason, message }]
    for (let next = refused.pop(); next !== undefined; next = refused.pop()) {
      this.#rememberRejection(next.node.key, next.reason)
      out.rejected.push(new ChannelRejectedError(next.reason, next.message, next.node.id))
      const gone = next.node.key
      for (const w of this.#pending.refused(gone)) {
        refused.push(w.event.parents.some((x) => toHex(x) === gone)
          ? { node: w, reason: 'parent-rejected', message: `parent ${gone.slice(0, 16)}… was refused` }
          : { node: w, reason: 'target-rejected', message: `target ${gone.slice(0, 16)}… was refused` })
      }
    }
  }

  #rememberRejection(key: string, reason: ChannelRejectReason): void {
    if (this.#remember <= 0) return
    this.#rejected.set(key, reason)
    if (this.#rejected.size > this.#remember) {
      const oldest = this.#rejected.keys().next().value
      if (oldest !== undefined) this.#rejected.delete(oldest)
    }
  }
}

function emptyOutcome(): Outcome {
  return { added: [], held: [], quarantined: [], rejected: [], duplicates: 0 }
}
