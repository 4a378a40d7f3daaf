/** Attachment blobs: storage, multi-peer fetching and serving over message streams (PROTOCOL.md §9). */
export * from '../transport/message-stream.ts'
export * from '../transport/clock.ts'
export * from './errors.ts'
export * from './blob-store.ts'
export * from './blob-server.ts'
export * from './blob-fetcher.ts'
