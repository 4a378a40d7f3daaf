// Roles: the room's roles, highest first; create, edit (name, rank, capabilities) and
// delete custom roles (defineRole / deleteRole). Built-in roles are shown read-only.

import { useId, useState, type SyntheticEvent } from 'react'
import type { RoleDef } from '@hearth/protocol'
import { useApp } from '../app-context.tsx'
import { LIMITS, type RoomSnapshot } from '../hearth-api.ts'
import { ConfirmDialog } from '../ui/confirm-dialog.tsx'
import { useAction } from '../ui/use-action.ts'
import { CAPABILITIES, capabilityLabels } from './capability-labels.ts'

/** A role id from a name: lower-case letters, digits and dashes (the protocol's pattern). */
export function roleIdFromName(name: string): string {
  const id = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32)
  return id === '' ? 'role' : id
}

/** The roles tab. */
export function RolesTab({ room }: { readonly room: RoomSnapshot }) {
  const app = useApp()
  const [editing, setEditing] = useState<RoleDef | 'new'>()
  const [deleting, setDeleting] = useState<RoleDef>()
  if (editing !== undefined) {
    return <RoleForm room={room} role={editing === 'new' ? undefined : editing} onDone={() => { setEditing(undefined) }} />
  }
  return (
    <div>
      <div className="row-between">
        <h3>Roles</h3>
        <button type="button" className="button button--primary" onClick={() => { setEditing('new') }}>Create role</button>
      </div>
      <ul className="role-list">
        {room.roles.map((role) => (
          <li key={role.id} className="role-list__item">
            <div>
              <strong>{role.name}</strong> <span className="muted small">rank {role.rank}{role.builtin ? ' · built in' : ''}</span>
              <p className="small muted">{capabilityLabels(role.caps).join(', ') || 'No capabilities'}</p>
            </div>
            {!role.builtin && (
              <span className="row-tight">
                <button type="button" className="button button--small" aria-label={`Edit role ${role.name}`} onClick={() => { setEditing(role) }}>Edit</button>
                <button type="button" className="button button--small button--danger" aria-label={`Delete role ${role.name}`} onClick={() => { setDeleting(role) }}>Delete</button>
              </span>
            )}
          </li>
        ))}
      </ul>
      {deleting !== undefined && (
        <ConfirmDialog title={`Delete the role ${deleting.name}?`} confirmLabel="Delete role" onClose={() => { setDeleting(undefined) }}
          onConfirm={() => app.deleteRole(room.id, deleting.id)}>
          <p>Members holding it lose its capabilities.</p>
        </ConfirmDialog>
      )}
    </div>
  )
}

function RoleForm({ room, role, onDone }: { room: RoomSnapshot; role: RoleDef | undefined; onDone: () => void }) {
  const app = useApp()
  const ids = { name: useId(), rank: useId() }
  const [name, setName] = useState(role?.name ?? '')
  const [rank, setRank] = useState(String(role?.rank ?? 500))
  const [caps, setCaps] = useState(role?.caps ?? 0)
  const action = useAction()
  const rankNumber = Number(rank)
  const rankValid = Number.isInteger(rankNumber) && rankNumber >= 1 && rankNumber <= 999
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    const def = { id: role?.id ?? roleIdFromName(name), name: name.trim(), caps, rank: rankNumber }
    void action.run(() => app.defineRole(room.id, def)).then((ok) => { if (ok) onDone() })
  }
  return (
    <form className="stack" onSubmit={submit} aria-label={role === undefined ? 'New role' : `Edit role ${role.name}`}>
      <h3>{role === undefined ? 'New role' : `Edit ${role.name}`}</h3>
      <label htmlFor={ids.name}>Role name</label>
      <input id={ids.name} value={name} maxLength={LIMITS.roleName} required data-autofocus onChange={(e) => { setName(e.target.value) }} />
      <label htmlFor={ids.rank}>Rank (1 is highest, below owners; moderators are 100, members 1000)</label>
      <input id={ids.rank} type="number" min={1} max={999} value={rank} aria-invalid={!rankValid} onChange={(e) => { setRank(e.target.value) }} />
      <fieldset className="cap-grid">
        <legend>Capabilities</legend>
        {CAPABILITIES.map((cap) => (
          <label key={cap.name} className="checkbox">
            <input type="checkbox" checked={(caps & cap.bit) !== 0}
              onChange={(e) => { setCaps(e.target.checked ? caps | cap.bit : caps & ~cap.bit) }} />
            {cap.label}
          </label>
        ))}
      </fieldset>
      {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onDone}>Cancel</button>
        <button type="submit" disabled={action.busy || name.trim() === '' || !rankValid}>Save role</button>
      </div>
    </form>
  )
}
