/**
 * @hearth/client — the headless engine shared by the web app and the daemon:
 * identity vault now; rooms, channels and sessions as the layers land.
 */
export * from './errors.ts'
export * from './identity-vault.ts'
export * from './transport/index.ts'
export * from './sync/index.ts'
export * from './store/index.ts'
export * from './blob/index.ts'
export * from './session/index.ts'
export * from './app/index.ts'
