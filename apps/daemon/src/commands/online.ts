// "Go online": the one place the headless client starts a network node for the commands
// that talk to peers (room join, send, read --sync, tail, mod). A short-lived libp2p node
// (server transports so it can dial a daemon's TCP address, Kademlia in client mode since its
// records would vanish with the process, no third-party STUN), a Libp2pRoomNetwork serving the
// local rooms to peers' sync, and a bounded dial of the bootstrap peers. Rooms then go live
// through room-live.ts. Test-only libp2p settings come only from HEARTH_TEST_LOOPBACK=1.

import { readFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join, resolve } from 'node:path'
import { serveSyncConversation } from '@hearth/client'
import { createHearthNode, Libp2pRoomNetwork, loopbackTestConfig, type HearthNode, type HearthNodeConfig } from '@hearth/net'
import { multiaddr } from '@multiformats/multiaddr'
import { loadConfigFile } from '../config.ts'
import { UsageError } from '../errors.ts'
import { parseDuration } from './arg-values.ts'
import type { CommandContext, OptionSpec } from './command.ts'
import type { LocalState } from './local-state.ts'

/** How long an online command looks for peers and syncs unless --wait says otherwise. */
export const DEFAULT_WAIT = '10s'

/** Sub-directory of the data directory for the client node's own peer cache (`peers.json`). */
export const CLIENT_NET_DIR = 'client'

/** Env var that switches the client node to loopbackTestConfig()'s insecure overrides. Tests only. */
export const TEST_LOOPBACK_ENV = 'HEARTH_TEST_LOOPBACK'

/** The options of every command that goes online. */
export const ONLINE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'bootstrap', type: 'string', multiple: true, value: '<multiaddr>',
    help: 'Peer to join the network through, …/p2p/<peer id> (repeatable; env HEARTH_BOOTSTRAP; default: the peer caches in the data dir)'
  },
  { name: 'p2p-host', type: 'string', value: '<ip>', help: 'IP this client listens on for peers (default 127.0.0.1; 0.0.0.0 lets other machines dial you)' },
  { name: 'p2p-port', type: 'string', value: '<port>', help: 'TCP port this client listens on (default 0: any free port)' },
  { name: 'wait', type: 'string', value: '<duration>', help: `How long to look for peers and sync before giving up (default ${DEFAULT_WAIT})` }
]

/** A running client node with its room network. */
export interface Online {
  readonly node: HearthNode
  readonly network: Libp2pRoomNetwork
  readonly peerId: string
  /** Budget for finding peers and syncing, in ms (--wait). */
  readonly waitMs: number
  /** Bootstrap peers dialled successfully at start. */
  readonly bootstrapped: number
  /** This node's addresses, each with /p2p/<peer id>. */
  multiaddrs(): string[]
  /** Leave every room, stop the node (saving the peer cache). Idempotent. */
  close(): Promise<void>
}

