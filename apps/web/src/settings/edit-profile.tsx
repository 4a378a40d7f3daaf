// Editing my profile (name, status, about me, avatar: picked or generated), used by user
// settings and the home screen's profile card.

import { useId, useState, type SyntheticEvent } from 'react'
import { randomBytes } from '@hearth/protocol'
import { useApp } from '../app-context.tsx'
import { LIMITS, type MeSnapshot } from '../hearth-api.ts'
import { avatarFromFile, generatedAvatar } from '../identity/avatar-image.ts'
import { errorMessage } from '../identity/error-message.ts'
import { useAction } from '../ui/use-action.ts'
import { UserAvatar } from '../ui/user-avatar.tsx'

/** The backup file's name: `hearth-<name>-<user id prefix>.hearthkey`. */
export function backupFileName(me: MeSnapshot): string {
  return `hearth-${me.name.replace(/[^\p{L}\p{N}_-]+/gu, '-').slice(0, 32)}-${me.userId.slice(0, 8)}.hearthkey`
}

/** The profile form; `onDone` runs after a successful save. */
export function EditProfile({ me, onDone }: { readonly me: MeSnapshot; readonly onDone?: () => void }) {
  const app = useApp()
  const ids = { name: useId(), status: useId(), bio: useId(), avatar: useId() }
  const [name, setName] = useState(me.name)
  const [status, setStatus] = useState(me.status ?? '')
  const [bio, setBio] = useState(me.bio ?? '')
  /** A newly picked or generated avatar; undefined keeps the current one (the app core keeps it). */
  const [avatar, setAvatar] = useState<{ mime: string; data: Uint8Array }>()
  const [avatarUrl, setAvatarUrl] = useState(me.avatarUrl)
  const [saved, setSaved] = useState(false)
  const [imageError, setImageError] = useState<string>()
  const action = useAction()

  const useImage = (img: { mime: string; data: Uint8Array<ArrayBuffer> }): void => {
    setAvatar(img)
    setAvatarUrl(URL.createObjectURL(new Blob([img.data], { type: img.mime })))
    setSaved(false)
  }
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    setSaved(false)
    const fields = {
      name: name.trim(),
      ...(status.trim() !== '' ? { status: status.trim() } : {}),
      ...(bio.trim() !== '' ? { bio: bio.trim() } : {}),
      ...(avatar !== undefined ? { avatar } : {})
    }
    void action.run(() => app.updateProfile(fields)).then((ok) => {
      setSaved(ok)
      if (ok) onDone?.()
    })
  }
  return (
    <form className="stack" onSubmit={submit} aria-label="Edit profile">
      <div className="avatar-picker">
        <UserAvatar name={name || '?'} url={avatarUrl} size={64} />
        <div className="stack-tight">
          <button type="button" className="secondary" onClick={() => {
            generatedAvatar(randomBytes(8)).then(useImage, (err: unknown) => { setImageError(errorMessage(err)) })
          }}>Generate another avatar</button>
          <label className="file-button" htmlFor={ids.avatar}>Pick an image…</label>
          <input id={ids.avatar} className="visually-hidden" type="file" accept="image/png,image/jpeg,image/webp,image/gif"
            onChange={(e) => {
              const file = e.target.files?.[0]
              if (file) avatarFromFile(file).then(useImage, (err: unknown) => { setImageError(errorMessage(err)) })
            }} />
        </div>
      </div>
      {imageError !== undefined && <p className="error" role="alert">{imageError}</p>}
      <label htmlFor={ids.name}>Display name</label>
      <input id={ids.name} value={name} maxLength={LIMITS.profileName} required onChange={(e) => { setName(e.target.value); setSaved(false) }} />
      <label htmlFor={ids.status}>Status</label>
      <input id={ids.status} value={status} maxLength={LIMITS.profileStatus} onChange={(e) => { setStatus(e.target.value); setSaved(false) }} />
      <label htmlFor={ids.bio}>About me</label>
      <textarea id={ids.bio} value={bio} maxLength={LIMITS.profileBio} rows={3} onChange={(e) => { setBio(e.target.value); setSaved(false) }} />
      {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
      {saved && <p className="success" role="status">Profile saved.</p>}
      <button type="submit" disabled={action.busy || name.trim() === ''}>Save profile</button>
    </form>
  )
}
