/** Room sessions: a room's store made live on a network (PROTOCOL.md §10.8). */
export * from './network-port.ts'
export * from './session-events.ts'
export { GossipIngest, type GossipIngestHooks } from './gossip-ingest.ts'
export { ProgressReplica } from './progress-replica.ts'
export { RoomSession, type RoomSessionOptions } from './room-session.ts'
export { keepPresence, type PresenceOptions } from './presence.ts'
export { joinRoomByInvite, joinActionOf, RoomNotFoundError, type JoinByInviteDeps } from './join-by-invite.ts'
