/**
 * One scenario per authority rule (issue requirement 2): roles and
 * capabilities, escalation, rank, self-action, last owner, retroactivity,
 * revocation under concurrency, the Lamport rule and pending entries, the
 * tie-break, checkpoints, channels and overrides, metadata, invite policy,
 * kick and timeout, the audit log, and local refusal by check()/author().
 */
import { describe, expect, it } from 'vitest'
import { toHex, type Bytes } from '../bytes.ts'
import type { Keypair } from '../crypto/ed25519.ts'
import { AuthorityLog } from './authority-log.ts'
import { ALL_CAPS, Cap, MEMBER, MEMBER_RANK, MOD, MOD_RANK, OWNER, OWNER_RANK, TIMEOUT_SUSPENDS, capNames, type CapName } from './capabilities.ts'
import { decodeAuthorityEntry, verifyAuthorityEntries, type Action, type EntryNode } from './entry.ts'
import { compareConcurrent } from './linear-order.ts'
import { AuthorityRejectedError } from './rejection.ts'
import { memberCaps, memberRank } from './state.ts'
import { auditLog, channelCaps, isRoomOwner, isTimedOut, listChannels, listMembers, memberView } from './view.ts'
import { Dag, Room, canonicalState, reasons, channelId, hexOf, joinInvite, key, linesOf, referenceReplay, statusIn } from './test-support.ts'

const MEMBER_CAPS = Cap.POST | Cap.REACT | Cap.ATTACH | Cap.INVITE | Cap.SPEAK | Cap.VIDEO | Cap.SCREEN

/** A room with the creator, and the given labels joined. */
async function roomWith(label: string, members: readonly string[], policy?: 'open' | 'invite'): Promise<{ r: Room; k: Record<string, Keypair> }> {
  const r = await Room.open(label, policy ? { join: policy, discoverable: 'unlisted' } : undefined)
  const k: Record<string, Keypair> = {}
  for (const m of members) {
    k[m] = key(`${label}/${m}`)
    await r.join(k[m])
  }
  return { r, k }
}

/** Fresh logs given every entry of `r` in reverse must agree with it and with the reference model. */
async function expectConsistent(r: Room): Promise<void> {
  const other = new AuthorityLog(r.log.genesis)
  await other.add([...r.log.entries].reverse().map((e) => e.node.bytes))
  expect(linesOf(other.entries)).toEqual(linesOf(r.log.entries))
  expect(canonicalState(other.state)).toBe(canonicalState(r.log.state))
  const ref = referenceReplay(r.log.genesis, r.log.entries.map((e) => e.node))
  expect(linesOf(r.log.entries)).toEqual(ref.order)
  expect(canonicalState(r.log.state)).toBe(canonicalState(ref.state))
}

describe('roles and capabilities', () => {
  it('static roles are fixed bundles: owner everything, mod moderation, member the basics; non-members nothing', async () => {
    const { r, k } = await roomWith('static', ['mod', 'plain'])
    await r.must(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD })
    const owner = memberView(r.log.state, r.owner.publicKey)!
    expect(owner.caps).toBe(ALL_CAPS)
    expect(owner.rank).toBe(OWNER_RANK)
    expect(owner.roles.map((x) => x.id)).toEqual([OWNER, MEMBER])
    const mod = memberView(r.log.state, k.mod!.publicKey)!
    expect(capNames(mod.caps)).toEqual(['POST', 'REACT', 'ATTACH', 'BAN', 'KICK', 'TIMEOUT', 'DELETE_OTHERS', 'PIN', 'INVITE', 'SPEAK', 'VIDEO', 'SCREEN'])
    expect(mod.rank).toBe(MOD_RANK)
    const plain = memberView(r.log.state, k.plain!.publicKey)!
    expect(plain.caps).toBe(MEMBER_CAPS)
    expect(plain.rank).toBe(MEMBER_RANK)
    expect(plain.roles.map((x) => x.id)).toEqual([MEMBER])
    const stranger = key('static/stranger')
    expect(memberView(r.log.state, stranger.publicKey)).toBeUndefined()
    expect(memberCaps(r.log.state, hexOf(stranger))).toBe(0)
    expect(memberRank(r.log.state, hexOf(stranger))).toBe(MEMBER_RANK + 1)
    expect(listMembers(r.log.state).map((m) => toHex(m.key))).toEqual([hexOf(r.owner), hexOf(k.mod!), hexOf(k.plain!)])
    // The static roles cannot be redefined, deleted, or (member) granted.
    expect(await r.status(r.owner, { op: 'define-role', role: MOD, name: 'Mod', caps: ALL_CAPS, rank: 5 })).toBe('builtin-role')
    expect(await r.status(r.owner, { op: 'delete-role', role: MEMBER })).toBe('builtin-role')
    expect(await r.status(r.owner, { op: 'grant', target: k.plain!.publicKey, role: MEMBER })).toBe('builtin-role')
    expect(await r.status(r.owner, { op: 'grant', target: k.plain!.publicKey, role: 'nope' })).toBe('unknown-role')
    expect(await r.status(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD })).toBe('role-held')
    await expectConsistent(r)
  })

  it('DEFINE_ROLE gives every capability bit on its own, and each gated action needs its bit', async () => {
    const names = Object.keys(Cap) as CapName[]
    const { r, k } = await roomWith('bits', ['holder', 'other', 'victim'])
    for (const name of names) {
      const role = `cap-${name.toLowerCase().replaceAll('_', '-')}`
      await r.must(r.owner, { op: 'define-role', role, name, caps: Cap[name], rank: 500 })
      expect(r.log.state.roles.get(role)).toMatchObject({ caps: Cap[name], rank: 500, builtin: false })
    }
    // Without the role, a plain member may not do the gated actions.
    const gated: [CapName, Action][] = [
      ['BAN', { op: 'ban', target: key('bits/outsider').publicKey }],
      ['KICK', { op: 'kick', target: k.victim!.publicKey }],
      ['TIMEOUT', { op: 'timeout', target: k.victim!.publicKey, until: 99_999 }],
      ['MANAGE_CHANNELS', { op: 'channel-create', channel: channelId('bits'), name: 'bits', kind: 'text', position: 0 }],
      ['MANAGE_ROLES', { op: 'define-role', role: 'small', name: 'Small', caps: 0, rank: 900 }],
      ['MANAGE_ROOM', { op: 'set-meta', name: 'Bits', tags: [] }]
    ]
    for (const [, act] of gated) expect(await r.status(k.holder!, act), act.op).toBe('missing-capability')
    // With the single-bit role, each is accepted (the victim ranks 1000, the holder 500).
    for (const [name, act] of gated) {
      const role = `cap-${name.toLowerCase().replaceAll('_', '-')}`
      await r.must(r.owner, { op: 'grant', target: k.holder!.publicKey, role })
      expect(memberCaps(r.log.state, hexOf(k.holder!)) & Cap[name]).toBe(Cap[name])
      expect(await r.status(k.holder!, act), act.op).toBe('accepted')
      await r.must(r.owner, { op: 'revoke', target: k.holder!.publicKey, role })
    }
    // Consumer-checked bits show up in channel capabilities.
    for (const name of ['DELETE_OTHERS', 'PIN'] as const) {
      const role = `cap-${name.toLowerCase().replaceAll('_', '-')}`
      expect(channelCaps(r.log.state, k.other!.publicKey, channelId('bits'), 0) & Cap[name]).toBe(0)
      await r.must(r.owner, { op: 'grant', target: k.other!.publicKey, role })
      expect(channelCaps(r.log.state, k.other!.publicKey, channelId('bits'), 0) & Cap[name]).toBe(Cap[name])
    }
    await expectConsistent(r)
  })

  it('a member holding several roles gets the union of their capabilities and the best rank', async () => {
    const { r, k } = await roomWith('union', ['multi'])
    await r.must(r.owner, { op: 'define-role', role: 'pinner', name: 'Pinner', caps: Cap.PIN, rank: 700 })
    await r.must(r.owner, { op: 'define-role', role: 'warden', name: 'Warden', caps: Cap.BAN | Cap.KICK, rank: 300 })
    await r.must(r.owner, { op: 'grant', target: k.multi!.publicKey, role: 'pinner' })
    await r.must(r.owner, { op: 'grant', target: k.multi!.publicKey, role: 'warden' })
    await r.must(r.owner, { op: 'grant', target: k.multi!.publicKey, role: MOD })
    const view = memberView(r.log.state, k.multi!.publicKey)!
    expect(view.caps).toBe(MEMBER_CAPS | Cap.PIN | Cap.BAN | Cap.KICK | Cap.TIMEOUT | Cap.DELETE_OTHERS)
    expect(view.rank).toBe(MOD_RANK)
    expect(view.roles.map((x) => x.id)).toEqual([MOD, 'warden', 'pinner', MEMBER])
    await r.must(r.owner, { op: 'revoke', target: k.multi!.publicKey, role: MOD })
    expect(memberView(r.log.state, k.multi!.publicKey)).toMatchObject({ caps: MEMBER_CAPS | Cap.PIN | Cap.BAN | Cap.KICK, rank: 300 })
    // Deleting a role takes it from every holder.
    await r.must(r.owner, { op: 'delete-role', role: 'warden' })
    expect(memberView(r.log.state, k.multi!.publicKey)).toMatchObject({ caps: MEMBER_CAPS | Cap.PIN, rank: 700 })
    expect(await r.status(r.owner, { op: 'delete-role', role: 'warden' })).toBe('unknown-role')
    await expectConsistent(r)
  })
})

