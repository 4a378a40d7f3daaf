// A member's profile: avatar, name, status, bio, roles; and the moderation controls my
// rights allow on someone I outrank — assign / remove roles, time out, kick, ban.

import { useId, useState } from 'react'
import { useApp, useAppSnapshot } from '../app-context.tsx'
import { LIMITS, type MemberSummary, type RoomSnapshot } from '../hearth-api.ts'
import { copyText } from '../ui/clipboard.ts'
import { ConfirmDialog } from '../ui/confirm-dialog.tsx'
import { Dialog } from '../ui/dialog.tsx'
import { formatClock, formatDuration, formatFull } from '../ui/time-format.ts'
import { useAction } from '../ui/use-action.ts'
import { UserAvatar } from '../ui/user-avatar.tsx'
import { CrownIcon } from '../components/icons.tsx'

/** Timeout lengths offered. */
export const TIMEOUTS: readonly number[] = [60_000, 5 * 60_000, 10 * 60_000, 3_600_000, 86_400_000, 7 * 86_400_000]

/** Props of {@link MemberProfileDialog}. */
export interface MemberProfileDialogProps {
  readonly room: RoomSnapshot
  readonly member: MemberSummary
  readonly onClose: () => void
}

/** The profile dialog. */
export function MemberProfileDialog({ room, member, onClose }: MemberProfileDialogProps) {
  const me = useAppSnapshot().me
  const isMe = me?.key === member.key
  const [copied, setCopied] = useState(false)
  const shownRoles = member.roles.filter((r) => r.id !== 'member')
  const timedOut = member.timeoutUntil !== undefined && member.timeoutUntil > Date.now()
  const { rights } = room
  const canModerate = !isMe && member.outranked && (rights.manageRoles || rights.timeout || rights.kick || rights.ban)
  return (
    <Dialog title={member.name} onClose={onClose} className="dialog--profile" hideTitle>
      <div className="profile">
        <div className="profile__head">
          <UserAvatar name={member.name} url={member.avatarUrl} size={80} />
          <div>
            <p className="profile__name" aria-hidden="true">
              {member.name}{member.owner && <span title="Room owner"> <CrownIcon size={18} /></span>}
            </p>
            {member.owner && <p className="small muted">Room owner</p>}
            <p className="small muted">{member.presence === 'offline' ? 'Offline' : member.presence === 'busy' ? 'Do not disturb' : member.presence === 'idle' ? 'Idle' : 'Online'}</p>
            {member.status !== undefined && member.status !== '' && <p className="profile__status">{member.status}</p>}
          </div>
        </div>
        {member.bio !== undefined && member.bio !== '' && (
          <section aria-label="About me"><h3 className="section-heading">About me</h3><p className="profile__bio">{member.bio}</p></section>
        )}
        <section aria-label="Roles">
          <h3 className="section-heading">Roles</h3>
          {shownRoles.length === 0 ? <p className="muted small">Member</p> : (
            <ul className="role-chips">{shownRoles.map((r) => <li key={r.id} className="role-chip">{r.name}</li>)}</ul>
          )}
        </section>
        {timedOut && <p className="banner">Timed out until {formatFull(member.timeoutUntil)}.</p>}
        <p className="small">
          <code className="key" title={member.key}>{member.key.slice(0, 16)}…</code>{' '}
          <button type="button" className="link-button" onClick={() => { void copyText(member.key).then(setCopied) }}>
            {copied ? 'Copied' : 'Copy key'}
          </button>
        </p>
        {isMe && <p><a href="#/settings">Edit my profile</a></p>}
        {canModerate && <Moderation room={room} member={member} timedOut={timedOut} />}
      </div>
    </Dialog>
  )
}

function Moderation({ room, member, timedOut }: { room: RoomSnapshot; member: MemberSummary; timedOut: boolean }) {
  const app = useApp()
  const action = useAction()
  const ids = { reason: useId(), duration: useId() }
  const [reason, setReason] = useState('')
  const [duration, setDuration] = useState(TIMEOUTS[1] ?? 300_000)
  const [confirm, setConfirm] = useState<'kick' | 'ban'>()
  const { rights } = room
  const assignable = room.roles.filter((r) => room.assignableRoles.includes(r.id))
  const held = new Set(member.roles.map((r) => r.id))
  const why = reason.trim() === '' ? {} : { reason: reason.trim() }

  return (
    <section className="moderation" aria-label="Moderation">
      <h3 className="section-heading">Moderation</h3>
      {rights.manageRoles && assignable.length > 0 && (
        <fieldset className="role-toggles">
          <legend>Roles</legend>
          {assignable.map((role) => (
            <label key={role.id} className="checkbox">
              <input type="checkbox" checked={held.has(role.id)} disabled={action.busy}
                onChange={(e) => {
                  const on = e.target.checked
                  void action.run(() => (on ? app.grantRole(room.id, member.key, role.id) : app.revokeRole(room.id, member.key, role.id)))
                }} />
              {role.name}
            </label>
          ))}
        </fieldset>
      )}
      {(rights.timeout || rights.kick || rights.ban) && (
        <div className="stack">
          <label htmlFor={ids.reason}>Reason (optional)</label>
          <input id={ids.reason} value={reason} maxLength={LIMITS.reason} onChange={(e) => { setReason(e.target.value) }} />
        </div>
      )}
      {rights.timeout && (
        <div className="row">
          <label htmlFor={ids.duration} className="visually-hidden">Timeout length</label>
          <select id={ids.duration} value={duration} onChange={(e) => { setDuration(Number(e.target.value)) }}>
            {TIMEOUTS.map((ms) => <option key={ms} value={ms}>{formatDuration(ms)}</option>)}
          </select>
          <button type="button" className="button" disabled={action.busy}
            onClick={() => { void action.run(() => app.timeout(room.id, member.key, Date.now() + duration, why)) }}>Time out</button>
          {timedOut && (
            <button type="button" className="button" disabled={action.busy}
              onClick={() => { void action.run(() => app.timeout(room.id, member.key, 0)) }}>Remove timeout</button>
          )}
        </div>
      )}
      {(rights.kick || rights.ban) && (
        <div className="row">
          {rights.kick && <button type="button" className="button button--danger" onClick={() => { setConfirm('kick') }}>Kick</button>}
          {rights.ban && <button type="button" className="button button--danger" onClick={() => { setConfirm('ban') }}>Ban</button>}
        </div>
      )}
      {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
      {member.timeoutUntil !== undefined && timedOut && <p className="small muted">Timeout ends at {formatClock(member.timeoutUntil)}.</p>}
      {confirm !== undefined && (
        <ConfirmDialog
          title={confirm === 'ban' ? `Ban ${member.name}?` : `Kick ${member.name}?`}
          confirmLabel={confirm === 'ban' ? 'Ban' : 'Kick'}
          onClose={() => { setConfirm(undefined) }}
          onConfirm={() => (confirm === 'ban' ? app.ban(room.id, member.key, why) : app.kick(room.id, member.key, why))}
        >
          <p>
            {confirm === 'ban'
              ? `${member.name} will be removed and cannot come back until unbanned.`
              : `${member.name} will be removed from the room but may join again with an invite.`}
          </p>
          {reason.trim() !== '' && <p>Reason: {reason.trim()}</p>}
        </ConfirmDialog>
      )}
    </section>
  )
}
