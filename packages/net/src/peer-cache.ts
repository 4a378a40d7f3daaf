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
  /**
   * Replace the cache with the addresses of the peers `libp2p` is connected
   * to now (merged with the old ones): the address we dialled for outbound
   * connections; for inbound ones (whose remote address is the other side's
   * ephemeral source port, not dialable) the listen addresses the peer told
   * us through identify.
   */
  save(libp2p: Pick<Libp2p, 'getConnections' | 'peerStore'>): Promise<void>
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
      const withPeer = (addr: string, peer: string): string => (addr.includes('/p2p/') ? addr : `${addr}/p2p/${peer}`)
      const fresh: string[] = []
      for (const c of libp2p.getConnections()) {
        if (c.limits !== undefined) continue
        const peer = c.remotePeer.toString()
        if (c.direction === 'outbound') {
          fresh.push(withPeer(c.remoteAddr.toString(), peer))
          continue
        }
        const known = await libp2p.peerStore.get(c.remotePeer).catch(() => undefined)
        for (const { multiaddr } of known?.addresses ?? []) {
          const text = multiaddr.toString()
          if (!text.includes('/p2p-circuit')) fresh.push(withPeer(text, peer))
        }
      }
      cached = [...new Set([...fresh, ...cached])].slice(0, MAX_CACHED_PEERS)
      await mkdir(dataDir, { recursive: true })
      const tmp = `${file}.tmp`
      await writeFile(tmp, `${JSON.stringify({ v: 1, peers: cached }, null, 2)}\n`)
      await rename(tmp, file)
    }
  }
}
