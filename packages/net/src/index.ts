/**
 * @hearth/net — where libp2p lives: the node factory (browser and server
 * profiles), Hearth's Kademlia DHT records, GossipSub room topics with
 * validation, rate limits and scoring. Specified in docs/drafts/network.md
 * (PROTOCOL.md §10 once merged).
 */
export * from './errors.ts'
export * from './config.ts'
export * from './node.ts'
export * from './dht-records.ts'
export * from './rate-limit.ts'
export * from './gossip-scoring.ts'
export * from './dht.ts'
export * from './gossip.ts'
export * from './validation-queue.ts'
export * from './streams/index.ts'
export * from './streams/archive-protocol.ts'
export * from './room-network.ts'
export * from './peer-cache-store.ts'
export * from './trusted-addresses.ts'
export * from './observed-addresses.ts'
