/**
 * Test support: an in-process network for the sync engine. Conversations
 * are pairs of {@link MessageStream}s; the simulated network delivers each
 * message after a seeded random delay (counted in event-loop turns, so a
 * run needs no wall-clock waits), keeps each stream in order as a real
 * transport does, breaks a conversation when it "drops" a message (an
 * ordered stream that loses a message is a broken stream), and refuses or
 * breaks conversations across a partition. Gossip pushes records straight
 * to other replicas' `ingest`, duplicated and reordered at will.
 */
import { equalBytes, type Bytes } from '@hearth/protocol'
import { Rng } from '../../protocol/src/test-rng.ts'
import type { SyncPeer } from '../src/sync/sync-peer.ts'
import type { MessageStream } from '../src/transport/message-stream.ts'
import { serveSyncConversation, type ResponderOptions } from '../src/sync/responder.ts'
import type { LogRef, SyncReplica } from '../src/sync/replica.ts'

/** Yield to the event loop `n` times (a delay that costs no wall-clock time). */
export async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => { setImmediate(resolve) })
}

/** How one direction of a duplex treats messages. */
export interface LinkBehaviour {
  /** Turns before a message arrives (called per message). */
  readonly delay?: () => number
  /** Whether this message is lost, which breaks the stream. */
  readonly drop?: () => boolean
  /** Called with each message sent; for counting and tampering tests. */
  readonly onSend?: (message: Uint8Array) => void
}

interface Half {
  readonly queue: Uint8Array[]
  waiter: ((message: Uint8Array | undefined) => void) | undefined
  /** No more messages will arrive (the other end closed, or the stream broke). */
  ended: boolean
  /** Deliveries in flight, chained so that order is kept. */
  chain: Promise<void>
}

/** Two ends of an in-memory conversation: `a` (initiator) and `b` (responder). */
export interface Duplex {
  readonly a: MessageStream
  readonly b: MessageStream
  /** Break the conversation now: both ends see it end. */
  break(): void
}

/** An ordered in-memory duplex with optional delays and drops per direction. */
export function duplexPair(aToB: LinkBehaviour = {}, bToA: LinkBehaviour = {}): Duplex {
  const halves: [Half, Half] = [newHalf(), newHalf()]
  let broken = false
  const closed = [false, false]
  const end = (half: Half): void => {
    half.ended = true
    const waiter = half.waiter
    half.waiter = undefined
    waiter?.(undefined)
  }
  const breakAll = (): void => {
    broken = true
    for (const half of halves) end(half)
  }
  const deliver = (to: Half, message: Uint8Array): void => {
    if (to.ended) return
    const waiter = to.waiter
    if (waiter !== undefined) {
      to.waiter = undefined
      waiter(message)
    } else {
      to.queue.push(message)
    }
  }
  const endpoint = (me: 0 | 1, behaviour: LinkBehaviour): MessageStream => {
    const inbox = halves[me]
    const outbox = halves[me === 0 ? 1 : 0]
    return {
      send(message) {
        if (broken || closed[me] === true) throw new Error('stream closed')
        behaviour.onSend?.(message)
        const copy = Uint8Array.from(message)
        const dropped = behaviour.drop?.() ?? false
        const delay = behaviour.delay?.() ?? 0
        outbox.chain = outbox.chain.then(async () => {
          await turns(delay)
          if (dropped) breakAll()
          else deliver(outbox, copy)
        })
      },
      receive() {
        const next = inbox.queue.shift()
        if (next !== undefined || inbox.ended) return Promise.resolve(next)
        return new Promise((resolve) => { inbox.waiter = resolve })
      },
      close() {
        if (closed[me] === true) return
        closed[me] = true
        // The other end sees the close after what we sent before it.
        outbox.chain = outbox.chain.then(() => { end(outbox) })
      }
    }
  }
  return { a: endpoint(0, aToB), b: endpoint(1, bToA), break: breakAll }
}

function newHalf(): Half {
  return { queue: [], waiter: undefined, ended: false, chain: Promise.resolve() }
}

