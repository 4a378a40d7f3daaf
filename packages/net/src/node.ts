/**
 * The Hearth node factory (docs/drafts/network.md §10.1): one libp2p node
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
import type { PeerDiscovery } from '@libp2p/interface'
import { sha256, utf8, concat, toHex } from '@hearth/protocol'
import { DEFAULT_DHT_TIMING, type HearthNodeConfig } from './config.ts'
import { hearthDhtRecordHandlers } from './dht-records.ts'
import { HEARTH_SCORE_THRESHOLDS, hearthScoreParams } from './gossip-scoring.ts'
import { PeerPenalties } from './rate-limit.ts'
import type { PeerCache } from './peer-cache.ts'

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

/** Create and start a Hearth node. */
export async function createHearthNode(config: HearthNodeConfig): Promise<HearthNode> {
  const server = config.profile === 'server'
  const test = config.insecureTestOverrides
  const timing = { ...DEFAULT_DHT_TIMING, ...config.dht }
  const penalties = new PeerPenalties()

  let peerCache: PeerCache | undefined
  const bootstrapList = [...(config.bootstrap ?? [])]
  if (config.dataDir !== undefined) {
    // Loaded lazily: it uses node:fs, which a browser bundle must not pull in.
    const { openPeerCache } = await import('./peer-cache.ts')
    peerCache = await openPeerCache(config.dataDir)
    for (const addr of peerCache.addresses()) if (!bootstrapList.includes(addr)) bootstrapList.push(addr)
  }

  const rtcConfiguration: RTCConfiguration & { bindAddress?: string } = {}
  if (config.iceServers !== undefined) rtcConfiguration.iceServers = [...config.iceServers]
  if (config.rtcBindAddress !== undefined) rtcConfiguration.bindAddress = config.rtcBindAddress
  const webrtc = webRTC(config.iceServers !== undefined || config.rtcBindAddress !== undefined ? { rtcConfiguration } : {})

  const records = hearthDhtRecordHandlers(config.clock)
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
      ...(test?.peerInfoMapper !== undefined ? { peerInfoMapper: test.peerInfoMapper } : {}),
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
      scoreThresholds: HEARTH_SCORE_THRESHOLDS
    })
  }
  if (server) services['relay'] = circuitRelayServer({ reservations: { maxReservations: config.relay?.maxReservations ?? 128 } })

  const peerDiscovery: ((components: never) => PeerDiscovery)[] = []
  if (bootstrapList.length > 0) peerDiscovery.push(bootstrap({ list: bootstrapList }))

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
    ...(test?.connectionGater !== undefined ? { connectionGater: test.connectionGater } : {}),
    ...(test?.connectionAllow !== undefined ? { connectionManager: { allow: [...test.connectionAllow] } } : {})
  }
  const libp2p = await createLibp2p<HearthServices>(options)

  return {
    libp2p,
    profile: config.profile,
    penalties,
    async stop() {
      if (peerCache !== undefined) await peerCache.save(libp2p).catch(() => undefined)
      await libp2p.stop()
    }
  }
}
