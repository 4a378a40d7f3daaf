// The audit log: every authority entry, newest first — who did what, when, and whether
// it was accepted or refused at its place in the order.

import { toHex } from '@hearth/protocol'
import { useAppRead } from '../app-context.tsx'
import type { RoomSnapshot } from '../hearth-api.ts'
import { useApp } from '../app-context.tsx'
import { formatFull, formatStamp } from '../ui/time-format.ts'
import { describeAction, describeStatus, type AuditNames } from './audit-line.ts'

/** The audit log tab. */
export function AuditTab({ room }: { readonly room: RoomSnapshot }) {
  const app = useApp()
  const records = useAppRead((a) => a.auditLog(room.id), `audit:${room.id}`)
  const names: AuditNames = {
    person: (key) => app.profile(room.id, key).name,
    channel: (id) => room.channels.find((c) => c.id === id)?.name,
    role: (id) => room.roles.find((r) => r.id === id)?.name
  }
  const newest = [...records].reverse()
  return (
    <div>
      <h3>Audit log</h3>
      {newest.length === 0 && <p className="muted">Nothing recorded yet.</p>}
      <ol className="audit-list" reversed>
        {newest.map((r) => {
          const key = toHex(r.id)
          return (
            <li key={key} className="audit-list__item" data-status={r.status === 'accepted' ? 'accepted' : 'refused'}>
              <span className="audit-list__text">{describeAction(names.person(toHex(r.author)), r.action, names)}</span>
              <span className="audit-list__meta small muted">
                <time dateTime={new Date(r.at).toISOString()} title={formatFull(r.at)}>{formatStamp(r.at)}</time>
                {' · '}
                <span className="audit-list__status">{describeStatus(r.status)}</span>
                {r.checkpoint === undefined ? ' · provisional' : ''}
              </span>
            </li>
          )
        })}
      </ol>
    </div>
  )
}
