import { describe, expect, it } from 'vitest'
import { createPeerScoreParams, validatePeerScoreParams, validatePeerScoreThresholds, createPeerScoreThresholds } from '@libp2p/gossipsub/score'
import { ROOM_TOPIC_KINDS } from '@hearth/protocol'
import { HEARTH_SCORE_THRESHOLDS, hearthScoreParams, roomTopicScoreParams, TOPIC_SCORE_CAP } from './gossip-scoring.ts'

describe('gossip scoring parameters', () => {
  it('are accepted by GossipSub', () => {
    const topics = Object.fromEntries(ROOM_TOPIC_KINDS.map((k) => [`t/${k}`, roomTopicScoreParams(k)]))
    expect(() => { validatePeerScoreParams(createPeerScoreParams({ ...hearthScoreParams({ appSpecificScore: () => 0 }), topics })) }).not.toThrow()
    expect(() => { validatePeerScoreThresholds(createPeerScoreThresholds(HEARTH_SCORE_THRESHOLDS)) }).not.toThrow()
  })

  it('graylist a peer after a few rejected messages on any one topic, whatever credit it earned', () => {
    for (const kind of ROOM_TOPIC_KINDS) {
      const p = roomTopicScoreParams(kind)
      const worst = (n: number): number => TOPIC_SCORE_CAP + p.topicWeight * p.invalidMessageDeliveriesWeight * n * n
      expect(worst(4)).toBeLessThan(HEARTH_SCORE_THRESHOLDS.graylistThreshold)
      // One mistake does not graylist an otherwise good peer.
      expect(TOPIC_SCORE_CAP / 2 + p.topicWeight * p.invalidMessageDeliveriesWeight).toBeGreaterThan(HEARTH_SCORE_THRESHOLDS.graylistThreshold)
      // Quiet rooms cost nothing.
      expect(p.meshMessageDeliveriesWeight).toBe(0)
      expect(p.meshFailurePenaltyWeight).toBe(0)
    }
  })
})
