/**
 * `hiddenByBans` against a direct reading of PROTOCOL.md §7.4.1 on random
 * channel DAGs: for each event by a banned author, search its descendants
 * for a witness.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { toHex } from '../bytes.ts'
import type { Keypair } from '../crypto/ed25519.ts'
import { MOD } from '../authority/capabilities.ts'
import { channelId, key, Room } from '../authority/test-support.ts'
import type { AuthorityState } from '../authority/state.ts'
import type { Verified } from '../verified.ts'
import { signChannelEvent, type ChannelEventNode } from './event.ts'
import { hiddenByBans, type BanAuthority } from './ban-rule.ts'

type Node = Verified<ChannelEventNode>
const CH = channelId('ban-rule/general')

/** The rule as written: hidden iff banned now and no descendant witness. */
function referenceHidden(events: readonly Node[], authority: BanAuthority): Set<string> {
  const children = new Map<string, Node[]>()
  for (const n of events) for (const p of n.event.parents) children.set(toHex(p), [...(children.get(toHex(p)) ?? []), n])
  const bannedNow = (a: Uint8Array): boolean => authority.state.bans.has(toHex(a))
  const hidden = new Set<string>()
  for (const e of events) {
    if (!bannedNow(e.event.author)) continue
    const x = toHex(e.event.author)
    const seen = new Set<string>()
    const stack = [...(children.get(e.key) ?? [])]
    let witnessed = false
    while (stack.length > 0 && !witnessed) {
      const w = stack.pop() as Node
      if (seen.has(w.key)) continue
      seen.add(w.key)
      const at = authority.stateAt(w.event.auth) as AuthorityState
      if (!bannedNow(w.event.author) && !at.bans.has(x)) witnessed = true
      stack.push(...(children.get(w.key) ?? []))
    }
    if (!witnessed) hidden.add(e.key)
  }
  return hidden
}

interface Script {
  /** Per event: author index, parent picks, which authority point it cites. */
  readonly events: readonly { readonly author: number; readonly parents: readonly number[]; readonly point: number }[]
  /** Ban (true) or unban (false) per step, of author index. */
  readonly moderation: readonly { readonly target: number; readonly ban: boolean }[]
}

const scriptArb: fc.Arbitrary<Script> = fc.record({
  events: fc.array(fc.record({
    author: fc.integer({ min: 0, max: 3 }),
    parents: fc.array(fc.nat(), { maxLength: 3 }),
    point: fc.nat()
  }), { minLength: 1, maxLength: 25 }),
  moderation: fc.array(fc.record({ target: fc.integer({ min: 1, max: 3 }), ban: fc.boolean() }), { minLength: 1, maxLength: 4 })
})

describe('hiddenByBans', () => {
  it('agrees with a direct reading of the rule on random DAGs and ban histories', async () => {
    let nonTrivial = 0
    await fc.assert(fc.asyncProperty(scriptArb, async (script) => {
      // A fresh log per run: moderation changes it.
      const room = await Room.open('ban-rule')
      const members = ['a', 'b', 'c'].map((n) => key(`ban-rule/${n}`))
      await room.join(...members)
      const mod = key('ban-rule/mod')
      await room.join(mod)
      await room.must(room.owner, { op: 'grant', target: mod.publicKey, role: MOD })
      await room.must(room.owner, { op: 'channel-create', channel: CH, name: 'general', kind: 'text', position: 0 })
      const authors = [mod, ...members]
      // Authority points: the heads after each moderation step.
      const points = [room.log.heads().ids]
      for (const m of script.moderation) {
        const target = (authors[m.target] as Keypair).publicKey
        const banned = room.log.state.bans.has(toHex(target))
        if (m.ban && !banned) await room.must(mod, { op: 'ban', target })
        if (!m.ban && banned) await room.must(mod, { op: 'unban', target })
        points.push(room.log.heads().ids)
      }
      const events: Node[] = []
      for (const spec of script.events) {
        const parents = events.length === 0 ? [] : [...new Set(spec.parents.map((p) => events[p % events.length] as Node))]
        events.push(await signChannelEvent(authors[spec.author] as Keypair, {
          room: room.log.genesis.room, channel: CH, parents: parents.map((p) => p.id),
          lamport: 1 + Math.max(0, ...parents.map((p) => p.event.lamport)), auth: points[spec.point % points.length] as Uint8Array[],
          at: 1, body: { kind: 'post', content: { text: 'x' } }
        }))
      }
      const ordered = [...events].sort((a, b) => a.event.lamport - b.event.lamport || (a.key < b.key ? -1 : 1))
      const got = hiddenByBans(ordered, room.log)
      expect([...got].sort()).toEqual([...referenceHidden(ordered, room.log)].sort())
      if (got.size > 0 && got.size < ordered.filter((n) => room.log.state.bans.has(toHex(n.event.author))).length) nonTrivial++
    }), { numRuns: 60 })
    // Some runs must hide part, not all, of a banned author's events.
    expect(nonTrivial).toBeGreaterThan(3)
  }, 60_000)
})
