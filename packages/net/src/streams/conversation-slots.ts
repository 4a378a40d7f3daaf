/**
 * Admission for incoming conversations: at most `maxPerPeer` at once from
 * one peer and `maxTotal` in all, so one peer (or a crowd) cannot take every
 * slot or unbounded memory. Over the limit, the protocol answers `busy`.
 */

/** Limits on concurrent conversations of one protocol. */
export interface ConversationLimits {
  /** Most conversations served at once for one remote peer. */
  readonly maxPerPeer: number
  /** Most conversations served at once in all. */
  readonly maxTotal: number
}

/** Counts conversations per peer and in total. */
export class ConversationSlots {
  readonly limits: ConversationLimits
  readonly #perPeer = new Map<string, number>()
  #total = 0

  constructor(limits: ConversationLimits) {
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isSafeInteger(value) || (value as number) < 1) throw new RangeError(`${name} must be a positive integer`)
    }
    this.limits = limits
  }

  /** Conversations being served now. */
  get total(): number {
    return this.#total
  }

  /** Conversations being served now for `peer`. */
  of(peer: string): number {
    return this.#perPeer.get(peer) ?? 0
  }

  /** Take a slot for `peer`: a release function (idempotent), or undefined when over a limit. */
  acquire(peer: string): (() => void) | undefined {
    const mine = this.of(peer)
    if (mine >= this.limits.maxPerPeer || this.#total >= this.limits.maxTotal) return undefined
    this.#perPeer.set(peer, mine + 1)
    this.#total++
    let released = false
    return () => {
      if (released) return
      released = true
      this.#total--
      const left = this.of(peer) - 1
      if (left > 0) this.#perPeer.set(peer, left)
      else this.#perPeer.delete(peer)
    }
  }
}
