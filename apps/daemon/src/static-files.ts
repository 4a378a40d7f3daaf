// Maps a request path onto a file of the built web app, refusing anything that could leave
// the web directory (dot-dot segments, encoded or not, backslashes, NULs, symlinks out),
// and falling back to index.html for client-side routes (SPA).

import { realpath, stat } from 'node:fs/promises'
import { extname, join, sep } from 'node:path'

/** What a request path refers to. */
export type StaticTarget = StaticFile | { kind: 'not-found' } | { kind: 'bad-request'; reason: string }

/** A file of the build, ready to be sent. */
export interface StaticFile {
  kind: 'file'
  /** Real, absolute path inside the web directory. */
  path: string
  size: number
  contentType: string
  cacheControl: string
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.webm': 'video/webm'
}

/** Content type for a file name, by extension; unknown types are served as bytes. */
export function contentTypeFor(fileName: string): string {
  return CONTENT_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * Turn the path part of a request target into safe, relative path segments, or explain why
 * not. Decoding happens exactly once, and the checks run on the decoded form, so `%2e%2e`,
 * `%2f` and `%00` cannot smuggle anything past them.
 */
export function parseRequestPath(target: string): { segments: string[] } | { reason: string } {
  const rawPath = target.split(/[?#]/, 1)[0] ?? ''
  if (!rawPath.startsWith('/')) return { reason: 'request target must be a path' }
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return { reason: 'malformed percent-encoding' }
  }
  if (decoded.includes('\0')) return { reason: 'NUL in path' }
  if (decoded.includes('\\')) return { reason: 'backslash in path' }
  const segments = decoded.split('/').filter((segment) => segment !== '')
  if (segments.some((segment) => segment === '..' || segment === '.')) {
    return { reason: 'dot segment in path' }
  }
  return { segments }
}

/**
 * Find the file for a request target inside `webRoot` (which must be a real, absolute path).
 * Unknown paths without a file extension, or asked for as HTML, get index.html so the web
 * app's own router can handle them; a missing asset (`/assets/x.js`) is a plain 404.
 */
export async function locateStatic(webRoot: string, target: string, acceptsHtml: boolean): Promise<StaticTarget> {
  const parsed = parseRequestPath(target)
  if ('reason' in parsed) return { kind: 'bad-request', reason: parsed.reason }
  const { segments } = parsed
  // Dotfiles (.env, .git, …) are never part of a build; do not reveal whether they exist.
  if (segments.some((segment) => segment.startsWith('.'))) return { kind: 'not-found' }

  if (segments.length > 0) {
    const found = await fileInside(webRoot, join(webRoot, ...segments))
    if (found !== undefined) return found
  }
  const last = segments.at(-1) ?? ''
  if (segments.length === 0 || acceptsHtml || extname(last) === '') {
    const index = await fileInside(webRoot, join(webRoot, 'index.html'))
    if (index !== undefined) return { ...index, cacheControl: 'no-cache' }
  }
  return { kind: 'not-found' }
}

async function fileInside(webRoot: string, candidate: string): Promise<StaticFile | undefined> {
  let real: string
  try {
    real = await realpath(candidate)
  } catch {
    return undefined
  }
  // A symlink inside the build must not lead outside it.
  if (!real.startsWith(webRoot + sep)) return undefined
  const info = await stat(real)
  if (!info.isFile()) return undefined
  const relative = real.slice(webRoot.length + 1)
  // Vite puts content-hashed files under assets/; everything else may change between builds.
  const hashed = relative.startsWith(`assets${sep}`)
  return {
    kind: 'file',
    path: real,
    size: info.size,
    contentType: contentTypeFor(real),
    cacheControl: hashed ? 'public, max-age=31536000, immutable' : 'no-cache'
  }
}
