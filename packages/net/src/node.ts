/**
 * The Hearth node factory (PROTOCOL.md §10.1): one libp2p node
 * with the transports, DHT, gossip and relay services of its profile.
 *
 * - server: TCP, WebSockets, WebRTC (node-datachannel), circuit-relay
 *   transport; circuit-relay server; Kademlia DHT server.
 * - browser: WebSockets, WebRTC, circuit-relay transport; Kademlia client.
 *
 * Both: Noise, Yamux, identify, ping (kad-dht needs it), GossipSub with
 * Hearth's scoring, and kad-dht under Hearth's own protocol id
 * `/hearth/kad/1.0.0` with validators and selectors for `/hearth/…` keys, so
 * a Hearth node never joins (or pollutes) the IPFS DHT.
 *
 * Relay fallback: the server's circuit-relay limits are Hearth's
 * (config.ts `RelayServerConfig`), and GossipSub and Hearth's stream
 * protocols run over limited (relayed) connections. Also wired here: the peer
 * cache (a `PeerCacheStore`), trusted addresses composed with libp2p's
 * default gater, observed-address tracking, and the relay-to-direct handover.
 */
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { webRTC } from '@libp2p/webrtc'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { bootstrap } from '@libp2p/bootstrap'
import { kadDHT, type KadDHT } from '@libp2p/kad-dht'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { ConnectionGater, PeerDiscovery } from '@libp2p/interface'
import { sha256, utf8, concat, toHex } from '@hearth/protocol'
import { DEFAULT_DHT_TIMING, DEFAULT_RELAY_LIMITS, type HearthNodeConfig, type RelayServerConfig } from './config.ts'
import { hearthDhtRecordHandlers } from './dht-records.ts'
import { InvalidConfigError } from './errors.ts'
import { HEARTH_SCORE_THRESHOLDS, hearthScoreParams } from './gossip-scoring.ts'
import { trackObservedAddresses } from './observed-addresses.ts'
import { PeerCacheKeeper, type PeerCacheStore } from './peer-cache-store.ts'
import { PeerPenalties } from './rate-limit.ts'
import { watchRelayHandover } from './relay-handover.ts'
import { parseTrustedAddresses, trustedDialGate, trustedPeerInfoMapper } from './trusted-addresses.ts'

/** Kademlia protocol id: Hearth's own DHT, not IPFS's. */
export const HEARTH_KAD_PROTOCOL = '/hearth/kad/1.0.0'

/** The services every Hearth node has. */
export interface HearthServices extends Record<string, unknown> {
  readonly dht: KadDHT
  readonly pubsub: GossipSub
  readonly identify: Identify
  readonly ping: Ping
}

/** A running Hearth node. */
export interface HearthNode {
  readonly libp2p: Libp2p<HearthServices>
  readonly profile: HearthNodeConfig['profile']
  /** Rate-limit penalty points per peer, feeding GossipSub's application score. */
  readonly penalties: PeerPenalties
  /** Stop libp2p (saving the peer cache first, when there is one). */
  stop(): Promise<void>
}

/**
 * GossipSub message ids: SHA-256 of the topic, a zero byte and the data.
 * Hearth records are self-authenticating, so the same record published by two
 * peers is one message, delivered to the application once.
 */
function messageId(msg: { topic: string; data: Uint8Array }): Uint8Array {
  return sha256(concat(utf8(msg.topic), new Uint8Array([0]), msg.data))
}

/** The relay limits with defaults, checked (a bad value is a local configuration error). */
export function relayLimits(relay: RelayServerConfig = {}): Required<RelayServerConfig> {
  const limits = { ...DEFAULT_RELAY_LIMITS, ...relay }
  const check = (name: keyof RelayServerConfig, value: number, min: number, max: number): void => {
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidConfigError(`relay.${name} must be an integer from ${min} to ${max}, not ${value}`)
    }
  }
  check('maxReservations', limits.maxReservations, 0, 1_000_000)
  // Timers hold at most 2^31 − 1 ms (~24.8 days).
  check('durationLimit', limits.durationLimit, 1, 2 ** 31 - 1)
  check('dataLimit', limits.dataLimit, 1, Number.MAX_SAFE_INTEGER)
  return limits
}

/** Where the node keeps its peer cache: the configured store, else the file in the data dir. */
async function peerCacheStore(config: HearthNodeConfig): Promise<PeerCacheStore | undefined> {
  if (config.peerCache !== undefined) return config.peerCache
  if (config.dataDir === undefined) return undefined
  // Loaded lazily: it uses node:fs, which a browser bundle must not pull in.
  const { filePeerCache } = await import('./peer-cache.ts')
  return filePeerCache(config.dataDir)
}

