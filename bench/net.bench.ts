/**
 * The network layer (packages/net) on real libp2p nodes in this process: a
 * swarm of 30 server-profile nodes (8 with BENCH_QUICK=1) on TCP loopback,
 * `loopbackTestConfig()`, no ICE servers, connected sparsely (node i dials
 * i−1 and one earlier node), every node in one room (`RoomGossip.join`) and
 * announcing it in the DHT (`announceRoom`), as a room's members do.
 *
 * All nodes share this process's event loop (and this machine's 2 cores),
 * so latencies include the whole swarm's CPU work: every hop's signature
 * check (GossipSub verifies every copy it receives, duplicates included,
 * before its message-id dedup), the topic validators, the DHT. Figures are
 * an upper bound on what one peer per machine would see, and comparable
 * across runs. p99 rows have 100 (gossip) or 12 (DHT) samples: the DHT p99
 * is the slowest lookup.
 *
 * Rows (latencies are in ms, against the same run's loopback round trip):
 * - net.ping.rtt.p50 (ms): median of libp2p pings between directly connected
 *   swarm nodes (stream open, 32 bytes there and back), timed here with
 *   performance.now (ping's own figure is whole milliseconds). The baseline
 *   of every latency row: "gossip p50 = k × one hop RTT".
 * - net.gossip.all.p50 / .p99 (ms): time from `RoomGossip.publish` on the
 *   events topic (200-byte messages, publishers in turn, one message in
 *   flight) until the last of the other N−1 peers' room handlers got it.
 * - net.gossip.each.p50 (ms): the same, to each peer (every delivery pooled).
 * - net.gossip.app-copies (copies/peer): handler calls per message per
 *   receiving peer. 1 means no loss and no duplicate delivered to the app
 *   (message-id dedup); the number of duplicates is logged. (A plain
 *   "duplicates" row would read 0, which the smoke test refuses.)
 * - net.gossip.wire-copies (copies/peer): copies GossipSub received per
 *   message per receiving peer, duplicates it dropped included (counted by
 *   wrapping each node's message cache `observeDuplicate`, which GossipSub
 *   calls once per duplicate; Hearth exposes no gossipsub metrics registry).
 *   Baseline: net.gossip.app-copies, so the ratio is wire copies per delivery.
 * - net.dht.find.p50 / .p99 (ms): `findRoomPeers` until it has all 3 of a
 *   room's peers (a fresh room each time, provided by 3 swarm nodes), run in
 *   turn by 4 (quick: 2) nodes outside the room in DHT client mode, as a
 *   browser is, each connected to 2 swarm nodes. (A swarm node is a DHT
 *   server: with k = 20 and ≤ 30 nodes it mostly holds the provider records
 *   itself, and its lookup is a local read, 0 hops.)
 * - net.dht.find.queried (peers): peers sent a GET_PROVIDERS by one such
 *   lookup (mean), from the query's SEND_QUERY events.
 * - net.dht.find.hops (hops): mean depth at which the last of the 3 peers
 *   was found: 0 = held locally, 1 = a peer from our routing table had it,
 *   2 = a peer named by one of those, ... (from PEER_RESPONSE `closer` lists).
 * - net.join.find.p50 (ms): a fresh node's `findRoomPeers` for the swarm's
 *   room (its routing table starts with only the bootstrap node), until it
 *   has 3 of the room's peers; median of 5 joins (quick: 2). Baseline:
 *   net.dht.find.p50 (a cold lookup against a warm one).
 * - net.join.first-message.p50 (ms): a fresh node from start to the first
 *   room message its handler receives: start libp2p, dial one bootstrap node,
 *   find 3 of the room's peers in the DHT, dial them, join the room
 *   (subscribe), receive a message (the swarm publishes one every 50 ms, or
 *   every 3 × net.gossip.all.p50 if that is longer, so that it is not
 *   saturated). The breakdown is logged. A fresh kad-dht node runs no query
 *   before its initial self-query, 1 s after start (kad-dht's
 *   `initialQuerySelfInterval`, which createHearthNode does not set): that
 *   second is part of the find step.
 */
