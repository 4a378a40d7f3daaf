/**
 * Channel events judged against a real authority log (PROTOCOL.md §7.4):
 * the author's rights at the cited point, events waiting for authority they
 * cite, and the ban rule for events concurrent with a ban.
 */
import { describe, expect, it } from 'vitest'
import { toHex, type Bytes } from '../bytes.ts'
import type { Keypair } from '../crypto/ed25519.ts'
import { Cap, MOD } from '../authority/capabilities.ts'
import { channelId, key, Room } from '../authority/test-support.ts'
import { genesisId } from '../authority/entry.ts'
import { AuthorityLog } from '../authority/authority-log.ts'
import { Rng } from '../test-rng.ts'
import type { Verified } from '../verified.ts'
import { ChannelLog } from './channel-log.ts'
import { signChannelEvent, type ChannelEventNode, type EventBody } from './event.ts'
import { authorityAcceptHook, authorityWitness } from './room-acceptance.ts'
import { hiddenByBans } from './ban-rule.ts'
import { ChannelView } from './channel-view.ts'

type Node = Verified<ChannelEventNode>
const CH = channelId('accept/general')
const post = (text: string): EventBody => ({ kind: 'post', content: { text } })

interface Fixture {
  room: Room
  log: ChannelLog
  owner: Keypair
  mod: Keypair
  alice: Keypair
  bob: Keypair
}

async function fixture(label: string, policy: 'open' | 'invite' = 'open'): Promise<Fixture> {
  const room = await Room.open(`accept/${label}`, { join: policy, discoverable: 'unlisted' })
  const owner = room.owner
  const [mod, alice, bob] = ['mod', 'alice', 'bob'].map((n) => key(`accept/${label}/${n}`)) as [Keypair, Keypair, Keypair]
  await room.must(owner, { op: 'channel-create', channel: CH, name: 'general', kind: 'text', position: 0 })
  if (policy === 'open') {
    await room.join(mod, alice, bob)
    await room.must(owner, { op: 'grant', target: mod.publicKey, role: MOD })
  }
  const log = new ChannelLog({ room: room.log.genesis.room, channel: CH, accept: authorityAcceptHook(room.log), witness: authorityWitness(room.log) })
  return { room, log, owner, mod, alice, bob }
}

/** Sign `body` by `kp` on explicit channel parents, citing explicit authority heads (default: the log's current heads). */
function write(f: Fixture, kp: Keypair, body: EventBody, parents: readonly Node[], auth?: readonly Uint8Array[], at = 50_000): Promise<Node> {
  return signChannelEvent(kp, {
    room: f.room.log.genesis.room, channel: CH, parents: parents.map((p) => p.id),
    lamport: 1 + Math.max(0, ...parents.map((p) => p.event.lamport)), auth: auth ?? f.room.log.heads().ids, at, body
  })
}

const headsNow = (f: Fixture): Bytes[] => f.room.log.heads().ids

