/**
 * Joining from an invite on the in-memory network: lookup, genesis from a
 * peer, sync, and the join entry every peer checks; refusals for an
 * unreachable room, an expired invite and an invite the room does not honour.
 */
import { describe, expect, it } from 'vitest'
import {
  AuthorityRejectedError, ExpiredError, formatInvite, generateKeypair, MemoryStorageAdapter, signInvite, toHex, type Bytes
} from '@hearth/protocol'
import { makeGenesis, key } from '../../../protocol/src/authority/test-support.ts'
import { RoomStore } from '../store/room-store.ts'
import { testRoom, writeRoom } from '../store/test-support.ts'
import { RoomSession } from './room-session.ts'
import { joinRoomByInvite, RoomNotFoundError } from './join-by-invite.ts'
import { MemoryRoomHub, until } from './test-support.ts'

const quiet = { resyncIntervalMs: 0 }
const texts = (store: RoomStore, channel: Bytes): string[] =>
  store.view(channel).messages().map((m) => (m.content !== undefined && 'text' in m.content ? m.content.text : ''))

describe('joinRoomByInvite', () => {
  it('finds the room, fetches its genesis, syncs, joins, and chats both ways', async () => {
    const room = await testRoom('invite-join', 2, 1)
    const channel = room.channels[0] as Bytes
    const hub = new MemoryRoomHub()
    const creatorStore = await RoomStore.open(new MemoryStorageAdapter(), room.genesis)
    await writeRoom(creatorStore, room, 12)
    const creator = await RoomSession.join(creatorStore, hub.network('creator'), quiet)
    const link = formatInvite(await signInvite(room.owner, { room: room.genesis.room, peers: [] }, { code: new Uint8Array(8).fill(7) }), { style: 'hearth' })

    const me = generateKeypair()
    const adapter = new MemoryStorageAdapter()
    const session = await joinRoomByInvite(link, { network: hub.network('joiner'), adapter, identity: me, at: 50_000, session: quiet })
    expect(session.store.authority.state.members.has(toHex(me.publicKey))).toBe(true)
    expect(texts(session.store, channel)).toEqual(texts(creatorStore, channel))
    await until('the creator learns the join', () => creatorStore.authority.state.members.has(toHex(me.publicKey)))
    await session.postEvent(me, channel, { kind: 'post', content: { text: 'hi, I came by invite' } }, 50_001)
    await until('the creator gets the post', () => texts(creatorStore, channel).includes('hi, I came by invite'))
    // The room is stored now: joining again reuses it (no genesis fetch) and posts no second join.
    await session.leave()
    const entries = session.store.authority.size
    const again = await joinRoomByInvite(link, { network: hub.network('joiner-2'), adapter, identity: me, at: 50_002, session: quiet })
    expect(again.store.authority.size).toBe(entries)
    await again.leave()
    await creator.leave()
  })

  it('refuses an unreachable room, an expired invite, and an invite the room does not honour', async () => {
    const genesis = await makeGenesis('invite-only-join', { policy: { join: 'invite', discoverable: 'unlisted' } })
    const owner = key('invite-only-join/creator')
    const hub = new MemoryRoomHub()
    const me = generateKeypair()
    const deps = { network: hub.network('joiner'), identity: me, at: 50_000, session: quiet }
    const good = await signInvite(owner, { room: genesis.room, peers: [] })
    await expect(joinRoomByInvite(good, { ...deps, adapter: new MemoryStorageAdapter() })).rejects.toThrow(RoomNotFoundError)
    const expired = await signInvite(owner, { room: genesis.room, peers: [], expires: 10 })
    await expect(joinRoomByInvite(expired, { ...deps, adapter: new MemoryStorageAdapter() })).rejects.toThrow(ExpiredError)

    const creator = await RoomSession.join(await RoomStore.open(new MemoryStorageAdapter(), genesis), hub.network('creator'), quiet)
    // Signed by someone who is not a member: the room refuses the join, and the joiner goes offline again.
    const foreign = await signInvite(generateKeypair(), { room: genesis.room, peers: [] })
    const refused = await joinRoomByInvite(foreign, { ...deps, adapter: new MemoryStorageAdapter() }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(AuthorityRejectedError)
    expect(hub.online(genesis.room).map((p) => p.id)).toEqual(['creator'])
    // The owner's invite works.
    const joined = await joinRoomByInvite(good, { ...deps, network: hub.network('joiner-2'), adapter: new MemoryStorageAdapter() })
    expect(joined.store.authority.state.members.has(toHex(me.publicKey))).toBe(true)
    await joined.leave()
    await creator.leave()
  })
})
