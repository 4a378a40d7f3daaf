// The connection indicator in the header: is the local `hearth serve` daemon reachable,
// and which version is it. State comes from useDaemonStatus; this component only renders.

import type { DaemonStatus } from '../use-daemon-status.ts'

/** Props of {@link DaemonStatusIndicator}. */
export interface DaemonStatusIndicatorProps {
  status: DaemonStatus
  /** Called by the "Check again" button, shown only while unreachable. */
  onRecheck: () => void
}

/** A live region announcing the daemon state, with a retry button when it is unreachable. */
export function DaemonStatusIndicator({ status, onRecheck }: DaemonStatusIndicatorProps) {
  return (
    <div className="daemon-status" data-state={status.kind}>
      <div className="daemon-status__text" role="status" aria-live="polite" aria-label="Daemon status">
        <span className="daemon-status__dot" aria-hidden="true" />
        <span className="daemon-status__label">{label(status)}</span>
        <span className="daemon-status__detail">{detail(status)}</span>
      </div>
      {status.kind === 'unreachable' && (
        <button type="button" className="button button--small" onClick={onRecheck}>
          Check again
        </button>
      )}
    </div>
  )
}

function label(status: DaemonStatus): string {
  switch (status.kind) {
    case 'checking':
      return 'Checking daemon…'
    case 'connected':
      return 'Daemon connected'
    case 'unreachable':
      return 'Daemon not reachable'
  }
}

function detail(status: DaemonStatus): string {
  switch (status.kind) {
    case 'checking':
      return ''
    case 'connected': {
      const { version, startedAt, bootstrap } = status.config
      const peers =
        bootstrap.length === 0
          ? 'no bootstrap peers yet'
          : `${bootstrap.length} bootstrap peer${bootstrap.length === 1 ? '' : 's'}`
      return `v${version} · up since ${startedAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} · ${peers}`
    }
    case 'unreachable':
      return `(${status.reason})`
  }
}