describe('authorityAcceptHook (rights at the cited point)', () => {
  it('admits members with the right and refuses with the reason peers agree on', async () => {
    const f = await fixture('rights')
    const outsider = key('accept/rights/outsider')
    const ok = await write(f, f.alice, post('hi'), [])
    expect(f.log.insert([ok]).added).toHaveLength(1)
    const cases: [Node, string][] = [
      [await write(f, outsider, post('who am i'), [ok]), 'not-member'],
      [await signChannelEvent(f.alice, { room: f.room.log.genesis.room, channel: channelId('accept/nowhere'), parents: [], lamport: 1, auth: headsNow(f), at: 1, body: post('x') }), 'wrong-channel']
    ]
    // A channel the authority log does not define: judged by a log opened for it.
    const ghost = channelId('accept/ghost')
    const ghostLog = new ChannelLog({ room: f.room.log.genesis.room, channel: ghost, accept: authorityAcceptHook(f.room.log) })
    const ghostEvent = await signChannelEvent(f.alice, { room: f.room.log.genesis.room, channel: ghost, parents: [], lamport: 1, auth: headsNow(f), at: 1, body: post('x') })
    expect(ghostLog.insert([ghostEvent]).rejected.map((e) => e.reason)).toEqual(['unknown-channel'])
    for (const [node, reason] of cases) expect(f.log.insert([node]).rejected.map((e) => e.reason)).toEqual([reason])
    // Bob deletes Alice's message: needs DELETE_OTHERS; the moderator has it.
    expect(f.log.insert([await write(f, f.bob, { kind: 'delete', target: ok.id }, [ok])]).rejected.map((e) => e.reason)).toEqual(['missing-capability'])
    expect(f.log.insert([await write(f, f.mod, { kind: 'delete', target: ok.id }, [ok])]).added).toHaveLength(1)
    // Her own delete needs nothing beyond membership.
    expect(f.log.insert([await write(f, f.alice, { kind: 'delete', target: ok.id }, [ok])]).added).toHaveLength(1)
  })

  it('refuses non-members of an invite-only room', async () => {
    const f = await fixture('invite', 'invite')
    expect(f.log.insert([await write(f, f.alice, post('let me in'), [])]).rejected.map((e) => e.reason)).toEqual(['not-member'])
    expect(f.log.insert([await write(f, f.owner, post('owners may'), [])]).added).toHaveLength(1)
  })

  it('judges at the cited point: banned, timed out, post right revoked by an override', async () => {
    const f = await fixture('point')
    const before = headsNow(f)
    await f.room.must(f.mod, { op: 'ban', target: f.bob.publicKey })
    await f.room.must(f.mod, { op: 'timeout', target: f.alice.publicKey, until: 60_000 })
    const banned = await write(f, f.bob, post('after my ban'), [])
    expect(f.log.insert([banned]).rejected.map((e) => e.reason)).toEqual(['banned'])
    // Timed out: refused before the end, admitted at or after it (by the event's clock).
    expect(f.log.insert([await write(f, f.alice, post('shh'), [], undefined, 59_999)]).rejected.map((e) => e.reason)).toEqual(['missing-capability'])
    const later = await write(f, f.alice, post('back'), [], undefined, 60_000)
    expect(f.log.insert([later]).added).toHaveLength(1)
    // Citing a point before the ban, the event is admissible — but its author is banned now: set aside, not stored.
    const stale = await write(f, f.bob, post('stale heads'), [], before)
    expect(f.log.insert([stale]).quarantined).toHaveLength(1)
    expect(f.log.status(stale.id)).toBe('quarantined')
    // The member role loses POST in this channel.
    await f.room.must(f.owner, { op: 'channel-override', channel: CH, role: 'member', allow: 0, deny: Cap.POST })
    expect(f.log.insert([await write(f, f.alice, post('muted'), [later], undefined, 70_000)]).rejected.map((e) => e.reason)).toEqual(['missing-capability'])
    expect(f.log.insert([await write(f, f.alice, { kind: 'react', target: later.id, emoji: '👍' }, [later], undefined, 70_000)]).added).toHaveLength(1)
    // Every role inherits the member override unless its own allows; owners hold everything.
    expect(f.log.insert([await write(f, f.mod, post('mods too'), [later], undefined, 70_000)]).rejected.map((e) => e.reason)).toEqual(['missing-capability'])
    await f.room.must(f.owner, { op: 'channel-override', channel: CH, role: MOD, allow: Cap.POST, deny: 0 })
    expect(f.log.insert([await write(f, f.mod, post('mods allowed again'), [later], undefined, 70_000)]).added).toHaveLength(1)
    expect(f.log.insert([await write(f, f.owner, post('owners always'), [later], undefined, 70_000)]).added).toHaveLength(1)
  })

  it('holds an event citing authority this peer lacks, then admits it once the entry arrives', async () => {
    const f = await fixture('held')
    const carol = key('accept/held/carol')
    // Carol joins on another peer; her event cites her join, which our log has not seen.
    const other = await f.room.replica()
    const join = await f.room.dag.sign(carol, { op: 'join' }, f.room.heads())
    await other.addNodes([join])
    const e = await write(f, carol, post('hello from carol'), [], [join.id])
    const first = f.log.insert([e])
    expect(first.held).toHaveLength(1)
    expect(f.log.status(e.id)).toBe('held')
    expect(f.log.retryHeld().held).toHaveLength(1)
    await f.room.log.addNodes([join])
    expect(f.log.retryHeld().added.map((n) => n.key)).toEqual([e.key])
  })

  it('gives the same verdicts whatever else the authority log learned since', async () => {
    const f = await fixture('stable')
    const point = headsNow(f)
    const e = await write(f, f.bob, post('before'), [], point)
    expect(authorityAcceptHook(f.room.log)({ event: e, needed: Cap.POST })).toBe(true)
    await f.room.must(f.owner, { op: 'revoke', target: f.mod.publicKey, role: MOD })
    await f.room.must(f.owner, { op: 'channel-override', channel: CH, role: 'member', allow: 0, deny: Cap.POST })
    expect(authorityAcceptHook(f.room.log)({ event: e, needed: Cap.POST })).toBe(true)
    // A ban since is not a refusal either: the event is set aside while its author is banned (§7.4.2).
    await f.room.must(f.owner, { op: 'ban', target: f.bob.publicKey })
    expect(authorityAcceptHook(f.room.log)({ event: e, needed: Cap.POST })).toBe('quarantine')
  })
})

