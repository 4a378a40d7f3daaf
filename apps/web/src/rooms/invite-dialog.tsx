// "Invite people": a copyable invite link and its QR code, with an expiry and, when the
// room limits invite uses, the choice to count this link's uses against the limit.

import { useEffect, useId, useState } from 'react'
import { useApp } from '../app-context.tsx'
import type { InviteResult, RoomSnapshot } from '../hearth-api.ts'
import { Dialog } from '../ui/dialog.tsx'
import { QrCode } from '../ui/qr-code.tsx'
import { formatFull } from '../ui/time-format.ts'
import { useAction } from '../ui/use-action.ts'
import { copyText } from '../ui/clipboard.ts'

const HOUR = 3_600_000

/** Expiry choices. */
export const INVITE_EXPIRIES: readonly { readonly label: string; readonly ms?: number }[] = [
  { label: 'Never' },
  { label: '1 hour', ms: HOUR },
  { label: '1 day', ms: 24 * HOUR },
  { label: '7 days', ms: 7 * 24 * HOUR }
]

/** The invite dialog of `room`. */
export function InviteDialog({ room, onClose }: { readonly room: RoomSnapshot; readonly onClose: () => void }) {
  const app = useApp()
  const ids = { expiry: useId(), counted: useId(), link: useId() }
  const [expiry, setExpiry] = useState(0)
  const limited = room.policy.inviteMaxUses !== undefined
  const [counted, setCounted] = useState(limited)
  const [invite, setInvite] = useState<InviteResult>()
  const [copied, setCopied] = useState(false)
  const action = useAction()
  const { run } = action

  useEffect(() => {
    setInvite(undefined)
    setCopied(false)
    const ms = INVITE_EXPIRIES[expiry]?.ms
    let stale = false
    void run(async () => {
      const result = await app.createInvite(room.id, { ...(ms !== undefined ? { expiresInMs: ms } : {}), ...(limited && counted ? { counted: true } : {}) })
      if (!stale) setInvite(result)
    })
    return () => { stale = true }
  }, [app, run, room.id, expiry, counted, limited])

  return (
    <Dialog title={`Invite people to ${room.name}`} onClose={onClose} className="dialog--invite">
      <div className="stack">
        <label htmlFor={ids.link}>Invite link</label>
        <div className="copy-row">
          <input id={ids.link} readOnly value={invite?.link ?? ''} placeholder={action.busy ? 'Making a link…' : ''}
            onFocus={(e) => { e.target.select() }} />
          <button type="button" className="button button--primary" disabled={invite === undefined}
            onClick={() => { if (invite) void copyText(invite.link).then(setCopied) }}>
            {copied ? 'Copied' : 'Copy link'}
          </button>
        </div>
        <span className="visually-hidden" role="status">{copied ? 'Invite link copied' : ''}</span>
        {invite?.expires !== undefined && <p className="muted">Expires {formatFull(invite.expires)}.</p>}
        {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
        <label htmlFor={ids.expiry}>Expire after</label>
        <select id={ids.expiry} value={expiry} onChange={(e) => { setExpiry(Number(e.target.value)) }}>
          {INVITE_EXPIRIES.map((choice, i) => <option key={choice.label} value={i}>{choice.label}</option>)}
        </select>
        {limited && (
          <label className="checkbox" htmlFor={ids.counted}>
            <input id={ids.counted} type="checkbox" checked={counted} onChange={(e) => { setCounted(e.target.checked) }} />
            Count uses (this room allows {room.policy.inviteMaxUses} joins per invite)
          </label>
        )}
        {invite !== undefined && (
          <div className="qr-wrap">
            <QrCode text={invite.link} label="QR code of the invite link" />
          </div>
        )}
        <p className="muted">Anyone with this link can ask to join. It works while someone in the room is online (or an archiver).</p>
      </div>
    </Dialog>
  )
}
