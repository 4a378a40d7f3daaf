/** The app core: `HearthApp` and its contract (types.ts), for the web app and later the CLI. */
export type * from './types.ts'
export { HearthApp, type HearthAppDeps } from './hearth-app.ts'
export * from './errors.ts'
export { LIMITS } from './validate.ts'
export { DEFAULT_CHANNEL } from './room-lifecycle.ts'
