// The main pane of a room route: the channel view, or the honest reason there is none
// yet (room unknown, still joining, no channels), and a banner when I am no longer in it.

import { useEffect, useState } from 'react'
import type { AppSnapshot, RoomSnapshot } from '../hearth-api.ts'
import { ChannelDialog } from '../channels/channel-dialog.tsx'
import { ChannelView } from '../messages/channel-view.tsx'
import { navigate } from '../router.ts'
import { ConnectionIndicator } from './connection-indicator.tsx'

const STANDING: Record<string, string> = {
  banned: 'You were banned from this room. You can read what you have, but not take part.',
  kicked: 'You were removed from this room. An invite lets you join again.',
  left: 'You left this room.',
  'not-member': 'You are not a member of this room yet.'
}

/** Props of {@link RoomMain}. */
export interface RoomMainProps {
  readonly roomId: string
  readonly room: RoomSnapshot | undefined
  readonly channel?: string | undefined
  readonly snapshot: AppSnapshot
}

/** The room's main pane. */
export function RoomMain({ roomId, room, channel, snapshot }: RoomMainProps) {
  const summary = snapshot.rooms.find((r) => r.id === roomId)
  const text = room === undefined ? [] : [...room.channels].filter((c) => c.kind === 'text').sort((a, b) => a.position - b.position)
  const open = text.find((c) => c.id === channel)
  const first = text[0]
  const [creating, setCreating] = useState(false)

  // A room route without a (known) channel opens the first channel.
  useEffect(() => {
    if (room !== undefined && open === undefined && first !== undefined) {
      navigate({ kind: 'room', room: room.id, channel: first.id }, { replace: true })
    }
  }, [room, open, first])

  if (room === undefined) {
    return (
      <section className="empty-state" aria-labelledby="room-missing">
        <h2 id="room-missing">{summary !== undefined ? 'Opening the room…' : 'Room not found'}</h2>
        <p className="muted">
          {summary !== undefined
            ? 'Reading the room from this browser.'
            : 'This browser has no room with this address. Ask a member for an invite link and use “Join room”.'}
        </p>
        <p><a href="#/">Back home</a></p>
      </section>
    )
  }

  const standing = summary !== undefined && summary.standing !== 'member' ? STANDING[summary.standing] : undefined
  return (
    <div className="room-main">
      {standing !== undefined && <div className="banner banner--bad" role="status">{standing}</div>}
      {open !== undefined ? (
        <ChannelView room={room} channel={open} />
      ) : (
        <section className="empty-state" aria-labelledby="no-channel">
          <div className="channel-header">
            <h2 id="no-channel" className="channel-header__name">{room.name}</h2>
            <div className="channel-header__tools"><ConnectionIndicator room={room} network={snapshot.network} /></div>
          </div>
          {room.connection.phase === 'syncing' || room.connection.phase === 'finding-peers' ? (
            <p role="status">{room.connection.message}</p>
          ) : (
            <p className="muted">This room has no text channels yet.</p>
          )}
          {room.rights.manageChannels && (
            <button type="button" className="button button--primary" onClick={() => { setCreating(true) }}>Create a channel</button>
          )}
          {creating && <ChannelDialog room={room} onClose={() => { setCreating(false) }} />}
        </section>
      )}
    </div>
  )
}
