/**
 * @hearth/net — where libp2p lives: the node factory (browser and server
 * profiles), Hearth's Kademlia DHT records, GossipSub topics, sync over
 * streams, relay and WebRTC. It implements the network port of
 * `@hearth/client`. Empty until the network layer lands (issue "The network").
 */
export {}
