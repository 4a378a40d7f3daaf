/**
 * Room gossip (PROTOCOL.md §10.4): each room has an authority, an events, a
 * signals and a profiles topic. Every message passes a topic validator before
 * GossipSub delivers or forwards it:
 *
 * 1. the sender's rate limit (per author and per forwarding peer); excess is
 *    `ignore` (dropped, not forwarded) plus a penalty point for the
 *    forwarding peer, which lowers its GossipSub application score;
 * 2. the room's checker — the room store verifying and storing the record
 *    (`AuthorityLog.add`, `ChannelLog.add`, the profile set), or for signals the protocol's
 *    `validateSignal` and then the room's `onSignal`. Its verdict goes back to
 *    GossipSub: `reject` counts as an invalid message against the peer that
 *    sent it (P4, see gossip-scoring.ts), which graylists repeat offenders.
 *
 * Checks run through a priority queue (authority first). The checker is the
 * delivery: it is called once per distinct message (GossipSub drops
 * duplicates by message id before validating), and nothing else is delivered.
 * Signals are never stored here, and never logged.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { TopicScoreParams } from '@libp2p/gossipsub/score'
import type { PeerId } from '@libp2p/interface'
import type { GossipVerdict } from '@hearth/client'
import {
  parseRoomTopic,
  ProtocolError,
  ROOM_TOPIC_KINDS,
  roomTopic,
  toHex,
  validateSignal,
  type RoomTopicKind,
  type Signal,
  type Verified
} from '@hearth/protocol'
import { UnsupportedServiceError } from './errors.ts'
import { roomTopicScoreParams } from './gossip-scoring.ts'
import { PeerPenalties, RateLimiter, type RateLimit } from './rate-limit.ts'
import { ValidationQueue, ValidationQueueFullError } from './validation-queue.ts'

/** A checker's answer, as GossipSub understands it: the client's gossip verdict. */
export type { GossipVerdict }

/** Who a message came from. */
export interface GossipOrigin {
  /** The peer that signed (published) the message. */
  readonly from: PeerId
  /** The peer that forwarded it to us (equal to `from` when it came directly). */
  readonly via: PeerId
}

/**
 * What a room does with its gossip; the client's room store implements it.
 * Each method verifies the record and stores it if valid, and answers:
 * `accept` (valid, stored or already known: forward it), `reject` (invalid:
 * forged, malformed, not allowed), or `ignore` (cannot judge now, e.g. it
 * waits for parents; not forwarded, not held against the sender).
 */
export interface RoomGossipHandler {
  onAuthority(bytes: Uint8Array, origin: GossipOrigin): GossipVerdict | Promise<GossipVerdict>
  onEvent(bytes: Uint8Array, origin: GossipOrigin): GossipVerdict | Promise<GossipVerdict>
  /** Called with signals that passed `validateSignal` (signature, room, freshness); e.g. check membership. */
  onSignal(signal: Verified<Signal>, origin: GossipOrigin): GossipVerdict | Promise<GossipVerdict>
  /** Encoded profiles (§3.2) for the room's profile set. A handler without it ignores them. */
  onProfile?(bytes: Uint8Array, origin: GossipOrigin): GossipVerdict | Promise<GossipVerdict>
}

/** Rate limits per topic kind, per author; each forwarding peer gets `forwarderFactor` times the sum. */
export interface GossipRateLimits {
  readonly authority: RateLimit
  readonly events: RateLimit
  readonly signals: RateLimit
  readonly profiles: RateLimit
  readonly forwarderFactor: number
}

/** Default rate limits (PROTOCOL.md §10.4.3). A peer publishes its profile rarely: on a change, to each room. */
export const DEFAULT_GOSSIP_RATE_LIMITS: GossipRateLimits = {
  authority: { burst: 20, perSecond: 2 },
  events: { burst: 30, perSecond: 5 },
  signals: { burst: 10, perSecond: 1 },
  profiles: { burst: 5, perSecond: 0.5 },
  forwarderFactor: 10
}

/** Lower first. Profiles last: they can wait, and a join checked before them makes their author known. */
const PRIORITY: Record<RoomTopicKind, number> = { authority: 0, events: 1, signals: 2, profiles: 3 }

/** What {@link RoomGossip} needs of a node. */
export interface GossipHost {
  readonly libp2p: { readonly services: { readonly pubsub: GossipSub } }
  readonly penalties: PeerPenalties
}

interface Joined {
  readonly room: Uint8Array
  readonly handler: RoomGossipHandler
}

interface ScoredPubsub {
  readonly score: { readonly params: { readonly topics: Record<string, TopicScoreParams> } }
}

function scoreTopics(pubsub: GossipSub): Record<string, TopicScoreParams> {
  const topics = (pubsub as unknown as Partial<ScoredPubsub>).score?.params.topics
  if (topics === undefined) throw new UnsupportedServiceError('GossipSub exposes no score.params.topics; per-room scoring cannot be set')
  return topics
}

/** The gossip side of a node: join rooms, publish, validate. */
export class RoomGossip {
  readonly #pubsub: GossipSub
  readonly #penalties: PeerPenalties
  readonly #now: () => number
  readonly #onLocalError: (err: unknown) => void
  readonly #rooms = new Map<string, Joined>()
  readonly #authorLimits: Record<RoomTopicKind, RateLimiter>
  readonly #forwarderLimit: RateLimiter
  readonly #queue: ValidationQueue
  readonly #validator = (via: PeerId, msg: Parameters<NonNullable<ReturnType<GossipSub['topicValidators']['get']>>>[1]): Promise<TopicValidatorResult> =>
    this.#validate(via, msg)

