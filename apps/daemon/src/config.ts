// Configuration for `hearth serve`: flags beat environment beat config file beat defaults.
// Resolution is a pure function of its inputs (plus the home directory for `~`), so the CLI,
// `npm start` and tests all share one set of rules.

import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isIP } from 'node:net'
import { dirname, isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError } from './errors.ts'

/** An ICE server for WebRTC, as in RTCConfiguration. */
export interface IceServer {
  urls: string
  username?: string
  credential?: string
}

/** Fully resolved settings for `hearth serve`. Paths are absolute. */
export interface ServeConfig {
  /** Interface the HTTP server listens on. @default '127.0.0.1' */
  host: string
  /** HTTP port; 0 picks any free port. @default 8420 */
  port: number
  /** Where the daemon keeps its state (peer key, peer cache). Created if missing. @default '~/.hearth' */
  dataDir: string
  /** Directory of the built web app. @default apps/web/dist beside this package */
  webDir: string
  /** IP address libp2p listens on; `localhost` means 127.0.0.1. @default the HTTP host */
  p2pHost: string
  /** libp2p TCP port; 0 picks any free port. @default 4001 */
  tcpPort: number
  /** libp2p WebSocket port (browsers dial this); 0 picks any free port. @default 4002 */
  wsPort: number
  /** Explicit libp2p listen multiaddrs; when non-empty they replace p2pHost/tcpPort/wsPort. @default [] */
  listen: string[]
  /** Multiaddrs to announce instead of the listen addresses (e.g. a public DNS name). @default [] */
  announce: string[]
  /** Peers to join the network through (multiaddrs with /p2p/<peer id>). @default [] */
  bootstrap: string[]
  /** STUN/TURN servers for WebRTC. @default [] (no third-party server is contacted) */
  iceServers: IceServer[]
  /** Invite links of rooms to archive (joined once with the daemon's identity, then kept). @default [] */
  archive: string[]
  /** Whether peers may ask the archiver to keep a room (PROTOCOL.md §10.9). @default true */
  acceptArchiveRequests: boolean
  /** Most rooms kept before archive requests are refused (stored and `archive` rooms count; they are kept regardless). @default 1000 */
  maxRooms: number
}

/** Partial settings as they come from one source (flags, env or file), not yet validated. */
export interface ServeConfigInput {
  host?: string | undefined
  port?: string | number | undefined
  dataDir?: string | undefined
  webDir?: string | undefined
  p2pHost?: string | undefined
  tcpPort?: string | number | undefined
  wsPort?: string | number | undefined
  listen?: readonly string[] | undefined
  announce?: readonly string[] | undefined
  bootstrap?: readonly string[] | undefined
  iceServers?: readonly (string | IceServer)[] | undefined
  archive?: readonly string[] | undefined
  acceptArchiveRequests?: string | boolean | undefined
  maxRooms?: string | number | undefined
}

/** Default port of `hearth serve`. */
export const DEFAULT_PORT = 8420

/** Default host of `hearth serve`: loopback only, so nothing is exposed by accident. */
export const DEFAULT_HOST = '127.0.0.1'

/** Default libp2p TCP port (the customary libp2p swarm port). */
export const DEFAULT_TCP_PORT = 4001

/** Default libp2p WebSocket port. */
export const DEFAULT_WS_PORT = 4002

/** Default of `maxRooms`: rooms kept before archive requests are refused. */
export const DEFAULT_MAX_ROOMS = 1000

/** Largest `maxRooms` accepted. */
export const MAX_MAX_ROOMS = 1_000_000

/** The built web app, resolved relative to this package (apps/daemon/src → apps/web/dist). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url))

/** `~/.hearth` for the current user. */
export function defaultDataDir(): string {
  return resolve(homedir(), '.hearth')
}

const STRING_KEYS = ['host', 'dataDir', 'webDir', 'p2pHost'] as const
const PORT_KEYS = ['port', 'tcpPort', 'wsPort'] as const
const LIST_KEYS = ['listen', 'announce', 'bootstrap', 'iceServers', 'archive'] as const
const CONFIG_KEYS = new Set<string>([...STRING_KEYS, ...PORT_KEYS, ...LIST_KEYS, 'acceptArchiveRequests', 'maxRooms'])

