// "Join room": paste an invite link (https `#/join/…` or `hearth:`), join, open the room.

import { useId, useState, type SyntheticEvent } from 'react'
import { useApp } from '../app-context.tsx'
import { navigate } from '../router.ts'
import { Dialog } from '../ui/dialog.tsx'
import { useAction } from '../ui/use-action.ts'

/** The join-room dialog. */
export function JoinRoomDialog({ onClose }: { readonly onClose: () => void }) {
  const app = useApp()
  const linkId = useId()
  const [link, setLink] = useState('')
  const action = useAction()

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    void action.run(async () => {
      const id = await app.joinByInvite(link.trim())
      onClose()
      navigate({ kind: 'room', room: id })
    })
  }

  return (
    <Dialog title="Join a room" onClose={onClose}>
      <form className="stack" onSubmit={submit} aria-label="Join a room">
        <label htmlFor={linkId}>Invite link</label>
        <input id={linkId} value={link} required data-autofocus placeholder="https://…/#/join/… or hearth:?room=…"
          onChange={(e) => { setLink(e.target.value) }} />
        <p className="muted">Ask a member of the room for an invite link. Joining looks for the room's peers; it can take a moment.</p>
        {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>Cancel</button>
          <button type="submit" disabled={action.busy || link.trim() === ''}>{action.busy ? 'Joining…' : 'Join'}</button>
        </div>
      </form>
    </Dialog>
  )
}
