// The narrow column of rooms on the far left. Until rooms exist it holds only the home mark.

/** Navigation between rooms; the room list is added when @hearth/client provides rooms. */
export function RoomRail() {
  return (
    <nav className="room-rail" aria-label="Rooms">
      <a className="room-rail__home" href="/" aria-current="page" title="Hearth home">
        <img src="/favicon.svg" alt="Hearth home" width="40" height="40" />
      </a>
    </nav>
  )
}
