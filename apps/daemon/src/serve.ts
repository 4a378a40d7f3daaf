// The HTTP side of `hearth serve`: serves the built web app and /hearth-config.json, which
// tells the app which daemon it is talking to and where to bootstrap into the network.

import { createReadStream } from 'node:fs'
import { access, mkdir, realpath } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { ListenError, WebAppNotBuiltError } from './errors.ts'
import { locateStatic } from './static-files.ts'
import { VERSION } from './version.ts'

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string
  /** TCP port; 0 picks a free one (read it from the result). @default 8420 */
  port?: number
  /** Daemon state directory; created if missing. Never revealed over HTTP. */
  dataDir: string
  /** Directory holding the built web app (must contain index.html). */
  webDir: string
  /**
   * Multiaddrs a browser should dial to join the network, asked per request with the page's
   * Host header (so a page opened from another machine gets addresses it can reach first).
   * @default no addresses
   */
  bootstrap?: (request: BootstrapRequest) => readonly string[]
  /**
   * ICE servers the web app's WebRTC should use: the daemon's own list (empty unless the
   * operator configured STUN/TURN servers, so pages it serves contact no third party).
   * @default [] (host candidates only)
   */
  iceServers?: readonly IceServerDocument[]
  /** How long close() lets in-flight requests finish before cutting connections. @default 2000 */
  closeGraceMs?: number
}

/** What the `bootstrap` callback learns about the request for /hearth-config.json. */
export interface BootstrapRequest {
  /** The Host header, e.g. `127.0.0.1:8420`, if any. */
  host: string | undefined
}

/** A running server. */
export interface RunningServer {
  /** Where a browser on this machine can open the app, e.g. `http://127.0.0.1:8420/`. */
  url: string
  /** The port actually bound (useful with port 0). */
  port: number
  /** Stop accepting connections, let in-flight requests finish, then resolve. */
  close(): Promise<void>
}

/** One ICE server as the web app's RTCPeerConnection takes it. */
export interface IceServerDocument {
  urls: string | string[]
  username?: string
  credential?: string
}

/** Body of `GET /hearth-config.json`. */
export interface HearthConfigDocument {
  version: string
  daemon: { startedAt: string }
  bootstrap: string[]
  iceServers: IceServerDocument[]
}

/** Path of the daemon's config document. */
export const CONFIG_PATH = '/hearth-config.json'

/**
 * Start serving the web app. Rejects with WebAppNotBuiltError if `webDir` has no index.html
 * and with ListenError if the address cannot be bound.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 8420
  const bootstrap = options.bootstrap ?? (() => [])
  const webRoot = await checkWebDir(options.webDir)
  // The data dir holds the daemon's private key: keep it to this user.
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
  const startedAt = new Date().toISOString()

  const configDocument = (request: BootstrapRequest): HearthConfigDocument => ({
    version: VERSION,
    daemon: { startedAt },
    bootstrap: [...bootstrap(request)],
    iceServers: (options.iceServers ?? []).map((server) => ({ ...server }))
  })

  const server = createServer((req, res) => {
    handle(req, res, webRoot, configDocument).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error')
      else res.destroy(error instanceof Error ? error : undefined)
    })
  })

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const hint = error.code === 'EADDRINUSE' ? ' (already in use; choose another with --port)' : ''
      reject(new ListenError(`Cannot listen on ${host}:${port}${hint}: ${error.message}`))
    }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })

  const address = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    url: `http://${urlHost(host)}:${address.port}/`,
    port: address.port,
    close: () => {
      closing ??= closeServer(server, options.closeGraceMs ?? 2000)
      return closing
    }
  }
}

async function checkWebDir(webDir: string): Promise<string> {
  try {
    await access(join(webDir, 'index.html'))
    return await realpath(webDir)
  } catch {
    throw new WebAppNotBuiltError(
      `No built web app in ${webDir} (index.html missing). Build it with \`npm run build\`, or pass --web-dir.`
    )
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  webRoot: string,
  configDocument: (request: BootstrapRequest) => HearthConfigDocument
): Promise<void> {
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD')
    send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed')
    return
  }
  const target = req.url ?? '/'
  if (target.split('?', 1)[0] === CONFIG_PATH) {
    res.setHeader('Cache-Control', 'no-store')
    send(res, 200, 'application/json; charset=utf-8', JSON.stringify(configDocument({ host: req.headers.host })))
    return
  }
  const acceptsHtml = (req.headers.accept ?? '').includes('text/html')
  const found = await locateStatic(webRoot, target, acceptsHtml)
  if (found.kind === 'bad-request') {
    send(res, 400, 'text/plain; charset=utf-8', 'Bad Request')
    return
  }
  if (found.kind === 'not-found') {
    send(res, 404, 'text/plain; charset=utf-8', 'Not Found')
    return
  }
  res.writeHead(200, {
    'Content-Type': found.contentType,
    'Content-Length': found.size,
    'Cache-Control': found.cacheControl
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  await pipeline(createReadStream(found.path), res)
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  const bytes = Buffer.from(body, 'utf8')
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': bytes.length })
  res.end(res.req.method === 'HEAD' ? undefined : bytes)
}

/** Unspecified addresses are not openable in a browser; show the loopback one instead. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}

function closeServer(server: ReturnType<typeof createServer>, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    // A response may still be finishing when close() is called; its connection turns idle a
    // moment later, so keep closing idle connections until the grace period runs out.
    const sweep = setInterval(() => {
      server.closeIdleConnections()
    }, 20)
    const deadline = setTimeout(() => {
      server.closeAllConnections()
    }, graceMs)
    server.close(() => {
      clearInterval(sweep)
      clearTimeout(deadline)
      resolve()
    })
    server.closeIdleConnections()
  })
}