import {
  announceRoom,
  createHearthNode,
  findRoomPeers,
  loopbackTestConfig,
  RoomGossip,
  type GossipVerdict,
  type HearthNode,
  type QueryOptions,
  type RoomGossipHandler
} from '@hearth/net'
import { sha256, utf8 } from '@hearth/protocol'
import { formatNumber, type BenchContext, type BenchModule, type Row } from './harness.ts'

type QueryEvent = Parameters<NonNullable<QueryOptions['onQueryEvent']>>[0]

interface Sizes {
  /** Swarm nodes. */
  readonly nodes: number
  /** Timed gossip messages (after warm-up ones). */
  readonly messages: number
  /** Pings for the RTT baseline. */
  readonly pings: number
  /** DHT lookups, one fresh room each. */
  readonly lookups: number
  /** DHT-client nodes outside the room that run the lookups, in turn. */
  readonly finders: number
  /** Fresh nodes joining the room. */
  readonly joins: number
}

const FULL: Sizes = { nodes: 30, messages: 100, pings: 60, lookups: 12, finders: 4, joins: 5 }
const QUICK: Sizes = { nodes: 8, messages: 20, pings: 20, lookups: 6, finders: 2, joins: 2 }

const MESSAGE_BYTES = 200
const WARMUP_MESSAGES = 5
const PROVIDERS_PER_ROOM = 3
const JOIN_PEERS = 3
/** The room's traffic while a node joins: one message per this many ms, or 3 × the gossip p50 if longer (not to saturate the swarm). */
const JOIN_PUBLISH_INTERVAL_MS = 50
/** Any single step taking longer than this fails the module (something is broken, not slow). */
const STEP_TIMEOUT_MS = 15_000

function fail(what: string): never {
  throw new Error(`net bench: ${what}`)
}

function seed(label: string): Uint8Array {
  return sha256(utf8(`hearth/net-bench/${label}`))
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) fail('percentile of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[Math.min(sorted.length, rank) - 1]!
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = STEP_TIMEOUT_MS, intervalMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) fail(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(intervalMs)
  }
}

function startNode(dhtClientMode = false): Promise<HearthNode> {
  return createHearthNode({
    ...loopbackTestConfig(),
    profile: 'server',
    listen: ['/ip4/127.0.0.1/tcp/0'],
    iceServers: [],
    dhtClientMode
  })
}

async function dial(a: HearthNode, b: HearthNode): Promise<void> {
  let last: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await a.libp2p.dial(b.libp2p.getMultiaddrs())
      return
    } catch (err) {
      last = err
    }
  }
  throw last
}

/** Run `fn` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** A message: 4-byte sequence number, then filler. */
function message(seq: number): Uint8Array {
  const bytes = new Uint8Array(MESSAGE_BYTES)
  crypto.getRandomValues(bytes)
  new DataView(bytes.buffer).setUint32(0, seq)
  return bytes
}

function seqOf(bytes: Uint8Array): number {
  return bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0) : -1
}

/** One node's room: records when each message reached its handler, and how often. */
class Inbox implements RoomGossipHandler {
  /** seq → performance.now() of the first delivery. */
  readonly firstAt = new Map<number, number>()
  /** Handler calls in total (duplicates included). */
  deliveries = 0
  /** Called on every delivery (the join phase listens here). */
  onDelivery: ((seq: number, at: number) => void) | undefined
  onAuthority(): GossipVerdict {
    return 'accept'
  }
  onEvent(bytes: Uint8Array): GossipVerdict {
    const at = performance.now()
    const seq = seqOf(bytes)
    this.deliveries++
    if (!this.firstAt.has(seq)) this.firstAt.set(seq, at)
    this.onDelivery?.(seq, at)
    return 'accept'
  }
  onSignal(): GossipVerdict {
    return 'accept'
  }
}

/**
 * Count the duplicates a node's GossipSub drops: it calls its message cache's
 * `observeDuplicate` once per duplicate received. Returns a reader, or
 * undefined when this GossipSub has no such hook (the row is then left out).
 */
