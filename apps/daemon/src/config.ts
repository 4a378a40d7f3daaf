// Configuration for `hearth serve`: flags beat environment beat config file beat defaults.
// Resolution is a pure function of its inputs (plus the home directory for `~`), so the CLI,
// `npm start` and tests all share one set of rules.

import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError } from './errors.ts'

/** Fully resolved settings for `hearth serve`. Paths are absolute. */
export interface ServeConfig {
  /** Interface to listen on. @default '127.0.0.1' */
  host: string
  /** TCP port; 0 picks any free port. @default 8420 */
  port: number
  /** Where the daemon keeps its state. Created if missing. @default '~/.hearth' */
  dataDir: string
  /** Directory of the built web app. @default apps/web/dist beside this package */
  webDir: string
}

/** Partial settings as they come from one source (flags, env or file), not yet validated. */
export interface ServeConfigInput {
  host?: string | undefined
  port?: string | number | undefined
  dataDir?: string | undefined
  webDir?: string | undefined
}

/** Default port of `hearth serve`. */
export const DEFAULT_PORT = 8420

/** Default host of `hearth serve`: loopback only, so nothing is exposed by accident. */
export const DEFAULT_HOST = '127.0.0.1'

/** The built web app, resolved relative to this package (apps/daemon/src → apps/web/dist). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url))

/** `~/.hearth` for the current user. */
export function defaultDataDir(): string {
  return resolve(homedir(), '.hearth')
}

const CONFIG_KEYS = new Set(['host', 'port', 'dataDir', 'webDir'])

/**
 * Read settings from the environment (HEARTH_HOST, HEARTH_PORT, HEARTH_DATA_DIR,
 * HEARTH_WEB_DIR). Empty variables count as unset.
 */
export function configFromEnv(env: Record<string, string | undefined>): ServeConfigInput {
  const pick = (name: string): string | undefined => {
    const value = env[name]
    return value === undefined || value === '' ? undefined : value
  }
  return {
    host: pick('HEARTH_HOST'),
    port: pick('HEARTH_PORT'),
    dataDir: pick('HEARTH_DATA_DIR'),
    webDir: pick('HEARTH_WEB_DIR')
  }
}

/**
 * Load a JSON config file such as `{"port": 8420, "dataDir": "./state"}`. Relative paths in
 * it are resolved against the file's own directory, so a config file can be moved with its data.
 */
export async function loadConfigFile(path: string): Promise<ServeConfigInput> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new ConfigError(`Cannot read config file ${path}: ${(cause as Error).message}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (cause) {
    throw new ConfigError(`Config file ${path} is not valid JSON: ${(cause as Error).message}`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`Config file ${path} must contain a JSON object`)
  }
  const record = data as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (!CONFIG_KEYS.has(key)) {
      throw new ConfigError(`Unknown setting "${key}" in ${path} (known: ${[...CONFIG_KEYS].join(', ')})`)
    }
  }
  const base = dirname(resolve(path))
  const str = (key: string): string | undefined => {
    const value = record[key]
    if (value === undefined) return undefined
    if (typeof value !== 'string') throw new ConfigError(`"${key}" in ${path} must be a string`)
    return value
  }
  const port = record.port
  if (port !== undefined && typeof port !== 'number' && typeof port !== 'string') {
    throw new ConfigError(`"port" in ${path} must be a number`)
  }
  const dataDir = str('dataDir')
  const webDir = str('webDir')
  return {
    host: str('host'),
    port,
    dataDir: dataDir === undefined ? undefined : resolvePath(dataDir, base),
    webDir: webDir === undefined ? undefined : resolvePath(webDir, base)
  }
}

/**
 * Merge sources in priority order (first defined value wins) over the defaults, and validate.
 * Relative paths from flags or environment are resolved against `cwd`.
 */
export function resolveServeConfig(sources: readonly ServeConfigInput[], cwd: string): ServeConfig {
  const first = <K extends keyof ServeConfigInput>(key: K): ServeConfigInput[K] =>
    sources.find((source) => source[key] !== undefined)?.[key]
  const host = first('host') ?? DEFAULT_HOST
  if (host.trim() === '') throw new ConfigError('host must not be empty')
  const dataDir = first('dataDir')
  const webDir = first('webDir')
  return {
    host,
    port: parsePort(first('port') ?? DEFAULT_PORT),
    dataDir: dataDir === undefined ? defaultDataDir() : resolvePath(dataDir, cwd),
    webDir: webDir === undefined ? DEFAULT_WEB_DIR : resolvePath(webDir, cwd)
  }
}

/** Parse a TCP port (0–65535); 0 means "any free port". */
export function parsePort(value: string | number): number {
  const port = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`port must be an integer from 0 to 65535, got ${JSON.stringify(value)}`)
  }
  return port
}

/** Expand a leading `~` to the home directory and make the path absolute. */
function resolvePath(path: string, base: string): string {
  if (path === '~') return homedir()
  if (path.startsWith('~/')) return resolve(homedir(), path.slice(2))
  return isAbsolute(path) ? resolve(path) : resolve(base, path)
}
