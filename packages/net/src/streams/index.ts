/** Sync and blob conversations over libp2p streams (PROTOCOL.md §10.7). */
export * from './errors.ts'
export * from './frame-codec.ts'
export * from './message-stream.ts'
export * from './conversation-slots.ts'
export * from './stream-service.ts'
export * from './sync-protocol.ts'
export * from './blob-protocol.ts'