describe('escalation, rank, self-action, last owner', () => {
  it('nobody grants, defines or overrides a capability they do not hold (escalation)', async () => {
    const { r, k } = await roomWith('escalate', ['curator', 'plain'])
    await r.must(r.owner, { op: 'define-role', role: 'curator', name: 'Curator', caps: MEMBER_CAPS | Cap.MANAGE_ROLES | Cap.MANAGE_CHANNELS, rank: 300 })
    await r.must(r.owner, { op: 'define-role', role: 'banner', name: 'Banner', caps: Cap.BAN, rank: 500 })
    await r.must(r.owner, { op: 'grant', target: k.curator!.publicKey, role: 'curator' })
    await r.must(r.owner, { op: 'channel-create', channel: channelId('esc'), name: 'esc', kind: 'text', position: 0 })
    const cur = k.curator!
    expect(await r.status(cur, { op: 'define-role', role: 'boss', name: 'Boss', caps: Cap.BAN, rank: 500 })).toBe('escalation')
    expect(await r.status(cur, { op: 'grant', target: k.plain!.publicKey, role: 'banner' })).toBe('escalation')
    expect(await r.status(cur, { op: 'define-role', role: 'poster', name: 'Poster', caps: Cap.POST | Cap.PIN, rank: 500 })).toBe('escalation')
    expect(await r.try(cur, { op: 'define-role', role: 'poster', name: 'Poster', caps: Cap.POST, rank: 500 })).toBe('accepted')
    expect(await r.try(cur, { op: 'grant', target: k.plain!.publicKey, role: 'poster' })).toBe('accepted')
    // Redefining a role one manages may not add what one lacks either.
    expect(await r.status(cur, { op: 'define-role', role: 'poster', name: 'Poster', caps: Cap.POST | Cap.BAN, rank: 500 })).toBe('escalation')
    expect(await r.status(cur, { op: 'channel-override', channel: channelId('esc'), role: MEMBER, allow: Cap.BAN, deny: 0 })).toBe('escalation')
    expect(await r.status(cur, { op: 'channel-override', channel: channelId('esc'), role: MEMBER, allow: 0, deny: Cap.PIN })).toBe('escalation')
    expect(await r.status(cur, { op: 'channel-override', channel: channelId('esc'), role: MEMBER, allow: 0, deny: Cap.POST })).toBe('accepted')
    // Roles ranked at or above the author are out of reach whatever their capabilities.
    expect(await r.status(cur, { op: 'grant', target: k.plain!.publicKey, role: MOD })).toBe('rank')
    expect(await r.status(cur, { op: 'grant', target: k.plain!.publicKey, role: OWNER })).toBe('rank')
    expect(await r.status(cur, { op: 'define-role', role: 'peer', name: 'Peer', caps: 0, rank: 300 })).toBe('rank')
    expect(await r.status(cur, { op: 'delete-role', role: 'curator' })).toBe('rank')
    expect(memberCaps(r.log.state, hexOf(k.plain!))).toBe(MEMBER_CAPS)
    await expectConsistent(r)
  })

  it('nobody acts on a member of equal or higher rank (rank)', async () => {
    const { r, k } = await roomWith('rank', ['mod1', 'mod2', 'helper1', 'helper2', 'plain', 'owner2'])
    await r.must(r.owner, { op: 'define-role', role: 'helper', name: 'Helper', caps: MEMBER_CAPS | Cap.KICK | Cap.TIMEOUT | Cap.MANAGE_CHANNELS, rank: 200 })
    await r.must(r.owner, { op: 'channel-create', channel: channelId('rank'), name: 'rank', kind: 'text', position: 0 })
    for (const m of ['mod1', 'mod2']) await r.must(r.owner, { op: 'grant', target: k[m]!.publicKey, role: MOD })
    for (const m of ['helper1', 'helper2']) await r.must(r.owner, { op: 'grant', target: k[m]!.publicKey, role: 'helper' })
    await r.must(r.owner, { op: 'grant', target: k.owner2!.publicKey, role: OWNER })
    const t = (m: string): Bytes => k[m]!.publicKey
    expect(await r.status(k.mod1!, { op: 'kick', target: t('mod2') })).toBe('rank')
    expect(await r.status(k.mod1!, { op: 'ban', target: t('mod2') })).toBe('rank')
    expect(await r.status(k.mod1!, { op: 'timeout', target: t('mod2'), until: 50_000 })).toBe('rank')
    expect(await r.status(k.mod1!, { op: 'ban', target: r.owner.publicKey })).toBe('rank')
    expect(await r.status(k.mod1!, { op: 'kick', target: t('owner2') })).toBe('rank')
    expect(await r.status(k.mod1!, { op: 'timeout', target: t('owner2'), until: 50_000 })).toBe('rank')
    expect(await r.status(k.helper1!, { op: 'kick', target: t('helper2') })).toBe('rank')
    expect(await r.status(k.helper1!, { op: 'kick', target: t('mod1') })).toBe('rank')
    expect(await r.status(k.helper1!, { op: 'channel-override', channel: channelId('rank'), member: t('helper2'), allow: 0, deny: Cap.POST })).toBe('rank')
    expect(await r.status(k.helper1!, { op: 'channel-override', channel: channelId('rank'), role: MOD, allow: 0, deny: Cap.POST })).toBe('rank')
    expect(await r.status(k.helper1!, { op: 'channel-override', channel: channelId('rank'), role: 'helper', allow: 0, deny: Cap.POST })).toBe('rank')
    // Strictly lower ranks are fair game.
    expect(await r.status(k.helper1!, { op: 'timeout', target: t('plain'), until: 50_000 })).toBe('accepted')
    expect(await r.status(k.mod1!, { op: 'kick', target: t('helper2') })).toBe('accepted')
    // Owners act on anyone but themselves, including other owners' roles.
    expect(await r.status(k.owner2!, { op: 'revoke', target: t('mod2'), role: MOD })).toBe('accepted')
    expect(await r.status(k.owner2!, { op: 'ban', target: r.owner.publicKey })).toBe('rank')
    await expectConsistent(r)
  })

  it('nobody promotes or acts on themselves (self-action); stepping down is allowed', async () => {
    const { r, k } = await roomWith('self', ['mod', 'steward'])
    await r.must(r.owner, { op: 'define-role', role: 'helper', name: 'Helper', caps: Cap.POST, rank: 600 })
    await r.must(r.owner, { op: 'define-role', role: 'steward', name: 'Steward', caps: MEMBER_CAPS | Cap.MANAGE_ROLES | Cap.MANAGE_CHANNELS, rank: 200 })
    await r.must(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD })
    await r.must(r.owner, { op: 'grant', target: k.steward!.publicKey, role: 'steward' })
    await r.must(r.owner, { op: 'channel-create', channel: channelId('self'), name: 'self', kind: 'text', position: 0 })
    const me = (kp: Keypair): Bytes => kp.publicKey
    expect(await r.status(k.steward!, { op: 'grant', target: me(k.steward!), role: 'helper' })).toBe('self-action')
    expect(await r.status(k.mod!, { op: 'grant', target: me(k.mod!), role: OWNER })).toBe('missing-capability')
    expect(await r.status(r.owner, { op: 'grant', target: me(r.owner), role: MOD })).toBe('self-action')
    expect(await r.status(k.mod!, { op: 'kick', target: me(k.mod!) })).toBe('self-action')
    expect(await r.status(k.mod!, { op: 'ban', target: me(k.mod!) })).toBe('self-action')
    expect(await r.status(k.mod!, { op: 'timeout', target: me(k.mod!), until: 1 })).toBe('self-action')
    expect(await r.status(k.steward!, { op: 'channel-override', channel: channelId('self'), member: me(k.steward!), allow: Cap.POST, deny: 0 })).toBe('self-action')
    expect(await r.status(r.owner, { op: 'channel-override', channel: channelId('self'), member: me(r.owner), allow: Cap.POST, deny: 0 })).toBe('self-action')
    expect(await r.status(r.owner, { op: 'ban', target: me(r.owner) })).toBe('rank')
    expect(memberView(r.log.state, k.mod!.publicKey)?.roles.map((x) => x.id)).toEqual([MOD, MEMBER])
    // Revoking one's own role is stepping down, allowed without MANAGE_ROLES.
    expect(await r.try(k.mod!, { op: 'revoke', target: me(k.mod!), role: MOD })).toBe('accepted')
    expect(memberView(r.log.state, k.mod!.publicKey)?.roles.map((x) => x.id)).toEqual([MEMBER])
    await expectConsistent(r)
  })

  it('the last owner cannot be removed or leave (last-owner)', async () => {
    const { r, k } = await roomWith('last', ['owner2'])
    expect(await r.status(r.owner, { op: 'revoke', target: r.owner.publicKey, role: OWNER })).toBe('last-owner')
    expect(await r.status(r.owner, { op: 'leave' })).toBe('last-owner')
    expect(isRoomOwner(r.log.state, r.owner.publicKey)).toBe(true)
    await r.must(r.owner, { op: 'grant', target: k.owner2!.publicKey, role: OWNER })
    // With a second owner the creator may step down or leave; then owner2 is the last one.
    expect(await r.try(r.owner, { op: 'leave' })).toBe('accepted')
    expect(r.log.state.members.has(hexOf(r.owner))).toBe(false)
    expect(await r.status(k.owner2!, { op: 'revoke', target: k.owner2!.publicKey, role: OWNER })).toBe('last-owner')
    expect(await r.status(k.owner2!, { op: 'leave' })).toBe('last-owner')
    await expectConsistent(r)
  })

  it('nobody can demote, ban, kick or time out the creator, not even another owner', async () => {
    // The creator's key is the root of trust (PROTOCOL.md §6.5).
    const { r, k } = await roomWith('coup', ['owner2'])
    await r.must(r.owner, { op: 'grant', target: k.owner2!.publicKey, role: OWNER })
    expect(await r.try(k.owner2!, { op: 'revoke', target: r.owner.publicKey, role: OWNER })).toBe('rank')
    expect(await r.try(k.owner2!, { op: 'ban', target: r.owner.publicKey })).toBe('rank')
    expect(await r.try(k.owner2!, { op: 'kick', target: r.owner.publicKey })).toBe('rank')
    expect(await r.try(k.owner2!, { op: 'timeout', target: r.owner.publicKey, until: 10 ** 13 })).toBe('rank')
    expect(r.log.state.bans.has(hexOf(r.owner))).toBe(false)
    // The creator may still step down as owner once another owner exists, and act on other owners.
    expect(await r.try(r.owner, { op: 'revoke', target: k.owner2!.publicKey, role: OWNER })).toBe('accepted')
    expect(await r.try(r.owner, { op: 'checkpoint', seq: 1 })).toBe('accepted')
    expect(r.log.entries.at(-1)?.checkpoint).toBe(1)
  })
})

