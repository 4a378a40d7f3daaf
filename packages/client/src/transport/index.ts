/** The ports conversations run over: whole-message streams and timers. */
export * from './message-stream.ts'
export * from './clock.ts'
