// The libp2p side of `hearth serve`: a Hearth node with the `server` profile (TCP and
// WebSockets listeners, circuit-relay server, Kademlia DHT server, GossipSub), the daemon's
// persistent key, its peer cache in the data directory, and no public STUN unless configured.

import { createHearthNode, loopbackTestConfig, type HearthNode } from '@hearth/net'
import { listenAddresses, rtcBindAddress } from './addresses.ts'
import type { ServeConfig } from './config.ts'
import { NetworkStartError } from './errors.ts'
import { loadOrCreateNodeKey } from './node-key.ts'

/** A running daemon node. */
export interface DaemonNetwork {
  /** The node itself (for tests and later commands). */
  readonly node: HearthNode
  /** The daemon's peer id, stable across restarts on the same data dir. */
  readonly peerId: string
  /** Whether this start created the key (a new peer id). */
  readonly newKey: boolean
  /** The node's current multiaddrs, each ending in `/p2p/<peer id>`. */
  multiaddrs(): string[]
  /** Stop the node, writing the peer cache; rejects if that takes longer than `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>
}

type NetworkConfig = Pick<
  ServeConfig,
  'dataDir' | 'p2pHost' | 'tcpPort' | 'wsPort' | 'listen' | 'announce' | 'bootstrap' | 'iceServers'
>

/** Options of {@link startNetwork} that are not settings of `hearth serve`. */
export interface StartNetworkOptions {
  /**
   * Tests only (env `HEARTH_TEST_LOOPBACK=1`, not in `--help`): libp2p's insecure loopback
   * overrides from `loopbackTestConfig` (private addresses kept in the DHT, no per-host
   * limits for 127.0.0.1), without which daemons on one machine's loopback cannot find
   * each other's rooms. Never for production. @default false
   */
  readonly insecureTestLoopback?: boolean
}

/** Start the daemon's libp2p node. Rejects with NodeKeyError or NetworkStartError. */
export async function startNetwork(config: NetworkConfig, options: StartNetworkOptions = {}): Promise<DaemonNetwork> {
  const key = await loadOrCreateNodeKey(config.dataDir)
  const bind = rtcBindAddress(config)
  let node: HearthNode
  try {
    node = await createHearthNode({
      profile: 'server',
      privateKey: key.privateKey,
      listen: listenAddresses(config),
      ...(config.announce.length > 0 ? { announce: config.announce } : {}),
      bootstrap: config.bootstrap,
      // Always a list: leaving it unset would make libp2p use public STUN servers.
      iceServers: config.iceServers,
      ...(bind !== undefined ? { rtcBindAddress: bind } : {}),
      dataDir: config.dataDir,
      ...(options.insecureTestLoopback === true ? { insecureTestOverrides: loopbackTestConfig().insecureTestOverrides } : {})
    })
  } catch (error) {
    throw new NetworkStartError(describeStartError(error as Error))
  }
  const peerId = node.libp2p.peerId.toString()
  let stopping: Promise<void> | undefined
  return {
    node,
    peerId,
    newKey: key.created,
    multiaddrs: () => node.libp2p.getMultiaddrs().map((addr) => {
      const text = addr.toString()
      return text.includes('/p2p/') ? text : `${text}/p2p/${peerId}`
    }),
    stop: (timeoutMs = 5000) => {
      stopping ??= withTimeout(node.stop(), timeoutMs, `the libp2p node did not stop within ${timeoutMs} ms`)
      return stopping
    }
  }
}

/**
 * libp2p reports listen failures as one long message with a stack per address; keep the
 * address and the reason, and say which setting to change.
 */
export function describeStartError(error: Error): string {
  const failures = [...error.message.matchAll(/^\s*(\/\S+): (?:\w*Error: )?(.+)$/gm)].map(([, addr, reason]) => `${addr ?? ''}: ${reason ?? ''}`)
  if (failures.length === 0) return `Cannot start the libp2p node: ${error.message}`
  const inUse = failures.some((line) => line.includes('EADDRINUSE'))
  const hint = inUse ? ' (already in use; choose other ports with --tcp-port and --ws-port)' : ' (check --p2p-host and --listen)'
  return `Cannot listen for peers on ${failures.join('; ')}${hint}`
}

async function withTimeout(promise: Promise<void>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(message))
    }, ms)
  })
  try {
    await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
