// Test helpers for the daemon: a throwaway built-web-app directory with a secret file placed
// just outside it, and raw HTTP requests that are not normalised by a URL parser.

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Content of a file outside the web directory that must never be served. */
export const SECRET = 'TOP-SECRET-do-not-serve-4711'

/** A temporary layout: `<root>/web` (the build), `<root>/data`, `<root>/secret.txt`. */
export interface WebFixture {
  root: string
  webDir: string
  dataDir: string
  cleanup(): Promise<void>
}

/** Create a fake build with index.html, a hashed asset, a dotfile and a symlink pointing out. */
export async function makeWebFixture(): Promise<WebFixture> {
  const root = await mkdtemp(join(tmpdir(), 'hearth-daemon-test-'))
  const webDir = join(root, 'web')
  await mkdir(join(webDir, 'assets'), { recursive: true })
  await writeFile(join(webDir, 'index.html'), '<!doctype html><title>Hearth test</title><div id="root"></div>')
  await writeFile(join(webDir, 'assets', 'app-abc123.js'), 'console.log("hearth")')
  await writeFile(join(webDir, 'assets', 'style-abc123.css'), 'body{color:red}')
  await writeFile(join(webDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  await writeFile(join(webDir, '.env'), SECRET)
  await writeFile(join(root, 'secret.txt'), SECRET)
  await symlink(join(root, 'secret.txt'), join(webDir, 'leak.txt'))
  return {
    root,
    webDir,
    dataDir: join(root, 'data', 'nested'),
    cleanup: () => rm(root, { recursive: true, force: true })
  }
}

/** Response of a raw request. */
export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** GET `path` exactly as written (node:http sends the path verbatim). */
export function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Send bytes over a plain socket and return everything the server answers. */
export function rawSocket(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end(payload))
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'))
    })
    socket.on('error', reject)
  })
}
