/**
 * Range-based set reconciliation (PROTOCOL.md §8): two peers holding sets of
 * item keys learn which keys each lacks, in a number of messages that grows
 * with the difference and only logarithmically with the sets' size.
 *
 * A session is a small state machine over opaque byte messages, so it runs
 * over any transport: `initiateReconcile` produces the first message,
 * `respondReconcile` answers it, and both sides feed every later message to
 * `continueReconcile` until a step reports `done`. Each step returns the
 * reply to send (if any) and the keys newly learned: `have` (we hold, the
 * peer lacks) and `need` (the peer holds, we lack). A message that breaks a
 * rule throws a {@link ProtocolError} and ends the session; the caller
 * moves on to another peer.
 */
import { equalBytes, type Bytes } from '../bytes.ts'
import { boundBetween, compareItemKeys, compareKeyToBound, INFINITY_BOUND, itemKeyString, MIN_BOUND, type ItemKey } from './item-key.ts'
import type { ReconcileStore } from './item-store.ts'
import { decodeSyncMessage, encodeSyncMessage, MAX_SYNC_IDS, MAX_SYNC_RANGES, type SyncRange } from './message.ts'
import { checkAgainstOpen, INITIAL_OPEN, listedIn, type CheckedRange, type OpenRange } from './reconcile-rules.ts'
import { ReplyBuilder } from './reply-builder.ts'
import { SyncLimitError, SyncStructureError } from './errors.ts'
import { InvalidArgumentError } from '../errors.ts'

/** Tuning and limits of a session. Every field is optional. */
export interface ReconcileOptions {
  /** Parts a mismatching range is split into, 4–64. @default 16 */
  readonly branching?: number
  /** A mismatching range holding at most this many of our keys is answered with the keys themselves. @default 16 */
  readonly idsThreshold?: number
  /** Most messages this side accepts in one session. @default 256 */
  readonly maxRounds?: number
  /** Most splits above any range the peer sends. @default 32 */
  readonly maxDepth?: number
  /** Most ranges in a message we send (≤ {@link MAX_SYNC_RANGES}, ≥ branching + 4). @default MAX_SYNC_RANGES */
  readonly maxRangesPerMessage?: number
  /** Most keys in a message we send (≤ {@link MAX_SYNC_IDS}, ≥ idsThreshold). @default MAX_SYNC_IDS */
  readonly maxIdsPerMessage?: number
}

/** What one received message produced. */
export interface ReconcileStep {
  /** The message to send back, or undefined when the peer's message ended the session. */
  readonly reply: Bytes | undefined
  /** Keys newly found that we hold and the peer lacks, in key order within each range. */
  readonly have: readonly ItemKey[]
  /** Keys newly found that the peer holds and we lack. */
  readonly need: readonly ItemKey[]
  /** True once the session is over (after sending `reply`, if any). */
  readonly done: boolean
}

type Settings = Required<ReconcileOptions>

/** The state of one side of one session. Not reusable: start a new session per sync. */
export class ReconcileSession {
  readonly role: 'initiator' | 'responder'
  readonly #store: ReconcileStore
  readonly #settings: Settings
  #open: readonly OpenRange[]
  #rounds = 0
  #done = false
  readonly #have = new Map<string, ItemKey>()
  readonly #need = new Map<string, ItemKey>()

  /** Use {@link initiateReconcile} or {@link respondReconcile}. */
  constructor(store: ReconcileStore, role: 'initiator' | 'responder', options: ReconcileOptions = {}) {
    this.role = role
    this.#store = store
    this.#settings = settingsOf(options)
    this.#open = INITIAL_OPEN
  }

  /** Whether the session has finished (or failed). */
  get done(): boolean {
    return this.#done
  }

  /** Messages received so far. */
  get rounds(): number {
    return this.#rounds
  }

