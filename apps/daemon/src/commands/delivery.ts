// What the local commands say about delivery. They sign and store records in this machine's
// replica; moving them to peers is the sync engine's job over the network, which the CLI
// does not run yet. The wording says exactly that: stored here, not sent, sent on next sync.
// When the networked commands land, they replace these notes with the real outcome.

/** How a record left the command: `local` = stored here only, not sent to any peer yet. */
export type Delivery = 'local'

/** For records that peers need: stored here, not yet sent. */
export const NOT_SENT_NOTE =
  'Stored on this machine only, not sent yet: peers receive it on the next sync with them ' +
  '(the hearth CLI does not sync over the network yet; that comes with the networked commands).'