describe('retroactivity', () => {
  it('a ban stands after BAN is removed from the banner role; the owner can unban', async () => {
    const { r, k } = await roomWith('retro', ['warden', 'target', 'next'])
    await r.must(r.owner, { op: 'define-role', role: 'warden', name: 'Warden', caps: MEMBER_CAPS | Cap.BAN, rank: 200 })
    await r.must(r.owner, { op: 'grant', target: k.warden!.publicKey, role: 'warden' })
    await r.must(k.warden!, { op: 'ban', target: k.target!.publicKey, reason: 'spam' })
    expect(r.log.state.bans.get(hexOf(k.target!))).toMatchObject({ by: hexOf(k.warden!), reason: 'spam' })
    expect(r.log.state.members.has(hexOf(k.target!))).toBe(false)
    // Redefine the role without BAN: the existing ban stands, new bans are refused.
    await r.must(r.owner, { op: 'define-role', role: 'warden', name: 'Warden', caps: MEMBER_CAPS, rank: 200 })
    expect(r.log.state.bans.has(hexOf(k.target!))).toBe(true)
    expect(await r.status(k.warden!, { op: 'ban', target: k.next!.publicKey })).toBe('missing-capability')
    expect(await r.status(k.warden!, { op: 'unban', target: k.target!.publicKey })).toBe('missing-capability')
    expect(await r.status(k.target!, { op: 'join' })).toBe('banned')
    // Revoking the role entirely does not lift it either.
    await r.must(r.owner, { op: 'revoke', target: k.warden!.publicKey, role: 'warden' })
    expect(r.log.state.bans.has(hexOf(k.target!))).toBe(true)
    // The owner unbans; the target may come back.
    await r.must(r.owner, { op: 'unban', target: k.target!.publicKey })
    expect(r.log.state.bans.has(hexOf(k.target!))).toBe(false)
    expect(await r.status(r.owner, { op: 'unban', target: k.target!.publicKey })).toBe('not-banned')
    expect(await r.status(k.target!, { op: 'join' })).toBe('accepted')
    await expectConsistent(r)
  })
})

describe('revocation and concurrency', () => {
  it('after REVOKE(X) X is refused; concurrent entries go by Lamport, then the tie-break', async () => {
    const { r, k } = await roomWith('revoke', ['x', 't1', 't2', 't3'])
    await r.must(r.owner, { op: 'grant', target: k.x!.publicKey, role: MOD })
    const base = r.heads()
    const L = Dag.lamportOn(base)
    // The owner's revoke lands at L + 1 (after a filler at L).
    const filler = await r.dag.sign(r.owner, { op: 'set-meta', name: 'Filler', tags: [] }, base)
    const revoke = await r.dag.sign(r.owner, { op: 'revoke', target: k.x!.publicKey, role: MOD }, [filler])
    // X, not having seen the revoke: a ban at L (before it), one at L + 1 (tied with it), one after it.
    const early = await r.dag.sign(k.x!, { op: 'ban', target: k.t1!.publicKey }, base)
    const tied = await r.dag.sign(k.x!, { op: 'ban', target: k.t2!.publicKey }, [early])
    const late = await r.dag.sign(k.x!, { op: 'ban', target: k.t3!.publicKey }, [revoke])
    expect([early.entry.lamport, filler.entry.lamport, tied.entry.lamport, revoke.entry.lamport, late.entry.lamport]).toEqual([L, L, L + 1, L + 1, L + 2])
    // Delivered in an adversarial order; the outcome is fixed by the order, not by arrival.
    await r.log.addNodes([late, tied, revoke, early, filler])
    expect(statusIn(r.log, early)).toBe('accepted')
    expect(statusIn(r.log, revoke)).toBe('accepted')
    expect(statusIn(r.log, tied)).toBe('missing-capability')
    expect(statusIn(r.log, late)).toBe('missing-capability')
    const order = r.log.entries.map((e) => e.node.key)
    expect(order.indexOf(revoke.key)).toBeLessThan(order.indexOf(tied.key))
    expect(r.log.state.bans.has(hexOf(k.t1!))).toBe(true)
    expect(r.log.state.bans.has(hexOf(k.t2!))).toBe(false)
    expect(r.log.state.bans.has(hexOf(k.t3!))).toBe(false)
    await expectConsistent(r)
  })

  for (const stewardFirst of [true, false]) {
    it(`a non-owner revoke tied with X's entry: the more senior author goes first (${stewardFirst ? 'revoker' : 'X'} senior)`, async () => {
      const { r, k } = await roomWith(`tie-${stewardFirst}`, ['steward', 'x', 'victim'])
      await r.must(r.owner, { op: 'define-role', role: 'steward', name: 'Steward', caps: MEMBER_CAPS | Cap.MANAGE_ROLES | Cap.KICK, rank: 50 })
      await r.must(r.owner, { op: 'define-role', role: 'helper', name: 'Helper', caps: MEMBER_CAPS | Cap.KICK, rank: 200 })
      const grants: [Keypair, string][] = stewardFirst ? [[k.steward!, 'steward'], [k.x!, 'helper']] : [[k.x!, 'helper'], [k.steward!, 'steward']]
      for (const [kp, role] of grants) await r.must(r.owner, { op: 'grant', target: kp.publicKey, role })
      const base = r.heads()
      const revoke = await r.dag.sign(k.steward!, { op: 'revoke', target: k.x!.publicKey, role: 'helper' }, base)
      const kick = await r.dag.sign(k.x!, { op: 'kick', target: k.victim!.publicKey }, base)
      expect(revoke.entry.lamport).toBe(kick.entry.lamport)
      await r.log.addNodes([kick, revoke])
      expect(statusIn(r.log, revoke)).toBe('accepted')
      expect(statusIn(r.log, kick)).toBe(stewardFirst ? 'missing-capability' : 'accepted')
      expect(r.log.state.members.has(hexOf(k.victim!))).toBe(stewardFirst)
      await expectConsistent(r)
    })
  }

  it('a kick or ban of X also refuses X\'s later entries', async () => {
    const { r, k } = await roomWith('kickx', ['x', 'y'])
    await r.must(r.owner, { op: 'grant', target: k.x!.publicKey, role: MOD })
    await r.must(r.owner, { op: 'kick', target: k.x!.publicKey })
    expect(await r.status(k.x!, { op: 'kick', target: k.y!.publicKey })).toBe('not-member')
    await r.must(k.x!, { op: 'join' })
    expect(memberView(r.log.state, k.x!.publicKey)?.roles.map((x) => x.id)).toEqual([MEMBER])
    await r.must(r.owner, { op: 'ban', target: k.x!.publicKey })
    expect(await r.status(k.x!, { op: 'set-meta', name: 'Mine', tags: [] })).toBe('banned')
    expect(await r.status(k.x!, { op: 'join' })).toBe('banned')
  })
})