  /** Every key found so far that we hold and the peer lacks. */
  have(): ItemKey[] {
    return [...this.#have.values()].sort(compareItemKeys)
  }

  /** Every key found so far that the peer holds and we lack. */
  need(): ItemKey[] {
    return [...this.#need.values()].sort(compareItemKeys)
  }

  /** The first message (initiator only, once). */
  start(): Bytes {
    if (this.role !== 'initiator' || this.#rounds !== 0 || this.#open !== INITIAL_OPEN) {
      throw new InvalidArgumentError('reconcile: only a fresh initiator session starts')
    }
    const count = this.#store.size()
    const builder = new ReplyBuilder(this.#settings.maxRangesPerMessage, this.#settings.maxIdsPerMessage)
    if (count <= this.#settings.idsThreshold) builder.ids(INFINITY_BOUND, this.#store.itemsIn(MIN_BOUND, INFINITY_BOUND, count), 0)
    else builder.fingerprint(INFINITY_BOUND, this.#store.fingerprint(MIN_BOUND, INFINITY_BOUND).fingerprint, 0)
    const { message, open } = builder.finish()
    this.#open = open
    return encodeSyncMessage(message)
  }

  /** Process the peer's next message. Throws a {@link ProtocolError} (and ends the session) if it breaks a rule. */
  receive(bytes: Uint8Array): ReconcileStep {
    if (this.#done) throw new SyncStructureError('session-ended', 'a message arrived after the session ended')
    try {
      return this.#receive(bytes)
    } catch (err) {
      this.#done = true
      this.#open = []
      throw err
    }
  }

  #receive(bytes: Uint8Array): ReconcileStep {
    this.#rounds++
    if (this.#rounds > this.#settings.maxRounds) {
      throw new SyncLimitError('too-many-rounds', `more than ${this.#settings.maxRounds} messages in one session`)
    }
    const message = decodeSyncMessage(bytes)
    const checked = checkAgainstOpen(message, this.#open, this.#settings.maxDepth)
    const have: ItemKey[] = []
    const need: ItemKey[] = []
    const builder = new ReplyBuilder(this.#settings.maxRangesPerMessage, this.#settings.maxIdsPerMessage)
    for (const item of checked) this.#answer(item, builder, have, need)
    if (!message.ranges.some((r) => r.mode === 'fingerprint' || r.mode === 'ids')) {
      // Nothing left open for us to answer: this was the last message of the session.
      this.#finish()
      return { reply: undefined, have, need, done: true }
    }
    const { message: reply, open } = builder.finish()
    this.#open = open
    if (open.length === 0) this.#finish()
    return { reply: encodeSyncMessage(reply), have, need, done: this.#done }
  }

  #finish(): void {
    this.#done = true
    this.#open = []
  }

  #answer(item: CheckedRange, builder: ReplyBuilder, have: ItemKey[], need: ItemKey[]): void {
    const { range, lower } = item
    switch (range.mode) {
      case 'skip':
        builder.skip(range.upper)
        return
      case 'diff':
        // Learning costs no budget, so diffs are absorbed even after the reply was cut short.
        this.#learnFromDiff(range, item, have, need)
        builder.skip(range.upper)
        return
      case 'fingerprint':
        if (!builder.deferred) this.#answerFingerprint(range, lower, item.depth, builder)
        return
      case 'ids':
        if (!builder.deferred) this.#answerIds(range, lower, item.depth, builder, have, need)
    }
  }

  #learnFromDiff(range: Extract<SyncRange, { mode: 'diff' }>, item: CheckedRange, have: ItemKey[], need: ItemKey[]): void {
    for (const key of range.keys) learn(this.#need, key, need)
    const listed = listedIn(item.parent?.keys ?? [], item.lower, range.upper)
    listed.forEach((key, i) => {
      if ((((range.lack[i >> 3] ?? 0) >> (i & 7)) & 1) === 1) learn(this.#have, key, have)
    })
  }

  /** Matching → skip; few keys here → our list; else split into `branching` fingerprinted parts. */
  #answerFingerprint(range: Extract<SyncRange, { mode: 'fingerprint' }>, lower: CheckedRange['lower'], depth: number, builder: ReplyBuilder): void {
    const store = this.#store
    const { upper } = range
    const summary = store.fingerprint(lower, upper)
    if (equalBytes(summary.fingerprint, range.fingerprint)) {
      builder.skip(upper)
      return
    }
    if (summary.count <= this.#settings.idsThreshold) {
      if (!builder.fits(1, summary.count)) {
        builder.defer(store, lower)
        return
      }
      builder.ids(upper, store.itemsIn(lower, upper, summary.count), depth)
      return
    }
    const points = store.splitPoints(lower, upper, this.#settings.branching)
    if (!builder.fits(points.length + 1, 0)) {
      builder.defer(store, lower)
      return
    }
    if (depth + 1 > this.#settings.maxDepth) {
      throw new SyncStructureError('too-deep', `the peer drove a range to ${depth} splits; honest peers stay below ${this.#settings.maxDepth}`)
    }
    let from = lower
    for (const to of [...points, upper]) {
      builder.fingerprint(to, store.fingerprint(from, to).fingerprint, depth + 1)
      from = to
    }
  }

  /**
   * The peer listed all its keys here: send the ones it lacks and a bitmap of
   * its keys we lack. If ours do not fit, send as many as fit, up to a cut,
   * and our fingerprint of the rest of the range (the peer lists that again).
   */
  #answerIds(
    range: Extract<SyncRange, { mode: 'ids' }>, lower: CheckedRange['lower'], depth: number,
    builder: ReplyBuilder, have: ItemKey[], need: ItemKey[]
  ): void {
    const store = this.#store
    const theirs = range.keys
    const budget = builder.idsLeft
    if (budget < 1 || !builder.fits(2, 1)) {
      builder.defer(store, lower)
      return
    }
    const ours = store.itemsIn(lower, range.upper, budget + theirs.length + 1)
    const lacked = new Array<boolean>(theirs.length).fill(false)
    const extra: ItemKey[] = []
    let t = 0
    let previous: ItemKey | undefined
    let cutAt: ItemKey | undefined
    for (const key of ours) {
      while (t < theirs.length && compareItemKeys(theirs[t] as ItemKey, key) < 0) lacked[t++] = true
      if (t < theirs.length && compareItemKeys(theirs[t] as ItemKey, key) === 0) {
        t++
      } else if (extra.length === budget) {
        cutAt = key
        break
      } else {
        extra.push(key)
      }
      previous = key
    }
    let upper = range.upper
    let listed = theirs.length
    if (cutAt === undefined) {
      while (t < theirs.length) lacked[t++] = true
    } else {
      if (previous === undefined) throw new Error('reconcile: a cut before any key')
      upper = boundBetween(previous, cutAt)
      listed = 0
      while (listed < theirs.length && compareKeyToBound(theirs[listed] as ItemKey, upper) < 0) listed++
    }
    const lack = new Uint8Array(Math.ceil(listed / 8))
    for (let i = 0; i < listed; i++) {
      if (lacked[i] === true) {
        lack[i >> 3] = (lack[i >> 3] ?? 0) | (1 << (i & 7))
        learn(this.#need, theirs[i] as ItemKey, need)
      }
    }
    for (const key of extra) learn(this.#have, key, have)
    if (extra.length === 0 && lack.every((b) => b === 0)) builder.skip(upper)
    else builder.diff(upper, extra, lack)
    if (cutAt !== undefined) builder.fingerprint(range.upper, store.fingerprint(upper, range.upper).fingerprint, depth)
  }
}

function learn(seen: Map<string, ItemKey>, key: ItemKey, out: ItemKey[]): void {
  const id = itemKeyString(key)
  if (seen.has(id)) return
  seen.set(id, key)
  out.push(key)
}

function settingsOf(options: ReconcileOptions): Settings {
  const s: Settings = {
    branching: options.branching ?? 16,
    idsThreshold: options.idsThreshold ?? 16,
    maxRounds: options.maxRounds ?? 256,
    maxDepth: options.maxDepth ?? 32,
    maxRangesPerMessage: options.maxRangesPerMessage ?? MAX_SYNC_RANGES,
    maxIdsPerMessage: options.maxIdsPerMessage ?? MAX_SYNC_IDS
  }
  const int = (v: number, min: number, max: number): boolean => Number.isSafeInteger(v) && v >= min && v <= max
  if (!int(s.branching, 4, 64)) throw new InvalidArgumentError('reconcile: branching must be 4–64')
  if (!int(s.maxRangesPerMessage, s.branching + 4, MAX_SYNC_RANGES)) throw new InvalidArgumentError('reconcile: maxRangesPerMessage out of range')
  if (!int(s.maxIdsPerMessage, 1, MAX_SYNC_IDS)) throw new InvalidArgumentError('reconcile: maxIdsPerMessage out of range')
  if (!int(s.idsThreshold, 1, s.maxIdsPerMessage)) throw new InvalidArgumentError('reconcile: idsThreshold must be 1–maxIdsPerMessage')
  if (!int(s.maxRounds, 1, 1_000_000)) throw new InvalidArgumentError('reconcile: maxRounds out of range')
  if (!int(s.maxDepth, 1, 1000)) throw new InvalidArgumentError('reconcile: maxDepth out of range')
  return s
}

/** Start a session as the initiator: returns the session and the first message to send. */
export function initiateReconcile(store: ReconcileStore, options?: ReconcileOptions): { session: ReconcileSession; message: Bytes } {
  const session = new ReconcileSession(store, 'initiator', options)
  return { session, message: session.start() }
}

/** Answer an initiator's first message: returns the new session and the first step. */
export function respondReconcile(
  store: ReconcileStore, message: Uint8Array, options?: ReconcileOptions
): ReconcileStep & { session: ReconcileSession } {
  const session = new ReconcileSession(store, 'responder', options)
  return { ...session.receive(message), session }
}

/** Process the peer's next message in an ongoing session. */
export function continueReconcile(session: ReconcileSession, message: Uint8Array): ReconcileStep {
  return session.receive(message)
}
