/**
 * The peer cache of a server node in its data directory: a
 * {@link PeerCacheStore} on the file `<dataDir>/peers.json`,
 * `{ "v": 1, "peers": [multiaddr text with /p2p/…] }` (PROTOCOL.md §10.1;
 * the daemon reads the same file). A JSON file rather than a libp2p datastore
 * because no maintained file-backed datastore package is a dependency yet.
 *
 * Node only (node:fs); `node.ts` imports this module lazily, so a browser
 * bundle never pulls it in (the web app passes its own store).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { cleanPeerAddresses, MAX_CACHED_PEERS, type PeerCacheStore } from './peer-cache-store.ts'

export { MAX_CACHED_PEERS }

/** The peer cache in `dataDir`. A missing or corrupt file loads as an empty cache; saving replaces the file atomically. */
export function filePeerCache(dataDir: string): PeerCacheStore {
  const file = join(dataDir, 'peers.json')
  return {
    async load() {
      try {
        const parsed = JSON.parse(await readFile(file, 'utf8')) as { peers?: unknown } | null
        return cleanPeerAddresses(parsed?.peers)
      } catch {
        return []
      }
    },
    async save(addresses) {
      const peers = cleanPeerAddresses(addresses)
      await mkdir(dataDir, { recursive: true })
      const tmp = `${file}.tmp`
      await writeFile(tmp, `${JSON.stringify({ v: 1, peers }, null, 2)}\n`)
      await rename(tmp, file)
    }
  }
}
