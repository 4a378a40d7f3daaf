/**
 * The acceptance hook a room uses for its channels (PROTOCOL.md §7.4): an
 * event is admitted when its author may do what it does in its channel at
 * the authority state of the heads it cites (its causal point).
 */
import { toHex } from '../bytes.ts'
import type { AuthorityLog } from '../authority/authority-log.ts'
import { channelCaps } from '../authority/view.ts'
import type { ChannelAcceptHook, ChannelWitnessCheck } from './acceptance.ts'

/**
 * The hook for channel logs of the room `authority` replays. Its verdicts
 * (true or a refusal) are deterministic for the cited heads: `stateAt`
 * depends only on their causal past. On top, an admissible event whose
 * author is banned in the current state is `quarantine`d (§7.4.2): kept
 * aside unstored until a witness arrives — a local storage policy, so the
 * stored sets of replicas agree up to events the ban rule hides anyway.
 */
export function authorityAcceptHook(authority: AuthorityLog): ChannelAcceptHook {
  return ({ event: node, needed }) => {
    const { event } = node
    if (event.auth.length === 0) return 'unknown-authority'
    const state = authority.stateAt(event.auth)
    if (state === undefined) return 'unknown-authority'
    const channel = state.channels.get(toHex(event.channel))
    if (channel === undefined) return 'unknown-channel'
    const author = toHex(event.author)
    if (state.bans.has(author)) return 'banned'
    if (!state.members.has(author)) return 'not-member'
    const caps = channelCaps(state, event.author, event.channel, event.at)
    if ((caps & needed) !== needed) return 'missing-capability'
    return authority.state.bans.has(author) ? 'quarantine' : true
  }
}

/** The quarantine release check (§7.4.2) for channel logs of the room `authority` replays. */
export function authorityWitness(authority: AuthorityLog): ChannelWitnessCheck {
  return (waiting) => !authority.state.bans.has(toHex(waiting.event.author))
}
