// Overview: the room's name, description and icon (updateRoom) and who may join
// (setPolicy), editable with MANAGE_ROOM; plus "Leave room" for everyone.

import { useId, useState, type SyntheticEvent } from 'react'
import { useApp } from '../app-context.tsx'
import { LIMITS, type RoomSnapshot } from '../hearth-api.ts'
import { avatarFromFile } from '../identity/avatar-image.ts'
import { errorMessage } from '../identity/error-message.ts'
import { navigate } from '../router.ts'
import { ConfirmDialog } from '../ui/confirm-dialog.tsx'
import { imageFromDataUrl } from '../ui/data-url.ts'
import { useAction } from '../ui/use-action.ts'
import { UserAvatar } from '../ui/user-avatar.tsx'

/** The overview tab. */
export function OverviewTab({ room, onLeft }: { readonly room: RoomSnapshot; readonly onLeft: () => void }) {
  const app = useApp()
  const [leaving, setLeaving] = useState(false)
  return (
    <div className="stack-loose">
      {room.rights.manageRoom ? <MetaForm room={room} /> : (
        <section>
          <h3>{room.name}</h3>
          {room.description !== undefined && <p>{room.description}</p>}
          <p className="muted small">Joining: {room.policy.join === 'open' ? 'open to anyone with the link' : 'invite only'}</p>
        </section>
      )}
      {room.rights.manageRoom && <PolicyForm room={room} />}
      <section>
        <h3 className="section-heading">Room id</h3>
        <code className="block-code">{room.idText}</code>
      </section>
      <section>
        <button type="button" className="button button--danger" onClick={() => { setLeaving(true) }}>Leave room</button>
      </section>
      {leaving && (
        <ConfirmDialog title={`Leave ${room.name}?`} confirmLabel="Leave" onClose={() => { setLeaving(false) }}
          onConfirm={async () => {
            await app.leaveRoom(room.id)
            onLeft()
            navigate({ kind: 'home' })
          }}>
          <p>You will need an invite to come back if the room is invite only.</p>
        </ConfirmDialog>
      )}
    </div>
  )
}

function MetaForm({ room }: { room: RoomSnapshot }) {
  const app = useApp()
  const ids = { name: useId(), description: useId(), icon: useId() }
  const [name, setName] = useState(room.name)
  const [description, setDescription] = useState(room.description ?? '')
  const [icon, setIcon] = useState(() => imageFromDataUrl(room.iconUrl))
  const [iconUrl, setIconUrl] = useState(room.iconUrl)
  const [saved, setSaved] = useState(false)
  const [iconError, setIconError] = useState<string>()
  const action = useAction()
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    setSaved(false)
    const fields = { name: name.trim(), ...(description.trim() !== '' ? { description: description.trim() } : {}), ...(icon ? { icon } : {}) }
    void action.run(() => app.updateRoom(room.id, fields)).then(setSaved)
  }
  return (
    <form className="stack" onSubmit={submit} aria-label="Room details">
      <label htmlFor={ids.name}>Room name</label>
      <input id={ids.name} value={name} maxLength={LIMITS.roomName} required onChange={(e) => { setName(e.target.value) }} />
      <label htmlFor={ids.description}>Description</label>
      <textarea id={ids.description} value={description} maxLength={LIMITS.roomDescription} rows={3} onChange={(e) => { setDescription(e.target.value) }} />
      <div className="avatar-picker">
        <UserAvatar name={name} url={iconUrl} size={48} />
        <label className="file-button" htmlFor={ids.icon}>Change icon…</label>
        <input id={ids.icon} className="visually-hidden" type="file" accept="image/png,image/jpeg,image/webp,image/gif"
          onChange={(e) => {
            const file = e.target.files?.[0]
            if (!file) return
            setIconError(undefined)
            avatarFromFile(file).then((img) => {
              setIcon(img)
              setIconUrl(URL.createObjectURL(new Blob([img.data], { type: img.mime })))
            }, (err: unknown) => { setIconError(errorMessage(err)) })
          }} />
        {icon !== undefined && (
          <button type="button" className="button button--small" onClick={() => { setIcon(undefined); setIconUrl(undefined) }}>Remove icon</button>
        )}
      </div>
      {iconError !== undefined && <p className="error" role="alert">{iconError}</p>}
      {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
      {saved && <p className="success" role="status">Saved.</p>}
      <button type="submit" disabled={action.busy || name.trim() === ''}>Save changes</button>
    </form>
  )
}

function PolicyForm({ room }: { room: RoomSnapshot }) {
  const app = useApp()
  const ids = { maxUses: useId() }
  const [join, setJoin] = useState(room.policy.join)
  const [maxUses, setMaxUses] = useState(room.policy.inviteMaxUses?.toString() ?? '')
  const [saved, setSaved] = useState(false)
  const action = useAction()
  const uses = maxUses.trim() === '' ? undefined : Number(maxUses)
  const valid = uses === undefined || (Number.isInteger(uses) && uses >= 1)
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    setSaved(false)
    void action.run(() => app.setPolicy(room.id, { join, ...(uses !== undefined ? { inviteMaxUses: uses } : {}) })).then(setSaved)
  }
  return (
    <form className="stack" onSubmit={submit} aria-label="Join policy">
      <fieldset className="radio-group">
        <legend>Who may join</legend>
        <label className="checkbox">
          <input type="radio" name="join" value="open" checked={join === 'open'} onChange={() => { setJoin('open') }} />
          Anyone with a link to the room
        </label>
        <label className="checkbox">
          <input type="radio" name="join" value="invite" checked={join === 'invite'} onChange={() => { setJoin('invite') }} />
          Only people with an invite from a member
        </label>
      </fieldset>
      <label htmlFor={ids.maxUses}>Uses per counted invite (empty: unlimited)</label>
      <input id={ids.maxUses} type="number" min={1} inputMode="numeric" value={maxUses} aria-invalid={!valid}
        onChange={(e) => { setMaxUses(e.target.value) }} />
      {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
      {saved && <p className="success" role="status">Policy saved.</p>}
      <button type="submit" disabled={action.busy || !valid}>Save policy</button>
    </form>
  )
}