describe('the ban rule (events concurrent with a ban)', () => {
  it('keeps what others saw before the ban, hides what nobody did, and shows everything again on unban', async () => {
    const f = await fixture('ban')
    const pre = headsNow(f)
    const seen = await write(f, f.bob, post('seen by alice'), [], pre)
    const reply = await write(f, f.alice, post('reply'), [seen], pre)
    const unseen = await write(f, f.bob, post('nobody built on this'), [reply], pre)
    f.log.insert([seen, reply, unseen])
    expect(hiddenByBans(f.log.events, f.room.log)).toEqual(new Set())
    await f.room.must(f.mod, { op: 'ban', target: f.bob.publicKey })
    // Stored before the ban, nobody built on `unseen`: hidden.
    expect([...hiddenByBans(f.log.events, f.room.log)]).toEqual([unseen.key])
    // Bob keeps posting, citing the heads from before his ban: set aside, never stored.
    const stale = await write(f, f.bob, post('still here'), [unseen], pre)
    const spam = await write(f, f.bob, post('and here'), [stale], pre)
    const first = f.log.insert([stale, spam])
    expect(first.quarantined.map((n) => n.key)).toEqual([stale.key])
    expect(f.log.status(spam.id)).toBe('pending')
    expect(f.log.missingParents()).toEqual([])
    // Alice (who saw the ban) built on it anyway (it was one of her heads): her event must be kept, so the
    // chain is stored — and still hidden, since her point includes the ban (no witness).
    const after = await write(f, f.alice, post('after the ban'), [spam])
    expect(f.log.insert([after]).added.map((n) => n.key).sort()).toEqual([stale.key, spam.key, after.key].sort())
    const hidden = hiddenByBans(f.log.events, f.room.log)
    expect([...hidden].sort()).toEqual([unseen.key, stale.key, spam.key].sort())
    const view = ChannelView.of(f.log.events.filter((n) => !hidden.has(n.key)))
    expect(view.page({ limit: 10 }).map((m) => m.id)).toEqual([after.id, reply.id, seen.id])
    // A witness that had not seen the ban yet (citing `pre`) shows what it built on.
    const late = await write(f, f.alice, post('written offline before the ban reached me'), [spam], pre)
    f.log.insert([late])
    expect(hiddenByBans(f.log.events, f.room.log)).toEqual(new Set())
    await f.room.must(f.mod, { op: 'unban', target: f.bob.publicKey })
    expect(hiddenByBans(f.log.events, f.room.log)).toEqual(new Set())
  })

  it('a banned member cannot witness for another banned member', async () => {
    const f = await fixture('collude')
    const pre = headsNow(f)
    const a = await write(f, f.bob, post('bob'), [], pre)
    const b = await write(f, f.alice, post('alice vouches'), [a], pre)
    f.log.insert([a, b])
    await f.room.must(f.mod, { op: 'ban', target: f.bob.publicKey })
    await f.room.must(f.mod, { op: 'ban', target: f.alice.publicKey })
    expect([...hiddenByBans(f.log.events, f.room.log)].sort()).toEqual([a.key, b.key].sort())
  })

  it('replicas fed the same events and entries in any order hide the same events', async () => {
    const f = await fixture('order')
    const rng = new Rng(0xba4)
    const pre = headsNow(f)
    const authors = [f.alice, f.bob, f.mod]
    const events: Node[] = []
    for (let i = 0; i < 40; i++) {
      const parents = events.length === 0 ? [] : [events[rng.int(events.length)] as Node]
      events.push(await write(f, authors[rng.int(authors.length)] as Keypair, post(`m${i}`), parents, rng.int(2) === 0 ? pre : undefined))
      if (i === 20) await f.room.must(f.mod, { op: 'ban', target: f.bob.publicKey })
    }
    const entries = f.room.log.entries.map((e) => e.node)
    const results = new Set<string>()
    for (let r = 0; r < 4; r++) {
      const replica = new AuthorityLog(f.room.log.genesis)
      const log = new ChannelLog({ room: f.room.log.genesis.room, channel: CH, accept: authorityAcceptHook(replica), witness: authorityWitness(replica) })
      // Authority in random batches, events in random batches, interleaved.
      const auth = rng.shuffle([...entries])
      const evs = rng.shuffle([...events])
      while (auth.length > 0 || evs.length > 0) {
        if (auth.length > 0 && rng.int(2) === 0) {
          await replica.addNodes(auth.splice(0, 1 + rng.int(4)))
          log.retryHeld()
        } else if (evs.length > 0) log.insert(evs.splice(0, 1 + rng.int(6)))
      }
      log.retryHeld()
      expect(log.heldCount).toBe(0)
      // What a replica stores depends on whether it knew the ban when an event came (quarantine, §7.4.2);
      // what it shows does not.
      const hiddenHere = hiddenByBans(log.events, replica)
      results.add(JSON.stringify(log.events.filter((n) => !hiddenHere.has(n.key)).map((n) => n.key)))
    }
    expect(results.size).toBe(1)
    expect((JSON.parse([...results][0] as string) as string[]).length).toBeLessThan(events.length - 5)
    expect(toHex(genesisId(f.room.log.genesis))).toBe(f.room.log.rootKey)
  })
})
