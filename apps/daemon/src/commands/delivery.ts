// What the commands say about delivery. A record is signed and stored here first; online
// commands then publish it on the room's gossip and report how many peers it went to, and
// peers that missed it get it by sync (pull-only, PROTOCOL.md §10.8) whenever this data
// directory is online with them again. The wording says exactly which of these happened.

/** How a record left the command: `local` = stored here only; `network` = stored and published. */
export type Delivery = 'local' | 'network'

/** For records stored with --offline (or by a command that never goes online): not sent yet. */
export const NOT_SENT_NOTE =
  'Stored on this machine only, not sent yet: peers get it when this data directory is next ' +
  'online with them (any of: hearth send, hearth read --sync, hearth tail).'

/** The outcome of publishing a record to `peers` gossip peers, for people. */
export function sentNote(peers: number): string {
  if (peers === 0) {
    return 'Stored here; no peer of the room was online to receive it. Peers get it by sync when ' +
      'this data directory is next online with them (hearth tail keeps it online).'
  }
  return `Sent to ${peers} peer${peers === 1 ? '' : 's'} of the room.`
}

/** The JSON fields of a delivery. */
export function deliveryJson(peers: number | undefined): { delivery: Delivery; peers?: number } {
  return peers === undefined ? { delivery: 'local' } : { delivery: 'network', peers }
}
