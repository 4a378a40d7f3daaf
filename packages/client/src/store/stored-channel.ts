/**
 * One channel of a room store: its log, the item keys sync reconciles, and
 * the derived view the UI reads, kept in step as events are stored.
 *
 * The view shows the events the ban rule leaves visible (PROTOCOL.md
 * §7.4.1). That set is a function of the stored events and of which of the
 * channel's authors are banned now, so the view is extended event by event
 * while none of its authors is banned (the usual case: O(1) per event), and
 * otherwise rebuilt on the next read after a change.
 */
import {
  authorityWitness, ChannelLog, ChannelView, isSetFull, MAX_CHANNEL_HELD, MAX_CHANNEL_PENDING, toHex, visibleEvents,
  type AuthorityLog, type Bytes, type ChannelAcceptHook, type ChannelEventNode, type KeyPath, type StorageChunk
} from '@hearth/protocol'
import type { IngestResult } from '../sync/replica.ts'
import { KeyIndex } from './key-index.ts'
import { recordKey } from './room-layout.ts'

/** Records per pipelined piece of an ingest. */
export const INGEST_PIECE = 256

/** How to make a stored channel. */
export interface StoredChannelInit {
  readonly room: Bytes
  readonly channel: Bytes
  readonly authority: AuthorityLog
  readonly accept: ChannelAcceptHook
  /** Where its events are stored (room-layout.ts `logPrefix`). */
  readonly prefix: KeyPath
  /**
   * Events about to be loaded from storage: the waiting and held bounds grow
   * by this much, so that a lost early event cannot push its (own, stored)
   * descendants out of the log while they wait for sync to repair it.
   */
  readonly loading?: number
}

/** A channel's log, keys and view. */
export class StoredChannel {
  readonly id: Bytes
  readonly log: ChannelLog
  readonly keys: KeyIndex
  readonly #authority: AuthorityLog
  readonly #prefix: KeyPath
  /** Hex keys of the authors of the stored events scanned so far (only needed once someone is banned). */
  readonly #authors = new Set<string>()
  /** Stored events whose authors are not in {@link #authors} yet. */
  #unscanned: ChannelEventNode[] = []
  #view: ChannelView | undefined
  /** The banned authors of this channel the view was derived for (sorted, joined). */
  #viewBans = ''

  constructor(init: StoredChannelInit) {
    const extra = init.loading ?? 0
    this.id = init.channel
    this.#authority = init.authority
    this.#prefix = init.prefix
    this.log = new ChannelLog({
      room: init.room, channel: init.channel, accept: init.accept, witness: authorityWitness(init.authority),
      maxPending: MAX_CHANNEL_PENDING + extra, maxHeld: MAX_CHANNEL_HELD + extra
    })
    const log = this.log
    this.keys = new KeyIndex(() => log.events.map((node) => ({ lamport: node.event.lamport, id: node.id })))
  }

  /**
   * Note events the log just stored (in the order it stored them): their
   * keys, authors and the view. Returns what to write to storage.
   */
  stored(nodes: readonly ChannelEventNode[]): StorageChunk[] {
    if (nodes.length === 0) return []
    const chunks: StorageChunk[] = []
    for (const node of nodes) {
      this.#unscanned.push(node)
      chunks.push({ key: recordKey(this.#prefix, node.event.lamport, node.key), data: node.bytes })
    }
    this.keys.add(nodes.map((node) => ({ lamport: node.event.lamport, id: node.id })))
    if (this.#view !== undefined) {
      if (this.#viewBans === '' && this.#bannedAuthors() === '') this.#view.apply(nodes)
      else this.#view = undefined
    }
    return chunks
  }

  /**
   * Add records received from a peer and write what the log stores, in
   * pieces of {@link INGEST_PIECE}: while WebCrypto verifies piece k + 1 on
   * its threads, the main thread writes piece k (one atomic batch each).
   * Writing once per call instead measured about 20% slower on a 2-core
   * machine (0.45–0.5× against 0.57–0.6× raw verify: bench/channel.bench.ts).
   */
  async ingest(records: readonly Uint8Array[], write: (chunks: StorageChunk[]) => Promise<void>): Promise<IngestResult> {
    const writes: Promise<void>[] = []
    let stored = 0
    let rejected = 0
    let deferred = 0
    let duplicates = 0
    let missing: readonly Bytes[] = []
    let next = this.log.add(records.slice(0, INGEST_PIECE))
    for (let start = 0; start < records.length || start === 0; start += INGEST_PIECE) {
      const result = await next
      if (start + INGEST_PIECE < records.length) next = this.log.add(records.slice(start + INGEST_PIECE, start + 2 * INGEST_PIECE))
      const written = write(this.stored(result.added))
      // Reported by the Promise.all below; handled now so a failure is not an unhandled rejection meanwhile.
      written.catch(() => undefined)
      writes.push(written)
      stored += result.added.length
      for (const refusal of result.rejected) {
        if (isSetFull(refusal.reason)) deferred++
        else rejected++
      }
      duplicates += result.duplicates
      missing = result.missing
    }
    await Promise.all(writes)
    return { stored, rejected, deferred, duplicates, missing }
  }

  /** The authority log changed: bans may hide or show events. */
  authorityChanged(): void {
    if (this.#view !== undefined && this.#bannedAuthors() !== this.#viewBans) this.#view = undefined
  }

  /** The view of the visible stored events (built on first use, then kept up to date). */
  view(): ChannelView {
    if (this.#view === undefined) {
      this.#viewBans = this.#bannedAuthors()
      const events = this.#viewBans === '' ? this.log.events : visibleEvents(this.log.events, this.#authority)
      this.#view = ChannelView.of(events)
    }
    return this.#view
  }

  /** The channel's authors banned in the current authority state, as one string. */
  #bannedAuthors(): string {
    const { bans } = this.#authority.state
    if (bans.size === 0) return ''
    for (const node of this.#unscanned) this.#authors.add(toHex(node.event.author))
    this.#unscanned = []
    return [...this.#authors].filter((a) => bans.has(a)).sort().join(',')
  }
}