describe('Lamport rule and pending entries', () => {
  it('refuses a Lamport that skips or repeats (bad-lamport) without storing it', async () => {
    const { r } = await roomWith('lamport', [])
    const a = await r.must(r.owner, { op: 'set-meta', name: 'A', tags: [] })
    const before = canonicalState(r.log.state)
    for (const lamport of [a.entry.lamport + 2, a.entry.lamport, 1]) {
      const bad = await r.dag.sign(r.owner, { op: 'set-meta', name: `L${lamport}`, tags: [] }, [a], { lamport })
      const res = await r.log.addNodes([bad])
      expect(res.added).toEqual([])
      expect(reasons(res.invalid)).toEqual(['bad-lamport'])
      expect(r.log.has(bad.id)).toBe(false)
    }
    // On the root, the genesis counts as Lamport 0.
    const onRoot = await r.dag.sign(r.owner, { op: 'set-meta', name: 'R', tags: [] }, [], { lamport: 2 })
    expect(reasons((await r.log.addNodes([onRoot])).invalid)).toEqual(['bad-lamport'])
    expect(canonicalState(r.log.state)).toBe(before)
    expect(r.log.size).toBe(1)
  })

  it('entries with unknown parents wait, are reported missing, and apply when the parents arrive', async () => {
    const { r, k } = await roomWith('pending', ['p'])
    const other = await r.replica()
    const a = await r.must(r.owner, { op: 'grant', target: k.p!.publicKey, role: MOD })
    const c = await r.must(r.owner, { op: 'set-meta', name: 'C', tags: ['x'] })
    const e = await r.must(r.owner, { op: 'channel-create', channel: channelId('p'), name: 'p', kind: 'text', position: 0 })
    const before = canonicalState(other.state)
    const size = other.size
    // Newest first: each waits for its parent, and the nearest missing one is reported.
    const r1 = await other.addNodes([e])
    expect(r1.added).toEqual([])
    expect(r1.invalid).toEqual([])
    expect(other.pendingCount).toBe(1)
    expect(r1.missing.map((x) => toHex(x))).toEqual([c.key])
    expect(other.missingParents().map((x) => toHex(x))).toEqual([c.key])
    expect(other.has(e.id)).toBe(false)
    expect(other.lookup(e.id)).toBeUndefined()
    const r2 = await other.addNodes([c])
    expect(r2.missing.map((x) => toHex(x))).toEqual([a.key])
    expect(other.pendingCount).toBe(2)
    expect(canonicalState(other.state)).toBe(before)
    expect(other.size).toBe(size)
    // A waiting entry sent again is a duplicate.
    expect(reasons((await other.addNodes([e])).invalid)).toEqual(['duplicate'])
    // The last missing ancestor releases the whole chain, in order.
    const r3 = await other.addNodes([a])
    expect(r3.added.map((n) => n.key)).toEqual([a.key, c.key, e.key])
    expect(r3.missing).toEqual([])
    expect(other.pendingCount).toBe(0)
    expect(other.missingParents()).toEqual([])
    expect(canonicalState(other.state)).toBe(canonicalState(r.log.state))
    expect(linesOf(other.entries)).toEqual(linesOf(r.log.entries))
  })

  it('entries waiting on an entry refused for its Lamport are dropped, however deep they wait', async () => {
    const { r } = await roomWith('deep', [])
    const base = r.heads()
    const bad = await r.dag.sign(r.owner, { op: 'set-meta', name: 'bad', tags: [] }, base, { lamport: Dag.lamportOn(base) + 1 })
    const child = await r.dag.sign(r.owner, { op: 'set-meta', name: 'child', tags: [] }, [bad])
    const grandchild = await r.dag.sign(r.owner, { op: 'set-meta', name: 'grandchild', tags: [] }, [child])
    // Also waiting on a good entry nobody has sent yet.
    const good = await r.dag.sign(r.owner, { op: 'set-meta', name: 'good', tags: [] }, base)
    const twoParents = await r.dag.sign(r.owner, { op: 'set-meta', name: 'two parents', tags: [] }, [child, good])
    expect((await r.log.addNodes([grandchild, child, twoParents])).invalid).toEqual([])
    expect(r.log.pendingCount).toBe(3)
    expect(r.log.missingParents().map((x) => toHex(x)).sort()).toEqual([bad.key, good.key].sort())
    const res = await r.log.addNodes([bad])
    expect(reasons(res.invalid).sort()).toEqual(['bad-lamport', 'missing-parents', 'missing-parents', 'missing-parents'])
    // Nothing can ever place these entries: nothing should wait, and nothing should be asked for.
    expect(r.log.pendingCount).toBe(0)
    expect(r.log.missingParents()).toEqual([])
    expect(res.missing).toEqual([])
    // The good parent arriving later resurrects nothing.
    expect((await r.log.addNodes([good])).added.map((n) => n.key)).toEqual([good.key])
    expect(r.log.size).toBe(1)
  })
})

describe('tie-break', () => {
  it('a fresh key never sorts before a member at the same level, however low its id', async () => {
    const { r, k } = await roomWith('grind', ['member'])
    const base = r.heads()
    const memberEntry = await r.dag.sign(k.member!, { op: 'set-meta', name: 'not allowed but placed', tags: [] }, base)
    const joins: EntryNode[] = []
    for (let i = 0; i < 24; i++) joins.push(await r.dag.sign(key(`grind/fresh-${i}`), { op: 'join' }, base))
    // At least one grinder got an id below the member's entry (deterministic keys; p = 1 − 2^−24).
    expect(joins.some((j) => toHex(j.id) < memberEntry.key)).toBe(true)
    await r.log.addNodes([...joins, memberEntry])
    const order = r.log.entries.map((e) => e.node.key)
    const memberAt = order.indexOf(memberEntry.key)
    for (const j of joins) {
      expect(order.indexOf(j.key)).toBeGreaterThan(memberAt)
      expect(compareConcurrent(r.log.state, memberEntry, j)).toBeLessThan(0)
    }
    // Among the fresh keys, the id decides.
    const joinOrder = order.filter((x) => joins.some((j) => j.key === x))
    expect(joinOrder).toEqual(joins.map((j) => j.key).sort())
  })

  it('owners first, then seniority of the highest role, then id', async () => {
    const { r, k } = await roomWith('senior', ['earlymod', 'lateowner', 'latemod', 'plain'])
    await r.must(r.owner, { op: 'grant', target: k.earlymod!.publicKey, role: MOD })
    await r.must(r.owner, { op: 'grant', target: k.latemod!.publicKey, role: MOD })
    await r.must(r.owner, { op: 'grant', target: k.lateowner!.publicKey, role: OWNER })
    const base = r.heads()
    const authors = [k.plain!, k.latemod!, k.earlymod!, k.lateowner!, r.owner]
    const nodes: EntryNode[] = []
    for (const a of authors) nodes.push(await r.dag.sign(a, { op: 'channel-create', channel: channelId(`senior-${hexOf(a)}`), name: 'x', kind: 'text', position: 0 }, base))
    await r.log.addNodes(nodes)
    const placed = r.log.entries.slice(-5).map((e) => toHex(e.node.entry.author))
    // Owners first (the creator's seniority is −1); then by the position that gave each its highest role:
    // plain joined at 3, earlymod was made mod at 4, latemod at 5. Rank itself is not compared (PROTOCOL.md §6.3),
    // so a member who joined before a mod's promotion sorts before that mod.
    expect(placed).toEqual([r.owner, k.lateowner!, k.plain!, k.earlymod!, k.latemod!].map(hexOf))
  })

  it('with two roles of equal rank, seniority counts from the earliest grant', async () => {
    const { r, k } = await roomWith('equalrank', ['x', 'y'])
    await r.must(r.owner, { op: 'define-role', role: 'a', name: 'A', caps: Cap.PIN, rank: 500 })
    await r.must(r.owner, { op: 'define-role', role: 'b', name: 'B', caps: Cap.PIN, rank: 500 })
    await r.must(r.owner, { op: 'grant', target: k.x!.publicKey, role: 'a' })
    await r.must(r.owner, { op: 'grant', target: k.y!.publicKey, role: 'a' })
    await r.must(r.owner, { op: 'grant', target: k.x!.publicKey, role: 'b' })
    const base = r.heads()
    const nx = await r.dag.sign(k.x!, { op: 'leave' }, base)
    const ny = await r.dag.sign(k.y!, { op: 'leave' }, base)
    expect(compareConcurrent(r.log.state, nx, ny)).toBeLessThan(0)
    await r.log.addNodes([ny, nx])
    expect(r.log.entries.slice(-2).map((e) => e.node.key)).toEqual([nx.key, ny.key])
    await expectConsistent(r)
  })
})

