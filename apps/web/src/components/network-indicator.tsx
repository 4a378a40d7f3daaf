// The header's network line: is this tab on the Hearth network, and with how many peers.

import type { NetworkSummary } from '../hearth-api.ts'

const WORDS: Record<NetworkSummary['state'], string> = {
  offline: 'Offline',
  starting: 'Connecting…',
  online: 'Online',
  failed: 'Network failed'
}

/** A polite live status of the whole network. */
export function NetworkIndicator({ network }: { readonly network: NetworkSummary }) {
  const detail =
    network.state === 'online'
      ? `${network.peers} peer${network.peers === 1 ? '' : 's'}${network.relayed > 0 ? ` (${network.relayed} relayed)` : ''}`
      : network.error ?? ''
  return (
    <div className="network-status" data-state={network.state} role="status" aria-label="Network status">
      <span className="network-status__dot" aria-hidden="true" />
      <span className="network-status__label">{WORDS[network.state]}</span>
      {detail !== '' && <span className="network-status__detail">{detail}</span>}
    </div>
  )
}
