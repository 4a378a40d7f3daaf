/**
 * Changing a room through its authority log (PROTOCOL.md §6.1): details and
 * policy, channels, overrides, roles and moderation, and signing invites
 * (§4.3). Each action checks its input, then asks the log whether it would
 * accept the entry (refusals.ts), then writes one entry — or, for a move,
 * only entries the log has already said yes to.
 */
import {
  formatInvite, generateKeypair, listChannels, MAX_INVITE_PEERS, MAX_MULTIADDR_LENGTH, MAX_SAFE_UINT, randomBytes, signInvite, toHex,
  type Action, type Bytes
} from '@hearth/protocol'
import { joinActionOf } from '../session/join-by-invite.ts'
import type { AppCore } from './app-core.ts'
import type { AppRoom } from './app-room.ts'
import { InvalidInputError, NotFoundError } from './errors.ts'
import { asRefusal, checkAuthority, refusal, requireCap } from './refusals.ts'
import type { Hex, InviteOptions, InviteResult, ModerationReason } from './types.ts'
import { capMask, hexId, image, LIMITS, line, optionalLine, optionalText, roleId, wholeNumber } from './validate.ts'

/** Bytes of the random code of a counted invite (as the apps use, §4.3). */
const INVITE_CODE_BYTES = 8
/** The longest invite lifetime accepted: ten years. */
const MAX_INVITE_LIFETIME_MS = 10 * 365 * 24 * 3600 * 1000

/** Whether an address can go in an invite as a peer hint (§4.3). */
function isPeerHint(address: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  return address.startsWith('/') && address.length <= MAX_MULTIADDR_LENGTH && !/[\s\u0000-\u001f\u007f]/u.test(address)
}

/** Check `act` with the log, then sign, store and publish it. */
export async function authority(core: AppCore, room: AppRoom, act: Action, doing: string): Promise<void> {
  const { keypair } = core.me()
  const now = core.now()
  checkAuthority(room.store.authority, keypair.publicKey, act, now, doing)
  try {
    await room.postAuthority(keypair, act, now)
  } catch (err) {
    throw asRefusal(err, doing)
  }
}

/** Sign an invite link to a room; refused when I may not invite or the room would refuse joins with it. */
export async function createInvite(
  core: AppCore, roomId: unknown, options: InviteOptions, deps: { origin: string; addresses: readonly string[] }
): Promise<InviteResult> {
  const room = core.room(roomId)
  const { keypair } = core.me()
  const now = core.now()
  const lifetime = options.expiresInMs === undefined ? undefined : wholeNumber(options.expiresInMs, 1, MAX_INVITE_LIFETIME_MS, 'The invite lifetime (ms)')
  requireCap(room.store.authority, keypair.publicKey, 'INVITE', now, 'create an invite')
  const expires = lifetime === undefined ? undefined : now + lifetime
  const peers = deps.addresses.filter(isPeerHint).slice(0, MAX_INVITE_PEERS)
  const invite = await signInvite(
    keypair,
    { room: room.store.room, peers, name: room.store.authority.state.meta.name, ...(expires !== undefined ? { expires } : {}) },
    options.counted === true ? { code: randomBytes(INVITE_CODE_BYTES) } : {}
  )
  // Would the room accept a newcomer's join with it now? (E.g. an invite-only room whose policy has changed.)
  const refused = room.store.authority.check(generateKeypair().publicKey, joinActionOf(invite), now)
  if (refused !== undefined) throw refusal(refused, 'create an invite')
  let link: string
  try {
    link = formatInvite(invite, { style: 'https', origin: deps.origin })
  } catch (err) {
    throw new InvalidInputError(`Cannot create an invite link for this app's address (${deps.origin}): ${err instanceof Error ? err.message : 'invalid'}`)
  }
  return { link, ...(expires !== undefined ? { expires } : {}) }
}

