// Errors of the daemon, one class per condition, matched by `err.name`.

/** A setting has an invalid value or the config file cannot be used. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** The web directory has no index.html: the web app has not been built. */
export class WebAppNotBuiltError extends Error {
  override name = 'WebAppNotBuiltError'
}

/** The server could not listen (port in use, host not available, no permission). */
export class ListenError extends Error {
  override name = 'ListenError'
}

/** The command line is not understood (unknown command or option, missing value). */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** The daemon's libp2p key file exists but cannot be read or decoded. */
export class NodeKeyError extends Error {
  override name = 'NodeKeyError'
}

/** The libp2p node could not start (listen address in use or invalid, bad bootstrap address). */
export class NetworkStartError extends Error {
  override name = 'NetworkStartError'
}

/** Another `hearth serve` holds the data directory. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError'
}