/**
 * Read settings from the environment (HEARTH_HOST, HEARTH_PORT, HEARTH_DATA_DIR,
 * HEARTH_WEB_DIR, HEARTH_P2P_HOST, HEARTH_TCP_PORT, HEARTH_WS_PORT, and the lists
 * HEARTH_LISTEN, HEARTH_ANNOUNCE, HEARTH_BOOTSTRAP, HEARTH_ICE_SERVERS, HEARTH_ARCHIVE,
 * separated by commas or whitespace; HEARTH_ACCEPT_ARCHIVE_REQUESTS, HEARTH_MAX_ROOMS).
 * Empty variables count as unset.
 */
export function configFromEnv(env: Record<string, string | undefined>): ServeConfigInput {
  const pick = (name: string): string | undefined => {
    const value = env[name]
    return value === undefined || value.trim() === '' ? undefined : value
  }
  const list = (name: string): string[] | undefined => pick(name)?.split(/[\s,]+/).filter((item) => item !== '')
  return {
    host: pick('HEARTH_HOST'),
    port: pick('HEARTH_PORT'),
    dataDir: pick('HEARTH_DATA_DIR'),
    webDir: pick('HEARTH_WEB_DIR'),
    p2pHost: pick('HEARTH_P2P_HOST'),
    tcpPort: pick('HEARTH_TCP_PORT'),
    wsPort: pick('HEARTH_WS_PORT'),
    listen: list('HEARTH_LISTEN'),
    announce: list('HEARTH_ANNOUNCE'),
    bootstrap: list('HEARTH_BOOTSTRAP'),
    iceServers: list('HEARTH_ICE_SERVERS'),
    archive: list('HEARTH_ARCHIVE'),
    acceptArchiveRequests: pick('HEARTH_ACCEPT_ARCHIVE_REQUESTS'),
    maxRooms: pick('HEARTH_MAX_ROOMS')
  }
}

/**
 * Load a JSON config file such as `{"port": 8420, "dataDir": "./state", "bootstrap": [...]}`.
 * Relative paths in it are resolved against the file's own directory, so a config file can
 * be moved with its data.
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
  const input: ServeConfigInput = {}
  for (const key of STRING_KEYS) {
    const value = record[key]
    if (value !== undefined && typeof value !== 'string') throw new ConfigError(`"${key}" in ${path} must be a string`)
    input[key] = value
  }
  for (const key of PORT_KEYS) {
    const value = record[key]
    if (value !== undefined && typeof value !== 'number' && typeof value !== 'string') {
      throw new ConfigError(`"${key}" in ${path} must be a number`)
    }
    input[key] = value
  }
  for (const key of ['listen', 'announce', 'bootstrap', 'archive'] as const) {
    const value = record[key]
    if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
      throw new ConfigError(`"${key}" in ${path} must be a list of ${key === 'archive' ? 'invite links' : 'multiaddr strings'}`)
    }
    input[key] = value
  }
  const accept = record.acceptArchiveRequests
  if (accept !== undefined && typeof accept !== 'boolean' && typeof accept !== 'string') {
    throw new ConfigError(`"acceptArchiveRequests" in ${path} must be true or false`)
  }
  input.acceptArchiveRequests = accept
  const maxRooms = record.maxRooms
  if (maxRooms !== undefined && typeof maxRooms !== 'number' && typeof maxRooms !== 'string') {
    throw new ConfigError(`"maxRooms" in ${path} must be a number`)
  }
  input.maxRooms = maxRooms
  const ice = record.iceServers
  if (ice !== undefined && !(Array.isArray(ice) && ice.every(isIceServerInput))) {
    throw new ConfigError(`"iceServers" in ${path} must be a list of URLs or {urls, username?, credential?} objects`)
  }
  input.iceServers = ice
  const base = dirname(resolve(path))
  if (input.dataDir !== undefined) input.dataDir = resolvePath(input.dataDir, base)
  if (input.webDir !== undefined) input.webDir = resolvePath(input.webDir, base)
  return input
}

function isIceServerInput(value: unknown): value is string | IceServer {
  if (typeof value === 'string') return true
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const { urls, username, credential, ...rest } = value as Record<string, unknown>
  return typeof urls === 'string' && Object.keys(rest).length === 0 &&
    (username === undefined || typeof username === 'string') && (credential === undefined || typeof credential === 'string')
}

/**
 * Merge sources in priority order (first defined value wins) over the defaults, and validate.
 * Relative paths from flags or environment are resolved against `cwd`. Lists are not merged:
 * the first source that sets a list provides all of it.
 */