export async function updateRoom(
  core: AppCore, roomId: unknown, fields: { name: unknown; description?: unknown; icon?: unknown }
): Promise<void> {
  const room = core.room(roomId)
  const name = line(fields.name, LIMITS.roomName, 'The room name')
  const description = optionalText(fields.description, LIMITS.roomDescription, 'The description')
  const icon = image(fields.icon, 'The room icon')
  const { meta } = room.store.authority.state
  await authority(core, room, {
    op: 'set-meta', name, ...(description !== undefined ? { description } : {}), ...(icon !== undefined ? { icon } : {}), tags: meta.tags
  }, 'change the room')
}

export async function setPolicy(core: AppCore, roomId: unknown, policy: { join: unknown; inviteMaxUses?: unknown }): Promise<void> {
  const room = core.room(roomId)
  if (policy.join !== 'open' && policy.join !== 'invite') throw new InvalidInputError('Who may join must be "open" or "invite".')
  const max = policy.inviteMaxUses === undefined ? undefined : wholeNumber(policy.inviteMaxUses, 1, MAX_SAFE_UINT, 'Uses per invite')
  const { discoverable } = room.store.authority.state.policy
  await authority(core, room, { op: 'set-policy', join: policy.join, discoverable, ...(max !== undefined ? { inviteMaxUses: max } : {}) }, 'change who may join')
}

export async function createChannel(core: AppCore, roomId: unknown, fields: { name: unknown; topic?: unknown; kind?: unknown }): Promise<Hex> {
  const room = core.room(roomId)
  const name = line(fields.name, LIMITS.channelName, 'The channel name')
  const topic = optionalText(fields.topic, LIMITS.channelTopic, 'The topic')
  const kind = fields.kind ?? 'text'
  if (kind !== 'text' && kind !== 'voice') throw new InvalidInputError('A channel is a "text" or a "voice" channel.')
  const channels = listChannels(room.store.authority.state)
  const position = channels.reduce((max, c) => Math.max(max, c.position + 1), 0)
  const channel = randomBytes(16)
  await authority(core, room, { op: 'channel-create', channel, name, kind, position, ...(topic !== undefined ? { topic } : {}) }, 'create the channel')
  return toHex(channel)
}

export async function updateChannel(
  core: AppCore, roomId: unknown, channelId: unknown, fields: { name?: unknown; topic?: unknown; position?: unknown }
): Promise<void> {
  const room = core.room(roomId)
  const channel = room.channel(channelId)
  const name = optionalLine(fields.name, LIMITS.channelName, 'The channel name')
  if (fields.name !== undefined && name === undefined) throw new InvalidInputError('The channel name must not be empty.')
  const topic = fields.topic === undefined ? undefined : optionalText(fields.topic, LIMITS.channelTopic, 'The topic') ?? ''
  const position = fields.position === undefined ? undefined : wholeNumber(fields.position, 0, MAX_SAFE_UINT, 'The position')
  if (name === undefined && topic === undefined && position === undefined) throw new InvalidInputError('Nothing to change: give a name, topic or position.')
  await authority(core, room, {
    op: 'channel-update', channel: channel.id,
    ...(name !== undefined ? { name } : {}), ...(topic !== undefined ? { topic } : {}), ...(position !== undefined ? { position } : {})
  }, 'change the channel')
}

export async function deleteChannel(core: AppCore, roomId: unknown, channelId: unknown): Promise<void> {
  const room = core.room(roomId)
  const channel = room.channel(channelId)
  await authority(core, room, { op: 'channel-delete', channel: channel.id }, 'delete the channel')
}

/** Move a channel to `index` in the list: rewrites the positions that change (0, 1, 2… in the new order). */
export async function moveChannel(core: AppCore, roomId: unknown, channelId: unknown, index: unknown): Promise<void> {
  const room = core.room(roomId)
  const channel = room.channel(channelId)
  const list = listChannels(room.store.authority.state)
  const to = wholeNumber(index, 0, list.length - 1, 'The new place in the list')
  const order = list.filter((c) => toHex(c.id) !== channel.hex)
  const moving = list.find((c) => toHex(c.id) === channel.hex)
  if (moving === undefined) throw new NotFoundError('channel', 'There is no such channel in this room.')
  order.splice(to, 0, moving)
  const changes = order.flatMap((c, i) => (c.position === i ? [] : [{ op: 'channel-update', channel: c.id, position: i } as const]))
  const { keypair } = core.me()
  for (const act of changes) checkAuthority(room.store.authority, keypair.publicKey, act, core.now(), 'move the channel')
  for (const act of changes) await authority(core, room, act, 'move the channel')
}

