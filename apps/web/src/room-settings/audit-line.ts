// The audit log in sentences: "Alice banned Bob: spam", "Carol created #news".
// Pure: names come from the caller, so tests need no app.

import { toHex, type Action, type AuditRecord } from '@hearth/protocol'
import { capabilityLabels } from './capability-labels.ts'

/** Looks names up for a line. */
export interface AuditNames {
  person(keyHex: string): string
  channel(idHex: string): string | undefined
  role(id: string): string | undefined
}

function reason(r: string | undefined): string {
  return r === undefined || r === '' ? '' : `: ${r}`
}

/** What `action` did, as a sentence whose subject is `who`. */
export function describeAction(who: string, action: Action, names: AuditNames): string {
  const person = (key: Uint8Array): string => names.person(toHex(key))
  const channel = (id: Uint8Array): string => `#${names.channel(toHex(id)) ?? 'deleted channel'}`
  const role = (id: string): string => names.role(id) ?? id
  switch (action.op) {
    case 'grant': return `${who} gave ${person(action.target)} the role ${role(action.role)}`
    case 'revoke': return `${who} removed the role ${role(action.role)} from ${person(action.target)}`
    case 'ban': return `${who} banned ${person(action.target)}${reason(action.reason)}`
    case 'unban': return `${who} unbanned ${person(action.target)}`
    case 'kick': return `${who} kicked ${person(action.target)}${reason(action.reason)}`
    case 'timeout':
      return action.until === 0
        ? `${who} ended the timeout of ${person(action.target)}`
        : `${who} timed out ${person(action.target)} until ${new Date(action.until).toLocaleString()}${reason(action.reason)}`
    case 'define-role': return `${who} defined the role ${action.name} (rank ${action.rank}: ${capabilityLabels(action.caps).join(', ') || 'no capabilities'})`
    case 'delete-role': return `${who} deleted the role ${role(action.role)}`
    case 'set-policy':
      return `${who} set joining to ${action.join === 'open' ? 'open' : 'invite only'}${action.inviteMaxUses !== undefined ? `, ${action.inviteMaxUses} uses per invite` : ''}`
    case 'set-meta': return `${who} renamed the room to “${action.name}” and updated its details`
    case 'channel-create': return `${who} created ${action.kind === 'voice' ? 'the voice channel ' : ''}#${action.name}`
    case 'channel-update':
      return action.name !== undefined ? `${who} renamed ${channel(action.channel)} to #${action.name}` : `${who} updated ${channel(action.channel)}`
    case 'channel-delete': return `${who} deleted ${channel(action.channel)}`
    case 'channel-override': {
      const target = action.role !== undefined ? `the role ${role(action.role)}` : action.member !== undefined ? person(action.member) : 'someone'
      return `${who} changed the permissions of ${target} in ${channel(action.channel)}`
    }
    case 'join': return action.invite !== undefined ? `${who} joined with an invite from ${person(action.invite.by)}` : `${who} joined`
    case 'leave': return `${who} left`
    case 'checkpoint': return `${who} sealed the log (checkpoint ${action.seq})`
  }
}

/** Readable words for a refusal reason. */
export function describeStatus(status: AuditRecord['status']): string {
  if (status === 'accepted') return 'accepted'
  return `refused (${status.replace(/-/g, ' ')})`
}
