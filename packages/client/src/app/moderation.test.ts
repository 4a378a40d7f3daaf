/**
 * Roles and moderation through the app core on the in-memory network:
 * rights flags follow grants and revokes on both sides, a revoked
 * moderator's actions are refused with a sentence, and a ban hides the
 * banned member's later messages.
 */
import { describe, expect, it } from 'vitest'
import { Cap } from '@hearth/protocol'
import { channelNamed, live, MemoryRoomHub, readyApp, texts, until } from './test-support.ts'

describe('HearthApp moderation', () => {
  it('defines and grants a role, revokes it, and bans', async () => {
    const hub = new MemoryRoomHub()
    const ann = await readyApp(hub, 'ann', 'Ann')
    const bob = await readyApp(hub, 'bob', 'Bob')
    const cat = await readyApp(hub, 'cat', 'Cat')
    const room = await ann.createRoom({ name: 'Hall', inviteOnly: true })
    await live(ann, room)
    const general = channelNamed(ann, room, 'general')
    await bob.joinByInvite((await ann.createInvite(room, { counted: true })).link)
    await cat.joinByInvite((await ann.createInvite(room, { counted: true })).link)
    const bobKey = bob.snapshot().me?.key ?? ''
    const catKey = cat.snapshot().me?.key ?? ''
    await until('ann sees both', () => ann.room(room)?.members.length === 3)
    await until('bob sees cat', () => bob.room(room)?.members.length === 3)
    expect(bob.room(room)?.rights.kick).toBe(false)
    await expect(bob.kick(room, catKey)).rejects.toThrow(/Cannot kick this member: your roles do not give you the right/)

    await ann.defineRole(room, { id: 'helper', name: 'Helper', caps: Cap.KICK | Cap.TIMEOUT | Cap.PIN, rank: 500 })
    await ann.grantRole(room, bobKey, 'helper')
    expect(ann.room(room)?.members.find((m) => m.key === bobKey)?.roles.map((r) => r.id)).toEqual(['helper', 'member'])
    await until('bob gets the rights', () => bob.room(room)?.rights.kick === true)
    expect(bob.room(room)?.rights.pin).toBe(true)
    expect(bob.room(room)?.members.find((m) => m.key === catKey)?.outranked).toBe(true)
    expect(bob.room(room)?.roles.map((r) => r.id)).toEqual(['owner', 'mod', 'helper', 'member'])
    expect(ann.room(room)?.assignableRoles).toEqual(['owner', 'mod', 'helper'])
    expect(bob.room(room)?.assignableRoles).toEqual([])

    await ann.revokeRole(room, bobKey, 'helper')
    await until('bob loses the rights', () => bob.room(room)?.rights.kick === false)
    await expect(bob.kick(room, catKey)).rejects.toMatchObject({ name: 'NotPermittedError', reason: 'missing-capability' })
    expect(cat.room(room)?.members.length).toBe(3)

    // Cat posts, then is banned; what cat writes after the ban (with stale heads, gossip cut) is not shown.
    await cat.send(room, general, 'before the ban')
    await until('ann has cat\'s post', () => texts(ann, room, general).includes('before the ban'))
    hub.gossip = false
    await ann.ban(room, catKey, { reason: 'spam' })
    await cat.send(room, general, 'after the ban')
    hub.gossip = true
    await ann.resync(room)
    await cat.resync(room)
    expect(texts(ann, room, general)).not.toContain('after the ban')
    expect(ann.room(room)?.bans.map((b) => [b.key, b.reason, b.name])).toEqual([[catKey, 'spam', 'Cat']])
    await until('cat sees the ban', () => cat.snapshot().rooms[0]?.standing === 'banned')
    await expect(cat.send(room, general, 'again')).rejects.toThrow(/banned/)
    await bob.resync(room)
    await until('bob syncs the ban', () => bob.room(room)?.members.length === 2)
    expect(texts(bob, room, general)).not.toContain('after the ban')
    expect(ann.auditLog(room).map((r) => r.action.op)).toContain('ban')
    await Promise.all([ann.close(), bob.close(), cat.close()])
  })
})
