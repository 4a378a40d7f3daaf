/**
 * The authority reducer (PROTOCOL.md §6.5): apply one entry, at its place in
 * the log's linear order, to the state. Pure and synchronous: signatures were
 * checked before. An entry whose author lacks the authority at that point is
 * refused with a typed reason and leaves the state unchanged; an accepted one
 * changes it. Effects of accepted entries stand even if the author loses the
 * authority later (the seed's retroactivity rule).
 */
import { equalBytes, toHex } from '../bytes.ts'
import { Cap, MEMBER, OWNER, hasCaps, type RoleDef } from './capabilities.ts'
import type { Action, ActionOf, AuthorityEntry, EntryNode } from './entry.ts'
import { AuthorityRejectedError, type RejectReason } from './rejection.ts'
import { isOwner, memberCaps, memberRank, ownerCount, type AuthorityState } from './state.ts'

function reject(reason: RejectReason, message: string): never {
  throw new AuthorityRejectedError(reason, message)
}

/** Context an action is judged in. */
interface Ctx {
  readonly s: AuthorityState
  readonly entry: AuthorityEntry
  readonly node: EntryNode
  readonly author: string
}

function requireMember(c: Ctx): void {
  if (c.s.bans.has(c.author)) reject('banned', 'author is banned')
  if (!c.s.members.has(c.author)) reject('not-member', 'author is not a member')
}

function requireCap(c: Ctx, cap: number, what: string): void {
  requireMember(c)
  if (!hasCaps(memberCaps(c.s, c.author), cap)) reject('missing-capability', `author may not ${what}`)
}

/**
 * The author must outrank the target. Owners may act on anyone but themselves
 * and the creator: the creator's key is the root of trust and no entry can
 * demote, ban, kick or time it out.
 */
function requireOutranks(c: Ctx, target: string): void {
  if (target === c.author) reject('self-action', 'authors cannot do this to themselves')
  if (target === c.s.creator) reject('rank', 'nobody can act on the room creator')
  if (isOwner(c.s, c.author)) return
  if (memberRank(c.s, c.author) >= memberRank(c.s, target)) reject('rank', 'target ranks equal to or above the author')
}

/** A role the author may hand out or change: ranked below them, with no capability they lack. */
function requireManageable(c: Ctx, role: RoleDef): void {
  if (isOwner(c.s, c.author)) return
  if (role.id === OWNER) reject('rank', 'only owners manage the owner role')
  if (role.rank <= memberRank(c.s, c.author)) reject('rank', 'role ranks equal to or above the author')
  if (!hasCaps(memberCaps(c.s, c.author), role.caps)) reject('escalation', 'role has capabilities the author lacks')
}

/** Kick and timeout: the author holds `cap` and outranks a member who is not an owner. Returns the target's hex key. */
function requireModerates(c: Ctx, targetKey: Uint8Array, cap: number, what: string): string {
  requireCap(c, cap, `${what} members`)
  const target = toHex(targetKey)
  memberOf(c, target)
  if (isOwner(c.s, target)) reject('rank', `owners cannot be subject to ${what}`)
  requireOutranks(c, target)
  return target
}

function memberOf(c: Ctx, target: string): NonNullable<ReturnType<AuthorityState['members']['get']>> {
  const m = c.s.members.get(target)
  if (!m) reject('not-member', 'target is not a member')
  return m
}

