// `hearth serve` as one object: the HTTP server for the web app and the libp2p node, started
// together (cheap checks first: web app built, HTTP port free) and stopped together.

import { browserBootstrap } from './addresses.ts'
import type { ServeConfig } from './config.ts'
import { startNetwork, type DaemonNetwork } from './network.ts'
import { serve, type RunningServer } from './serve.ts'

/** A running daemon. */
export interface RunningDaemon {
  /** Where a browser on this machine opens the app. */
  readonly url: string
  /** The HTTP port actually bound. */
  readonly port: number
  /** The libp2p node. */
  readonly network: DaemonNetwork
  /** The daemon's peer id. */
  readonly peerId: string
  /** Its multiaddrs (with `/p2p/<peer id>`) at the moment of the call. */
  multiaddrs(): string[]
  /** What /hearth-config.json lists as `bootstrap` for a page opened on this machine. */
  bootstrap(): string[]
  /** Stop the HTTP server and the node (writing the peer cache). Idempotent. */
  close(): Promise<void>
}

/** Start the daemon. On failure nothing is left running. */
export async function startDaemon(config: ServeConfig): Promise<RunningDaemon> {
  let network: DaemonNetwork | undefined
  const server: RunningServer = await serve({
    host: config.host,
    port: config.port,
    dataDir: config.dataDir,
    webDir: config.webDir,
    bootstrap: ({ host }) => (network === undefined ? [] : browserBootstrap(network.multiaddrs(), host))
  })
  try {
    network = await startNetwork(config)
  } catch (error) {
    await server.close()
    throw error
  }
  const net = network
  let closing: Promise<void> | undefined
  return {
    url: server.url,
    port: server.port,
    network: net,
    peerId: net.peerId,
    multiaddrs: () => net.multiaddrs(),
    bootstrap: () => browserBootstrap(net.multiaddrs(), undefined),
    close: () => {
      closing ??= (async () => {
        const results = await Promise.allSettled([net.stop(), server.close()])
        const failed = results.find((result) => result.status === 'rejected')
        if (failed !== undefined) throw failed.reason
      })()
      return closing
    }
  }
}
