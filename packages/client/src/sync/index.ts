/** Sync engine: moving a room's records between peers over any duplex stream. */
export * from './replica.ts'
