import { describe, expect, it } from 'vitest'
import { TopicValidatorResult, type GossipSub, type Message } from '@libp2p/gossipsub'
import type { TopicScoreParams } from '@libp2p/gossipsub/score'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { createSignal, encodeSignal, InvalidSignatureError, keypairFromSeed, roomTopic, roomTopics, sha256, utf8 } from '@hearth/protocol'
import { RoomGossip, type GossipVerdict, type RoomGossipHandler } from './gossip.ts'
import { PeerPenalties } from './rate-limit.ts'

const room = sha256(utf8('gossip-unit/room'))
const T0 = 1_700_000_000_000

function fakePubsub(): GossipSub & { score: { params: { topics: Record<string, TopicScoreParams> } }; subscribed: Set<string> } {
  const subscribed = new Set<string>()
  return {
    topicValidators: new Map(),
    subscribe: (t: string) => { subscribed.add(t) },
    unsubscribe: (t: string) => { subscribed.delete(t) },
    publish: () => Promise.resolve({ recipients: [] }),
    score: { params: { topics: {} } },
    subscribed
  } as unknown as GossipSub & { score: { params: { topics: Record<string, TopicScoreParams> } }; subscribed: Set<string> }
}

async function peer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

function message(topic: string, data: Uint8Array, from: PeerId): Message {
  return { type: 'signed', topic, data, from, sequenceNumber: 1n, signature: new Uint8Array(64), key: {} as never }
}

type Kind = 'authority' | 'events' | 'signals' | 'profiles'

function handler(verdicts: Partial<Record<Kind, GossipVerdict | Error>>, seen: string[] = []): RoomGossipHandler {
  const answer = (kind: Kind): GossipVerdict => {
    seen.push(kind)
    const v = verdicts[kind] ?? 'accept'
    if (v instanceof Error) throw v
    return v
  }
  return { onAuthority: () => answer('authority'), onEvent: () => answer('events'), onSignal: () => answer('signals'), onProfile: () => answer('profiles') }
}