describe('checkpoints', () => {
  it('finalise the order: a late entry concurrent with finalised ones goes to the tail, not the middle', async () => {
    const { r } = await roomWith('final', [])
    const e1 = await r.must(r.owner, { op: 'set-meta', name: 'one', tags: [] })
    const e2 = await r.must(r.owner, { op: 'set-meta', name: 'two', tags: [] })
    // Signed on the root (Lamport 1) by a second device of the creator that had seen nothing.
    const late = await r.dag.sign(r.owner, { op: 'set-meta', name: 'late', tags: [] }, [])
    // Without a checkpoint the late entry sorts first and "two" wins.
    const unfinalised = new AuthorityLog(r.log.genesis)
    await unfinalised.addNodes([e1, e2, late])
    expect(unfinalised.entries.map((e) => e.node.key).indexOf(late.key)).toBeLessThan(2)
    expect(unfinalised.state.meta.name).toBe('two')
    // With checkpoint 1 covering e1 and e2, the late entry goes after it and wins.
    const cp1 = await r.must(r.owner, { op: 'checkpoint', seq: 1 })
    await r.log.addNodes([late])
    expect(r.log.entries.map((e) => [e.node.key, e.checkpoint])).toEqual([[e1.key, 1], [e2.key, 1], [cp1.key, 1], [late.key, undefined]])
    expect(r.log.state.meta.name).toBe('late')
    expect(r.log.state.checkpoint).toEqual({ seq: 1, id: cp1.key })
    await expectConsistent(r)
  })

  it('provisional entries apply while the owner is offline and are finalised by the next checkpoint', async () => {
    const { r, k } = await roomWith('offline', ['mod', 'p', 'q'])
    await r.must(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD })
    const cp1 = await r.must(r.owner, { op: 'checkpoint', seq: 1 })
    // The owner goes offline; the mod acts alone.
    const kick = await r.must(k.mod!, { op: 'kick', target: k.p!.publicKey })
    const ban = await r.must(k.mod!, { op: 'ban', target: k.q!.publicKey })
    expect(r.log.state.members.has(hexOf(k.p!))).toBe(false)
    expect(r.log.state.bans.has(hexOf(k.q!))).toBe(true)
    expect(r.log.lookup(kick.id)?.checkpoint).toBeUndefined()
    expect(r.log.lookup(ban.id)?.checkpoint).toBeUndefined()
    // The owner returns and checkpoints.
    const cp2 = await r.must(r.owner, { op: 'checkpoint', seq: 2, prev: cp1.id })
    for (const n of [kick, ban, cp2]) expect(r.log.lookup(n.id)?.checkpoint).toBe(2)
    expect(r.log.state.checkpoint).toEqual({ seq: 2, id: cp2.key })
    await expectConsistent(r)
  })

  it('two checkpoints with one seq yield an equivocation proof both of whose encodings verify as the creator\'s', async () => {
    const { r, k } = await roomWith('equivocate', ['a'])
    const base = r.heads()
    const left = await r.dag.sign(r.owner, { op: 'set-meta', name: 'left', tags: [] }, base)
    const right = await r.dag.sign(k.a!, { op: 'leave' }, base)
    const cpLeft = await r.dag.sign(r.owner, { op: 'checkpoint', seq: 1 }, [left])
    const cpRight = await r.dag.sign(r.owner, { op: 'checkpoint', seq: 1 }, [right])
    await r.log.addNodes([left, right, cpLeft])
    expect(r.log.equivocations).toEqual([])
    await r.log.addNodes([cpRight])
    expect(r.log.equivocations).toHaveLength(1)
    const proof = r.log.equivocations[0]!
    expect(proof.seq).toBe(1)
    const decoded = [decodeAuthorityEntry(proof.a), decodeAuthorityEntry(proof.b)]
    expect(decoded[0]!.key).not.toBe(decoded[1]!.key)
    expect(new Set(decoded.map((d) => d.key))).toEqual(new Set([cpLeft.key, cpRight.key]))
    const verified = await verifyAuthorityEntries(decoded)
    for (const [i, v] of verified.entries()) {
      expect(v).not.toBeInstanceOf(Error)
      expect(toHex(decoded[i]!.entry.author)).toBe(hexOf(r.owner))
      expect(decoded[i]!.entry.act).toMatchObject({ op: 'checkpoint', seq: 1 })
    }
    // The chain takes the lower id; the other is refused at its place in the tail.
    const [chosen, other] = cpLeft.key < cpRight.key ? [cpLeft, cpRight] : [cpRight, cpLeft]
    expect(r.log.lookup(chosen.id)).toMatchObject({ checkpoint: 1 })
    expect(statusIn(r.log, chosen)).toBe('accepted')
    expect(statusIn(r.log, other)).toBe('checkpoint-seq')
    expect(r.log.lookup(other.id)?.checkpoint).toBeUndefined()
    // Another replica receiving both at once keeps the same proof and order.
    const replica = await r.replica()
    expect(replica.equivocations.map((x) => x.seq)).toEqual([1])
    expect(linesOf(replica.entries)).toEqual(linesOf(r.log.entries))
    await expectConsistent(r)
  })

  it('refuses checkpoints by anyone but the creator (not-creator), out of sequence, or not extending the chain', async () => {
    const { r, k } = await roomWith('cprules', ['owner2'])
    await r.must(r.owner, { op: 'grant', target: k.owner2!.publicKey, role: OWNER })
    const fake = await r.act(k.owner2!, { op: 'checkpoint', seq: 1 })
    expect(fake.status).toBe('not-creator')
    expect(r.log.entries.every((e) => e.checkpoint === undefined)).toBe(true)
    expect(r.log.state.checkpoint).toBeUndefined()
    expect(await r.status(r.owner, { op: 'checkpoint', seq: 2, prev: fake.node.id })).toBe('checkpoint-seq')
    expect(await r.status(r.owner, { op: 'checkpoint', seq: 1, prev: fake.node.id })).toBe('checkpoint-prev')
    const cp1 = await r.must(r.owner, { op: 'checkpoint', seq: 1 })
    expect(await r.status(r.owner, { op: 'checkpoint', seq: 2 })).toBe('checkpoint-prev')
    expect(await r.status(r.owner, { op: 'checkpoint', seq: 2, prev: fake.node.id })).toBe('checkpoint-prev')
    expect(await r.status(r.owner, { op: 'checkpoint', seq: 3, prev: cp1.id })).toBe('checkpoint-seq')
    expect(r.log.state.checkpoint).toEqual({ seq: 1, id: cp1.key })
    await expectConsistent(r)
  })
})

