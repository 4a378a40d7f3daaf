/** Channel history: events, the channel log CRDT and its derived view (PROTOCOL.md §7). */
export * from './event.ts'
export * from './acceptance.ts'
export * from './channel-log.ts'
export * from './channel-view.ts'
export * from './room-acceptance.ts'
export * from './ban-rule.ts'
