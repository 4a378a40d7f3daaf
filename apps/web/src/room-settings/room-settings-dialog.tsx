// Room settings: tabs for what my rights allow — overview and join policy (MANAGE_ROOM),
// roles and channel permissions (MANAGE_ROLES / MANAGE_CHANNELS), bans (BAN), and the
// audit log and leaving, which every member has.

import { useRef, useState, type KeyboardEvent } from 'react'
import type { RoomSnapshot } from '../hearth-api.ts'
import { Dialog } from '../ui/dialog.tsx'
import { AuditTab } from './audit-tab.tsx'
import { BansTab } from './bans-tab.tsx'
import { OverridesTab } from './overrides-tab.tsx'
import { OverviewTab } from './overview-tab.tsx'
import { RolesTab } from './roles-tab.tsx'

type TabId = 'overview' | 'roles' | 'permissions' | 'bans' | 'audit'

/** The tabs `room.rights` allow, in order. */
export function settingsTabs(room: RoomSnapshot): { id: TabId; label: string }[] {
  const { rights } = room
  const tabs: { id: TabId; label: string }[] = [{ id: 'overview', label: 'Overview' }]
  if (rights.manageRoles) tabs.push({ id: 'roles', label: 'Roles' })
  if (rights.manageChannels) tabs.push({ id: 'permissions', label: 'Channel permissions' })
  if (rights.ban) tabs.push({ id: 'bans', label: 'Bans' })
  tabs.push({ id: 'audit', label: 'Audit log' })
  return tabs
}

/** The room settings dialog. */
export function RoomSettingsDialog({ room, onClose }: { readonly room: RoomSnapshot; readonly onClose: () => void }) {
  const tabs = settingsTabs(room)
  const [tab, setTab] = useState<TabId>('overview')
  const current = tabs.some((t) => t.id === tab) ? tab : 'overview'
  const list = useRef<HTMLDivElement>(null)

  const onKeyDown = (event: KeyboardEvent): void => {
    const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key]
    if (step === undefined) return
    event.preventDefault()
    const index = tabs.findIndex((t) => t.id === current)
    const next = tabs[(index + step + tabs.length) % tabs.length]
    if (next === undefined) return
    setTab(next.id)
    list.current?.querySelector<HTMLElement>(`#room-tab-${next.id}`)?.focus()
  }

  return (
    <Dialog title={`${room.name} settings`} onClose={onClose} className="dialog--settings">
      <div className="settings-layout">
        <div ref={list} className="settings-tabs" role="tablist" aria-label="Room settings sections" aria-orientation="vertical" onKeyDown={onKeyDown}>
          {tabs.map((t) => (
            <button key={t.id} id={`room-tab-${t.id}`} type="button" role="tab" aria-selected={t.id === current}
              aria-controls={`room-panel-${t.id}`} tabIndex={t.id === current ? 0 : -1} onClick={() => { setTab(t.id) }}>
              {t.label}
            </button>
          ))}
        </div>
        <div id={`room-panel-${current}`} className="settings-panel" role="tabpanel" aria-labelledby={`room-tab-${current}`}>
          {current === 'overview' && <OverviewTab room={room} onLeft={onClose} />}
          {current === 'roles' && <RolesTab room={room} />}
          {current === 'permissions' && <OverridesTab room={room} />}
          {current === 'bans' && <BansTab room={room} />}
          {current === 'audit' && <AuditTab room={room} />}
        </div>
      </div>
    </Dialog>
  )
}
