// The narrow column of rooms on the far left (Discord's server list): home, one round
// button per room with an unread dot and a mention badge, then "Create room" and "Join room".

import type { RoomSummary } from '../hearth-api.ts'
import { routeHash } from '../router.ts'
import { initials } from '../ui/initials.ts'

/** Props of {@link RoomRail}. */
export interface RoomRailProps {
  readonly rooms: readonly RoomSummary[]
  /** The open room's id, if any. */
  readonly current?: string
  readonly home: boolean
  readonly onCreate: () => void
  readonly onJoin: () => void
  /** Before an identity exists there is nothing to create or join with. */
  readonly disabled?: boolean
}

/** Navigation between rooms. */
export function RoomRail({ rooms, current, home, onCreate, onJoin, disabled = false }: RoomRailProps) {
  return (
    <nav className="room-rail" aria-label="Rooms">
      <a className="room-rail__home" href={routeHash({ kind: 'home' })} aria-current={home ? 'page' : undefined} title="Hearth home">
        <img src="/favicon.svg" alt="Hearth home" width="40" height="40" />
      </a>
      {rooms.length > 0 && <hr className="room-rail__sep" aria-hidden="true" />}
      <ul className="room-rail__list">
        {rooms.map((room) => (
          <li key={room.id} className="room-rail__item" data-active={room.id === current}>
            {room.unread > 0 && room.id !== current && <span className="room-rail__pill" aria-hidden="true" />}
            <a
              className="room-rail__room"
              href={routeHash({ kind: 'room', room: room.id })}
              aria-current={room.id === current ? 'page' : undefined}
              aria-label={roomLabel(room)}
              title={room.name}
              data-standing={room.standing}
            >
              {room.iconUrl !== undefined ? (
                <img src={room.iconUrl} alt="" width="48" height="48" />
              ) : (
                <span aria-hidden="true">{initials(room.name)}</span>
              )}
            </a>
            {room.mentions > 0 && (
              <span className="badge room-rail__badge" aria-hidden="true">{room.mentions > 99 ? '99+' : room.mentions}</span>
            )}
          </li>
        ))}
      </ul>
      {!disabled && (
        <>
          <button type="button" className="room-rail__action" aria-label="Create room" title="Create room" onClick={onCreate}>
            <span aria-hidden="true">+</span>
          </button>
          <button type="button" className="room-rail__action" aria-label="Join room" title="Join room" onClick={onJoin}>
            <span aria-hidden="true">⇢</span>
          </button>
        </>
      )}
    </nav>
  )
}

/** The room link's accessible name: its name plus unread state, as a screen reader should hear it. */
function roomLabel(room: RoomSummary): string {
  const parts = [room.name]
  if (room.mentions > 0) parts.push(`${room.mentions} mention${room.mentions === 1 ? '' : 's'}`)
  else if (room.unread > 0) parts.push('unread messages')
  if (room.standing === 'banned') parts.push('banned')
  if (room.standing === 'kicked') parts.push('kicked')
  if (room.standing === 'left') parts.push('left')
  return parts.join(', ')
}