function countDuplicates(node: HearthNode): (() => number) | undefined {
  const mcache = (node.libp2p.services.pubsub as unknown as { mcache?: { observeDuplicate?: unknown } }).mcache
  const original = mcache?.observeDuplicate
  if (mcache === undefined || typeof original !== 'function') return undefined
  let count = 0
  mcache.observeDuplicate = function (this: unknown, ...args: unknown[]): unknown {
    count++
    return (original as (...a: unknown[]) => unknown).apply(this, args)
  }
  return () => count
}

/** Peers in a node's DHT routing table (kad-dht's single-DHT class has it; the KadDHT interface does not declare it). */
function routingTableSize(node: HearthNode): number {
  return (node.libp2p.services.dht as unknown as { routingTable?: { size: number } }).routingTable?.size ?? fail('kad-dht exposes no routingTable')
}

/**
 * One libp2p ping from a to b, timed here (ping's own figure is whole ms).
 * Ping allows one outbound stream per connection and kad-dht pings routing
 * table contacts too: when that collides, wait and try again (untimed).
 */
async function pingOnce(a: HearthNode, b: HearthNode): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const start = performance.now()
    try {
      await a.libp2p.services.ping.ping(b.libp2p.peerId, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) })
      return performance.now() - start
    } catch (err) {
      if (attempt >= 20 || !(err instanceof Error) || err.name !== 'TooManyOutboundProtocolStreamsError') throw err
      await sleep(10)
    }
  }
}

interface Lookup {
  readonly ms: number
  readonly queried: number
  /** Depth at which the last wanted peer was found (0 = local). */
  readonly hops: number
  readonly found: number
  /** When the first query message left (kad-dht holds queries until its initial self-query has run). */
  readonly firstQueryMs: number
}

/** A room peer as `findRoomPeers` yields it. */
type RoomPeer = ReturnType<typeof findRoomPeers> extends AsyncGenerator<infer P> ? P : never

/** `findRoomPeers` until `want` peers are found (pushed to `found`), with query statistics. */
async function lookup(node: HearthNode, room: Uint8Array, want: number, found: RoomPeer[] = []): Promise<Lookup> {
  const self = node.libp2p.peerId.toString()
  const depth = new Map<string, number>([[self, 0]])
  const named = new Map<string, number>()
  let queried = 0
  let hops = 0
  let firstQueryAt = NaN
  const pending = new Set<string>()
  const onQueryEvent = (event: QueryEvent): void => {
    switch (event.name) {
      case 'SEND_QUERY': {
        const to = event.to.toString()
        if (queried === 0) firstQueryAt = performance.now()
        queried++
        if (!depth.has(to)) depth.set(to, named.get(to) ?? 1)
        break
      }
      case 'PEER_RESPONSE': {
        const d = depth.get(event.from.toString()) ?? 1
        for (const peer of event.closer) {
          const id = peer.id.toString()
          if (!named.has(id)) named.set(id, d + 1)
        }
        break
      }
      case 'PROVIDER': {
        const d = depth.get(event.from.toString()) ?? 1
        for (const peer of event.providers) {
          const id = peer.id.toString()
          if (id !== self && !pending.has(id)) {
            pending.add(id)
            hops = Math.max(hops, d)
          }
        }
        break
      }
      default:
        break
    }
  }
  const start = performance.now()
  for await (const peer of findRoomPeers(node.libp2p, room, { limit: want, onQueryEvent, signal: AbortSignal.timeout(STEP_TIMEOUT_MS) })) found.push(peer)
  const end = performance.now()
  return { ms: end - start, queried, hops, found: found.length, firstQueryMs: (Number.isNaN(firstQueryAt) ? end : firstQueryAt) - start }
}