/** Start the client node for `state`'s data directory, per the command's online options. */
export async function goOnline(ctx: CommandContext, state: LocalState): Promise<Online> {
  const { args, io } = ctx
  const waitMs = parseDuration(args.string('wait') ?? DEFAULT_WAIT, 'wait')
  const host = (args.string('p2p-host') ?? '127.0.0.1').trim()
  const family = isIP(host)
  if (family === 0) throw new UsageError(`--p2p-host ${JSON.stringify(host)} is not an IP address`)
  const portText = args.string('p2p-port') ?? '0'
  const port = /^\d{1,5}$/.test(portText.trim()) ? Number(portText) : Number.NaN
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--p2p-port must be a port number from 0 to 65535, got ${JSON.stringify(portText)}`)
  const bootstrap = await bootstrapList(ctx, state)
  const wildcard = host === '0.0.0.0' || host === '::'
  const test = io.env[TEST_LOOPBACK_ENV] === '1' ? loopbackTestConfig('server') : undefined
  const config: HearthNodeConfig = {
    profile: 'server',
    // A CLI process comes and goes: it asks the DHT, it does not serve it.
    dhtClientMode: true,
    listen: [`/ip${family}/${host}/tcp/${port}`],
    bootstrap,
    // Always a list: unset, libp2p would contact public STUN servers.
    iceServers: [],
    ...(wildcard ? {} : { rtcBindAddress: host }),
    dataDir: join(state.dataDir, CLIENT_NET_DIR),
    ...(test?.insecureTestOverrides !== undefined ? { insecureTestOverrides: test.insecureTestOverrides } : {})
  }
  const node = await createHearthNode(config)
  const debug = io.env.HEARTH_DEBUG !== undefined
  let network: Libp2pRoomNetwork
  try {
    network = await Libp2pRoomNetwork.start(node, {
      respond: (stream, replicas) => serveSyncConversation(stream, replicas),
      observer: { error: (err, context) => { if (debug) io.stderr(`hearth: network: ${context}: ${String(err)}`) } }
    })
  } catch (error) {
    await node.stop().catch(() => undefined)
    throw error
  }
  const peerId = node.libp2p.peerId.toString()
  const bootstrapped = await dialAll(node, bootstrap, Math.min(waitMs, 5_000))
  if (bootstrap.length === 0) {
    ctx.out.note('No peers to join the network through: pass --bootstrap <multiaddr> (or set HEARTH_BOOTSTRAP), e.g. the address "hearth serve" prints.')
  } else if (bootstrapped === 0) {
    ctx.out.note(`None of the ${bootstrap.length} bootstrap peer${bootstrap.length === 1 ? '' : 's'} answered; carrying on with what else can be found.`)
  }
  let closing: Promise<void> | undefined
  return {
    node,
    network,
    peerId,
    waitMs,
    bootstrapped,
    multiaddrs: () => node.libp2p.getMultiaddrs().map((addr) => {
      const text = addr.toString()
      return text.includes('/p2p/') ? text : `${text}/p2p/${peerId}`
    }),
    close: () => {
      // Leaving waits for a DHT announcement still under way, which can take a minute with no
      // DHT server around; a CLI process does not wait for it (the record just expires).
      closing ??= (async () => {
        await within(network.stop(), 1_500)
        await within(node.stop(), 5_000)
      })()
      return closing
    }
  }
}

/** Wait for `promise` at most `ms`; its failure or lateness is not the caller's concern. */
export async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    promise.then(() => undefined, () => undefined),
    new Promise<void>((done) => { timer = setTimeout(done, ms) })
  ])
  clearTimeout(timer)
}

/** Run `fn` online, always closing the node afterwards. */
export async function withOnline<T>(ctx: CommandContext, state: LocalState, fn: (online: Online) => Promise<T>): Promise<T> {
  const online = await goOnline(ctx, state)
  try {
    return await fn(online)
  } finally {
    await online.close()
  }
}

/**
 * Bootstrap peers: --bootstrap, else HEARTH_BOOTSTRAP, else the --config file's list; when
 * none is given, the daemon's peer cache in the data directory. (The client's own cache,
 * `client/peers.json`, is added by the node itself.)
 */
async function bootstrapList(ctx: CommandContext, state: LocalState): Promise<string[]> {
  const fromFlags = ctx.args.strings('bootstrap').flatMap(splitList)
  const fromEnv = splitList(ctx.io.env.HEARTH_BOOTSTRAP ?? '')
  const configPath = ctx.args.string('config')
  const fromFile = fromFlags.length > 0 || fromEnv.length > 0 || configPath === undefined ? [] : [...(await loadConfigFile(resolve(ctx.io.cwd, configPath))).bootstrap ?? []]
  const given = fromFlags.length > 0 ? fromFlags : fromEnv.length > 0 ? fromEnv : fromFile
  for (const addr of given) {
    let parsed
    try {
      parsed = multiaddr(addr)
    } catch {
      throw new UsageError(`bootstrap address ${JSON.stringify(addr)} is not a multiaddr`)
    }
    if (parsed.getComponents().every((c) => c.name !== 'p2p')) throw new UsageError(`bootstrap address ${addr} must end in /p2p/<peer id>`)
  }
  return given.length > 0 ? given : daemonPeerCache(state.dataDir)
}

function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((item) => item !== '')
}

/** The daemon's `peers.json` in the data directory, read only (it is the daemon's file). */
async function daemonPeerCache(dataDir: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, 'peers.json'), 'utf8')) as { peers?: unknown }
    const peers = Array.isArray(parsed.peers) ? parsed.peers : []
    return peers.filter((a): a is string => typeof a === 'string' && a.includes('/p2p/') && a.length <= 1024).slice(0, 64)
  } catch {
    return []
  }
}

/**
 * Dial every bootstrap peer now, in parallel, for at most `ms` (libp2p's bootstrap discovery
 * would only start after a delay), and wait for identify, so the DHT has them in its routing
 * table before a room is looked up. Resolves with how many were reached; none is not an error.
 */
async function dialAll(node: HearthNode, addrs: readonly string[], ms: number): Promise<number> {
  if (addrs.length === 0) return 0
  const signal = AbortSignal.timeout(ms)
  const { libp2p } = node
  const results = await Promise.allSettled(addrs.map(async (addr) => {
    const connection = await libp2p.dial(multiaddr(addr), { signal })
    // Identify tells us the peer's protocols (the DHT adds it to its routing table then).
    for (let i = 0; i < 20 && !signal.aborted; i++) {
      const peer = await libp2p.peerStore.get(connection.remotePeer).catch(() => undefined)
      if (peer !== undefined && peer.protocols.length > 0) break
      await new Promise((done) => setTimeout(done, 50))
    }
    return connection.remotePeer.toString()
  }))
  return new Set(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))).size
}