describe('channels, metadata, invites, kick and timeout', () => {
  it('creates, renames, reorders and deletes text and voice channels', async () => {
    const { r, k } = await roomWith('channels', ['mod'])
    await r.must(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD })
    const general = channelId('general')
    const lounge = channelId('lounge')
    await r.must(r.owner, { op: 'channel-create', channel: general, name: 'general', kind: 'text', position: 0, topic: 'hello' })
    await r.must(r.owner, { op: 'channel-create', channel: lounge, name: 'lounge', kind: 'voice', position: 1 })
    expect(listChannels(r.log.state).map((c) => [c.name, c.kind, c.position, c.topic])).toEqual([['general', 'text', 0, 'hello'], ['lounge', 'voice', 1, undefined]])
    expect(await r.status(r.owner, { op: 'channel-create', channel: general, name: 'again', kind: 'voice', position: 3 })).toBe('channel-exists')
    expect(await r.status(k.mod!, { op: 'channel-create', channel: channelId('modch'), name: 'm', kind: 'text', position: 0 })).toBe('missing-capability')
    await r.must(r.owner, { op: 'channel-update', channel: general, name: 'chat', position: 2 })
    await r.must(r.owner, { op: 'channel-update', channel: lounge, position: 0, topic: 'talk' })
    expect(listChannels(r.log.state).map((c) => [c.name, c.position, c.topic])).toEqual([['lounge', 0, 'talk'], ['chat', 2, 'hello']])
    await r.must(r.owner, { op: 'channel-delete', channel: lounge })
    expect(listChannels(r.log.state).map((c) => c.name)).toEqual(['chat'])
    expect(await r.status(r.owner, { op: 'channel-update', channel: lounge, name: 'ghost' })).toBe('unknown-channel')
    expect(await r.status(r.owner, { op: 'channel-delete', channel: lounge })).toBe('unknown-channel')
    expect(await r.status(r.owner, { op: 'channel-override', channel: lounge, role: MEMBER, allow: 0, deny: Cap.POST })).toBe('unknown-channel')
    await expectConsistent(r)
  })

  it('per-channel overrides for roles and members change channelCaps', async () => {
    const { r, k } = await roomWith('overrides', ['plain', 'vip', 'mod', 'banned'])
    const ch = channelId('announcements')
    const other = channelId('other')
    await r.must(r.owner, { op: 'channel-create', channel: ch, name: 'announcements', kind: 'text', position: 0 })
    await r.must(r.owner, { op: 'channel-create', channel: other, name: 'other', kind: 'text', position: 1 })
    await r.must(r.owner, { op: 'define-role', role: 'vip', name: 'VIP', caps: MEMBER_CAPS, rank: 800 })
    await r.must(r.owner, { op: 'grant', target: k.vip!.publicKey, role: 'vip' })
    await r.must(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD })
    const caps = (kp: Keypair, c = ch): number => channelCaps(r.log.state, kp.publicKey, c, 0)
    // Members may not post in announcements; VIPs may; mods may pin but not post there; one plain member may.
    await r.must(r.owner, { op: 'channel-override', channel: ch, role: MEMBER, allow: 0, deny: Cap.POST | Cap.REACT })
    expect(caps(k.plain!) & Cap.POST).toBe(0)
    expect(caps(k.plain!) & Cap.REACT).toBe(0)
    expect(caps(k.plain!, other)).toBe(MEMBER_CAPS)
    expect(caps(k.vip!) & Cap.POST).toBe(0)
    await r.must(r.owner, { op: 'channel-override', channel: ch, role: 'vip', allow: Cap.POST, deny: 0 })
    expect(caps(k.vip!) & (Cap.POST | Cap.REACT)).toBe(Cap.POST) // role allows beat role denies
    await r.must(r.owner, { op: 'channel-override', channel: ch, member: k.vip!.publicKey, allow: 0, deny: Cap.POST })
    expect(caps(k.vip!) & Cap.POST).toBe(0) // the member's own override comes last
    await r.must(r.owner, { op: 'channel-override', channel: ch, member: k.plain!.publicKey, allow: Cap.POST, deny: Cap.ATTACH })
    expect(caps(k.plain!) & (Cap.POST | Cap.ATTACH | Cap.REACT)).toBe(Cap.POST)
    expect(caps(k.mod!) & (Cap.POST | Cap.PIN | Cap.BAN)).toBe(Cap.PIN | Cap.BAN)
    // Owners hold everything; non-members and banned keys nothing.
    await r.must(r.owner, { op: 'channel-override', channel: ch, member: k.mod!.publicKey, allow: 0, deny: ALL_CAPS })
    expect(caps(k.mod!)).toBe(0)
    expect(caps(r.owner)).toBe(ALL_CAPS)
    expect(caps(key('overrides/stranger'))).toBe(0)
    await r.must(r.owner, { op: 'ban', target: k.banned!.publicKey })
    expect(caps(k.banned!)).toBe(0)
    // allow = deny = 0 removes an override.
    await r.must(r.owner, { op: 'channel-override', channel: ch, member: k.plain!.publicKey, allow: 0, deny: 0 })
    expect(r.log.state.channels.get(toHex(ch))?.overrides.has(`member:${hexOf(k.plain!)}`)).toBe(false)
    expect(caps(k.plain!) & Cap.POST).toBe(0)
    // The owner role is above overrides; unknown roles and non-members are refused.
    expect(await r.status(r.owner, { op: 'channel-override', channel: ch, role: OWNER, allow: 0, deny: Cap.POST })).toBe('builtin-role')
    expect(await r.status(r.owner, { op: 'channel-override', channel: ch, role: 'ghost', allow: 0, deny: Cap.POST })).toBe('unknown-role')
    expect(await r.status(r.owner, { op: 'channel-override', channel: ch, member: key('overrides/stranger').publicKey, allow: 0, deny: Cap.POST })).toBe('not-member')
    // Deleting a role drops its overrides.
    await r.must(r.owner, { op: 'delete-role', role: 'vip' })
    expect(r.log.state.channels.get(toHex(ch))?.overrides.has('role:vip')).toBe(false)
    await expectConsistent(r)
  })

  it('room metadata: name, icon, description and tags, set by MANAGE_ROOM only', async () => {
    const { r, k } = await roomWith('meta', ['mod'])
    await r.must(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD })
    expect(r.log.state.meta).toEqual({ name: 'Room meta', tags: [] })
    const icon = { mime: 'image/png' as const, data: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]) }
    await r.must(r.owner, { op: 'set-meta', name: 'Gamers', description: 'We play.\nA lot.', icon, tags: ['gaming', 'fps'] })
    expect(r.log.state.meta).toEqual({ name: 'Gamers', description: 'We play.\nA lot.', icon, tags: ['gaming', 'fps'] })
    expect(await r.status(k.mod!, { op: 'set-meta', name: 'Mods rule', tags: [] })).toBe('missing-capability')
    expect(await r.status(k.mod!, { op: 'set-policy', join: 'invite', discoverable: 'listed' })).toBe('missing-capability')
    await r.must(r.owner, { op: 'set-policy', join: 'open', discoverable: 'listed' })
    expect(r.log.state.policy).toEqual({ join: 'open', discoverable: 'listed' })
    // A later set-meta replaces the details as a whole.
    await r.must(r.owner, { op: 'set-meta', name: 'Plain', tags: [] })
    expect(r.log.state.meta).toEqual({ name: 'Plain', tags: [] })
    await expectConsistent(r)
  })

  it('invite policy: open rooms admit anyone; invite-only rooms need a valid, unexpired, unused invite by a member', async () => {
    const { r, k } = await roomWith('invites', ['inviter', 'kicked', 'banned', 'nobody'])
    const room = r.log.genesis.room
    const n = (i: number): Keypair => key(`invites/newcomer-${i}`)
    // Open: a join needs nothing (an invite, if any, is ignored beyond its signature).
    expect(await r.try(n(0), { op: 'join' })).toBe('accepted')
    await r.must(r.owner, { op: 'set-policy', join: 'invite', discoverable: 'unlisted' })
    await r.must(r.owner, { op: 'kick', target: k.kicked!.publicKey })
    await r.must(r.owner, { op: 'ban', target: k.banned!.publicKey })
    expect(await r.try(n(1), { op: 'join' })).toBe('invite-required')
    const at = 500_000
    expect(await r.try(n(1), { op: 'join', invite: await joinInvite(k.inviter!, room) }, undefined, at)).toBe('accepted')
    expect(await r.try(n(2), { op: 'join', invite: await joinInvite(k.inviter!, room, at + 1) }, undefined, at)).toBe('accepted')
    expect(await r.try(n(3), { op: 'join', invite: await joinInvite(k.inviter!, room, at) }, undefined, at)).toBe('invite-expired')
    expect(await r.try(n(3), { op: 'join', invite: await joinInvite(k.inviter!, room, at - 1) }, undefined, at)).toBe('invite-expired')
    // Inviters must be members, not banned, with INVITE.
    expect(await r.try(n(4), { op: 'join', invite: await joinInvite(key('invites/stranger'), room) })).toBe('invite-invalid')
    expect(await r.try(n(4), { op: 'join', invite: await joinInvite(k.kicked!, room) })).toBe('invite-invalid')
    expect(await r.try(n(4), { op: 'join', invite: await joinInvite(k.banned!, room) })).toBe('invite-invalid')
    expect(await r.try(k.kicked!, { op: 'join' })).toBe('invite-required')
    expect(await r.try(k.banned!, { op: 'join', invite: await joinInvite(k.inviter!, room) })).toBe('banned')
    // inviteMaxUses: each invite (its signature) admits that many joins.
    await r.must(r.owner, { op: 'set-policy', join: 'invite', discoverable: 'unlisted', inviteMaxUses: 2 })
    const shared = await joinInvite(k.inviter!, room, 7_777_777)
    expect(await r.try(n(5), { op: 'join', invite: shared })).toBe('accepted')
    expect(await r.try(n(6), { op: 'join', invite: shared })).toBe('accepted')
    expect(await r.try(n(7), { op: 'join', invite: shared })).toBe('invite-used-up')
    expect(r.log.state.inviteUses.get(toHex(shared.sig))).toBe(2)
    // A fresh invite by the same member has its own count.
    expect(await r.try(n(7), { op: 'join', invite: await joinInvite(k.inviter!, room, 10_000_000) })).toBe('accepted')
    // An invite signed for another room does not verify here: refused before storage.
    const elsewhere = await joinInvite(k.inviter!, (await Room.open('invites-other')).log.genesis.room)
    const forged = await r.dag.sign(n(8), { op: 'join', invite: elsewhere }, r.heads())
    const res = await r.log.addNodes([forged])
    expect(reasons(res.invalid)).toEqual(['bad-signature'])
    expect(r.log.has(forged.id)).toBe(false)
    await expectConsistent(r)
  })

  it('kick removes membership (and roles) until the member rejoins', async () => {
    const { r, k } = await roomWith('kick', ['mod', 'p'])
    await r.must(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD })
    await r.must(r.owner, { op: 'define-role', role: 'vip', name: 'VIP', caps: Cap.PIN, rank: 900 })
    await r.must(r.owner, { op: 'grant', target: k.p!.publicKey, role: 'vip' })
    await r.must(k.mod!, { op: 'kick', target: k.p!.publicKey, reason: 'cool off' })
    expect(memberView(r.log.state, k.p!.publicKey)).toBeUndefined()
    expect(channelCaps(r.log.state, k.p!.publicKey, channelId('any'), 0)).toBe(0)
    expect(await r.status(k.mod!, { op: 'kick', target: k.p!.publicKey })).toBe('not-member')
    expect(await r.status(k.p!, { op: 'leave' })).toBe('not-member')
    expect(await r.status(k.mod!, { op: 'kick', target: r.owner.publicKey })).toBe('rank')
    await r.must(k.p!, { op: 'join' })
    expect(memberView(r.log.state, k.p!.publicKey)?.roles.map((x) => x.id)).toEqual([MEMBER])
    expect(await r.status(k.p!, { op: 'join' })).toBe('already-member')
    await expectConsistent(r)
  })

  it('timeout suspends posting, reacting, attaching and voice until it ends; 0 clears it', async () => {
    const { r, k } = await roomWith('timeout', ['mod', 'p'])
    await r.must(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD })
    const ch = channelId('t')
    await r.must(r.owner, { op: 'channel-create', channel: ch, name: 't', kind: 'voice', position: 0 })
    const until = 1_000_000
    await r.must(k.mod!, { op: 'timeout', target: k.p!.publicKey, until, reason: 'calm down' })
    expect(memberView(r.log.state, k.p!.publicKey)?.timeoutUntil).toBe(until)
    for (const at of [0, until - 1]) {
      expect(isTimedOut(r.log.state, k.p!.publicKey, at)).toBe(true)
      expect(channelCaps(r.log.state, k.p!.publicKey, ch, at)).toBe(MEMBER_CAPS & ~TIMEOUT_SUSPENDS)
      expect(channelCaps(r.log.state, k.p!.publicKey, ch, at) & Cap.INVITE).toBe(Cap.INVITE)
    }
    expect(isTimedOut(r.log.state, k.p!.publicKey, until)).toBe(false)
    expect(channelCaps(r.log.state, k.p!.publicKey, ch, until)).toBe(MEMBER_CAPS)
    // Membership and room capabilities are untouched; authority entries still apply.
    expect(memberCaps(r.log.state, hexOf(k.p!))).toBe(MEMBER_CAPS)
    expect(await r.status(k.mod!, { op: 'timeout', target: r.owner.publicKey, until })).toBe('rank')
    expect(await r.status(k.mod!, { op: 'timeout', target: key('timeout/stranger').publicKey, until })).toBe('not-member')
    await r.must(k.mod!, { op: 'timeout', target: k.p!.publicKey, until: 0 })
    expect(isTimedOut(r.log.state, k.p!.publicKey, 0)).toBe(false)
    expect(memberView(r.log.state, k.p!.publicKey)?.timeoutUntil).toBeUndefined()
    await expectConsistent(r)
  })
})

