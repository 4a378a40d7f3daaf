// The member list (right column): online and offline groups, presence dots, the owner's
// crown and each member's top role. A member opens their profile.

import { useState } from 'react'
import type { MemberSummary, RoomSnapshot } from '../hearth-api.ts'
import { UserAvatar } from '../ui/user-avatar.tsx'
import { MemberProfileDialog } from './member-profile-dialog.tsx'
import { CrownIcon } from '../components/icons.tsx'

const PRESENCE: Record<MemberSummary['presence'], string> = { online: 'Online', idle: 'Idle', busy: 'Do not disturb', offline: 'Offline' }

/** The members of `room`. */
export function MemberList({ room }: { readonly room: RoomSnapshot }) {
  const [open, setOpen] = useState<string>()
  const byName = (a: MemberSummary, b: MemberSummary): number => a.name.localeCompare(b.name)
  const online = room.members.filter((m) => m.presence !== 'offline').sort(byName)
  const offline = room.members.filter((m) => m.presence === 'offline').sort(byName)
  const selected = room.members.find((m) => m.key === open)
  return (
    <div className="member-list">
      <MemberGroup title="Online" members={online} onOpen={setOpen} />
      <MemberGroup title="Offline" members={offline} onOpen={setOpen} />
      {selected !== undefined && <MemberProfileDialog room={room} member={selected} onClose={() => { setOpen(undefined) }} />}
    </div>
  )
}

function MemberGroup({ title, members, onOpen }: { title: string; members: readonly MemberSummary[]; onOpen: (key: string) => void }) {
  if (members.length === 0) return null
  return (
    <section className="member-group" aria-label={`${title} members`}>
      <h3 className="section-heading">{title} — {members.length}</h3>
      <ul className="member-group__list">
        {members.map((m) => {
          const topRole = m.roles.find((r) => r.id !== 'member')
          return (
            <li key={m.key}>
              <button type="button" className="member" data-presence={m.presence} aria-haspopup="dialog"
                aria-label={`${m.name}${m.owner ? ', owner' : ''}, ${PRESENCE[m.presence]}`}
                onClick={() => { onOpen(m.key) }}>
                <span className="member__avatar">
                  <UserAvatar name={m.name} url={m.avatarUrl} size={32} />
                  <span className="presence-dot" data-presence={m.presence} aria-hidden="true" />
                </span>
                <span className="member__text">
                  <span className="member__name">
                    {m.name}
                    {m.owner && <span className="member__crown" title="Room owner"> <CrownIcon /></span>}
                  </span>
                  {m.status !== undefined && m.status !== '' ? (
                    <span className="member__status">{m.status}</span>
                  ) : topRole !== undefined ? (
                    <span className="member__status">{topRole.name}</span>
                  ) : null}
                </span>
              </button>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
