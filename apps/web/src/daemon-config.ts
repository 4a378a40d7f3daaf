// Reads /hearth-config.json, which the `hearth serve` daemon that served this page answers
// with its version, start time and bootstrap addresses. Parsing is strict: the page only
// reports "connected" for a document that really came from a Hearth daemon.

/** What the page knows about the daemon that served it. */
export interface DaemonConfig {
  version: string
  startedAt: Date
  /** Multiaddrs to dial to join the network; empty until the network layer fills it. */
  bootstrap: string[]
  /** ICE servers for WebRTC, when the daemon names them (absent: the browser uses libp2p's defaults). */
  iceServers?: RTCIceServer[]
}

/** The daemon answered, but not with a valid Hearth config document. */
export class InvalidDaemonConfigError extends Error {
  override name = 'InvalidDaemonConfigError'
}

/** The daemon could not be reached (network error, timeout or HTTP error status). */
export class DaemonUnreachableError extends Error {
  override name = 'DaemonUnreachableError'
}

/** Where the config document lives, relative to the page's origin. */
export const DAEMON_CONFIG_PATH = '/hearth-config.json'

/** Validate the JSON body of /hearth-config.json. Throws InvalidDaemonConfigError. */
export function parseDaemonConfig(body: unknown): DaemonConfig {
  if (!isRecord(body)) throw new InvalidDaemonConfigError('config is not an object')
  const { version, daemon, bootstrap, iceServers } = body
  if (typeof version !== 'string' || version === '') throw new InvalidDaemonConfigError('missing version')
  if (!isRecord(daemon) || typeof daemon.startedAt !== 'string') {
    throw new InvalidDaemonConfigError('missing daemon.startedAt')
  }
  const startedAt = new Date(daemon.startedAt)
  if (Number.isNaN(startedAt.getTime())) throw new InvalidDaemonConfigError('daemon.startedAt is not a date')
  if (!Array.isArray(bootstrap) || !bootstrap.every((addr) => typeof addr === 'string')) {
    throw new InvalidDaemonConfigError('bootstrap must be a list of strings')
  }
  if (iceServers !== undefined && !(Array.isArray(iceServers) && iceServers.every(isIceServer))) {
    throw new InvalidDaemonConfigError('iceServers must be a list of {urls, username?, credential?}')
  }
  return { version, startedAt, bootstrap: [...bootstrap], ...(iceServers !== undefined ? { iceServers: iceServers.map(copyIceServer) } : {}) }
}

/** `{urls: string | string[], username?: string, credential?: string}` (RTCIceServer). */
function isIceServer(value: unknown): value is RTCIceServer {
  if (!isRecord(value)) return false
  const { urls, username, credential } = value
  const urlsOk = typeof urls === 'string' || (Array.isArray(urls) && urls.length > 0 && urls.every((url) => typeof url === 'string'))
  return urlsOk && (username === undefined || typeof username === 'string') && (credential === undefined || typeof credential === 'string')
}

/** Only the fields RTCPeerConnection reads, copied. */
function copyIceServer({ urls, username, credential }: RTCIceServer): RTCIceServer {
  return {
    urls: Array.isArray(urls) ? [...urls] : urls,
    ...(username !== undefined ? { username } : {}),
    ...(credential !== undefined ? { credential } : {})
  }
}

/** Options of {@link fetchDaemonConfig}. */
export interface FetchDaemonConfigOptions {
  /** Abort the request (e.g. when the component unmounts). */
  signal?: AbortSignal
  /** Give up after this long. @default 5000 */
  timeoutMs?: number
  /** Injected for tests. @default globalThis.fetch */
  fetch?: typeof fetch
}

/** Fetch and validate the daemon's config document. */
export async function fetchDaemonConfig(options: FetchDaemonConfigOptions = {}): Promise<DaemonConfig> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 5000)
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout])
  let response: Response
  try {
    response = await doFetch(DAEMON_CONFIG_PATH, { signal, cache: 'no-store', headers: { accept: 'application/json' } })
  } catch (cause) {
    if (options.signal?.aborted === true) throw cause
    throw new DaemonUnreachableError(timeout.aborted ? 'request timed out' : 'network error', { cause })
  }
  if (!response.ok) throw new DaemonUnreachableError(`HTTP ${response.status}`)
  let body: unknown
  try {
    body = await response.json()
  } catch {
    throw new InvalidDaemonConfigError('response is not JSON')
  }
  return parseDaemonConfig(body)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
