/**
 * The peer cache of a server node: multiaddrs (with `/p2p/<id>`) of peers it
 * was connected to, kept in `<dataDir>/peers.json` so that a restarted node
 * can rejoin without the bootstrap list. A JSON file rather than a libp2p
 * datastore because no maintained file-backed datastore package is a
 * dependency yet; swap in one (and let libp2p's peer store persist) when it is.
 *
 * Node only (node:fs); `node.ts` imports this module lazily.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Libp2p } from '@libp2p/interface'

/** Most addresses kept. */
export const MAX_CACHED_PEERS = 64

/** A loaded peer cache. */
export interface PeerCache {
  /** Cached addresses, newest first. */
  addresses(): readonly string[]
  /** Replace the cache with the addresses of the peers `libp2p` is connected to now (merged with the old ones). */
  save(libp2p: Pick<Libp2p, 'getConnections'>): Promise<void>
}

function isAddressList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length <= 1024)
}

/** Open (or start) the cache in `dataDir`. A missing or corrupt file is an empty cache. */
export async function openPeerCache(dataDir: string): Promise<PeerCache> {
  const file = join(dataDir, 'peers.json')
  let cached: string[] = []
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { peers?: unknown }
    if (isAddressList(parsed.peers)) cached = parsed.peers.filter((a) => a.includes('/p2p/')).slice(0, MAX_CACHED_PEERS)
  } catch {
    cached = []
  }
  return {
    addresses: () => cached,
    async save(libp2p) {
      const fresh = libp2p.getConnections()
        .filter((c) => c.limits === undefined)
        .map((c) => {
          const addr = c.remoteAddr.toString()
          return addr.includes('/p2p/') ? addr : `${addr}/p2p/${c.remotePeer.toString()}`
        })
      cached = [...new Set([...fresh, ...cached])].slice(0, MAX_CACHED_PEERS)
      await mkdir(dataDir, { recursive: true })
      const tmp = `${file}.tmp`
      await writeFile(tmp, `${JSON.stringify({ v: 1, peers: cached }, null, 2)}\n`)
      await rename(tmp, file)
    }
  }
}