describe('audit log', () => {
  it('shows who did what, when, with what status and which checkpoint finalised it', async () => {
    const { r, k } = await roomWith('audit', ['mod', 'p'])
    const grant = await r.must(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD }, undefined, 70_000)
    const cp = await r.must(r.owner, { op: 'checkpoint', seq: 1 }, undefined, 70_100)
    const refused = await r.act(k.p!, { op: 'ban', target: k.mod!.publicKey, reason: 'mutiny' }, undefined, 70_200)
    const kick = await r.must(k.mod!, { op: 'kick', target: k.p!.publicKey }, undefined, 70_300)
    const audit = auditLog(r.log.entries)
    expect(audit).toHaveLength(r.log.size)
    const row = (id: Uint8Array): ReturnType<typeof auditLog>[number] => audit.find((x) => toHex(x.id) === toHex(id))!
    expect(row(grant.id)).toEqual({ id: grant.id, author: r.owner.publicKey, at: 70_000, lamport: grant.entry.lamport, action: grant.entry.act, status: 'accepted', checkpoint: 1 })
    expect(row(cp.id)).toMatchObject({ status: 'accepted', checkpoint: 1, action: { op: 'checkpoint', seq: 1 } })
    expect(row(refused.node.id)).toEqual({ id: refused.node.id, author: k.p!.publicKey, at: 70_200, lamport: refused.node.entry.lamport, action: { op: 'ban', target: k.mod!.publicKey, reason: 'mutiny' }, status: 'missing-capability' })
    expect(row(kick.id)).toMatchObject({ author: k.mod!.publicKey, at: 70_300, status: 'accepted', action: { op: 'kick' } })
    expect(row(kick.id).checkpoint).toBeUndefined()
    // In order, newest last; the joins come first.
    expect(audit.map((x) => x.action.op)).toEqual(['join', 'join', 'grant', 'checkpoint', 'ban', 'kick'])
  })
})

