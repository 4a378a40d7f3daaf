// `hearth serve` as one object: the HTTP server for the web app, the libp2p node and the
// archiver on it, started together (cheap checks first: web app built, HTTP port free) and
// stopped together — the archiver's sessions leave and its stores close before the node stops.

import { mkdir } from 'node:fs/promises'
import { browserBootstrap } from './addresses.ts'
import { Archiver } from './archiver.ts'
import type { ServeConfig } from './config.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { startNetwork, type DaemonNetwork, type StartNetworkOptions } from './network.ts'
import { serve, type RunningServer } from './serve.ts'

/** A running daemon. */
export interface RunningDaemon {
  /** Where a browser on this machine opens the app. */
  readonly url: string
  /** The HTTP port actually bound. */
  readonly port: number
  /** The libp2p node. */
  readonly network: DaemonNetwork
  /** The rooms kept live and stored in the data directory; online once `archiver.start()` is called. */
  readonly archiver: Archiver
  /** The daemon's peer id. */
  readonly peerId: string
  /** Its multiaddrs (with `/p2p/<peer id>`) at the moment of the call. */
  multiaddrs(): string[]
  /** What /hearth-config.json lists as `bootstrap` for a page opened on this machine. */
  bootstrap(): string[]
  /** Stop the archiver (leaving every room, closing its stores), then the HTTP server and the node (writing the peer cache), and release the data directory. Idempotent. */
  close(): Promise<void>
}

/** Options of {@link startDaemon} that are not settings. */
export type StartDaemonOptions = StartNetworkOptions

/**
 * Start the daemon: HTTP server, node, and the archiver opened on the data directory (its
 * rooms read, nothing online yet: call `archiver.start(listener)` once ready to report).
 * On failure nothing is left running.
 */
export async function startDaemon(config: ServeConfig, options: StartDaemonOptions = {}): Promise<RunningDaemon> {
  // The data dir holds the daemon's private key: keep it to this user. One daemon per directory.
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 })
  const lock = await lockDataDir(config.dataDir)
  let network: DaemonNetwork | undefined
  let server: RunningServer
  try {
    server = await serve({
      host: config.host,
      port: config.port,
      dataDir: config.dataDir,
      webDir: config.webDir,
      iceServers: config.iceServers,
      bootstrap: ({ host }) => (network === undefined ? [] : browserBootstrap(network.multiaddrs(), host))
    })
  } catch (error) {
    await lock.release()
    throw error
  }
  let archiver: Archiver
  try {
    network = await startNetwork(config, options)
    archiver = await Archiver.open({
      node: network.node, dataDir: config.dataDir, invites: config.archive, acceptRequests: config.acceptArchiveRequests, maxRooms: config.maxRooms
    })
  } catch (error) {
    await Promise.allSettled([network?.stop(), server.close()])
    await lock.release()
    throw error
  }
  const net = network
  let closing: Promise<void> | undefined
  return {
    url: server.url,
    port: server.port,
    network: net,
    archiver,
    peerId: net.peerId,
    multiaddrs: () => net.multiaddrs(),
    bootstrap: () => browserBootstrap(net.multiaddrs(), undefined),
    close: () => {
      closing ??= (async () => {
        const left = await Promise.allSettled([archiver.close()])
        const results = [...left, ...await Promise.allSettled([net.stop(), server.close()])]
        await lock.release()
        const failed = results.find((result) => result.status === 'rejected')
        if (failed !== undefined) throw failed.reason
      })()
      return closing
    }
  }
}