export async function setOverride(
  core: AppCore, roomId: unknown, channelId: unknown, target: { role?: unknown; member?: unknown }, allowValue: unknown, denyValue: unknown
): Promise<void> {
  const room = core.room(roomId)
  const channel = room.channel(channelId)
  const allow = capMask(allowValue, 'Allowed rights')
  const deny = capMask(denyValue, 'Denied rights')
  if ((allow & deny) !== 0) throw new InvalidInputError('A right cannot be both allowed and denied.')
  const t = typeof target === 'object' ? target : {}
  if ((t.role === undefined) === (t.member === undefined)) throw new InvalidInputError('An override is for exactly one role or one member.')
  const role = t.role !== undefined ? roleId(t.role) : undefined
  if (role !== undefined && !room.store.authority.state.roles.has(role)) throw new NotFoundError('role', 'There is no such role in this room.')
  const who = role !== undefined ? { role } : { member: hexId(t.member, 32, 'The member') }
  await authority(core, room, { op: 'channel-override', channel: channel.id, ...who, allow, deny }, 'change the channel\'s permissions')
}

export async function defineRole(core: AppCore, roomId: unknown, role: { id: unknown; name: unknown; caps: unknown; rank: unknown }): Promise<void> {
  const room = core.room(roomId)
  const id = roleId(role.id)
  const name = line(role.name, LIMITS.roleName, 'The role name')
  const caps = capMask(role.caps, 'The role\'s rights')
  const rank = wholeNumber(role.rank, 1, 999, 'The role\'s rank')
  await authority(core, room, { op: 'define-role', role: id, name, caps, rank }, 'define the role')
}

export async function deleteRole(core: AppCore, roomId: unknown, role: unknown): Promise<void> {
  const room = core.room(roomId)
  await authority(core, room, { op: 'delete-role', role: roleId(role) }, 'delete the role')
}

function member(room: AppRoom, value: unknown): Bytes {
  return hexId(value, 32, 'The member')
}

function reasonOf(options: ModerationReason | undefined): { reason?: string } {
  const reason = optionalLine(options?.reason, LIMITS.reason, 'The reason')
  return reason !== undefined ? { reason } : {}
}

export async function grantRole(core: AppCore, roomId: unknown, who: unknown, role: unknown): Promise<void> {
  const room = core.room(roomId)
  await authority(core, room, { op: 'grant', target: member(room, who), role: roleId(role) }, 'give the role')
}

export async function revokeRole(core: AppCore, roomId: unknown, who: unknown, role: unknown): Promise<void> {
  const room = core.room(roomId)
  await authority(core, room, { op: 'revoke', target: member(room, who), role: roleId(role) }, 'take the role away')
}

export async function ban(core: AppCore, roomId: unknown, who: unknown, options?: ModerationReason): Promise<void> {
  const room = core.room(roomId)
  await authority(core, room, { op: 'ban', target: member(room, who), ...reasonOf(options) }, 'ban this member')
}

export async function unban(core: AppCore, roomId: unknown, who: unknown): Promise<void> {
  const room = core.room(roomId)
  await authority(core, room, { op: 'unban', target: member(room, who) }, 'lift the ban')
}

export async function kick(core: AppCore, roomId: unknown, who: unknown, options?: ModerationReason): Promise<void> {
  const room = core.room(roomId)
  await authority(core, room, { op: 'kick', target: member(room, who), ...reasonOf(options) }, 'kick this member')
}

export async function timeout(core: AppCore, roomId: unknown, who: unknown, untilMs: unknown, options?: ModerationReason): Promise<void> {
  const room = core.room(roomId)
  const until = wholeNumber(untilMs, 0, MAX_SAFE_UINT, 'The end of the timeout (ms)')
  await authority(core, room, { op: 'timeout', target: member(room, who), until, ...reasonOf(options) }, until === 0 ? 'end the timeout' : 'time out this member')
}
