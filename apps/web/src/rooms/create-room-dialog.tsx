// "Create room": name, optional icon and description, invite-only. Opens the new room.

import { useId, useState, type SyntheticEvent } from 'react'
import { useApp } from '../app-context.tsx'
import { LIMITS } from '../hearth-api.ts'
import { avatarFromFile, type AvatarImage } from '../identity/avatar-image.ts'
import { Avatar } from '../identity/avatar.tsx'
import { errorMessage } from '../identity/error-message.ts'
import { navigate } from '../router.ts'
import { Dialog } from '../ui/dialog.tsx'
import { useAction } from '../ui/use-action.ts'

/** The create-room dialog. */
export function CreateRoomDialog({ onClose }: { readonly onClose: () => void }) {
  const app = useApp()
  const ids = { name: useId(), description: useId(), icon: useId(), inviteOnly: useId() }
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [icon, setIcon] = useState<AvatarImage>()
  const [iconError, setIconError] = useState<string>()
  const [inviteOnly, setInviteOnly] = useState(false)
  const action = useAction()

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    const fields = {
      name: name.trim(),
      ...(description.trim() !== '' ? { description: description.trim() } : {}),
      ...(icon !== undefined ? { icon } : {}),
      inviteOnly
    }
    void action.run(async () => {
      const id = await app.createRoom(fields)
      onClose()
      navigate({ kind: 'room', room: id })
    })
  }

  return (
    <Dialog title="Create a room" onClose={onClose}>
      <form className="stack" onSubmit={submit} aria-label="Create a room">
        <p className="muted">A room lives on the devices of its members. You will be its owner.</p>
        <label htmlFor={ids.name}>Room name</label>
        <input id={ids.name} value={name} maxLength={LIMITS.roomName} required data-autofocus onChange={(e) => { setName(e.target.value) }} />
        <label htmlFor={ids.description}>Description (optional)</label>
        <textarea id={ids.description} value={description} maxLength={LIMITS.roomDescription} rows={2} onChange={(e) => { setDescription(e.target.value) }} />
        <div className="avatar-picker">
          <Avatar name={name || '?'} image={icon} size={48} />
          <label className="file-button" htmlFor={ids.icon}>Pick an icon…</label>
          <input id={ids.icon} className="visually-hidden" type="file" accept="image/png,image/jpeg,image/webp,image/gif"
            onChange={(e) => {
              const file = e.target.files?.[0]
              if (file) avatarFromFile(file).then(setIcon, (err: unknown) => { setIconError(errorMessage(err)) })
            }} />
          {icon !== undefined && <button type="button" className="button button--small" onClick={() => { setIcon(undefined) }}>Remove icon</button>}
        </div>
        {iconError !== undefined && <p className="error" role="alert">{iconError}</p>}
        <label className="checkbox" htmlFor={ids.inviteOnly}>
          <input id={ids.inviteOnly} type="checkbox" checked={inviteOnly} onChange={(e) => { setInviteOnly(e.target.checked) }} />
          Invite only (people need an invite link from a member)
        </label>
        {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>Cancel</button>
          <button type="submit" disabled={action.busy || name.trim() === ''}>{action.busy ? 'Creating…' : 'Create'}</button>
        </div>
      </form>
    </Dialog>
  )
}
