/**
 * Which peer to ask for which chunk of one blob (PROTOCOL.md §9.6).
 *
 * Pure bookkeeping, like the sync layer's FetchPlan but keyed by chunk index:
 * each chunk is pending, in flight at exactly one peer, or done. A peer is
 * offered the lowest pending chunks it has not refused (so a download fills
 * from the front, which lets a viewer start early, and peers naturally take
 * disjoint chunks). A chunk a peer fails to deliver — it says it lacks it, or
 * it sent bad bytes — goes back to the pool and is never offered to that
 * peer again; a peer that fails outright has everything it held in flight
 * returned. The caller sends the requests, verifies, stores and reports back.
 */
import { InvalidArgumentError } from '../errors.ts'
import { MAX_BLOB_CHUNKS } from './chunking.ts'

const PENDING = 0
const IN_FLIGHT = 1
const DONE = 2

interface PeerState {
  readonly inFlight: Set<number>
  /** Chunks this peer lacks or delivered wrongly: never offered to it again. */
  readonly refused: Set<number>
  failed: boolean
}

/** Chunk assignment for one blob transfer. */
export class ChunkSchedule {
  readonly #state: Uint8Array
  readonly #assignee: (string | undefined)[]
  readonly #peers = new Map<string, PeerState>()
  #done = 0

  /** A schedule for `count` chunks, of which `stored` are already stored (they are never requested). */
  constructor(count: number, stored: Iterable<number> = []) {
    if (!Number.isSafeInteger(count) || count < 0 || count > MAX_BLOB_CHUNKS) {
      throw new InvalidArgumentError(`chunk schedule: 0–${MAX_BLOB_CHUNKS} chunks, not ${count}`)
    }
    this.#state = new Uint8Array(count)
    this.#assignee = new Array<string | undefined>(count).fill(undefined)
    for (const index of stored) {
      this.#assertIndex(index)
      if (this.#state[index] !== DONE) this.#done++
      this.#state[index] = DONE
    }
  }

  /** Number of chunks. */
  get count(): number {
    return this.#state.length
  }

  /** Number of chunks stored. */
  get done(): number {
    return this.#done
  }

  /** Add a peer that has the blob (idempotent; a failed peer stays failed). */
  addPeer(peer: string): void {
    if (!this.#peers.has(peer)) this.#peers.set(peer, { inFlight: new Set(), refused: new Set(), failed: false })
  }

  /** Up to `max` chunks to request from `peer` now, lowest first; they become in flight there. */
  next(peer: string, max: number): number[] {
    const state = this.#peer(peer)
    const out: number[] = []
    if (state.failed) return out
    for (let i = 0; i < this.#state.length && out.length < max; i++) {
      if (this.#state[i] !== PENDING || state.refused.has(i)) continue
      this.#state[i] = IN_FLIGHT
      this.#assignee[i] = peer
      state.inFlight.add(i)
      out.push(i)
    }
    return out
  }

  /** Chunk `index` arrived from `peer`, was verified and stored. */
  delivered(peer: string, index: number): void {
    this.#assertIndex(index)
    this.#release(index)
    this.#peers.get(peer)?.inFlight.delete(index)
    if (this.#state[index] !== DONE) this.#done++
    this.#state[index] = DONE
  }

  /** `peer` did not deliver these chunks (lacks them, or sent bad data): they go back to the pool for the others. */
  refused(peer: string, indices: Iterable<number>): void {
    const state = this.#peer(peer)
    for (const index of indices) {
      this.#assertIndex(index)
      state.refused.add(index)
      if (this.#assignee[index] === peer) {
        state.inFlight.delete(index)
        this.#assignee[index] = undefined
        this.#state[index] = PENDING
      }
    }
  }

  /** `peer` is gone or misbehaved: what it held in flight goes back to the pool; it is offered nothing more. */
  peerFailed(peer: string): void {
    const state = this.#peer(peer)
    state.failed = true
    for (const index of state.inFlight) {
      this.#assignee[index] = undefined
      this.#state[index] = PENDING
    }
    state.inFlight.clear()
  }

  /** Chunks in flight at `peer`. */
  inFlightAt(peer: string): number[] {
    return [...(this.#peers.get(peer)?.inFlight ?? [])].sort((a, b) => a - b)
  }

  /** Whether every chunk is stored. */
  isComplete(): boolean {
    return this.#done === this.#state.length
  }

  /**
   * Whether `peer` may still get work: a pending chunk it has not refused,
   * or a chunk in flight elsewhere that may come back to the pool.
   */
  canProgress(peer: string): boolean {
    const state = this.#peers.get(peer)
    if (state === undefined || state.failed) return false
    for (let i = 0; i < this.#state.length; i++) {
      if (this.#state[i] === IN_FLIGHT && this.#assignee[i] !== peer) return true
      if (this.#state[i] === PENDING && !state.refused.has(i)) return true
    }
    return false
  }

  /** Chunks not stored, ascending. */
  missing(): number[] {
    const out: number[] = []
    for (let i = 0; i < this.#state.length; i++) if (this.#state[i] !== DONE) out.push(i)
    return out
  }

  /** Pending chunks that no live peer can supply (each has refused them or failed). */
  unavailable(): number[] {
    const live = [...this.#peers.values()].filter((p) => !p.failed)
    const out: number[] = []
    for (let i = 0; i < this.#state.length; i++) {
      if (this.#state[i] === PENDING && live.every((p) => p.refused.has(i))) out.push(i)
    }
    return out
  }

  #release(index: number): void {
    const holder = this.#assignee[index]
    if (holder !== undefined) this.#peers.get(holder)?.inFlight.delete(index)
    this.#assignee[index] = undefined
  }

  #peer(peer: string): PeerState {
    this.addPeer(peer)
    return this.#peers.get(peer) as PeerState
  }

  #assertIndex(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.#state.length) {
      throw new InvalidArgumentError(`chunk schedule: no chunk ${index} of ${this.#state.length}`)
    }
  }
}
