// Public API of @hearth/daemon: the reusable HTTP server, config resolution and the CLI entry.

export { serve, CONFIG_PATH, type ServeOptions, type RunningServer, type HearthConfigDocument } from './serve.ts'
export {
  resolveServeConfig,
  configFromEnv,
  loadConfigFile,
  parsePort,
  defaultDataDir,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_WEB_DIR,
  type ServeConfig,
  type ServeConfigInput
} from './config.ts'
export { runCli, runMain, EXIT, type CliIo } from './cli.ts'
export { ConfigError, ListenError, UsageError, WebAppNotBuiltError } from './errors.ts'
export { VERSION } from './version.ts'
