/**
 * @hearth/client — the headless engine shared by the web app and the daemon:
 * identity vault now; rooms, channels and sessions as the layers land.
 */
export * from './errors.ts'
export * from './identity-vault.ts'
