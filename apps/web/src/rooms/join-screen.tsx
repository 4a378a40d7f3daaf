// The screen an invite link opens (#/join/…): what the link invites to, then "Accept
// invite" joins with the whole link (HearthAppApi.joinByInvite) and opens the room.

import { useMemo } from 'react'
import { parseInvite } from '@hearth/protocol'
import { useApp } from '../app-context.tsx'
import { navigate } from '../router.ts'
import { formatFull } from '../ui/time-format.ts'
import { useAction } from '../ui/use-action.ts'

/** What the link says about itself (unsigned hints; the room's genesis is what counts). */
function inviteHints(link: string): { name?: string; expires?: number; valid: boolean } {
  try {
    const invite = parseInvite(link)
    return { valid: true, ...(invite.name !== undefined ? { name: invite.name } : {}), ...(invite.expires !== undefined ? { expires: invite.expires } : {}) }
  } catch {
    return { valid: false }
  }
}

/** The join confirmation for the invite in the current URL. */
export function JoinScreen({ link }: { readonly link: string }) {
  const app = useApp()
  const action = useAction()
  const hints = useMemo(() => inviteHints(link), [link])
  const expired = hints.expires !== undefined && hints.expires < Date.now()

  const accept = (): void => {
    void action.run(async () => {
      const id = await app.joinByInvite(link)
      navigate({ kind: 'room', room: id }, { replace: true })
    })
  }

  return (
    <section className="join-screen" aria-labelledby="join-heading">
      <h2 id="join-heading">{hints.name !== undefined ? `You're invited to ${hints.name}` : "You're invited to a room"}</h2>
      {!hints.valid && <p className="error" role="alert">This invite link looks damaged. Ask for a new one.</p>}
      {hints.expires !== undefined && (
        <p className={expired ? 'error' : 'muted'}>{expired ? 'This invite expired' : 'This invite expires'} {formatFull(hints.expires)}.</p>
      )}
      <p className="muted">
        Joining asks the room's members (or an archiver) for its history. It works while one of them is online.
      </p>
      {action.busy && <p role="status">Joining… looking for the room's peers.</p>}
      {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
      <div className="row">
        <button type="button" className="button button--primary" disabled={action.busy} onClick={accept}>
          {action.busy ? 'Joining…' : 'Accept invite'}
        </button>
        <button type="button" className="button" onClick={() => { navigate({ kind: 'home' }) }}>No thanks</button>
      </div>
    </section>
  )
}