/** Timers that never fire: for runs where every failure shows up as a broken stream. */

/** How the simulated network misbehaves. */
export interface SimOptions {
  readonly seed: number
  /** Most turns a message takes. @default 8 */
  readonly maxDelay?: number
  /** Chance that a message is lost (breaking its conversation). @default 0 */
  readonly dropRate?: number
  readonly responder?: ResponderOptions
}

/** One replica on the network. */
export interface SimNode<R extends SyncReplica = SyncReplica> {
  readonly id: string
  readonly replica: R
}

/** N replicas of one room, connected by conversations that the network delays, breaks and partitions. */
export class SimNetwork<R extends SyncReplica = SyncReplica> {
  readonly rng: Rng
  readonly nodes: SimNode<R>[] = []
  readonly #options: SimOptions
  /** Group of each node id; nodes in different groups cannot talk. Empty: no partition. */
  #groups = new Map<string, number>()
  readonly #open = new Set<{ from: string; to: string; duplex: Duplex }>()
  readonly #gossip: Promise<unknown>[] = []
  conversations = 0

  constructor(options: SimOptions) {
    this.#options = options
    this.rng = new Rng(options.seed)
  }

  add(id: string, replica: R): SimNode<R> {
    const node = { id, replica }
    this.nodes.push(node)
    return node
  }

  /** Cut the network into groups of node ids; conversations across groups break. */
  partition(groups: readonly (readonly string[])[]): void {
    this.#groups = new Map(groups.flatMap((g, i) => g.map((id) => [id, i] as const)))
    for (const conv of this.#open) if (!this.connected(conv.from, conv.to)) conv.duplex.break()
  }

  heal(): void {
    this.#groups = new Map()
  }

  connected(a: string, b: string): boolean {
    const ga = this.#groups.get(a)
    const gb = this.#groups.get(b)
    return ga === undefined || gb === undefined || ga === gb
  }

  /** The peers `from` can sync with: every other node (opening fails across a partition). */
  peersOf(from: string): SyncPeer[] {
    return this.nodes.filter((n) => n.id !== from).map((to) => ({ id: to.id, open: () => this.#connect(from, to) }))
  }

  #connect(from: string, to: SimNode<R>): Promise<MessageStream> {
    if (!this.connected(from, to.id)) return Promise.reject(new Error(`${from} cannot reach ${to.id}`))
    const behaviour = (): LinkBehaviour => ({
      delay: () => this.rng.int((this.#options.maxDelay ?? 8) + 1),
      drop: () => this.rng.next() < (this.#options.dropRate ?? 0)
    })
    const duplex = duplexPair(behaviour(), behaviour())
    const conv = { from, to: to.id, duplex }
    this.#open.add(conv)
    this.conversations++
    const lookup = (room: Bytes): SyncReplica | undefined => (equalBytes(room, to.replica.room) ? to.replica : undefined)
    void serveSyncConversation(duplex.b, lookup, this.#options.responder).finally(() => this.#open.delete(conv))
    return Promise.resolve(duplex.a)
  }

  /**
   * Push records from `from` to a random set of reachable nodes, each copy
   * after its own delay, some twice: gossip, which may arrive before the
   * records it depends on.
   */
  gossip(from: string, log: LogRef, records: readonly Uint8Array[]): void {
    for (const node of this.nodes) {
      if (node.id === from || !this.connected(from, node.id) || this.rng.next() < 0.4) continue
      const copies = this.rng.next() < 0.2 ? 2 : 1
      for (let c = 0; c < copies; c++) {
        const delay = this.rng.int(40)
        const batch = this.rng.shuffle(records)
        this.#gossip.push(turns(delay).then(async () => {
          if (log.kind === 'channel' && !node.replica.channels().some((ch) => equalBytes(ch, log.channel))) return
          await node.replica.ingest(log, batch)
        }))
      }
    }
  }

  /** Wait until every gossip push has been ingested. */
  async settle(): Promise<void> {
    while (this.#gossip.length > 0) await Promise.all(this.#gossip.splice(0))
  }
}
