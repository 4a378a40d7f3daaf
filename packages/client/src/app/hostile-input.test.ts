/**
 * Hostile input to every action: bad hex ids, unknown rooms and channels,
 * oversized or empty text, garbage invite links. Each gives a typed error
 * with a readable message, and nothing changes (snapshot and storage).
 */
import { describe, expect, it } from 'vitest'
import { formatInvite, formatRoomId, generateKeypair, randomBytes, signInvite } from '@hearth/protocol'
import { channelNamed, MemoryRoomHub, openApp, until } from './test-support.ts'

describe('HearthApp hostile input', () => {
  it('refuses bad input to every action with a typed, readable error and changes nothing', async () => {
    const hub = new MemoryRoomHub()
    const { app, storage } = await openApp({ hub, id: 'ann' })
    await expect(app.createIdentity({ name: '' })).rejects.toMatchObject({ name: 'InvalidInputError' })
    await expect(app.createIdentity({ name: 'x'.repeat(65) })).rejects.toThrow(/too long: 65 bytes, the limit is 64/)
    expect(app.snapshot().status).toBe('onboarding')
    await app.createIdentity({ name: 'Ann' })
    await until('online', () => app.snapshot().network.state === 'online')
    const room = await app.createRoom({ name: 'Den' })
    const general = channelNamed(app, room, 'general')
    await app.send(room, general, 'first')
    const message = app.messages(room, general).messages[0]?.id ?? ''
    const otherRoom = '0'.repeat(64)
    const otherChannel = 'ab'.repeat(16)
    const member = 'cd'.repeat(32)
    const both = { role: 'member', member }
    const keys = async (): Promise<string> => JSON.stringify((await storage.loadRange([])).map((c) => c.key))
    // Let the room go live and my profile be published into it first (that is a change, on purpose).
    for (let i = 0; i < 200 && !(await keys()).includes('"prof"'); i++) await new Promise((resolve) => setTimeout(resolve, 5))
    const storedBefore = await keys()
    expect(storedBefore).toContain('"prof"')
    const snapBefore = app.snapshot()
    const roomBefore = app.room(room)
    const pageBefore = app.messages(room, general)

    const cases: [string, () => Promise<unknown>, string, RegExp][] = [
      ['bad room hex', () => app.send('zz', general, 'hi'), 'InvalidInputError', /room is not a valid id/],
      ['unknown room', () => app.send(otherRoom, general, 'hi'), 'NotFoundError', /not on this device/],
      ['bad channel hex', () => app.send(room, 'nope', 'hi'), 'InvalidInputError', /channel is not a valid id/],
      ['unknown channel', () => app.send(room, otherChannel, 'hi'), 'NotFoundError', /no such channel/],
      ['empty message', () => app.send(room, general, '   \n '), 'InvalidInputError', /empty/],
      ['oversized message', () => app.send(room, general, 'é'.repeat(2001)), 'InvalidInputError', /too long: 4,002 bytes, the limit is 4,000/],
      ['control characters', () => app.send(room, general, 'a\u0000b'), 'InvalidInputError', /cannot be sent/],
      ['not text', () => app.send(room, general, 42 as unknown as string), 'InvalidInputError', /must be text/],
      ['reply to unknown', () => app.send(room, general, 'hi', { replyTo: member }), 'NotFoundError', /not in this channel/],
      ['edit unknown', () => app.edit(room, general, member, 'x'), 'NotFoundError', /not in this channel/],
      ['edit bad id', () => app.edit(room, general, 'xyz', 'x'), 'InvalidInputError', /message is not a valid id/],
      ['edit oversized', () => app.edit(room, general, message, 'x'.repeat(4001)), 'InvalidInputError', /too long/],
      ['delete unknown', () => app.deleteMessage(room, general, member), 'NotFoundError', /not in this channel/],
      ['empty emoji', () => app.react(room, general, message, '', true), 'InvalidInputError', /emoji must not be empty/],
      ['huge emoji', () => app.react(room, general, message, '😀'.repeat(17), true), 'InvalidInputError', /emoji is too long/],
      ['pin unknown', () => app.pin(room, general, member, true), 'NotFoundError', /not in this channel/],
      ['long room name', () => app.createRoom({ name: 'r'.repeat(101) }), 'InvalidInputError', /room name is too long/],
      ['two-line room name', () => app.createRoom({ name: 'a\nb' }), 'InvalidInputError', /single line/],
      ['fake icon', () => app.createRoom({ name: 'Icon', icon: { mime: 'image/png', data: new Uint8Array([1, 2, 3]) } }), 'InvalidInputError', /not really a PNG/],
      ['bad icon type', () => app.updateRoom(room, { name: 'Den', icon: { mime: 'image/svg+xml', data: new Uint8Array([1]) } }), 'InvalidInputError', /PNG, JPEG, WebP or GIF/],
      ['empty channel name', () => app.createChannel(room, { name: ' ' }), 'InvalidInputError', /channel name must not be empty/],
      ['update nothing', () => app.updateChannel(room, general, {}), 'InvalidInputError', /Nothing to change/],
      ['move out of range', () => app.moveChannel(room, general, 5), 'InvalidInputError', /place in the list/],
      ['override both', () => app.setOverride(room, general, both, 1, 0), 'InvalidInputError', /exactly one/],
      ['override overlap', () => app.setOverride(room, general, { role: 'member' }, 3, 1), 'InvalidInputError', /both allowed and denied/],
      ['override unknown role', () => app.setOverride(room, general, { role: 'ghost' }, 1, 0), 'NotFoundError', /no such role/],
      ['bad role id', () => app.defineRole(room, { id: 'Bad Role', name: 'x', caps: 1, rank: 5 }), 'InvalidInputError', /role id/],
      ['bad rank', () => app.defineRole(room, { id: 'r', name: 'x', caps: 1, rank: 0 }), 'InvalidInputError', /rank must be a whole number from 1 to 999/],
      ['bad caps', () => app.defineRole(room, { id: 'r', name: 'x', caps: -1, rank: 5 }), 'InvalidInputError', /capability mask/],
      ['builtin role', () => app.deleteRole(room, 'mod'), 'NotPermittedError', /built-in roles/],
      ['grant to non-member', () => app.grantRole(room, member, 'mod'), 'NotPermittedError', /Cannot give the role/],
      ['ban bad key', () => app.ban(room, 'cd', {}), 'InvalidInputError', /member is not a valid id/],
      ['ban myself', () => app.ban(room, app.snapshot().me?.key ?? ''), 'NotPermittedError', /Cannot ban this member/],
      ['long reason', () => app.kick(room, member, { reason: 'r'.repeat(257) }), 'InvalidInputError', /reason is too long/],
      ['unban not banned', () => app.unban(room, member), 'NotPermittedError', /not banned/],
      ['bad timeout', () => app.timeout(room, member, -5), 'InvalidInputError', /end of the timeout/],
      ['bad policy', () => app.setPolicy(room, { join: 'maybe' } as unknown as { join: 'open' }), 'InvalidInputError', /"open" or "invite"/],
      ['bad max uses', () => app.setPolicy(room, { join: 'invite', inviteMaxUses: 0 }), 'InvalidInputError', /Uses per invite/],
      ['bad invite lifetime', () => app.createInvite(room, { expiresInMs: -1 }), 'InvalidInputError', /invite lifetime/],
      ['empty link', () => app.joinByInvite('  '), 'InvalidInviteLinkError', /Paste an invite link/],
      ['garbage link', () => app.joinByInvite('https://example.com/#/join/not-a-room'), 'InvalidInviteLinkError', /not a valid Hearth invite link/],
      ['random text', () => app.joinByInvite('hello there'), 'InvalidInviteLinkError', /not a valid Hearth invite link/],
      ['wrong passphrase', async () => app.restoreIdentity(await app.exportBackup('right horse battery'), 'wrong one'), 'InvalidInputError', /passphrase does not open this backup/],
      ['not a backup', () => app.restoreIdentity(new Uint8Array([1, 2, 3]), 'pw'), 'InvalidInputError', /not a Hearth backup/],
      ['empty passphrase', () => app.exportBackup(''), 'InvalidInputError', /passphrase/],
      ['short passphrase', () => app.exportBackup('short'), 'InvalidInputError', /at least 8 characters/],
      ['second identity', () => app.createIdentity({ name: 'Again' }), 'NotReadyError', /already has an account/],
      ['leave unknown', () => app.leaveRoom(otherRoom), 'NotFoundError', /not on this device/],
      ['owner leaves', () => app.leaveRoom(room), 'NotPermittedError', /Cannot leave the room/]
    ]
    for (const [what, run, name, message] of cases) {
      const error = await run().then(() => undefined, (err: unknown) => err)
      expect(error, what).toBeInstanceOf(Error)
      expect((error as Error).name, `${what}: ${(error as Error).message}`).toBe(name)
      expect((error as Error).message, what).toMatch(message)
    }
    expect(() => { app.openChannel(room, otherChannel) }).toThrow(/no such channel/)
    expect(() => { app.markRead('x', general) }).toThrow(/room is not a valid id/)
    expect(() => { app.typing(room, 'bad') }).toThrow(/channel is not a valid id/)
    // Reads never throw: unknown ids give empty pages and fallback profiles.
    expect(app.messages(otherRoom, otherChannel).messages).toEqual([])
    expect(app.room('garbage')).toBeUndefined()
    expect(app.profile(room, 'xyz').known).toBe(false)
    expect(app.auditLog(otherRoom)).toEqual([])

    // Nothing changed, except the backup made by the "wrong passphrase" case.
    expect(app.room(room)).toBe(roomBefore)
    expect(app.messages(room, general)).toBe(pageBefore)
    expect(app.snapshot().rooms).toBe(snapBefore.rooms)
    expect(await keys()).toBe(storedBefore)
    await app.close()
  })

  it('names why an invite cannot be used: expired, altered, room not found', async () => {
    const hub = new MemoryRoomHub()
    const { app } = await openApp({ hub, id: 'joiner' })
    await app.createIdentity({ name: 'Joiner' })
    await until('online', () => app.snapshot().network.state === 'online')
    const inviter = generateKeypair()
    const room = randomBytes(32)
    const expired = formatInvite(await signInvite(inviter, { room, peers: [], expires: 1000 }), { style: 'hearth' })
    await expect(app.joinByInvite(expired)).rejects.toMatchObject({ name: 'InviteExpiredError', message: expect.stringMatching(/expired on .*Ask for a new one/) as unknown })
    const good = formatInvite(await signInvite(inviter, { room, peers: [] }), { style: 'https', origin: 'https://x.test' })
    const altered = good.replace(/sig=[^&]+/, `sig=${'A'.repeat(86)}`)
    await expect(app.joinByInvite(altered)).rejects.toMatchObject({ name: 'InvalidInviteLinkError', message: expect.stringMatching(/damaged or altered/) as unknown })
    await expect(app.joinByInvite(good)).rejects.toMatchObject({ name: 'RoomUnreachableError', message: expect.stringMatching(/^Room not found: nobody who has this room is online/) as unknown })
    await expect(app.joinByInvite(`hearth:?room=${formatRoomId(room)}`)).rejects.toMatchObject({ name: 'RoomUnreachableError' })
    expect(app.snapshot().rooms).toEqual([])
    await app.close()
  })
})