const handlers: { [K in Action['op']]: (c: Ctx, act: ActionOf<K>) => void } = {
  grant(c, act) {
    requireCap(c, Cap.MANAGE_ROLES, 'manage roles')
    const role = c.s.roles.get(act.role)
    if (!role) reject('unknown-role', `no role "${act.role}"`)
    if (act.role === MEMBER) reject('builtin-role', 'members hold "member" by joining')
    const target = toHex(act.target)
    if (target === c.author) reject('self-action', 'nobody can grant themselves a role')
    requireManageable(c, role)
    if (!isOwner(c.s, c.author) && memberRank(c.s, c.author) >= memberRank(c.s, target)) {
      reject('rank', 'target ranks equal to or above the author')
    }
    const m = memberOf(c, target)
    if (m.roles.has(act.role)) reject('role-held', 'target already holds the role')
    m.roles.add(act.role)
    m.roleSince.set(act.role, c.s.position)
  },
  revoke(c, act) {
    const target = toHex(act.target)
    const m = memberOf(c, target)
    if (!m.roles.has(act.role)) reject('role-not-held', 'target does not hold the role')
    const role = c.s.roles.get(act.role)
    if (!role) reject('unknown-role', `no role "${act.role}"`)
    if (target !== c.author) {
      requireCap(c, Cap.MANAGE_ROLES, 'manage roles')
      requireManageable(c, role)
      requireOutranks(c, target)
    } else {
      requireMember(c)
    }
    if (act.role === OWNER && ownerCount(c.s) <= 1) reject('last-owner', 'the last owner cannot be removed')
    m.roles.delete(act.role)
    m.roleSince.delete(act.role)
  },
  ban(c, act) {
    requireCap(c, Cap.BAN, 'ban')
    const target = toHex(act.target)
    if (c.s.bans.has(target)) reject('already-banned', 'target is already banned')
    if (isOwner(c.s, target)) reject('rank', 'owners cannot be banned')
    requireOutranks(c, target)
    c.s.members.delete(target)
    c.s.bans.set(target, { key: act.target, by: c.author, position: c.s.position, ...(act.reason !== undefined ? { reason: act.reason } : {}) })
  },
  unban(c, act) {
    requireCap(c, Cap.BAN, 'unban')
    const target = toHex(act.target)
    const ban = c.s.bans.get(target)
    if (!ban) reject('not-banned', 'target is not banned')
    // Only the banner, an owner, or someone who outranks the banner lifts a ban.
    if (ban.by !== c.author && !isOwner(c.s, c.author) && memberRank(c.s, c.author) >= memberRank(c.s, ban.by)) {
      reject('rank', 'the ban was made by someone ranking equal to or above the author')
    }
    c.s.bans.delete(target)
  },
  kick(c, act) {
    const target = requireModerates(c, act.target, Cap.KICK, 'kick')
    c.s.members.delete(target)
  },
  timeout(c, act) {
    const target = requireModerates(c, act.target, Cap.TIMEOUT, 'time out')
    if (act.until === 0) c.s.timeouts.delete(target)
    else c.s.timeouts.set(target, act.until)
  },
  'define-role'(c, act) {
    requireCap(c, Cap.MANAGE_ROLES, 'manage roles')
    const existing = c.s.roles.get(act.role)
    if (existing?.builtin) reject('builtin-role', 'predefined roles cannot be redefined')
    const role: RoleDef = { id: act.role, name: act.name, caps: act.caps, rank: act.rank, builtin: false }
    if (existing) requireManageable(c, existing)
    requireManageable(c, role)
    c.s.roles.set(act.role, role)
  },
  'delete-role'(c, act) {
    requireCap(c, Cap.MANAGE_ROLES, 'manage roles')
    const role = c.s.roles.get(act.role)
    if (!role) reject('unknown-role', `no role "${act.role}"`)
    if (role.builtin) reject('builtin-role', 'predefined roles cannot be deleted')
    requireManageable(c, role)
    c.s.roles.delete(act.role)
    for (const m of c.s.members.values()) {
      m.roles.delete(act.role)
      m.roleSince.delete(act.role)
    }
    for (const ch of c.s.channels.values()) ch.overrides.delete(`role:${act.role}`)
  },
  'set-policy'(c, act) {
    requireCap(c, Cap.MANAGE_ROOM, 'change the room policy')
    c.s.policy = { join: act.join, discoverable: act.discoverable, ...(act.inviteMaxUses !== undefined ? { inviteMaxUses: act.inviteMaxUses } : {}) }
  },
  'set-meta'(c, act) {
    requireCap(c, Cap.MANAGE_ROOM, 'change the room details')
    c.s.meta = {
      name: act.name,
      tags: act.tags,
      ...(act.description !== undefined ? { description: act.description } : {}),
      ...(act.icon !== undefined ? { icon: act.icon } : {})
    }
  },
  'channel-create'(c, act) {
    requireCap(c, Cap.MANAGE_CHANNELS, 'manage channels')
    const id = toHex(act.channel)
    if (c.s.channels.has(id)) reject('channel-exists', 'a channel with this id exists')
    c.s.channels.set(id, {
      id: act.channel, name: act.name, kind: act.kind, position: act.position, overrides: new Map(),
      ...(act.topic !== undefined ? { topic: act.topic } : {})
    })
  },
  'channel-update'(c, act) {
    requireCap(c, Cap.MANAGE_CHANNELS, 'manage channels')
    const ch = c.s.channels.get(toHex(act.channel))
    if (!ch) reject('unknown-channel', 'no such channel')
    if (act.name !== undefined) ch.name = act.name
    if (act.position !== undefined) ch.position = act.position
    if (act.topic !== undefined) ch.topic = act.topic
  },
  'channel-delete'(c, act) {
    requireCap(c, Cap.MANAGE_CHANNELS, 'manage channels')
    if (!c.s.channels.delete(toHex(act.channel))) reject('unknown-channel', 'no such channel')
  },
  'channel-override'(c, act) {
    requireCap(c, Cap.MANAGE_CHANNELS, 'manage channels')
    const ch = c.s.channels.get(toHex(act.channel))
    if (!ch) reject('unknown-channel', 'no such channel')
    if (!isOwner(c.s, c.author) && !hasCaps(memberCaps(c.s, c.author), act.allow | act.deny)) {
      reject('escalation', 'an override may only name capabilities the author holds')
    }
    let subject: string
    if (act.role !== undefined) {
      const role = c.s.roles.get(act.role)
      if (!role) reject('unknown-role', `no role "${act.role}"`)
      if (role.id === OWNER) reject('builtin-role', 'owners are above overrides')
      if (!isOwner(c.s, c.author) && role.rank <= memberRank(c.s, c.author)) reject('rank', 'role ranks equal to or above the author')
      subject = `role:${act.role}`
    } else {
      const target = toHex(act.member as Uint8Array)
      memberOf(c, target)
      requireOutranks(c, target)
      subject = `member:${target}`
    }
    if (act.allow === 0 && act.deny === 0) ch.overrides.delete(subject)
    else ch.overrides.set(subject, { allow: act.allow, deny: act.deny })
  },
  join(c, act) {
    if (c.s.bans.has(c.author)) reject('banned', 'author is banned')
    if (c.s.members.has(c.author)) reject('already-member', 'author is already a member')
    if (c.s.policy.join === 'invite') {
      const invite = act.invite
      if (!invite) reject('invite-required', 'this room is invite-only')
      const by = toHex(invite.by)
      if (c.s.bans.has(by) || !c.s.members.has(by) || !hasCaps(memberCaps(c.s, by), Cap.INVITE)) {
        reject('invite-invalid', 'the inviter may not invite')
      }
      if (invite.exp !== undefined && c.entry.at >= invite.exp) reject('invite-expired', 'the invite had expired')
      const use = toHex(invite.sig)
      const used = c.s.inviteUses.get(use) ?? 0
      if (c.s.policy.inviteMaxUses !== undefined && used >= c.s.policy.inviteMaxUses) reject('invite-used-up', 'the invite has no uses left')
      c.s.inviteUses.set(use, used + 1)
    }
    c.s.members.set(c.author, { key: c.entry.author, roles: new Set(), roleSince: new Map(), joinedAt: c.s.position })
  },
  leave(c) {
    requireMember(c)
    if (isOwner(c.s, c.author) && ownerCount(c.s) <= 1) reject('last-owner', 'the last owner cannot leave')
    c.s.members.delete(c.author)
  },
  checkpoint(c, act) {
    if (c.author !== c.s.creator) reject('not-creator', 'only the creator signs checkpoints')
    const expected = (c.s.checkpoint?.seq ?? 0) + 1
    if (act.seq !== expected) reject('checkpoint-seq', `expected checkpoint ${expected}`)
    const prevOk = c.s.checkpoint === undefined ? act.prev === undefined : act.prev !== undefined && toHex(act.prev) === c.s.checkpoint.id
    if (!prevOk) reject('checkpoint-prev', 'checkpoint does not extend the previous one')
    c.s.checkpoint = { seq: act.seq, id: c.node.key }
  }
}

/**
 * Apply `node` to `state`. Returns undefined when accepted (state changed, and
 * `state.position` advanced) or the rejection (state unchanged).
 */
export function applyEntry(state: AuthorityState, node: EntryNode): AuthorityRejectedError | undefined {
  const { entry } = node
  if (!equalBytes(entry.room, state.room)) return new AuthorityRejectedError('wrong-room', 'entry belongs to another room')
  const c: Ctx = { s: state, entry, node, author: toHex(entry.author) }
  // Handlers validate before they mutate, so a rejection leaves the state as it was.
  try {
    ;(handlers[entry.act.op] as (c: Ctx, act: Action) => void)(c, entry.act)
  } catch (err) {
    if (err instanceof AuthorityRejectedError) return err
    throw err
  }
  state.position++
  return undefined
}
