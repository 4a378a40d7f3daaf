/**
 * Planning which peer to fetch each missing item from (PROTOCOL.md §8.8).
 *
 * After reconciling with several peers, a joiner knows, per peer, which
 * items that peer has and it lacks (each session's `need`). The plan spreads
 * those items over the peers so they are fetched from all of them at once,
 * in batches, with a cap on what is outstanding at each peer. When a peer
 * fails to deliver some items (missing, invalid, timed out — the caller
 * decides), those items go back to the pool for the other peers that have
 * them; a peer that fails outright has its whole share moved. The plan asks
 * `isStored` before every request, so it never re-requests an item that is
 * already stored, and a plan rebuilt after a restart resumes where storage
 * stands. Pure bookkeeping: the caller sends the requests and reports back.
 */
import { InvalidArgumentError } from '../errors.ts'
import { assertItemKey, compareItemKeys, itemKeyString, type ItemKey } from './item-key.ts'

/** Ask `peer` for `keys`. */
export interface FetchRequest {
  readonly peer: string
  readonly keys: readonly ItemKey[]
}

/** How a plan behaves. */
export interface FetchPlanOptions {
  /** Whether an item is already stored; asked again before each request. */
  readonly isStored: (key: ItemKey) => boolean
  /** Most keys in one request. @default 256 */
  readonly maxBatch?: number
  /** Most keys outstanding at one peer. @default 512 */
  readonly maxInFlightPerPeer?: number
}

type EntryState = 'pending' | 'in-flight' | 'done' | 'unavailable'

interface Entry {
  readonly key: ItemKey
  /** Live peers that advertised the item and have not failed to deliver it. */
  readonly holders: Set<string>
  state: EntryState
  assignee: string | undefined
}

interface PeerState {
  readonly queue: string[]
  cursor: number
  /** Items that came back to the pool after this peer was passed over for them. */
  retry: string[]
  readonly inFlight: Set<string>
  failed: boolean
}

/** Which peer to ask for which missing item, with retry on other peers. */
export class FetchPlan {
  readonly #isStored: (key: ItemKey) => boolean
  readonly #maxBatch: number
  readonly #maxInFlight: number
  readonly #entries = new Map<string, Entry>()
  readonly #peers = new Map<string, PeerState>()

