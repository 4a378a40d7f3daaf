// Readable names for the capability bits of @hearth/protocol (PROTOCOL.md §6.2).

import { Cap, type CapName } from '@hearth/protocol'

/** Every capability with its label, in the order the editors list them. */
export const CAPABILITIES: readonly { readonly name: CapName; readonly bit: number; readonly label: string }[] = [
  { name: 'POST', bit: Cap.POST, label: 'Send messages' },
  { name: 'REACT', bit: Cap.REACT, label: 'Add reactions' },
  { name: 'ATTACH', bit: Cap.ATTACH, label: 'Attach files' },
  { name: 'PIN', bit: Cap.PIN, label: 'Pin messages' },
  { name: 'DELETE_OTHERS', bit: Cap.DELETE_OTHERS, label: "Delete others' messages" },
  { name: 'INVITE', bit: Cap.INVITE, label: 'Invite people' },
  { name: 'TIMEOUT', bit: Cap.TIMEOUT, label: 'Time out members' },
  { name: 'KICK', bit: Cap.KICK, label: 'Kick members' },
  { name: 'BAN', bit: Cap.BAN, label: 'Ban members' },
  { name: 'MANAGE_CHANNELS', bit: Cap.MANAGE_CHANNELS, label: 'Manage channels' },
  { name: 'MANAGE_ROLES', bit: Cap.MANAGE_ROLES, label: 'Manage roles' },
  { name: 'MANAGE_ROOM', bit: Cap.MANAGE_ROOM, label: 'Manage the room' },
  { name: 'SPEAK', bit: Cap.SPEAK, label: 'Speak in voice' },
  { name: 'VIDEO', bit: Cap.VIDEO, label: 'Share video' },
  { name: 'SCREEN', bit: Cap.SCREEN, label: 'Share the screen' }
]

/** Labels of the capabilities in `mask`. */
export function capabilityLabels(mask: number): string[] {
  return CAPABILITIES.filter((c) => (mask & c.bit) !== 0).map((c) => c.label)
}
