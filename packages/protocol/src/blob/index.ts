/** Attachment blobs: chunking, verification and transfer records (PROTOCOL.md §9). */
export * from './errors.ts'
export * from './chunking.ts'
export * from './manifest.ts'
export * from './messages.ts'
export * from './chunk-schedule.ts'
