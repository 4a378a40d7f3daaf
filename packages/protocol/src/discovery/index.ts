/**
 * Discovery and network records (PROTOCOL.md §10, draft in
 * docs/drafts/network.md): user routing records for the DHT, the room CID
 * providers announce, room gossip topic names and ephemeral signals.
 */
export * from './routing-record.ts'
export * from './room-cid.ts'
export * from './topics.ts'
export * from './signal.ts'
export * from './archive-request.ts'