export const netBench: BenchModule = {
  name: 'net',
  async run(ctx: BenchContext): Promise<Row[]> {
    const size = ctx.quick ? QUICK : FULL
    const n = size.nodes
    const nodes: HearthNode[] = []
    const finders: HearthNode[] = []
    const joiners: HearthNode[] = []
    const timers = new Set<ReturnType<typeof setInterval>>()
    try {
      // --- The swarm ---------------------------------------------------------------
      let t = performance.now()
      for (let i = 0; i < n; i += 8) {
        nodes.push(...await Promise.all(Array.from({ length: Math.min(8, n - i) }, () => startNode())))
      }
      const dials: Promise<void>[] = []
      nodes.forEach((node, i) => {
        if (i > 0) for (const j of new Set([i - 1, (i * 7 + 3) % i])) dials.push(dial(node, nodes[j]!))
      })
      // The DHT lookups' vantage points, started now so that their initial self-query (1 s after start) is long done.
      finders.push(...await Promise.all(Array.from({ length: size.finders }, () => startNode(true))))
      finders.forEach((f, k) => { for (const j of new Set([(k * 13 + 5) % n, (k * 13 + 11) % n])) dials.push(dial(f, nodes[j]!)) })
      const phases: string[] = [`start ${formatNumber(performance.now() - t)}`]
      let tp = performance.now()
      const phase = (name: string): void => {
        const now = performance.now()
        phases.push(`${name} ${formatNumber(now - tp)}`)
        tp = now
      }
      await Promise.all(dials)
      phase('connect')
      await waitFor('every DHT routing table to hold 2 peers', () => [...nodes, ...finders].every((x) => routingTableSize(x) >= 2))
      phase('routing tables')
      const room = seed('room')
      await pool(nodes, 8, async (x) => { await announceRoom(x.libp2p, room, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) }) })
      phase('announce')
      const inboxes = nodes.map(() => new Inbox())
      const gossips = nodes.map((x) => new RoomGossip(x))
      gossips.forEach((g, i) => { g.join(room, inboxes[i]!) })
      const dupCounters = nodes.map(countDuplicates)
      await waitFor('every node to have an events mesh peer', () => gossips.every((g) => g.meshPeers(room, 'events').length > 0))
      phase('mesh')
      const connections = nodes.reduce((sum, x) => sum + x.libp2p.getConnections().length, 0) / n
      const meshSize = mean(gossips.map((g) => g.meshPeers(room, 'events').length))
      ctx.log(`  swarm: ${n} nodes up, announced and meshed in ${formatNumber(performance.now() - t)} ms (${phases.join(', ')}; ${formatNumber(connections)} connections/node, events mesh ${formatNumber(meshSize)} peers/node)`)

      // --- Baseline: one loopback round trip -----------------------------------------
      const rtts: number[] = []
      for (let k = 0; k < size.pings; k++) {
        const a = nodes[(k % (n - 1)) + 1]!
        const b = nodes[k % (n - 1)]! // node i always dialled i−1: a connection exists
        rtts.push(await pingOnce(a, b))
      }
      const rtt = percentile(rtts, 50)
      ctx.log(`  net.ping.rtt: p50 ${formatNumber(rtt)} ms, p99 ${formatNumber(percentile(rtts, 99))} ms`)

      // --- Gossip delivery -----------------------------------------------------------
      let seq = 0
      const sendOne = async (publisher: number): Promise<{ all: number, each: number[] }> => {
        const s = seq++
        const start = performance.now()
        await gossips[publisher]!.publish(room, 'events', message(s))
        const others = inboxes.filter((_, i) => i !== publisher)
        await waitFor(`message ${s} to reach all ${n - 1} peers`, () => others.every((x) => x.firstAt.has(s)), STEP_TIMEOUT_MS, 1)
        const each = others.map((x) => x.firstAt.get(s)! - start)
        return { all: Math.max(...each), each }
      }
      for (let k = 0; k < WARMUP_MESSAGES; k++) await sendOne(k % n)
      await sleep(100)
      const dupsBefore = dupCounters.map((c) => c?.() ?? 0)
      const deliveriesBefore = inboxes.map((x) => x.deliveries)
      const allTimes: number[] = []
      const eachTimes: number[] = []
      t = performance.now()
      for (let k = 0; k < size.messages; k++) {
        const r = await sendOne((k * 7 + 1) % n)
        allTimes.push(r.all)
        eachTimes.push(...r.each)
      }
      const gossipMs = performance.now() - t
      await sleep(300) // late duplicates
      const receptions = size.messages * (n - 1)
      const appDeliveries = inboxes.reduce((sum, x, i) => sum + x.deliveries - deliveriesBefore[i]!, 0)
      const appCopies = appDeliveries / receptions
      const rawDuplicates = dupCounters.every((c) => c !== undefined)
        ? dupCounters.reduce((sum, c, i) => sum + c() - dupsBefore[i]!, 0)
        : undefined
      ctx.log(`  net.gossip: ${size.messages} messages in ${formatNumber(gossipMs)} ms; to all: p50 ${formatNumber(percentile(allTimes, 50))} ms, p99 ${formatNumber(percentile(allTimes, 99))} ms; each: p50 ${formatNumber(percentile(eachTimes, 50))} ms`)
      ctx.log(`  net.gossip: ${appDeliveries - receptions} duplicates delivered to the app (${formatNumber(appCopies)} copies/peer); ` +
        (rawDuplicates === undefined ? 'raw duplicates not countable' : `${rawDuplicates} duplicates dropped by GossipSub (${formatNumber(rawDuplicates / size.messages)} per message)`))

      // --- DHT lookups ---------------------------------------------------------------
      const lookups: Lookup[] = []
      const rooms = Array.from({ length: size.lookups }, (_, r) => seed(`dht-room-${r}`))
      const providersOf = (r: number): number[] => Array.from({ length: PROVIDERS_PER_ROOM }, (_, p) => (r * 5 + p * 3) % n)
      t = performance.now()
      await pool(rooms.flatMap((rm, r) => providersOf(r).map((p) => ({ rm, p }))), 8, async ({ rm, p }) => {
        await announceRoom(nodes[p]!.libp2p, rm, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) })
      })
      ctx.log(`  net.dht: ${size.lookups * PROVIDERS_PER_ROOM} room announcements in ${formatNumber(performance.now() - t)} ms`)
      for (let r = 0; r < size.lookups; r++) {
        const l = await lookup(finders[r % finders.length]!, rooms[r]!, PROVIDERS_PER_ROOM)
        if (l.found < PROVIDERS_PER_ROOM) fail(`lookup ${r} found ${l.found} of ${PROVIDERS_PER_ROOM} room peers`)
        lookups.push(l)
      }
      const lookupMs = lookups.map((l) => l.ms)
      const hopCounts = new Map<number, number>()
      for (const l of lookups) hopCounts.set(l.hops, (hopCounts.get(l.hops) ?? 0) + 1)
      ctx.log(`  net.dht.find: p50 ${formatNumber(percentile(lookupMs, 50))} ms, p99 ${formatNumber(percentile(lookupMs, 99))} ms, ` +
        `${formatNumber(mean(lookups.map((l) => l.queried)))} peers queried, hops ${[...hopCounts].sort((a, b) => a[0] - b[0]).map(([h, c]) => `${h}:${c}`).join(' ')} (depth:lookups)`)

      // --- A fresh node joins the room -----------------------------------------------
      let tickSeq = 1_000_000
      let tickPublisher = 0
      const tickMs = Math.max(JOIN_PUBLISH_INTERVAL_MS, Math.ceil(3 * percentile(allTimes, 50)))
      ctx.log(`  net.join: the room publishes a message every ${tickMs} ms`)
      const ticker = setInterval(() => {
        const p = tickPublisher++ % n
        gossips[p]!.publish(room, 'events', message(tickSeq++)).catch(() => undefined)
      }, tickMs)
      timers.add(ticker)
      const bootstrapAddrs = nodes[0]!.libp2p.getMultiaddrs()
      const firstMessage: number[] = []
      const joinFind: number[] = []
      const joinLookups: Lookup[] = []
      for (let j = 0; j < size.joins; j++) {
        const t0 = performance.now()
        const joiner = await startNode()
        joiners.push(joiner)
        const tStarted = performance.now()
        await joiner.libp2p.dial(bootstrapAddrs, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) })
        const tDialled = performance.now()
        // findRoomPeers, with the statistics of lookup(), then dial what it found.
        const found: RoomPeer[] = []
        const l = await lookup(joiner, room, JOIN_PEERS, found)
        if (found.length === 0) fail(`joiner ${j} found no room peers`)
        joinLookups.push(l)
        const tFound = performance.now()
        await Promise.all(found.map(async (p) => {
          const peer = nodes.find((x) => x.libp2p.peerId.toString() === p.id.toString()) ?? fail('a found room peer is not in the swarm')
          await joiner.libp2p.dial(p.multiaddrs.length > 0 ? [...p.multiaddrs] : peer.libp2p.peerId, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) })
        }))
        const tConnected = performance.now()
        const inbox = new Inbox()
        const first = { at: NaN }
        inbox.onDelivery = (_s, at) => { if (Number.isNaN(first.at)) first.at = at }
        new RoomGossip(joiner).join(room, inbox)
        const tJoined = performance.now()
        await waitFor(`joiner ${j} to receive a room message`, () => !Number.isNaN(first.at), STEP_TIMEOUT_MS, 1)
        const tFirst = first.at
        firstMessage.push(tFirst - t0)
        joinFind.push(l.ms)
        ctx.log(`  net.join ${j}: first message after ${formatNumber(tFirst - t0)} ms = start ${formatNumber(tStarted - t0)} + dial bootstrap ${formatNumber(tDialled - tStarted)}` +
          ` + find ${found.length} peers ${formatNumber(tFound - tDialled)} (first query sent after ${formatNumber(l.firstQueryMs)}, ${l.queried} queried, depth ${l.hops}) + dial them ${formatNumber(tConnected - tFound)}` +
          ` + subscribe ${formatNumber(tJoined - tConnected)} + wait ${formatNumber(tFirst - tJoined)}`)
        await joiner.stop()
      }
      clearInterval(ticker)
      timers.delete(ticker)

      const rows: Row[] = [
        { id: 'net.ping.rtt.p50', value: rtt, unit: 'ms' },
        { id: 'net.gossip.all.p50', value: percentile(allTimes, 50), unit: 'ms', baselineId: 'net.ping.rtt.p50' },
        { id: 'net.gossip.all.p99', value: percentile(allTimes, 99), unit: 'ms', baselineId: 'net.ping.rtt.p50' },
        { id: 'net.gossip.each.p50', value: percentile(eachTimes, 50), unit: 'ms', baselineId: 'net.ping.rtt.p50' },
        { id: 'net.gossip.app-copies', value: appCopies, unit: 'copies/peer' }
      ]
      if (rawDuplicates !== undefined) {
        rows.push({ id: 'net.gossip.wire-copies', value: (appDeliveries + rawDuplicates) / receptions, unit: 'copies/peer', baselineId: 'net.gossip.app-copies' })
      }
      rows.push(
        { id: 'net.dht.find.p50', value: percentile(lookupMs, 50), unit: 'ms', baselineId: 'net.ping.rtt.p50' },
        { id: 'net.dht.find.p99', value: percentile(lookupMs, 99), unit: 'ms', baselineId: 'net.ping.rtt.p50' },
        { id: 'net.dht.find.queried', value: mean(lookups.map((x) => x.queried)), unit: 'peers' },
        { id: 'net.dht.find.hops', value: mean(lookups.map((x) => x.hops)), unit: 'hops' },
        { id: 'net.join.find.p50', value: percentile(joinFind, 50), unit: 'ms', baselineId: 'net.dht.find.p50' },
        { id: 'net.join.first-message.p50', value: percentile(firstMessage, 50), unit: 'ms', baselineId: 'net.ping.rtt.p50' }
      )
      return rows
    } finally {
      for (const timer of timers) clearInterval(timer)
      await Promise.all([...joiners, ...finders, ...nodes].map((x) => x.stop().catch(() => undefined)))
    }
  }
}
