// Bans: who is banned, by whom and why, with "Unban".

import { useApp } from '../app-context.tsx'
import type { RoomSnapshot } from '../hearth-api.ts'
import { useAction } from '../ui/use-action.ts'
import { UserAvatar } from '../ui/user-avatar.tsx'

/** The bans tab. */
export function BansTab({ room }: { readonly room: RoomSnapshot }) {
  const app = useApp()
  const action = useAction()
  return (
    <div>
      <h3>Bans — {room.bans.length}</h3>
      {room.bans.length === 0 && <p className="muted">Nobody is banned.</p>}
      <ul className="ban-list">
        {room.bans.map((ban) => (
          <li key={ban.key} className="ban-list__item">
            <UserAvatar name={ban.name} url={ban.avatarUrl} size={32} />
            <div className="ban-list__text">
              <strong>{ban.name}</strong>
              <p className="small muted">
                Banned by {app.profile(room.id, ban.by).name}{ban.reason !== undefined ? `: ${ban.reason}` : ''}
              </p>
            </div>
            <button type="button" className="button button--small" aria-label={`Unban ${ban.name}`} disabled={action.busy}
              onClick={() => { void action.run(() => app.unban(room.id, ban.key)) }}>Unban</button>
          </li>
        ))}
      </ul>
      {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
    </div>
  )
}
