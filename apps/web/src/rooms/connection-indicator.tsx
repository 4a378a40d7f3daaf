// The compact connection indicator in the channel header: a coloured dot and a few
// words ("Live · 3 peers"); a button named "Connection status" that opens the panel.

import { useState } from 'react'
import type { NetworkSummary, RoomSnapshot } from '../hearth-api.ts'
import { ConnectionPanel } from './connection-panel.tsx'

/** Short state words and a tone for the dot. */
export function connectionSummary(room: RoomSnapshot): { text: string; tone: 'ok' | 'warn' | 'bad' } {
  const { phase, peers, lastError, sync } = room.connection
  const count = `${peers.length} peer${peers.length === 1 ? '' : 's'}`
  if (lastError?.code === 'nobody-online' && peers.length === 0) return { text: 'Nobody online', tone: 'bad' }
  switch (phase) {
    case 'live':
      return peers.length === 0 ? { text: 'Live · alone', tone: 'warn' } : { text: `Live · ${count}`, tone: 'ok' }
    case 'syncing':
      return { text: sync?.running === true ? `Syncing · ${sync.stored} received` : 'Syncing…', tone: 'warn' }
    case 'finding-peers':
      return { text: 'Looking for peers…', tone: 'warn' }
    case 'idle':
      return { text: 'Offline', tone: 'bad' }
    case 'left':
      return { text: 'Left', tone: 'bad' }
  }
}

/** The indicator button, and the panel it opens. */
export function ConnectionIndicator({ room, network }: { readonly room: RoomSnapshot; readonly network: NetworkSummary }) {
  const [open, setOpen] = useState(false)
  const { text, tone } = connectionSummary(room)
  return (
    <>
      <button type="button" className="connection-indicator" data-tone={tone} aria-label="Connection status"
        aria-describedby={`connection-summary-${room.id}`} aria-haspopup="dialog" onClick={() => { setOpen(true) }}>
        <span className="connection-indicator__dot" aria-hidden="true" />
        <span id={`connection-summary-${room.id}`} className="connection-indicator__text">{text}</span>
      </button>
      {open && <ConnectionPanel room={room} network={network} onClose={() => { setOpen(false) }} />}
    </>
  )
}
