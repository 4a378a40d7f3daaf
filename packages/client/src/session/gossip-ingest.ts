/**
 * Gossip into the room store (PROTOCOL.md §10.4.2, §10.8): each record is
 * offered to its log with `RoomStore.ingest`, and the verdict GossipSub
 * needs follows from what the store did with it:
 *
 * | ingest result | verdict |
 * |---|---|
 * | stored | accept (forward it) |
 * | refused (malformed, forged, not allowed at its cited point) | reject (the sender is at fault) |
 * | already stored | accept (valid; forwarding helps peers that lack it) |
 * | waiting (parents), held (authority), set aside, channel not known yet | ignore (kept by the store when it can; sync fills the gap) |
 *
 * Profiles go to the room's profile set the same way: stored → accept;
 * malformed, forged → reject; the very profile stored → accept; a valid
 * older version, or an identity the room does not know (yet) → ignore
 * (nothing to forward, nobody to blame).
 *
 * Records are ingested one at a time, authority entries before channel
 * events waiting at the same moment, so an event is judged against every
 * authority entry that arrived with it.
 */
import {
  decodeChannelEvent, decodeProfile, encodeProfile, equalBytes, ProtocolError, recordId, toHex, type Bytes, type Profile, type Signal, type Verified
} from '@hearth/protocol'
import type { RoomStore } from '../store/room-store.ts'
import type { IngestResult, LogRef } from '../sync/replica.ts'
import type { GossipVerdict, RoomGossipSink } from './network-port.ts'

/** What the sink reports to its session. */
export interface GossipIngestHooks {
  /** Records were stored in `log`. */
  stored(log: LogRef, count: number): void
  /** A member's valid signal arrived. */
  signal(signal: Verified<Signal>, from: string): void
  /** Ingesting failed locally (storage, a bug): the record is ignored, the sender not blamed. */
  localFailure(err: unknown): void
}

const AUTHORITY: LogRef = { kind: 'authority' }
const PROFILES: LogRef = { kind: 'profiles' }

/** The room store as the judge of a room's gossip. */
export class GossipIngest implements RoomGossipSink {
  readonly #store: RoomStore
  readonly #hooks: GossipIngestHooks
  readonly #lanes: [(() => Promise<void>)[], (() => Promise<void>)[]] = [[], []]
  #running = false

  constructor(store: RoomStore, hooks: GossipIngestHooks) {
    this.#store = store
    this.#hooks = hooks
  }

  onAuthority(bytes: Uint8Array): Promise<GossipVerdict> {
    return this.#enqueue(0, async () => {
      const result = await this.#store.ingest(AUTHORITY, [bytes])
      return this.#verdict(AUTHORITY, result, () => this.#store.authority.has(recordId(bytes)))
    })
  }

  onEvent(bytes: Uint8Array): Promise<GossipVerdict> {
    let channel: Bytes
    try {
      channel = decodeChannelEvent(bytes).event.channel
    } catch (err) {
      if (err instanceof ProtocolError) return Promise.resolve('reject')
      throw err
    }
    return this.#enqueue(1, async () => {
      // A channel this replica does not know (its creation not here yet, or deleted): not the sender's fault.
      if (!this.#store.knowsChannel(toHex(channel))) return 'ignore'
      const log: LogRef = { kind: 'channel', channel }
      const result = await this.#store.ingest(log, [bytes])
      return this.#verdict(log, result, () => this.#store.channel(channel).has(recordId(bytes)))
    })
  }

  onProfile(bytes: Uint8Array): Promise<GossipVerdict> {
    let profile: Profile
    try {
      profile = decodeProfile(bytes)
    } catch (err) {
      if (err instanceof ProtocolError) return Promise.resolve('reject')
      throw err
    }
    // After the authority checks queued: a join that arrived with the profile makes its author known.
    return this.#enqueue(1, async () => {
      const result = await this.#store.ingest(PROFILES, [bytes])
      return this.#verdict(PROFILES, result, () => {
        const stored = this.#store.profile(profile.id)
        return stored !== undefined && equalBytes(encodeProfile(stored), bytes)
      })
    })
  }

  onSignal(signal: Verified<Signal>, from: string): Promise<GossipVerdict> {
    // The protocol checked the signature and freshness; whether the author may speak here is the room's question.
    const author = toHex(signal.identity)
    const state = this.#store.authority.state
    if (!state.members.has(author) || state.bans.has(author)) return Promise.resolve('ignore')
    this.#hooks.signal(signal, from)
    return Promise.resolve('accept')
  }

  #verdict(log: LogRef, result: IngestResult, isStored: () => boolean): GossipVerdict {
    if (result.stored > 0) {
      this.#hooks.stored(log, result.stored)
      return 'accept'
    }
    // A full waiting set says nothing about the sender: no penalty (§10.4.2).
    if (result.rejected > 0) return 'reject'
    if (result.duplicates > 0 && isStored()) return 'accept'
    return 'ignore'
  }

  /** Run `check` after the checks queued before it in its lane and every authority check queued. */
  #enqueue(lane: 0 | 1, check: () => Promise<GossipVerdict>): Promise<GossipVerdict> {
    return new Promise<GossipVerdict>((resolve) => {
      this.#lanes[lane].push(async () => {
        try {
          resolve(await check())
        } catch (err) {
          this.#hooks.localFailure(err)
          resolve('ignore')
        }
      })
      void this.#drain()
    })
  }

  async #drain(): Promise<void> {
    if (this.#running) return
    this.#running = true
    try {
      for (;;) {
        const next = this.#lanes[0].shift() ?? this.#lanes[1].shift()
        if (next === undefined) return
        await next()
      }
    } finally {
      this.#running = false
    }
  }
}
