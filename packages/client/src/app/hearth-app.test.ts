/**
 * The app core end to end on the in-memory network: onboarding, a room,
 * a second app joining by invite, chat both ways (edits, deletes,
 * reactions, pins, replies, mentions), unread counts and the marker, and a
 * reload keeping everything.
 */
import { describe, expect, it } from 'vitest'
import { channelNamed, live, MemoryRoomHub, openApp, readyApp, texts, until } from './test-support.ts'

describe('HearthApp', () => {
  it('onboards, creates a room with #general, and shows it', async () => {
    const hub = new MemoryRoomHub()
    const { app } = await openApp({ hub, id: 'ann' })
    expect(app.snapshot().status).toBe('onboarding')
    expect(app.snapshot().me).toBeUndefined()
    await expect(app.createRoom({ name: 'Too early' })).rejects.toThrow(/account/)
    await app.createIdentity({ name: 'Ann' })
    expect(app.snapshot().status).toBe('ready')
    expect(app.snapshot().me?.name).toBe('Ann')
    const room = await app.createRoom({ name: 'Book club', description: 'We read.' })
    const snap = app.snapshot()
    expect(snap.rooms.map((r) => r.name)).toEqual(['Book club'])
    expect(snap.rooms[0]?.standing).toBe('member')
    expect(snap.me?.needsBackup).toBe(true)
    const screen = app.room(room)
    expect(screen?.channels.map((c) => c.name)).toEqual(['general'])
    expect(screen?.description).toBe('We read.')
    expect(screen?.rights.manageRoom).toBe(true)
    expect(screen?.members.map((m) => [m.name, m.owner])).toEqual([['Ann', true]])
    expect(app.room(room)).toBe(screen) // same identity until something changes
    await app.close()
  })

  it('lets a second app join by invite; both see messages, edits, deletes, reactions, pins', async () => {
    const hub = new MemoryRoomHub()
    const ann = await readyApp(hub, 'ann', 'Ann')
    const bob = await readyApp(hub, 'bob', 'Bob')
    const room = await ann.createRoom({ name: 'Garden' })
    await live(ann, room)
    const general = channelNamed(ann, room, 'general')
    const { link, expires } = await ann.createInvite(room, { expiresInMs: 3_600_000, counted: true })
    expect(link.startsWith('https://hearth.test/#/join/')).toBe(true)
    expect(expires).toBeGreaterThan(Date.now())
    expect(await bob.joinByInvite(link)).toBe(room)
    await live(bob, room)
    expect(bob.snapshot().rooms.map((r) => r.standing)).toEqual(['member'])
    await until('ann sees bob with his name', () => ann.room(room)?.members.some((m) => m.name === 'Bob') === true)
    await until('bob sees ann by name', () => bob.room(room)?.members.some((m) => m.name === 'Ann' && m.known) === true)

    await ann.send(room, general, 'hello @Bob')
    await until('bob gets the post', () => texts(bob, room, general).includes('hello @Bob'))
    const hello = bob.messages(room, general).messages[0]
    expect(hello?.author.name).toBe('Ann')
    expect(hello?.mentionsMe).toBe(true)
    expect(hello?.mine).toBe(false)
    expect(hello?.canDelete).toBe(false)
    const id = hello?.id ?? ''

    await bob.send(room, general, 'hi Ann', { replyTo: id })
    await until('ann gets the reply', () => texts(ann, room, general).includes('hi Ann'))
    const reply = ann.messages(room, general).messages.find((m) => m.text === 'hi Ann')
    expect(reply?.replyTo).toEqual({ id, authorName: 'Ann', excerpt: 'hello @Bob', deleted: false })

    await ann.edit(room, general, id, 'hello everyone')
    await bob.react(room, general, id, '👍', true)
    await ann.pin(room, general, id, true)
    await until('bob sees the edit and pin', () => {
      const m = bob.messages(room, general).messages[0]
      return m?.text === 'hello everyone' && m.pinned && m.edited !== undefined
    })
    await until('ann sees the reaction', () => ann.messages(room, general).messages[0]?.reactions[0]?.count === 1)
    expect(ann.messages(room, general).messages[0]?.reactions[0]).toEqual({ emoji: '👍', count: 1, mine: false, names: ['Bob'] })
    await bob.react(room, general, id, '👍', false)
    await until('ann sees the reaction gone', () => ann.messages(room, general).messages[0]?.reactions.length === 0)

    const bobsReply = bob.messages(room, general).messages.find((m) => m.text === 'hi Ann')
    expect(bobsReply?.canDelete).toBe(true)
    await bob.deleteMessage(room, general, bobsReply?.id ?? '')
    await until('ann sees the delete', () => texts(ann, room, general).includes('(deleted)'))
    // Bob may not delete Ann's message (no right to delete others' messages).
    await expect(bob.deleteMessage(room, general, id)).rejects.toMatchObject({ name: 'NotPermittedError' })
    await ann.close()
    await bob.close()
  })

  it('counts unread messages and mentions, sets the marker, and keeps everything over a reload', async () => {
    const hub = new MemoryRoomHub()
    const ann = await readyApp(hub, 'ann', 'Ann')
    const { app: bobApp, storage: bobStorage } = await openApp({ hub, id: 'bob' })
    await bobApp.createIdentity({ name: 'Bob' })
    await until('bob online', () => bobApp.snapshot().network.state === 'online')
    const room = await ann.createRoom({ name: 'Kitchen' })
    await live(ann, room)
    const general = channelNamed(ann, room, 'general')
    await bobApp.joinByInvite((await ann.createInvite(room)).link)
    await live(bobApp, room)
    await until('ann knows bob by name', () => ann.room(room)?.members.some((m) => m.name === 'Bob') === true)
    bobApp.openChannel(room, general)
    bobApp.closeChannel()

    await ann.send(room, general, 'one')
    await ann.send(room, general, 'two @Bob')
    await ann.send(room, general, 'three')
    await until('bob has three unread', () => bobApp.snapshot().rooms[0]?.unread === 3)
    expect(bobApp.snapshot().rooms[0]?.mentions).toBe(1)
    expect(bobApp.room(room)?.channels[0]).toMatchObject({ unread: 3, mentions: 1 })
    // Opening marks it read and sets the marker at the first unread message.
    bobApp.openChannel(room, general)
    const page = bobApp.messages(room, general)
    expect(page.firstUnread).toBe(page.messages.find((m) => m.text === 'one')?.id)
    expect(bobApp.snapshot().rooms[0]?.unread).toBe(0)
    expect(bobApp.messages(room, general)).toBe(page)
    // While open, new messages are read as they come.
    await ann.send(room, general, 'four')
    await until('bob gets four', () => texts(bobApp, room, general).includes('four'))
    expect(bobApp.snapshot().rooms[0]?.unread).toBe(0)
    bobApp.closeChannel()
    await ann.send(room, general, 'five')
    await until('bob has one unread', () => bobApp.snapshot().rooms[0]?.unread === 1)
    const me = bobApp.snapshot().me
    await bobApp.close()

    const reloaded = await readyApp(hub, 'bob-again', 'unused', bobStorage)
    const snap = reloaded.snapshot()
    expect(snap.me?.key).toBe(me?.key)
    expect(snap.me?.name).toBe('Bob')
    expect(snap.rooms.map((r) => [r.name, r.unread])).toEqual([['Kitchen', 1]])
    await until('history loaded', () => texts(reloaded, room, general).includes('five'))
    expect(texts(reloaded, room, general)).toEqual(['one', 'two @Bob', 'three', 'four', 'five'])
    reloaded.markRead(room, general)
    expect(reloaded.snapshot().rooms[0]?.unread).toBe(0)
    await reloaded.close()
    await ann.close()
  })

  it('shows presence and typing from signals', async () => {
    const hub = new MemoryRoomHub()
    const ann = await readyApp(hub, 'ann', 'Ann')
    const bob = await readyApp(hub, 'bob', 'Bob')
    const room = await ann.createRoom({ name: 'Porch' })
    await live(ann, room)
    const general = channelNamed(ann, room, 'general')
    await bob.joinByInvite((await ann.createInvite(room)).link)
    await live(bob, room)
    const bobKey = bob.snapshot().me?.key
    await until('ann sees bob online', () => ann.room(room)?.members.find((m) => m.key === bobKey)?.presence === 'online')
    bob.typing(room, general)
    await until('ann sees bob typing', () => ann.room(room)?.typing[general]?.[0] === 'Bob')
    expect(bob.room(room)?.typing[general]).toBeUndefined()
    expect(bob.room(room)?.connection.message).toBe('Connected to 1 peer')
    await ann.close()
    await bob.close()
  })

  it('pages history newest first, 50 at a time', async () => {
    const hub = new MemoryRoomHub()
    const ann = await readyApp(hub, 'ann', 'Ann')
    const room = await ann.createRoom({ name: 'Log' })
    const general = channelNamed(ann, room, 'general')
    for (let i = 0; i < 60; i++) await ann.send(room, general, `m${i}`)
    const first = ann.messages(room, general)
    expect(first.messages.length).toBe(50)
    expect(first.hasOlder).toBe(true)
    expect(first.messages[0]?.text).toBe('m10')
    expect(first.messages.at(-1)?.text).toBe('m59')
    await ann.loadOlder(room, general)
    const more = ann.messages(room, general)
    expect(more.messages.length).toBe(60)
    expect(more.hasOlder).toBe(false)
    expect(more.messages[10]).toBe(first.messages[0]) // unchanged messages keep their identity
    await ann.close()
  })

  it('stays usable offline when the network fails to start', async () => {
    const hub = new MemoryRoomHub()
    const { app } = await openApp({ hub, id: 'solo', failNetwork: true })
    await app.createIdentity({ name: 'Solo' })
    await until('network failed', () => app.snapshot().network.state === 'failed')
    const room = await app.createRoom({ name: 'Notes' })
    const general = channelNamed(app, room, 'general')
    await app.send(room, general, 'note to self')
    expect(texts(app, room, general)).toEqual(['note to self'])
    expect(app.room(room)?.connection.message).toMatch(/Offline/)
    await expect(app.joinByInvite((await app.createInvite(room)).link)).resolves.toBe(room)
    await expect(app.resync(room)).rejects.toMatchObject({ name: 'NetworkUnavailableError' })
    await app.close()
  })
})
