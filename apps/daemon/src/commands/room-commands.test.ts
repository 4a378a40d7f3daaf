// `hearth room …`, `send`, `read` and `mod …` as real processes: a room created in one data
// directory, an invite link the authority log accepts, a second identity that joins (its
// join and the copy of the log stand in for sync), and refusals that name the log's reason.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatUserId, parseInvite, verifyInvite } from '@hearth/protocol'
import { copyRoomAuthority, keypairIn, postAs, runHearth } from './test-support.ts'

let root: string
let alice: string
let bob: string
let aliceId: string
let bobId: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-rooms-'))
  alice = join(root, 'alice')
  bob = join(root, 'bob')
  const [a, b] = await Promise.all([
    runHearth(['identity', 'new', '--name', 'Alice', '--data-dir', alice, '--json']),
    runHearth(['identity', 'new', '--name', 'Bob', '--data-dir', bob, '--json'])
  ])
  aliceId = String(a.events()[0]?.userId)
  bobId = String(b.events()[0]?.userId)
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('rooms, messages and moderation on the local replica', () => {
  it('create → list → invite → send → read', async () => {
    const created = await runHearth(['room', 'create', 'Book Club', '--description', 'Monthly reads', '--data-dir', alice, '--json'])
    expect(created.code, created.stderr).toBe(0)
    const room = created.events()[0]!
    expect(room).toMatchObject({ event: 'room-created', name: 'Book Club', description: 'Monthly reads', roles: ['owner', 'member'], memberCount: 1, delivery: 'local' })
    expect(room.channels).toEqual([expect.objectContaining({ name: 'general', kind: 'text' })])

    const list = await runHearth(['room', 'list', '--data-dir', alice, '--json'])
    expect(list.events()[0]).toMatchObject({ event: 'rooms', rooms: [expect.objectContaining({ room: room.room, name: 'Book Club', memberCount: 1 })] })

    const invite = await runHearth(['room', 'invite', 'book club', '--expires', '2d', '--base-url', 'https://hearth.example.org', '--data-dir', alice, '--json'])
    expect(invite.code, invite.stderr).toBe(0)
    const links = invite.events()[0]!
    expect(String(links.https)).toMatch(/^https:\/\/hearth\.example\.org\/#\/join\//)
    expect(String(links.hearth)).toMatch(/^hearth:\?room=/)
    const parsed = await verifyInvite(parseInvite(String(links.https)), Date.now())
    expect(formatUserId(parsed.inviter!.key)).toBe(aliceId)
    expect(parsed.expires! - Date.now()).toBeGreaterThan(47 * 3_600_000)
    expect(parseInvite(String(links.hearth))).toEqual(parseInvite(String(links.https)))

    const sent = await runHearth(['send', String(room.room).slice(0, 8), '#general', 'hello,', 'world', '--offline', '--data-dir', alice])
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stdout).toMatch(/stored on this machine only, not sent yet/i)
    await runHearth(['send', 'Book Club', 'general', 'second', '--offline', '--data-dir', alice])
    const read = await runHearth(['read', 'Book Club', 'general', '--limit', '1', '--data-dir', alice, '--json'])
    const history = read.events()[0]!
    expect(history).toMatchObject({ event: 'history', messages: [expect.objectContaining({ text: 'second', author: aliceId })] })
    const older = await runHearth(['read', 'Book Club', 'general', '--before', String(history.next), '--data-dir', alice])
    expect(older.stdout).toContain('Alice (you): hello, world')
  })

  it('grants a role, and refuses what the authority log would refuse, with the reason', async () => {
    const created = await runHearth(['room', 'create', 'Den', '--invite-only', '--data-dir', alice, '--json'])
    const room = String(created.events()[0]?.room)

    // Bob's replica has the room but he is not a member: he can neither invite nor post.
    await copyRoomAuthority(alice, bob, room)
    const notMember = await runHearth(['room', 'invite', room, '--data-dir', bob, '--json'])
    expect(notMember.code).toBe(1)
    expect(notMember.events()[0]).toMatchObject({ event: 'error', error: 'NotPermittedError', reason: 'not-member' })
    expect((await runHearth(['send', room, 'general', 'hi', '--offline', '--data-dir', bob])).stderr).toMatch(/not a member/)

    // Alice's invite is what Bob's join carries; the log accepts it.
    const invite = parseInvite(String((await runHearth(['room', 'invite', room, '--data-dir', alice, '--json'])).events()[0]?.hearth))
    const inviter = invite.inviter!
    await postAs(alice, room, await keypairIn(bob), {
      op: 'join', invite: { by: inviter.key, sig: inviter.sig, code: inviter.code!, ...(invite.expires !== undefined ? { exp: invite.expires } : {}) }
    })

    const grant = await runHearth(['mod', 'grant', '--room', room, bobId, '--role', 'mod', '--offline', '--data-dir', alice, '--json'])
    expect(grant.code, grant.stderr).toBe(0)
    expect(grant.events()[0]).toMatchObject({ event: 'authority', op: 'grant', target: bobId, delivery: 'local' })
    const listed = (await runHearth(['room', 'list', '--data-dir', alice, '--json'])).events()[0]!
    expect(listed.rooms).toContainEqual(expect.objectContaining({ room, memberCount: 2 }))

    const selfBan = await runHearth(['mod', 'ban', '--room', room, aliceId, '--offline', '--data-dir', alice, '--json'])
    expect(selfBan.code).toBe(1)
    expect(selfBan.events()[0]).toMatchObject({ error: 'NotPermittedError', reason: 'rank' })

    // Bob's replica has his join but not the grant yet: as a plain member he may not ban.
    await copyRoomAuthority(alice, bob, room)
    const bobBan = await runHearth(['mod', 'ban', '--room', room, aliceId, '--reason', 'coup', '--offline', '--data-dir', bob])
    expect(bobBan.code).toBe(1)
    expect(bobBan.stderr).toMatch(/^hearth: refused by the room's rules \((missing-capability|rank)\)/)
    expect(bobBan.stderr).not.toMatch(/\n\s+at /)
    const posted = await runHearth(['send', room, 'general', 'hi from bob', '--offline', '--data-dir', bob])
    expect(posted.code, posted.stderr).toBe(0)

    const role = await runHearth(['mod', 'define-role', 'helper', '--room', room, '--caps', 'post,pin', '--rank', '300', '--offline', '--data-dir', alice, '--json'])
    expect(role.events()[0]).toMatchObject({ op: 'define-role', act: { role: 'helper', caps: 1 | 128, rank: 300 } })
    const timeout = await runHearth(['mod', 'timeout', '--room', room, bobId, '--for', '10m', '--offline', '--data-dir', alice, '--json'])
    expect(timeout.events()[0]).toMatchObject({ op: 'timeout', target: bobId })
  })
})
