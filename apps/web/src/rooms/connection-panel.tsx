// The connection status panel: the honest picture of how this room is reached — the
// session's sentence, peers (direct or relayed), an archiver, sync progress, the last
// error — plus the whole network's state (bootstrap daemons, observed addresses).

import { useApp } from '../app-context.tsx'
import type { NetworkSummary, RoomSnapshot } from '../hearth-api.ts'
import { Dialog } from '../ui/dialog.tsx'
import { useAction } from '../ui/use-action.ts'

const PHASES: Record<RoomSnapshot['connection']['phase'], string> = {
  idle: 'Not connected',
  'finding-peers': 'Looking for peers who have this room',
  syncing: 'Downloading history',
  live: 'Live',
  left: 'You left this room'
}

/** The panel, as a dialog. */
export function ConnectionPanel({ room, network, onClose }: { readonly room: RoomSnapshot; readonly network: NetworkSummary; readonly onClose: () => void }) {
  const app = useApp()
  const resync = useAction()
  const c = room.connection
  const nobody = c.lastError?.code === 'nobody-online'
  return (
    <Dialog title="Connection status" onClose={onClose} className="dialog--wide">
      <div className="connection-panel">
        <p className="connection-panel__phase"><strong>{PHASES[c.phase]}</strong></p>
        <p role="status">{c.message}</p>
        {nobody && (
          <div className="banner banner--bad">
            <p>
              Nobody who has this room is online right now, or the room does not exist. Hearth has no server: a room
              is reachable only while one of its members (or an archiver daemon) is online. Try again later.
            </p>
          </div>
        )}
        {c.lastError !== undefined && !nobody && <p className="error">{c.lastError.message}</p>}

        <h3 className="section-heading">Sync</h3>
        {c.sync === undefined ? (
          <p className="muted">No sync has run yet.</p>
        ) : (
          <div className="sync-progress">
            {c.sync.running ? (
              <progress aria-label="History download" />
            ) : (
              <progress aria-label="History download" value={1} max={1} />
            )}
            <p className="small">
              {c.sync.running ? 'Downloading: ' : c.sync.complete === false ? 'Last sync ended early: ' : 'Up to date: '}
              {c.sync.stored} record{c.sync.stored === 1 ? '' : 's'} received
              {c.sync.rejected > 0 ? `, ${c.sync.rejected} refused` : ''} from {c.sync.peers} peer{c.sync.peers === 1 ? '' : 's'}.
            </p>
          </div>
        )}

        <h3 className="section-heading">Peers in this room</h3>
        <p>
          {c.peers.length} connected — {c.direct} direct, {c.relayed} relayed.{' '}
          {c.archiverReachable ? 'An archiver (always-on peer) is reachable.' : 'No archiver is reachable.'}{' '}
          {c.archived ? 'A daemon keeps a copy of this room, so it stays reachable when members are offline.' : 'No daemon has said it keeps a copy of this room.'}
        </p>
        {c.peers.length > 0 && (
          <ul className="peer-list">
            {c.peers.map((p) => (
              <li key={p.id}>
                <span className="peer-list__name">{p.name ?? 'Unknown peer'}</span>{' '}
                <code className="peer-list__id" title={p.id}>{p.id.slice(-12)}</code>{' '}
                <span className="tag" data-kind={p.connection}>{p.connection}</span>
              </li>
            ))}
          </ul>
        )}

        <h3 className="section-heading">Network</h3>
        <dl className="facts">
          <dt>State</dt><dd>{network.state}{network.error !== undefined ? ` (${network.error})` : ''}</dd>
          <dt>Peers</dt><dd>{network.peers} ({network.direct} direct, {network.relayed} relayed)</dd>
          <dt>Bootstrap daemons</dt><dd>{network.bootstrapConnected} of {network.bootstrapConfigured} connected</dd>
          <dt>Seen as</dt>
          <dd>{network.observedAddresses.length === 0 ? 'not observed yet' : network.observedAddresses.map((a) => <code key={a} className="block-code">{a}</code>)}</dd>
        </dl>
        {resync.error !== undefined && <p className="error" role="alert">{resync.error}</p>}
        <div className="dialog__actions">
          <button type="button" className="button" disabled={resync.busy} onClick={() => { void resync.run(() => app.resync(room.id)) }}>
            {resync.busy ? 'Syncing…' : 'Sync again'}
          </button>
        </div>
      </div>
    </Dialog>
  )
}
