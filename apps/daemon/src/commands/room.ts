// `hearth room create|list|invite`: rooms kept in the data directory by the client
// package's RoomStore on SQLite. A room is its signed genesis plus its authority log
// (PROTOCOL.md §4, §6); creating one writes both here, and peers fetch them by sync.
// `room join` (room-join.ts) is the online one: it fetches a room from its peers.

import { RoomStore } from '@hearth/client'
import {
  createGenesis, formatRoomId, listChannels, MAX_ROOM_NAME_BYTES, randomBytes, utf8,
  type Bytes
} from '@hearth/protocol'
import { UsageError } from '../errors.ts'
import type { CommandGroup, CommandSpec } from './command.ts'
import { inviteCommand } from './room-invite.ts'
import { roomJson, standing } from './room-json.ts'
import { joinCommand } from './room-join.ts'
import { writeIntoRooms } from './profile.ts'
import { withLocalState } from './session.ts'

/** The channel every new room starts with. */
export const DEFAULT_CHANNEL = 'general'

function roomText(store: RoomStore, me: Uint8Array): string {
  const { state } = store.authority
  const { roles, status } = standing(state, me)
  const channels = listChannels(state).map((c) => (c.kind === 'voice' ? `${c.name} (voice)` : `#${c.name}`))
  const members = state.members.size
  return [
    `${state.meta.name}  (${formatRoomId(store.room)})`,
    `  ${state.policy.join === 'invite' ? 'invite only' : 'open'} · ${members} member${members === 1 ? '' : 's'} · you: ${status === 'member' ? roles.join(', ') : status}`,
    `  channels: ${channels.length > 0 ? channels.join(' ') : '(none)'}`,
    ...(state.meta.description !== undefined ? [`  ${state.meta.description.split('\n')[0] ?? ''}`] : [])
  ].join('\n')
}

const createCommand: CommandSpec = {
  name: 'room create',
  summary: `Create a room you own, with a #${DEFAULT_CHANNEL} text channel, stored in the data directory`,
  options: [
    { name: 'invite-only', type: 'boolean', help: 'Only people with a valid invite may join (default: anyone with the room id)' },
    { name: 'description', type: 'string', value: '<text>', help: 'Room description (up to 1024 bytes)' }
  ],
  positionals: [{ name: 'name' }],
  async run(ctx) {
    const name = ctx.args.required('name').trim()
    if (name === '' || utf8(name).length > MAX_ROOM_NAME_BYTES || /[\r\n]/.test(name)) {
      throw new UsageError(`a room name is one line of 1 to ${MAX_ROOM_NAME_BYTES} bytes`)
    }
    const description = ctx.args.string('description')
    await withLocalState(ctx, { create: false }, async (state) => {
      const { keypair } = state.requireIdentity()
      const now = ctx.now()
      const policy = { join: ctx.args.flag('invite-only') ? 'invite' : 'open', discoverable: 'unlisted' } as const
      const genesis = await createGenesis(keypair, { name, created: now, policy })
      const store = state.adopt(await RoomStore.open(state.adapter, genesis))
      if (description !== undefined && description !== '') {
        await store.postAuthority(keypair, { op: 'set-meta', name, description, tags: [] }, now)
      }
      const channel: Bytes = randomBytes(16)
      await store.postAuthority(keypair, { op: 'channel-create', channel, name: DEFAULT_CHANNEL, kind: 'text', position: 0 }, now)
      // The room's profile set holds mine, so joiners see my name (PROTOCOL §3.2.1).
      await writeIntoRooms([store], state.requireIdentity().identity.profile)
      ctx.out.result(
        { event: 'room-created', ...roomJson(store, keypair.publicKey), delivery: 'local' },
        [
          `Created room "${name}"`,
          `Room id: ${formatRoomId(store.room)}`,
          `Channels: #${DEFAULT_CHANNEL}`,
          `Invite people with: hearth room invite ${formatRoomId(store.room).slice(0, 10)}`,
          `The room is on this machine only: people can join while you are online in it (e.g. hearth tail ${formatRoomId(store.room).slice(0, 10)} ${DEFAULT_CHANNEL}).`
        ].join('\n')
      )
    })
  }
}

const listCommand: CommandSpec = {
  name: 'room list',
  summary: 'List the rooms stored here: name, your roles, members, channels',
  options: [],
  positionals: [],
  async run(ctx) {
    await withLocalState(ctx, { create: false }, async (state) => {
      const { keypair } = state.requireIdentity()
      const rooms = await state.rooms()
      ctx.out.result(
        { event: 'rooms', rooms: rooms.map((store) => roomJson(store, keypair.publicKey)) },
        rooms.length === 0 ? 'No rooms yet. Create one with: hearth room create <name>' : rooms.map((store) => roomText(store, keypair.publicKey)).join('\n\n')
      )
    })
  }
}

/** `hearth room …` */
export const roomGroup: CommandGroup = {
  name: 'room',
  summary: 'Rooms: create, list, invite (stored on this machine); join by invite (online)',
  commands: [createCommand, listCommand, inviteCommand, joinCommand]
}
