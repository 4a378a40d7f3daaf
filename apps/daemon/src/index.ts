// Public API of @hearth/daemon: the HTTP server, the daemon's libp2p node, config resolution
// and the CLI entry.

export {
  serve,
  CONFIG_PATH,
  type ServeOptions,
  type RunningServer,
  type HearthConfigDocument,
  type BootstrapRequest
} from './serve.ts'
export { startDaemon, type RunningDaemon } from './daemon.ts'
export { startNetwork, type DaemonNetwork } from './network.ts'
export { loadOrCreateNodeKey, NODE_KEY_FILE, type LoadedNodeKey } from './node-key.ts'
export { listenAddresses, browserBootstrap, isBrowserDialable } from './addresses.ts'
export {
  resolveServeConfig,
  configFromEnv,
  loadConfigFile,
  parsePort,
  defaultDataDir,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_WEB_DIR,
  DEFAULT_TCP_PORT,
  DEFAULT_WS_PORT,
  type IceServer,
  type ServeConfig,
  type ServeConfigInput
} from './config.ts'
export { runCli, runMain, EXIT, type CliIo } from './cli.ts'
export { ConfigError, ListenError, NetworkStartError, NodeKeyError, UsageError, WebAppNotBuiltError } from './errors.ts'
export { VERSION } from './version.ts'
