/** The authority log (PROTOCOL.md §6). */
export * from './capabilities.ts'
export * from './entry.ts'
export * from './rejection.ts'
export * from './state.ts'
export * from './apply-entry.ts'
export * from './linear-order.ts'
export * from './authority-log.ts'
export * from './view.ts'
