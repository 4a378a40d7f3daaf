/**
 * Verdicts from the protocol's log results (docs/drafts/network.md §10.4.2):
 * how a room store that feeds gossip into `AuthorityLog.add` or
 * `ChannelLog.add` answers GossipSub.
 *
 * - Broken records (malformed, forged, wrong room, bad linkage, refused by
 *   the room's rules at the cited authority point) are `reject`: every honest
 *   peer reaches the same judgement from the record alone, so the sender is
 *   at fault.
 * - Records that joined the log (even an authority entry refused at its
 *   place in the order, which every peer must still know) are `accept`.
 * - Everything else is `ignore`: already known, waiting for parents or for
 *   authority, or our waiting sets are full — not the sender's fault, and
 *   sync fills the gaps.
 */
import type { AddResult, ChannelAddResult } from '@hearth/protocol'
import { AuthorityRejectedError } from '@hearth/protocol'
import type { GossipVerdict } from './gossip.ts'

/** The verdict for one authority entry offered alone to `AuthorityLog.add`. */
export function authorityVerdict(result: AddResult): GossipVerdict {
  const broken = result.invalid.filter((e) => !(e instanceof AuthorityRejectedError && e.reason === 'duplicate'))
  if (broken.length > 0) return 'reject'
  return result.added.length > 0 ? 'accept' : 'ignore'
}

/**
 * The verdict for one channel event offered alone to `ChannelLog.add`.
 * Quarantined (author banned now, §7.4.2) is `ignore`: not forwarded, but
 * the forwarder may simply not have seen the ban yet, so no penalty.
 */
export function channelVerdict(result: ChannelAddResult): GossipVerdict {
  const broken = result.rejected.filter((e) => e.reason !== 'pending-full' && e.reason !== 'held-full' && e.reason !== 'quarantine-full')
  if (broken.length > 0) return 'reject'
  return result.added.length > 0 ? 'accept' : 'ignore'
}
