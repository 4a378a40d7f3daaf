/**
 * GossipSub peer-scoring parameters (docs/drafts/network.md §10.4.4).
 *
 * The aim: an honest peer's score stays at or above zero however quiet its
 * rooms are, and a peer whose messages our validators reject goes below the
 * graylist threshold after a handful of them, so its RPCs are ignored. So:
 *
 * - no penalty for missing mesh deliveries (P3, P3b off): rooms are often
 *   silent, and a silent peer has done nothing wrong;
 * - a small credit for first deliveries (P2, capped, and all positive topic
 *   score capped at {@link TOPIC_SCORE_CAP}), so good behaviour cannot bank
 *   enough credit to hide many invalid messages;
 * - a steep, slowly decaying penalty for invalid messages (P4, quadratic):
 *   with weight −10 and the cap of 10, three rejected messages on one topic
 *   give at most 10 − 90 = −80 and the fourth −150, below the graylist
 *   threshold of −80;
 * - the application-specific score (P5) carries rate-limit penalties;
 * - IP co-location (P6) as libp2p's default, with a whitelist for tests.
 *
 * Topic parameters are added per room as the node joins it, since topic
 * names are only known then (GossipSub reads `score.params.topics` live).
 */
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'
import { createTopicScoreParams } from '@libp2p/gossipsub/score'
import type { RoomTopicKind } from '@hearth/protocol'

/** Cap on the positive part of the topic score. */
export const TOPIC_SCORE_CAP = 10

/** Score thresholds: libp2p's defaults, restated here because the spec depends on them. */
export const HEARTH_SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 20
}

/** Per-topic-kind weights: authority entries weigh most, signals least. */
const KIND_WEIGHTS: Record<RoomTopicKind, { topicWeight: number; invalidWeight: number }> = {
  authority: { topicWeight: 1, invalidWeight: -20 },
  events: { topicWeight: 1, invalidWeight: -10 },
  signals: { topicWeight: 0.5, invalidWeight: -20 },
  // Rare, like signals; an invalid profile is forged or malformed on purpose.
  profiles: { topicWeight: 0.5, invalidWeight: -20 }
}

/** Score parameters of one room topic. */
export function roomTopicScoreParams(kind: RoomTopicKind): TopicScoreParams {
  const w = KIND_WEIGHTS[kind]
  return createTopicScoreParams({
    topicWeight: w.topicWeight,
    // P1 off: time in mesh earns nothing (keeps the reasoning above simple).
    timeInMeshWeight: 0,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 1,
    // P2: first deliveries, decaying by 10% a second (decayInterval 1 s), capped.
    firstMessageDeliveriesWeight: 1,
    firstMessageDeliveriesDecay: 0.9,
    firstMessageDeliveriesCap: TOPIC_SCORE_CAP,
    // P3 / P3b off: quiet rooms are normal.
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    // P4: quadratic in the number of rejected messages; halves in about 3.8 minutes.
    invalidMessageDeliveriesWeight: w.invalidWeight,
    invalidMessageDeliveriesDecay: 0.997
  })
}

/**
 * Global score parameters. `appSpecificScore` returns a peer's P5 term
 * (non-positive: minus its rate-limit penalty points); `ipWhitelist` is for
 * tests whose peers all share one address.
 */
export function hearthScoreParams(opts: { appSpecificScore: (peer: string) => number; ipWhitelist?: readonly string[] }): Partial<PeerScoreParams> {
  return {
    topics: {},
    topicScoreCap: TOPIC_SCORE_CAP,
    appSpecificScore: opts.appSpecificScore,
    appSpecificWeight: 10,
    IPColocationFactorWeight: -5,
    IPColocationFactorThreshold: 10,
    IPColocationFactorWhitelist: new Set(opts.ipWhitelist ?? []),
    behaviourPenaltyWeight: -10,
    behaviourPenaltyThreshold: 0,
    behaviourPenaltyDecay: 0.2,
    decayInterval: 1000,
    decayToZero: 0.1,
    retainScore: 3_600_000
  }
}