export function resolveServeConfig(sources: readonly ServeConfigInput[], cwd: string): ServeConfig {
  const first = <K extends keyof ServeConfigInput>(key: K): ServeConfigInput[K] =>
    sources.find((source) => source[key] !== undefined)?.[key]
  const host = first('host') ?? DEFAULT_HOST
  if (host.trim() === '') throw new ConfigError('host must not be empty')
  const dataDir = first('dataDir')
  const webDir = first('webDir')
  const p2pHost = first('p2pHost') ?? host
  if (listenIp(p2pHost) === undefined && first('listen') === undefined) {
    throw new ConfigError(
      `p2p host must be an IP address such as 0.0.0.0 or 127.0.0.1, got ${JSON.stringify(p2pHost)} (set --p2p-host, or --listen multiaddrs)`
    )
  }
  const bootstrap = multiaddrs('bootstrap', first('bootstrap'))
  const missingId = bootstrap.find((addr) => !addr.split('/').includes('p2p'))
  if (missingId !== undefined) throw new ConfigError(`bootstrap address ${missingId} must end in /p2p/<peer id>`)
  return {
    host,
    port: parsePort(first('port') ?? DEFAULT_PORT),
    dataDir: dataDir === undefined ? defaultDataDir() : resolvePath(dataDir, cwd),
    webDir: webDir === undefined ? DEFAULT_WEB_DIR : resolvePath(webDir, cwd),
    p2pHost,
    tcpPort: parsePort(first('tcpPort') ?? DEFAULT_TCP_PORT, 'tcp port'),
    wsPort: parsePort(first('wsPort') ?? DEFAULT_WS_PORT, 'ws port'),
    listen: multiaddrs('listen', first('listen')),
    announce: multiaddrs('announce', first('announce')),
    bootstrap,
    iceServers: (first('iceServers') ?? []).map(parseIceServer),
    archive: [...new Set((first('archive') ?? []).map((link) => link.trim()).filter((link) => link !== ''))],
    acceptArchiveRequests: parseSwitch(first('acceptArchiveRequests') ?? true, 'accept archive requests'),
    maxRooms: parseCount(first('maxRooms') ?? DEFAULT_MAX_ROOMS, 'max rooms', 1, MAX_MAX_ROOMS)
  }
}

/** Parse an on/off setting: a boolean, or on/off, true/false, yes/no, 1/0 (any case). */
export function parseSwitch(value: string | boolean, what: string): boolean {
  if (typeof value === 'boolean') return value
  const word = value.trim().toLowerCase()
  if (['on', 'true', 'yes', '1'].includes(word)) return true
  if (['off', 'false', 'no', '0'].includes(word)) return false
  throw new ConfigError(`${what} must be on or off, got ${JSON.stringify(value)}`)
}

/** Parse a whole number from `min` to `max`. */
export function parseCount(value: string | number, what: string, min: number, max: number): number {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${what} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`)
  }
  return n
}

/** Parse a TCP port (0–65535); 0 means "any free port". */
export function parsePort(value: string | number, what = 'port'): number {
  const port = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${what} must be an integer from 0 to 65535, got ${JSON.stringify(value)}`)
  }
  return port
}

/** The multiaddr protocol and address for a p2p host (`localhost` → 127.0.0.1), or undefined if it is no IP. */
export function listenIp(host: string): { family: 'ip4' | 'ip6'; address: string } | undefined {
  if (host === 'localhost') return { family: 'ip4', address: '127.0.0.1' }
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  const version = isIP(bare)
  if (version === 4) return { family: 'ip4', address: bare }
  if (version === 6) return { family: 'ip6', address: bare }
  return undefined
}

function multiaddrs(what: string, list: readonly string[] | undefined): string[] {
  const result = [...(list ?? [])]
  const bad = result.find((addr) => !/^\/[a-z0-9-]+\/\S*$/i.test(addr))
  if (bad !== undefined) throw new ConfigError(`${what} address ${JSON.stringify(bad)} is not a multiaddr (like /ip4/1.2.3.4/tcp/4001)`)
  return result
}

function parseIceServer(value: string | IceServer): IceServer {
  const server = typeof value === 'string' ? { urls: value } : { ...value }
  if (!/^(stun|stuns|turn|turns):\S+$/.test(server.urls)) {
    throw new ConfigError(`ICE server ${JSON.stringify(server.urls)} must be a stun:, stuns:, turn: or turns: URL`)
  }
  return server
}

/** Expand a leading `~` to the home directory and make the path absolute. */
function resolvePath(path: string, base: string): string {
  if (path === '~') return homedir()
  if (path.startsWith('~/')) return resolve(homedir(), path.slice(2))
  return isAbsolute(path) ? resolve(path) : resolve(base, path)
}
