// User settings (#/settings): my profile (name, status, about me, avatar), my user id,
// and the backup export that keeps this account from being lost with the browser.

import { useApp } from '../app-context.tsx'
import type { MeSnapshot } from '../hearth-api.ts'
import { BackupForm } from '../identity/backup-form.tsx'
import { formatFull } from '../ui/time-format.ts'
import { UserAvatar } from '../ui/user-avatar.tsx'
import { EditProfile, backupFileName } from './edit-profile.tsx'
import { UserIdLine } from './user-id-line.tsx'

/** The settings screen. */
export function UserSettings({ me }: { readonly me: MeSnapshot }) {
  const app = useApp()
  const fileName = backupFileName(me)
  return (
    <section className="user-settings" aria-labelledby="user-settings-heading">
      <h2 id="user-settings-heading">User settings</h2>
      <div className="profile-card">
        <div className="profile-head">
          <UserAvatar name={me.name} url={me.avatarUrl} size={72} />
          <div>
            <h3>{me.name}</h3>
            {me.status !== undefined && <p className="muted">{me.status}</p>}
            <UserIdLine userId={me.userId} />
          </div>
        </div>
      </div>
      <h3 className="section-heading">Profile</h3>
      <div className="profile-card"><EditProfile me={me} /></div>
      <h3 className="section-heading" id="backup">Backup</h3>
      <div className="profile-card">
        <p>
          {me.backedUpAt === undefined ? 'You have never saved a backup of this account.' : `Last backup: ${formatFull(me.backedUpAt)}.`}
        </p>
        <BackupForm exportBackup={(passphrase) => app.exportBackup(passphrase)} fileName={fileName} />
      </div>
    </section>
  )
}
