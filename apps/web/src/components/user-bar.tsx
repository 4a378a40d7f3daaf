// The bottom of the channel column (Discord's user area): my avatar, name and status,
// and the way to user settings.

import type { MeSnapshot } from '../hearth-api.ts'
import { routeHash } from '../router.ts'
import { UserAvatar } from '../ui/user-avatar.tsx'

/** My account at a glance. */
export function UserBar({ me }: { readonly me: MeSnapshot }) {
  return (
    <div className="user-bar">
      <UserAvatar name={me.name} url={me.avatarUrl} size={32} />
      <div className="user-bar__text">
        <span className="user-bar__name">{me.name}</span>
      </div>
      <a className="icon-button user-bar__settings" href={routeHash({ kind: 'settings' })} aria-label="User settings" title="User settings">
        <span aria-hidden="true">⚙</span>
      </a>
    </div>
  )
}