  /**
   * `limits`: rate limits; `now`: the clock (ms); `concurrency`: checks run
   * at once; `onLocalError`: called when a checker fails with anything but a
   * ProtocolError (a local bug: the message is ignored, the sender not blamed).
   */
  constructor(
    host: GossipHost,
    opts: { limits?: GossipRateLimits; now?: () => number; concurrency?: number; onLocalError?: (err: unknown) => void } = {}
  ) {
    this.#pubsub = host.libp2p.services.pubsub
    this.#onLocalError = opts.onLocalError ?? ((err) => { console.error('hearth: gossip checker failed', err) })
    this.#penalties = host.penalties
    this.#now = opts.now ?? Date.now
    const limits = opts.limits ?? DEFAULT_GOSSIP_RATE_LIMITS
    this.#authorLimits = {
      authority: new RateLimiter(limits.authority), events: new RateLimiter(limits.events),
      signals: new RateLimiter(limits.signals), profiles: new RateLimiter(limits.profiles)
    }
    const sum = (k: 'burst' | 'perSecond'): number => ROOM_TOPIC_KINDS.reduce((n, kind) => n + limits[kind][k], 0)
    this.#forwarderLimit = new RateLimiter({ burst: sum('burst') * limits.forwarderFactor, perSecond: sum('perSecond') * limits.forwarderFactor })
    this.#queue = new ValidationQueue({ priorities: ROOM_TOPIC_KINDS.length, concurrency: opts.concurrency ?? 4 })
  }

  /** Subscribe to a room's four topics, with `handler` judging what arrives. */
  join(roomId: Uint8Array, handler: RoomGossipHandler): void {
    const topics = scoreTopics(this.#pubsub)
    this.#rooms.set(toHex(roomId), { room: roomId, handler })
    for (const kind of ROOM_TOPIC_KINDS) {
      const topic = roomTopic(roomId, kind)
      topics[topic] = roomTopicScoreParams(kind)
      this.#pubsub.topicValidators.set(topic, this.#validator)
      this.#pubsub.subscribe(topic)
    }
  }

  /** Unsubscribe from a room. Score parameters stay, so past offences still count. */
  leave(roomId: Uint8Array): void {
    this.#rooms.delete(toHex(roomId))
    for (const kind of ROOM_TOPIC_KINDS) {
      const topic = roomTopic(roomId, kind)
      this.#pubsub.unsubscribe(topic)
      this.#pubsub.topicValidators.delete(topic)
    }
  }

  /** Publish encoded bytes on a room topic. Resolves with the number of peers it was sent to. */
  async publish(roomId: Uint8Array, kind: RoomTopicKind, bytes: Uint8Array): Promise<number> {
    const result = await this.#pubsub.publish(roomTopic(roomId, kind), bytes)
    return result.recipients.length
  }

  /** Peers in our mesh for a room topic. */
  meshPeers(roomId: Uint8Array, kind: RoomTopicKind): string[] {
    const mesh = (this.#pubsub as unknown as { getMeshPeers?: (topic: string) => string[] }).getMeshPeers
    return mesh ? mesh.call(this.#pubsub, roomTopic(roomId, kind)) : []
  }

  async #validate(via: PeerId, msg: { topic: string; data: Uint8Array; type: 'signed' | 'unsigned'; from?: PeerId }): Promise<TopicValidatorResult> {
    const parsed = parseRoomTopic(msg.topic)
    const joined = parsed ? this.#rooms.get(toHex(parsed.room)) : undefined
    if (!parsed || !joined) return TopicValidatorResult.Ignore
    // Hearth topics are StrictSign: an unsigned message breaks the protocol.
    if (msg.type !== 'signed' || msg.from === undefined) return TopicValidatorResult.Reject
    const origin: GossipOrigin = { from: msg.from, via }
    const now = this.#now()
    const viaKey = via.toString()
    if (!this.#forwarderLimit.take(viaKey, now)) {
      this.#penalties.add(viaKey)
      return TopicValidatorResult.Ignore
    }
    if (!this.#authorLimits[parsed.kind].take(origin.from.toString(), now)) {
      // Only the author's direct neighbour is penalised: forwarders cannot know an author's rate.
      if (origin.from.equals(via)) this.#penalties.add(viaKey)
      return TopicValidatorResult.Ignore
    }
    let verdict: GossipVerdict
    try {
      verdict = await this.#queue.add(PRIORITY[parsed.kind], () => this.#check(joined, parsed.kind, msg.data, origin, now))
    } catch (err) {
      // Remote input broke a protocol rule: reject. A local failure or a full queue: ignore.
      verdict = err instanceof ProtocolError ? 'reject' : 'ignore'
      if (!(err instanceof ProtocolError) && !(err instanceof ValidationQueueFullError)) this.#onLocalError(err)
    }
    return verdict === 'accept' ? TopicValidatorResult.Accept : verdict === 'reject' ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore
  }

  async #check(joined: Joined, kind: RoomTopicKind, data: Uint8Array, origin: GossipOrigin, now: number): Promise<GossipVerdict> {
    switch (kind) {
      case 'authority':
        return joined.handler.onAuthority(data, origin)
      case 'events':
        return joined.handler.onEvent(data, origin)
      case 'signals':
        return joined.handler.onSignal(await validateSignal(data, joined.room, now), origin)
      case 'profiles':
        return joined.handler.onProfile?.(data, origin) ?? 'ignore'
    }
  }
}