  constructor(options: FetchPlanOptions) {
    this.#isStored = options.isStored
    this.#maxBatch = options.maxBatch ?? 256
    this.#maxInFlight = options.maxInFlightPerPeer ?? 512
    if (!Number.isSafeInteger(this.#maxBatch) || this.#maxBatch < 1) throw new InvalidArgumentError('fetch plan: maxBatch must be ≥ 1')
    if (!Number.isSafeInteger(this.#maxInFlight) || this.#maxInFlight < 1) throw new InvalidArgumentError('fetch plan: maxInFlightPerPeer must be ≥ 1')
  }

  /**
   * Record that `peer` has `keys` (the `need` of a reconciliation with it).
   * Keys already stored are ignored. Ignored for a peer that has failed.
   */
  advertise(peer: string, keys: Iterable<ItemKey>): void {
    let state = this.#peers.get(peer)
    if (state === undefined) {
      state = { queue: [], cursor: 0, retry: [], inFlight: new Set(), failed: false }
      this.#peers.set(peer, state)
    }
    if (state.failed) return
    const sorted = [...keys].sort(compareItemKeys)
    for (const key of sorted) {
      assertItemKey(key)
      const id = itemKeyString(key)
      let entry = this.#entries.get(id)
      if (entry === undefined) {
        if (this.#isStored(key)) continue
        entry = { key, holders: new Set(), state: 'pending', assignee: undefined }
        this.#entries.set(id, entry)
      }
      if (entry.state === 'done' || entry.holders.has(peer)) continue
      entry.holders.add(peer)
      if (entry.state === 'unavailable') entry.state = 'pending'
      state.queue.push(id)
    }
  }

  /**
   * The requests to send now: at most one per peer, within each peer's batch
   * and in-flight caps, and only to peers `ready` accepts (a transport that
   * matches answers to requests by order asks only its idle peers).
   */
  next(ready: (peer: string) => boolean = () => true): FetchRequest[] {
    const requests: FetchRequest[] = []
    for (const [peer, state] of this.#peers) {
      if (state.failed || !ready(peer)) continue
      const room = Math.min(this.#maxBatch, this.#maxInFlight - state.inFlight.size)
      if (room <= 0) continue
      const keys: ItemKey[] = []
      const take = (id: string): void => {
        const entry = this.#entries.get(id)
        if (entry?.state !== 'pending' || !entry.holders.has(peer)) return
        if (this.#isStored(entry.key)) {
          entry.state = 'done'
          return
        }
        entry.state = 'in-flight'
        entry.assignee = peer
        state.inFlight.add(id)
        keys.push(entry.key)
      }
      while (keys.length < room && state.retry.length > 0) take(state.retry.shift() ?? '')
      while (keys.length < room && state.cursor < state.queue.length) take(state.queue[state.cursor++] ?? '')
      if (keys.length > 0) requests.push({ peer, keys })
    }
    return requests
  }

  /** `peer` delivered these items and the caller stored them (a key delivered by anyone counts). */
  delivered(_peer: string, keys: Iterable<ItemKey>): void {
    for (const key of keys) {
      const id = itemKeyString(key)
      const entry = this.#entries.get(id)
      if (entry === undefined) continue
      if (entry.assignee !== undefined) this.#peers.get(entry.assignee)?.inFlight.delete(id)
      entry.state = 'done'
      entry.assignee = undefined
    }
  }

  /**
   * `peer` did not deliver these requested items (missing, invalid, timed
   * out): it no longer counts as having them, and each goes back to the pool
   * for its other holders (or becomes unavailable).
   */
  notDelivered(peer: string, keys: Iterable<ItemKey>): void {
    for (const key of keys) this.#dropHolder(peer, itemKeyString(key))
  }

  /** `peer` is gone or misbehaved: its outstanding and future share moves to the other peers. */
  peerFailed(peer: string): void {
    const state = this.#peers.get(peer)
    if (state === undefined || state.failed) return
    state.failed = true
    for (const id of [...state.inFlight]) this.#dropHolder(peer, id)
    for (const id of state.queue) this.#dropHolder(peer, id)
    state.queue.length = 0
    state.retry = []
  }

  /** Keys no live peer can supply (every holder failed to deliver them or failed). */
  unavailable(): ItemKey[] {
    return this.#keysIn('unavailable')
  }

  /** Keys waiting for a request. */
  pending(): ItemKey[] {
    return this.#keysIn('pending')
  }

  /** Keys requested and not yet reported. */
  inFlight(): ItemKey[] {
    return this.#keysIn('in-flight')
  }

  /** Whether every advertised item is either stored or unavailable. */
  isComplete(): boolean {
    for (const entry of this.#entries.values()) {
      if (entry.state === 'pending' || entry.state === 'in-flight') return false
    }
    return true
  }

  #keysIn(state: EntryState): ItemKey[] {
    const out: ItemKey[] = []
    for (const entry of this.#entries.values()) if (entry.state === state) out.push(entry.key)
    return out.sort(compareItemKeys)
  }

  #dropHolder(peer: string, id: string): void {
    const entry = this.#entries.get(id)
    if (entry === undefined || entry.state === 'done') return
    entry.holders.delete(peer)
    const wasHere = entry.assignee === peer
    if (wasHere) {
      this.#peers.get(peer)?.inFlight.delete(id)
      entry.assignee = undefined
      entry.state = 'pending'
    } else if (entry.state === 'in-flight') {
      return // still outstanding at another peer
    }
    if (entry.holders.size === 0) {
      entry.state = 'unavailable'
      return
    }
    // The other holders' queues may have passed this item while it was out: offer it to them again.
    if (wasHere) for (const holder of entry.holders) this.#peers.get(holder)?.retry.push(id)
  }
}
