// The channel column of an open room: room actions (invite, settings) and the channels.

import { useState } from 'react'
import type { RoomSnapshot } from '../hearth-api.ts'
import { ChannelList } from '../channels/channel-list.tsx'
import { RoomSettingsDialog } from '../room-settings/room-settings-dialog.tsx'
import { InviteDialog } from './invite-dialog.tsx'

/** Props of {@link RoomSidebar}. */
export interface RoomSidebarProps {
  readonly room: RoomSnapshot
  readonly channel?: string | undefined
}

/** Room tools and the channel list. */
export function RoomSidebar({ room, channel }: RoomSidebarProps) {
  const [dialog, setDialog] = useState<'invite' | 'settings'>()
  return (
    <div className="room-sidebar">
      {room.description !== undefined && room.description !== '' && <p className="room-sidebar__description small muted">{room.description}</p>}
      <div className="room-sidebar__tools">
        {room.rights.invite && (
          <button type="button" className="button button--small button--primary" aria-haspopup="dialog" onClick={() => { setDialog('invite') }}>
            Invite people
          </button>
        )}
        <button type="button" className="button button--small" aria-haspopup="dialog" onClick={() => { setDialog('settings') }}>
          Room settings
        </button>
      </div>
      <ChannelList room={room} {...(channel !== undefined ? { current: channel } : {})} />
      {dialog === 'invite' && <InviteDialog room={room} onClose={() => { setDialog(undefined) }} />}
      {dialog === 'settings' && <RoomSettingsDialog room={room} onClose={() => { setDialog(undefined) }} />}
    </div>
  )
}
