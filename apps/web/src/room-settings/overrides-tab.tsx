// Channel permissions: per channel, overrides that allow or deny capabilities for a
// role or one member (setOverride). Each capability is Inherit / Allow / Deny.

import { useId, useState, type SyntheticEvent } from 'react'
import { useApp } from '../app-context.tsx'
import type { RoomSnapshot } from '../hearth-api.ts'
import { useAction } from '../ui/use-action.ts'
import { CAPABILITIES, capabilityLabels } from './capability-labels.ts'

type Target = { readonly role: string } | { readonly member: string }

function targetKey(t: Target): string {
  return 'role' in t ? `role:${t.role}` : `member:${t.member}`
}

function parseTarget(key: string): Target | undefined {
  const [kind, id] = key.split(':')
  if (id === undefined || id === '') return undefined
  return kind === 'role' ? { role: id } : { member: id }
}

/** The channel permissions tab. */
export function OverridesTab({ room }: { readonly room: RoomSnapshot }) {
  const ids = { channel: useId(), target: useId() }
  const channels = [...room.channels].sort((a, b) => a.position - b.position)
  const [channel, setChannel] = useState(channels[0]?.id ?? '')
  const [target, setTarget] = useState('role:member')
  const existing = room.overrides[channel] ?? []
  const label = (t: Target): string =>
    'role' in t ? `Role: ${room.roles.find((r) => r.id === t.role)?.name ?? t.role}` : `Member: ${room.members.find((m) => m.key === t.member)?.name ?? t.member.slice(0, 8)}`
  const parsed = parseTarget(target)
  const current = existing.find((o) => targetKey(o.target) === target)

  if (channels.length === 0) return <p className="muted">This room has no channels yet.</p>
  return (
    <div className="stack">
      <label htmlFor={ids.channel}>Channel</label>
      <select id={ids.channel} value={channel} onChange={(e) => { setChannel(e.target.value) }}>
        {channels.map((c) => <option key={c.id} value={c.id}>#{c.name}</option>)}
      </select>
      <h3 className="section-heading">Overrides in this channel</h3>
      {existing.length === 0 ? <p className="muted small">None: everyone has their roles' capabilities here.</p> : (
        <ul className="override-list">
          {existing.map((o) => (
            <li key={targetKey(o.target)}>
              <button type="button" className="link-button" onClick={() => { setTarget(targetKey(o.target)) }}>{label(o.target)}</button>
              <span className="small muted">
                {o.allow !== 0 ? ` allow: ${capabilityLabels(o.allow).join(', ')}` : ''}
                {o.deny !== 0 ? ` deny: ${capabilityLabels(o.deny).join(', ')}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      <label htmlFor={ids.target}>Edit override for</label>
      <select id={ids.target} value={target} onChange={(e) => { setTarget(e.target.value) }}>
        <optgroup label="Roles">
          {room.roles.filter((r) => r.id !== 'owner').map((r) => <option key={r.id} value={`role:${r.id}`}>{r.name}</option>)}
        </optgroup>
        <optgroup label="Members">
          {room.members.map((m) => <option key={m.key} value={`member:${m.key}`}>{m.name}</option>)}
        </optgroup>
      </select>
      {parsed !== undefined && (
        <OverrideEditor key={`${channel}/${target}`} room={room} channel={channel} target={parsed}
          allow={current?.allow ?? 0} deny={current?.deny ?? 0} />
      )}
    </div>
  )
}

function OverrideEditor(props: { room: RoomSnapshot; channel: string; target: Target; allow: number; deny: number }) {
  const app = useApp()
  const [allow, setAllow] = useState(props.allow)
  const [deny, setDeny] = useState(props.deny)
  const [saved, setSaved] = useState(false)
  const action = useAction()
  const set = (bit: number, value: string): void => {
    setSaved(false)
    setAllow(value === 'allow' ? allow | bit : allow & ~bit)
    setDeny(value === 'deny' ? deny | bit : deny & ~bit)
  }
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    void action.run(() => app.setOverride(props.room.id, props.channel, props.target, allow, deny)).then(setSaved)
  }
  return (
    <form className="override-editor" onSubmit={submit} aria-label="Override">
      <table className="override-table">
        <thead><tr><th scope="col">Capability</th><th scope="col">Setting</th></tr></thead>
        <tbody>
          {CAPABILITIES.map((cap) => {
            const value = (allow & cap.bit) !== 0 ? 'allow' : (deny & cap.bit) !== 0 ? 'deny' : 'inherit'
            return (
              <tr key={cap.name} data-value={value}>
                <th scope="row">{cap.label}</th>
                <td>
                  <select aria-label={cap.label} value={value} onChange={(e) => { set(cap.bit, e.target.value) }}>
                    <option value="inherit">Inherit</option>
                    <option value="allow">Allow</option>
                    <option value="deny">Deny</option>
                  </select>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
      {saved && <p className="success" role="status">Override saved.</p>}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={() => { setAllow(0); setDeny(0); setSaved(false) }}>Reset all to inherit</button>
        <button type="submit" className="button button--primary" disabled={action.busy}>Save override</button>
      </div>
    </form>
  )
}
