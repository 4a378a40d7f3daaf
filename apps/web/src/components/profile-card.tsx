// My account on the home screen: avatar, name, status and user id, with profile editing
// and backup export unfolding in place (the same forms as user settings).

import { useState } from 'react'
import { useApp } from '../app-context.tsx'
import type { MeSnapshot } from '../hearth-api.ts'
import { BackupForm } from '../identity/backup-form.tsx'
import { EditProfile, backupFileName } from '../settings/edit-profile.tsx'
import { UserIdLine } from '../settings/user-id-line.tsx'
import { UserAvatar } from '../ui/user-avatar.tsx'

/** The profile card. `backupOpen` starts with the backup form shown. */
export function ProfileCard({ me, backupOpen = false }: { readonly me: MeSnapshot; readonly backupOpen?: boolean }) {
  const app = useApp()
  const [panel, setPanel] = useState<'none' | 'backup' | 'edit'>(backupOpen ? 'backup' : 'none')
  return (
    <section className="profile-card" aria-labelledby="profile-name">
      <div className="profile-head">
        <UserAvatar name={me.name} url={me.avatarUrl} size={72} />
        <div>
          <h3 id="profile-name">{me.name}</h3>
          {me.status !== undefined && me.status !== '' && <p className="muted">{me.status}</p>}
          <UserIdLine userId={me.userId} />
        </div>
      </div>
      <div className="row">
        <button type="button" className="secondary" aria-expanded={panel === 'edit'}
          onClick={() => { setPanel(panel === 'edit' ? 'none' : 'edit') }}>Edit profile</button>
        <button type="button" className="secondary" aria-expanded={panel === 'backup'}
          onClick={() => { setPanel(panel === 'backup' ? 'none' : 'backup') }}>Export backup</button>
      </div>
      {panel === 'backup' && <BackupForm exportBackup={(passphrase) => app.exportBackup(passphrase)} fileName={backupFileName(me)} />}
      {panel === 'edit' && <EditProfile me={me} onDone={() => { setPanel('none') }} />}
    </section>
  )
}
