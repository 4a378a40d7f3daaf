/**
 * The ban rule (PROTOCOL.md §7.4.1): which stored events of a channel a
 * client hides because their author is banned now.
 *
 * A channel event is judged once, at the authority point it cites (§7.4).
 * A banned member's client can keep citing heads from before the ban, so the
 * cited point alone cannot stop it; the current state alone would erase the
 * member's legitimate history. The rule in between: an event by a member
 * banned in the current state stays visible only if another member, not
 * banned now, wrote an event that has it in its channel past while citing an
 * authority point at which the author was not banned — someone saw it
 * before they learned of the ban. The banned member cannot manufacture such
 * witnesses alone.
 *
 * The result is a function of the stored events and the authority log's
 * entries only, so replicas with the same sets hide the same events; it
 * changes when the authority log does (a ban hides, an unban shows again),
 * so callers recompute it then. Cost: O(1) when no author of the channel is
 * banned; otherwise one pass over the events, newest first, carrying the set
 * of banned authors each event is witnessed for.
 */
import { toHex } from '../bytes.ts'
import type { AuthorityState } from '../authority/state.ts'
import type { ChannelEventNode } from './event.ts'

/** What the rule reads from an authority log. */
export interface BanAuthority {
  /** The current state. */
  readonly state: AuthorityState
  /** The state at a causal point (undefined when a head is unknown). */
  stateAt(heads: readonly Uint8Array[]): AuthorityState | undefined
}

/** Keys (hex ids) of the events in `events` (a channel log's stored events, in order) that the ban rule hides. */
export function hiddenByBans(events: readonly ChannelEventNode[], authority: BanAuthority): Set<string> {
  const hidden = new Set<string>()
  const { bans } = authority.state
  if (bans.size === 0) return hidden
  const authors = new Map<string, string>()
  let any = false
  for (const node of events) {
    const a = toHex(node.event.author)
    authors.set(node.key, a)
    if (bans.has(a)) any = true
  }
  if (!any) return hidden
  // Banned authors of this channel: the only ones a witness can matter for.
  const banned = [...new Set([...authors.values()].filter((a) => bans.has(a)))]
  /** Event key → banned authors it is witnessed for (it is in the channel past of a witness for them). */
  const witnessed = new Map<string, Set<string>>()
  const ownWitness = new Map<string, readonly string[]>()
  for (let i = events.length - 1; i >= 0; i--) {
    const node = events[i] as ChannelEventNode
    const author = authors.get(node.key) as string
    const carried = witnessed.get(node.key)
    if (bans.has(author) && !(carried?.has(author) ?? false)) hidden.add(node.key)
    let passes = carried
    if (!bans.has(author)) {
      const own = witnessFor(node, banned, authority, ownWitness)
      if (own.length > 0) passes = new Set([...(carried ?? []), ...own])
    }
    if (passes === undefined || passes.size === 0) continue
    for (const p of node.event.parents) {
      const pk = toHex(p)
      const into = witnessed.get(pk)
      if (into === undefined) witnessed.set(pk, new Set(passes))
      else for (const a of passes) into.add(a)
    }
  }
  return hidden
}

/** The banned authors `node` (by a member not banned now) witnesses: those not banned at its cited point. */
function witnessFor(
  node: ChannelEventNode,
  banned: readonly string[],
  authority: BanAuthority,
  cache: Map<string, readonly string[]>
): readonly string[] {
  const point = node.event.auth.map(toHex).sort().join(',')
  let out = cache.get(point)
  if (out === undefined) {
    const state = authority.stateAt(node.event.auth)
    out = state === undefined ? [] : banned.filter((a) => !state.bans.has(a))
    cache.set(point, out)
  }
  return out
}

/** The stored events a client shows: `events` without those {@link hiddenByBans} hides, in order. */
export function visibleEvents<T extends ChannelEventNode>(events: readonly T[], authority: BanAuthority): readonly T[] {
  const hidden = hiddenByBans(events, authority)
  return hidden.size === 0 ? events : events.filter((n) => !hidden.has(n.key))
}
