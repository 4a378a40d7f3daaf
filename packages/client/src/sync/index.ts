/** Sync engine: moving a room's records between peers over any duplex stream (PROTOCOL.md §8.10). */
export * from './replica.ts'
export * from './errors.ts'
export * from './sync-peer.ts'
export { PeerLink, type LinkStats } from './peer-link.ts'
export { serveSyncConversation, type ConversationSummary, type ReplicaLookup, type ResponderOptions } from './responder.ts'
export { syncLog, type LogSyncOptions, type LogSyncReport } from './log-sync.ts'
export { syncRoom, type SyncPeerReport, type SyncReport, type SyncRoomOptions } from './sync-room.ts'
export { fetchRoomGenesis, GenesisUnavailableError, type FetchGenesisOptions } from './fetch-genesis.ts'