describe('check() and author() refuse locally as peers would', () => {
  it('gives the same typed reason a peer computes for the signed entry', async () => {
    const { r, k } = await roomWith('local', ['mod', 'plain', 'owner2'])
    await r.must(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD })
    await r.must(r.owner, { op: 'ban', target: key('local/banned').publicKey })
    const cases: [Keypair, Action][] = [
      [k.plain!, { op: 'ban', target: k.mod!.publicKey }],
      [k.mod!, { op: 'grant', target: k.mod!.publicKey, role: MOD }],
      [k.mod!, { op: 'kick', target: r.owner.publicKey }],
      [k.mod!, { op: 'define-role', role: 'x', name: 'X', caps: 0, rank: 500 }],
      [k.mod!, { op: 'kick', target: k.mod!.publicKey }],
      [r.owner, { op: 'leave' }],
      [key('local/stranger'), { op: 'set-meta', name: 'x', tags: [] }],
      [key('local/banned'), { op: 'join' }],
      [k.plain!, { op: 'join' }],
      [k.owner2!, { op: 'checkpoint', seq: 1 }],
      [r.owner, { op: 'checkpoint', seq: 2 }],
      [r.owner, { op: 'grant', target: k.plain!.publicKey, role: 'ghost' }],
      [r.owner, { op: 'channel-delete', channel: channelId('none') }],
      [r.owner, { op: 'unban', target: k.plain!.publicKey }]
    ]
    for (const [kp, act] of cases) {
      const reason = r.log.check(kp.publicKey, act, 80_000)
      expect(reason, act.op).toBeInstanceOf(AuthorityRejectedError)
      const size = r.log.size
      const state = canonicalState(r.log.state)
      await expect(r.log.author(kp, act, 80_000)).rejects.toMatchObject({ reason: reason!.reason })
      expect(r.log.size).toBe(size)
      expect(canonicalState(r.log.state)).toBe(state)
      // A peer given the same entry, signed anyway, refuses it for the same reason.
      const peer = await r.replica()
      const forced = await r.dag.sign(kp, act, r.heads(), { at: 80_000 })
      await peer.addNodes([forced])
      expect(statusIn(peer, forced), act.op).toBe(reason!.reason)
    }
    // And what check() allows, author() signs and peers accept.
    const ok: Action = { op: 'kick', target: k.plain!.publicKey }
    expect(r.log.check(k.mod!.publicKey, ok, 80_000)).toBeUndefined()
    const node = await r.log.author(k.mod!, ok, 80_000)
    expect(statusIn(r.log, node)).toBe('accepted')
    const peer = await r.replica()
    expect(statusIn(peer, node)).toBe('accepted')
    expect(r.log.heads().ids.map((x) => toHex(x))).toEqual([node.key])
  })
})

describe('refused entries stay refused (no zombie entries)', () => {
  // A refused entry is stored (PROTOCOL.md §6.5), but AuthorityLog.heads() names only accepted entries,
  // so the entries an honest peer authors next do not follow it causally. The refused entry is then
  // re-judged wherever the order puts it relative to those later entries, and can flip to accepted.

  it('a plain member\'s refused ban does not take effect when the owner later promotes them', async () => {
    const { r, k } = await roomWith('zombie-level', ['mallory', 'victim'])
    // Mallory, a plain member, signs a ban and gossips it: every peer refuses it.
    const ban = await r.act(k.mallory!, { op: 'ban', target: k.victim!.publicKey, reason: 'pre-signed' })
    expect(ban.status).toBe('missing-capability')
    // Later the owner, through the honest API, makes Mallory a moderator for unrelated reasons.
    await r.log.author(r.owner, { op: 'grant', target: k.mallory!.publicKey, role: MOD }, 90_000)
    expect(statusIn(r.log, ban.node)).toBe('missing-capability')
    expect(r.log.state.bans.has(hexOf(k.victim!))).toBe(false)
  })

  it('a refused entry the creator had seen is not re-judged after the creator\'s checkpoint', async () => {
    const { r, k } = await roomWith('zombie-checkpoint', ['mallory', 'victim'])
    const ban = await r.act(k.mallory!, { op: 'ban', target: k.victim!.publicKey })
    expect(ban.status).toBe('missing-capability')
    await r.log.author(r.owner, { op: 'set-meta', name: 'busy', tags: [] }, 90_000)
    await r.log.author(r.owner, { op: 'grant', target: k.mallory!.publicKey, role: MOD }, 90_001)
    expect(statusIn(r.log, ban.node)).toBe('missing-capability')
    await r.log.author(r.owner, { op: 'checkpoint', seq: 1 }, 90_002)
    expect(statusIn(r.log, ban.node)).toBe('missing-capability')
    expect(r.log.state.bans.has(hexOf(k.victim!))).toBe(false)
  })

  it('the last owner\'s refused leave does not execute when a second owner is appointed', async () => {
    const { r, k } = await roomWith('zombie-leave', ['owner2'])
    const heads = r.heads()
    const leave = await r.act(r.owner, { op: 'leave' }, heads)
    expect(leave.status).toBe('last-owner')
    // Pick a time at which the grant, signed on the same heads as author() will, sorts before the leave.
    const grant: Action = { op: 'grant', target: k.owner2!.publicKey, role: OWNER }
    let at = 90_000
    while ((await r.dag.sign(r.owner, grant, heads, { at })).key > leave.node.key) at++
    await r.log.author(r.owner, grant, at)
    expect(statusIn(r.log, leave.node)).toBe('last-owner')
    expect(r.log.state.members.has(hexOf(r.owner))).toBe(true)
  })
})

describe('timeouts and rejoining', () => {
  it('a timed-out member cannot shed the timeout by leaving and rejoining', async () => {
    const { r, k } = await roomWith('evade', ['mod', 'p'])
    await r.must(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD })
    const until = 5_000_000
    await r.must(k.mod!, { op: 'timeout', target: k.p!.publicKey, until })
    expect(isTimedOut(r.log.state, k.p!.publicKey, 100_000)).toBe(true)
    await r.must(k.p!, { op: 'leave' })
    await r.must(k.p!, { op: 'join' })
    expect(isTimedOut(r.log.state, k.p!.publicKey, 100_000)).toBe(true)
    expect(channelCaps(r.log.state, k.p!.publicKey, channelId('any'), 100_000) & Cap.POST).toBe(0)
  })
})

describe('documented limits (pinned so that a change is deliberate)', () => {
  it('an invite is identified by its signature, and Ed25519 is deterministic: same inviter and expiry, same invite', async () => {
    const { r, k } = await roomWith('invite-identity', ['inviter'])
    await r.must(r.owner, { op: 'set-policy', join: 'invite', discoverable: 'unlisted', inviteMaxUses: 1 })
    const first = await joinInvite(k.inviter!, r.log.genesis.room)
    const second = await joinInvite(k.inviter!, r.log.genesis.room)
    expect(toHex(second.sig)).toBe(toHex(first.sig))
    await r.must(key('invite-identity/a'), { op: 'join', invite: first })
    expect(await r.status(key('invite-identity/b'), { op: 'join', invite: second })).toBe('invite-used-up')
    // A different expiry, or a random code (what the apps always add), makes a different invite.
    expect(await r.status(key('invite-identity/b'), { op: 'join', invite: await joinInvite(k.inviter!, r.log.genesis.room, 9_999_999) })).toBe('accepted')
    const coded = await joinInvite(k.inviter!, r.log.genesis.room, undefined, new Uint8Array(8).fill(1))
    expect(toHex(coded.sig)).not.toBe(toHex(first.sig))
    await r.must(key('invite-identity/c'), { op: 'join', invite: coded })
    expect(await r.status(key('invite-identity/d'), { op: 'join', invite: coded })).toBe('invite-used-up')
    // A code the inviter did not sign does not verify.
    const forged = { ...coded, code: new Uint8Array(8).fill(2) }
    await expect(r.status(key('invite-identity/d'), { op: 'join', invite: forged })).rejects.toThrow(/bad-signature/)
  })

  it('invite expiry is judged on the joiner\'s own clock (`at`), so a backdated join passes an expired invite', async () => {
    const { r, k } = await roomWith('invite-clock', ['inviter'])
    await r.must(r.owner, { op: 'set-policy', join: 'invite', discoverable: 'unlisted' })
    const invite = await joinInvite(k.inviter!, r.log.genesis.room, 50_000)
    expect(await r.status(key('invite-clock/honest'), { op: 'join', invite }, undefined, 60_000)).toBe('invite-expired')
    expect(await r.status(key('invite-clock/backdated'), { op: 'join', invite }, undefined, 1)).toBe('accepted')
  })

  it('UNBAN needs the banner, an owner, or someone who outranks the banner', async () => {
    const { r, k } = await roomWith('unban-rank', ['mod', 'mod2', 'p', 'q'])
    await r.must(r.owner, { op: 'grant', target: k.mod!.publicKey, role: MOD })
    await r.must(r.owner, { op: 'grant', target: k.mod2!.publicKey, role: MOD })
    await r.must(r.owner, { op: 'ban', target: k.p!.publicKey, reason: 'owner decision' })
    expect(await r.status(k.mod!, { op: 'unban', target: k.p!.publicKey })).toBe('rank')
    await r.must(k.mod!, { op: 'ban', target: k.q!.publicKey })
    expect(await r.status(k.mod2!, { op: 'unban', target: k.q!.publicKey })).toBe('rank')
    expect(await r.status(k.mod!, { op: 'unban', target: k.q!.publicKey })).toBe('accepted')
    expect(await r.status(r.owner, { op: 'unban', target: k.p!.publicKey })).toBe('accepted')
  })
})
