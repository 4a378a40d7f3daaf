/**
 * Helpers for multi-node tests: a swarm of loopback server nodes, and a
 * wait-for-condition helper (tests never sleep a fixed time or assert on
 * speed; they wait generously for a condition and fail with a description).
 */
import { afterEach } from 'vitest'
import { createHearthNode, loopbackTestConfig, type HearthNode, type HearthNodeConfig } from '../src/index.ts'

/** Wait until `condition` holds (polling), or fail after `timeoutMs` naming `what`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Run `fn` with an AbortSignal that fires after `ms`. */
export function deadline(ms: number): AbortSignal {
  return AbortSignal.timeout(ms)
}

/** Start `n` server nodes on 127.0.0.1 and connect them in a sparse, connected graph. */
export async function startSwarm(
  n: number,
  extra: (i: number) => Partial<HearthNodeConfig> = () => ({})
): Promise<HearthNode[]> {
  const nodes: HearthNode[] = []
  for (let i = 0; i < n; i++) {
    nodes.push(await createHearthNode({ ...loopbackTestConfig(), profile: 'server', ...extra(i) }))
  }
  await connectSparse(nodes)
  return nodes
}

/**
 * Node i dials node i−1 and one earlier node chosen by a fixed rule: a
 * connected graph where most pairs are not directly connected, so DHT and
 * gossip must route through others.
 */
export async function connectSparse(nodes: readonly HearthNode[]): Promise<void> {
  const dials: Promise<unknown>[] = []
  nodes.forEach((node, i) => {
    if (i === 0) return
    for (const t of new Set([i - 1, (i * 7 + 3) % i])) {
      const target = nodes[t]
      if (target !== undefined) dials.push(dial(node, target))
    }
  })
  await Promise.all(dials)
}

/** Dial `b` from `a` by its listen addresses, retrying a couple of times. */
export async function dial(a: HearthNode, b: HearthNode): Promise<void> {
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await a.libp2p.dial(b.libp2p.getMultiaddrs())
      return
    } catch (err) {
      lastError = err
    }
  }
  throw lastError
}

/** Stop every node, ignoring errors of already-stopped ones. */
export async function stopAll(nodes: readonly { stop(): void | Promise<void> }[]): Promise<void> {
  await Promise.all(nodes.map((n) => Promise.resolve().then(() => n.stop()).catch(() => undefined)))
}

/**
 * For one test file: `running`, nodes stopped after each test (this registers the afterEach
 * hook), and `start`, `createHearthNode` adding the node to `running`.
 */
export function nodesStoppedAfterEach(): { running: HearthNode[]; start: typeof createHearthNode } {
  const running: HearthNode[] = []
  afterEach(async () => {
    await stopAll(running.splice(0))
  }, 30_000)
  const start: typeof createHearthNode = async (...args) => {
    const node = await createHearthNode(...args)
    running.push(node)
    return node
  }
  return { running, start }
}

/** Two loopback server nodes, the first having dialled the second; both pushed onto `running` (to stop them). */
export async function connectedPair(running: { push(...nodes: HearthNode[]): unknown }): Promise<[HearthNode, HearthNode]> {
  const a = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
  const b = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
  running.push(a, b)
  await dial(a, b)
  return [a, b]
}

/** A node's GossipSub score of `peer` (the class method the GossipSub interface does not declare). */
export function scoreOf(node: HearthNode, peer: string): number {
  const pubsub = node.libp2p.services.pubsub as unknown as { getScore(peer: string): number }
  return pubsub.getScore(peer)
}

/** Whether two nodes hold a connection. */
export function connected(a: HearthNode, b: HearthNode): boolean {
  return a.libp2p.getConnections(b.libp2p.peerId).length > 0
}