describe('RoomGossip validation', () => {
  it('joins four topics with validators and score parameters, and leaves them', () => {
    const pubsub = fakePubsub()
    const g = new RoomGossip({ libp2p: { services: { pubsub } }, penalties: new PeerPenalties() })
    g.join(room, handler({}))
    const all = roomTopics(room)
    const topics = [all.authority, all.events, all.signals, all.profiles]
    expect([...pubsub.subscribed].sort()).toEqual([...topics].sort())
    for (const t of topics) {
      expect(pubsub.topicValidators.has(t)).toBe(true)
      expect(pubsub.score.params.topics[t]?.invalidMessageDeliveriesWeight).toBeLessThan(0)
    }
    g.leave(room)
    expect(pubsub.subscribed.size).toBe(0)
    expect(pubsub.topicValidators.size).toBe(0)
  })

  it('maps verdicts, protocol errors, local errors and unsigned messages', async () => {
    const pubsub = fakePubsub()
    const localErrors: unknown[] = []
    const g = new RoomGossip({ libp2p: { services: { pubsub } }, penalties: new PeerPenalties() }, { onLocalError: (e) => localErrors.push(e), now: () => T0 })
    g.join(room, handler({ authority: 'reject', events: new InvalidSignatureError('forged') }))
    const from = await peer()
    const validate = (kind: Kind, data: Uint8Array, via = from): Promise<TopicValidatorResult> =>
      Promise.resolve(pubsub.topicValidators.get(roomTopic(room, kind))!(via, message(roomTopic(room, kind), data, from)))
    expect(await validate('authority', utf8('x'))).toBe(TopicValidatorResult.Reject)
    expect(await validate('events', utf8('x'))).toBe(TopicValidatorResult.Reject)
    // A signal that fails the protocol check is rejected before the handler sees it.
    expect(await validate('signals', utf8('not a signal'))).toBe(TopicValidatorResult.Reject)
    const member = keypairFromSeed(sha256(utf8('gossip-unit/member')))
    const signal = encodeSignal(await createSignal({ room, identity: member, body: { kind: 'presence', status: 'online' }, at: T0 }))
    expect(await validate('signals', signal)).toBe(TopicValidatorResult.Accept)
    expect(localErrors).toEqual([])
    // Profiles go to the handler's onProfile; a handler without one ignores them (no penalty).
    expect(await validate('profiles', utf8('x'))).toBe(TopicValidatorResult.Accept)
    const noProfiles = fakePubsub()
    const g3 = new RoomGossip({ libp2p: { services: { pubsub: noProfiles } }, penalties: new PeerPenalties() }, { now: () => T0 })
    const full = handler({})
    g3.join(room, { onAuthority: full.onAuthority.bind(full), onEvent: full.onEvent.bind(full), onSignal: full.onSignal.bind(full) })
    const profiles = roomTopic(room, 'profiles')
    expect(await noProfiles.topicValidators.get(profiles)!(from, message(profiles, utf8('x'), from))).toBe(TopicValidatorResult.Ignore)

    const g2pubsub = fakePubsub()
    const g2 = new RoomGossip({ libp2p: { services: { pubsub: g2pubsub } }, penalties: new PeerPenalties() }, { onLocalError: (e) => localErrors.push(e) })
    g2.join(room, handler({ events: new Error('local bug') }))
    const topic = roomTopic(room, 'events')
    expect(await g2pubsub.topicValidators.get(topic)!(from, message(topic, utf8('x'), from))).toBe(TopicValidatorResult.Ignore)
    expect(localErrors).toHaveLength(1)
    const unsigned = { type: 'unsigned', topic, data: utf8('x') } as Message
    expect(await g2pubsub.topicValidators.get(topic)!(from, unsigned)).toBe(TopicValidatorResult.Reject)
    // A topic of a room we have not joined is ignored.
    const other = roomTopic(sha256(utf8('other')), 'events')
    g2pubsub.topicValidators.set(other, g2pubsub.topicValidators.get(topic)!)
    expect(await g2pubsub.topicValidators.get(other)!(from, message(other, utf8('x'), from))).toBe(TopicValidatorResult.Ignore)
  })

  it('rate-limits per author (ignore; penalty only for a direct sender) and per forwarder', async () => {
    const pubsub = fakePubsub()
    const penalties = new PeerPenalties({ now: () => T0 })
    const seen: string[] = []
    const limits = {
      authority: { burst: 2, perSecond: 1 }, events: { burst: 2, perSecond: 1 }, signals: { burst: 1, perSecond: 1 }, profiles: { burst: 1, perSecond: 1 }, forwarderFactor: 2
    }
    const g = new RoomGossip({ libp2p: { services: { pubsub } }, penalties }, { limits, now: () => T0 })
    g.join(room, handler({}, seen))
    const topic = roomTopic(room, 'events')
    const validate = pubsub.topicValidators.get(topic)!
    const author = await peer()
    const relay = await peer()
    // Relayed: the author's third message is ignored, the relay is not penalised.
    const relayed = await Promise.all([1, 2, 3].map((i) => Promise.resolve(validate(relay, message(topic, utf8(`r${i}`), author)))))
    expect(relayed).toEqual([TopicValidatorResult.Accept, TopicValidatorResult.Accept, TopicValidatorResult.Ignore])
    expect(penalties.get(relay.toString())).toBe(0)
    // Direct: the sender is the author, and is penalised.
    const direct = await peer()
    const sent = await Promise.all([1, 2, 3].map((i) => Promise.resolve(validate(direct, message(topic, utf8(`d${i}`), direct)))))
    expect(sent[2]).toBe(TopicValidatorResult.Ignore)
    expect(penalties.get(direct.toString())).toBe(1)
    // A forwarder relaying many authors hits its own (larger) limit: burst (2+2+1+1)×2 = 12.
    const busy = await peer()
    const results = []
    for (let i = 0; i < 14; i++) results.push(await validate(busy, message(topic, utf8(`b${i}`), await peer())))
    expect(results.filter((r) => r === TopicValidatorResult.Accept)).toHaveLength(12)
    expect(penalties.get(busy.toString())).toBe(2)
    expect(seen.length).toBe(2 + 2 + 12)
  })
})
