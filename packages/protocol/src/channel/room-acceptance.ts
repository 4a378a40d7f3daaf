/**
 * The acceptance hook a room uses for its channels (PROTOCOL.md §7.4): an
 * event is admitted when its author may do what it does in its channel at
 * the authority state of the heads it cites (its causal point).
 */
import { toHex } from '../bytes.ts'
import type { AuthorityLog } from '../authority/authority-log.ts'
import { channelCaps } from '../authority/view.ts'
import type { ChannelAcceptHook } from './acceptance.ts'

/**
 * The hook for channel logs of the room `authority` replays. Deterministic
 * for the cited heads: `stateAt` depends only on their causal past.
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
    return (caps & needed) === needed ? true : 'missing-capability'
  }
}