/** Create and start a Hearth node. */
export async function createHearthNode(config: HearthNodeConfig): Promise<HearthNode> {
  const server = config.profile === 'server'
  const test = config.insecureTestOverrides
  const timing = { ...DEFAULT_DHT_TIMING, ...config.dht }
  const relay = relayLimits(config.relay)
  const trusted = parseTrustedAddresses(config.trustedAddresses ?? [])
  const saveIntervalMs = config.peerCacheSaveIntervalMs ?? 300_000
  if (!Number.isSafeInteger(saveIntervalMs) || saveIntervalMs < 0 || saveIntervalMs > 2 ** 31 - 1) {
    throw new InvalidConfigError(`peerCacheSaveIntervalMs must be a non-negative integer, not ${saveIntervalMs}`)
  }
  const penalties = new PeerPenalties()

  const bootstrapList = [...(config.bootstrap ?? [])]
  const store = await peerCacheStore(config)
  const peerCache = store === undefined ? undefined : new PeerCacheKeeper(store)
  for (const addr of await peerCache?.load() ?? []) if (!bootstrapList.includes(addr)) bootstrapList.push(addr)

  const rtcConfiguration: RTCConfiguration & { bindAddress?: string } = {}
  if (config.iceServers !== undefined) rtcConfiguration.iceServers = [...config.iceServers]
  if (config.rtcBindAddress !== undefined) rtcConfiguration.bindAddress = config.rtcBindAddress
  const webrtc = webRTC(config.iceServers !== undefined || config.rtcBindAddress !== undefined ? { rtcConfiguration } : {})

  const records = hearthDhtRecordHandlers(config.clock)
  /** The node, once created: the DHT's address mapper keeps addresses relayed through it. */
  const created: { node?: Libp2p<HearthServices> } = {}
  const services: Record<string, unknown> = {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({
      protocol: HEARTH_KAD_PROTOCOL,
      clientMode: config.dhtClientMode ?? !server,
      // The first self-lookup gates every query; 1 s by default, most of a fresh node's join time.
      initialQuerySelfInterval: 100,
      validators: records.validators,
      selectors: records.selectors,
      peerInfoMapper: test?.peerInfoMapper ?? trustedPeerInfoMapper(trusted, () => created.node?.getMultiaddrs() ?? []),
      reprovide: {
        validity: timing.providerValidityMs,
        interval: timing.reprovideIntervalMs,
        threshold: timing.reprovideThresholdMs
      }
    }),
    pubsub: gossipsub({
      emitSelf: false,
      allowPublishToZeroTopicPeers: true,
      ignoreDuplicatePublishError: true,
      msgIdFn: messageId,
      // Drop repeats before their signatures are checked: without it every duplicate copy
      // (~8 per message at 30 peers; Hearth records are below the IDONTWANT size) is validated.
      fastMsgIdFn: (msg) => toHex(messageId({ topic: msg.topic, data: msg.data ?? new Uint8Array(0) })),
      scoreParams: hearthScoreParams({
        appSpecificScore: (peer) => -penalties.get(peer),
        ...(test?.gossipIpColocationWhitelist !== undefined ? { ipWhitelist: test.gossipIpColocationWhitelist } : {})
      }),
      scoreThresholds: HEARTH_SCORE_THRESHOLDS,
      // Relay fallback (§10.1): gossip reaches peers we hold only a relayed connection to.
      runOnLimitedConnection: true
    })
  }
  if (server) {
    services['relay'] = circuitRelayServer({
      reservations: {
        maxReservations: relay.maxReservations,
        // Always limited: a relayed connection without limits would look direct to both ends.
        applyDefaultLimit: true,
        defaultDurationLimit: relay.durationLimit,
        defaultDataLimit: BigInt(relay.dataLimit)
      }
    })
  }

  const peerDiscovery: ((components: never) => PeerDiscovery)[] = []
  if (bootstrapList.length > 0) peerDiscovery.push(bootstrap({ list: bootstrapList }))

  // Our own object, so that the platform default libp2p installs on it can be composed with (below).
  const gater: ConnectionGater = { ...test?.connectionGater }
  const options: Libp2pOptions<HearthServices> = {
    ...(config.privateKey !== undefined ? { privateKey: config.privateKey } : { privateKey: await generateKeyPair('Ed25519') }),
    addresses: {
      listen: [...(config.listen ?? (server ? ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws', '/webrtc'] : ['/p2p-circuit', '/webrtc']))],
      ...(config.announce !== undefined ? { announce: [...config.announce] } : {})
    },
    transports: server ? [tcp(), webSockets(), webrtc, circuitRelayTransport()] : [webSockets(), webrtc, circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: peerDiscovery as NonNullable<Libp2pOptions['peerDiscovery']>,
    services: services as unknown as NonNullable<Libp2pOptions<HearthServices>['services']>,
    ...(config.datastore !== undefined ? { datastore: config.datastore } : {}),
    connectionGater: gater,
    ...(test?.connectionAllow !== undefined ? { connectionManager: { allow: [...test.connectionAllow] } } : {}),
    start: false
  }
  const libp2p = await createLibp2p<HearthServices>(options)
  created.node = libp2p
  if (trusted.length > 0) {
    // libp2p has now filled in its platform default (in a browser: no `/ws`, no private
    // addresses; in Node: none) on this object; trusted addresses go first, the default decides the rest.
    gater.denyDialMultiaddr = trustedDialGate(trusted, gater.denyDialMultiaddr?.bind(gater))
  }
  trackObservedAddresses(libp2p)
  const stopHandover = watchRelayHandover(libp2p, libp2p.services.identify)
  await libp2p.start()

  const timer = peerCache !== undefined && saveIntervalMs > 0
    ? setInterval(() => { void peerCache.save(libp2p).catch(() => undefined) }, saveIntervalMs)
    : undefined
  // A Node timer must not keep the process alive; a browser's has no unref.
  if (typeof timer === 'object' && 'unref' in timer) timer.unref()

  return {
    libp2p,
    profile: config.profile,
    penalties,
    async stop() {
      clearInterval(timer)
      stopHandover()
      if (peerCache !== undefined) await peerCache.save(libp2p).catch(() => undefined)
      await libp2p.stop()
    }
  }
}
