/**
 * Hearth's use of the Kademlia DHT (docs/drafts/network.md §10.2–§10.3):
 *
 * - Room presence: a peer online in a room provides the room's CID
 *   (`roomCid`, protocol/discovery). Provider records expire on the nodes
 *   that store them; kad-dht's reprovider republishes ours while the node runs
 *   (verified in kad-dht 16.4.5: `provide` records the CID in the local
 *   datastore and the reprovider re-runs `provide` for it when it is within
 *   `reprovide.threshold` of `reprovide.validity`; the same pass deletes
 *   expired foreign provider records). `leaveRoom` stops republishing.
 * - User routing records under `/hearth/user/<user id>`: checked locally
 *   before a put (kad-dht's own `put` stores locally without validating) and
 *   again after a get, on top of the validators every DHT node runs.
 */
import type { KadDHT, QueryEvent } from '@libp2p/kad-dht'
import type { AbortOptions, PeerId, PeerInfo } from '@libp2p/interface'
import { CID } from 'multiformats/cid'
import {
  decodeRoutingRecord,
  equalBytes,
  roomCid,
  routingRecordKey,
  validateRoutingRecord,
  type RoutingRecord,
  type Verified
} from '@hearth/protocol'
import { RecordNotFoundError } from './errors.ts'

/** The DHT services this module needs (a libp2p node's `services.dht`). */
export interface DhtHost {
  readonly peerId: PeerId
  readonly services: { readonly dht: KadDHT }
}

/** Options of DHT queries. */
export interface QueryOptions extends AbortOptions {
  /** Called with every kad-dht query event (for diagnostics and tests). */
  readonly onQueryEvent?: (event: QueryEvent) => void
}

/** The room CID as a multiformats CID, which kad-dht's API takes. */
export function roomCidObject(roomId: Uint8Array): CID {
  return CID.decode(roomCid(roomId))
}

/**
 * Announce that this node is online in `roomId`: provide the room CID to the
 * DHT nodes closest to it, with our current addresses. Resolves when the
 * provide query ends, with the number of DHT nodes that took the record —
 * 0 when none did (e.g. the routing table was still empty: kad-dht ends such
 * a query without an error), and the caller should announce again later.
 * The record is republished automatically until {@link leaveRoom}.
 */
export async function announceRoom(node: DhtHost, roomId: Uint8Array, options: QueryOptions = {}): Promise<number> {
  const stored = new Set<string>()
  for await (const event of node.services.dht.provide(roomCidObject(roomId), options)) {
    options.onQueryEvent?.(event)
    if (event.name === 'PEER_RESPONSE' && event.messageName === 'ADD_PROVIDER') stored.add(event.from.toString())
  }
  return stored.size
}

/** Stop republishing this node's presence in `roomId`; the remote records then expire. */
export async function leaveRoom(node: DhtHost, roomId: Uint8Array, options: AbortOptions = {}): Promise<void> {
  await node.services.dht.cancelReprovide(roomCidObject(roomId), options)
}

/**
 * Find peers online in `roomId`, as they are found (without this node).
 * Each peer is yielded once. Ends when the query ends, `limit` peers are
 * found, or `options.signal` aborts.
 */
export async function* findRoomPeers(
  node: DhtHost,
  roomId: Uint8Array,
  options: QueryOptions & { readonly limit?: number } = {}
): AsyncGenerator<PeerInfo> {
  const seen = new Set<string>([node.peerId.toString()])
  const limit = options.limit ?? Infinity
  if (limit <= 0) return
  for await (const event of node.services.dht.findProviders(roomCidObject(roomId), options)) {
    options.onQueryEvent?.(event)
    if (event.name !== 'PROVIDER') continue
    for (const peer of event.providers) {
      const id = peer.id.toString()
      if (seen.has(id)) continue
      seen.add(id)
      yield peer
      if (seen.size - 1 >= limit) return
    }
  }
}

/**
 * Publish a routing record (encoded). It is validated here first with the
 * same rule every DHT node applies, so an invalid record fails locally
 * (throws the ProtocolError) instead of being refused silently remotely.
 * Resolves with the number of remote DHT nodes that stored it.
 */
export async function putRoutingRecord(node: DhtHost, bytes: Uint8Array, options: QueryOptions & { readonly now?: number } = {}): Promise<number> {
  const record = await validateRoutingRecord(bytes, routingRecordKeyOf(bytes), options.now ?? Date.now())
  let stored = 0
  for await (const event of node.services.dht.put(routingRecordKey(record.user), bytes, options)) {
    options.onQueryEvent?.(event)
    if (event.name === 'PEER_RESPONSE' && event.record !== undefined && equalBytes(event.record.value, bytes)) stored++
  }
  return stored
}

/**
 * Fetch the newest valid routing record of `user` from the DHT. Records that
 * fail validation on the way are discarded by kad-dht (reported as
 * `QUERY_ERROR` events); the winner is validated again here at `now`.
 * Throws {@link RecordNotFoundError} when no valid record is found.
 */
export async function getRoutingRecord(
  node: DhtHost,
  user: Uint8Array,
  options: QueryOptions & { readonly now?: number } = {}
): Promise<Verified<RoutingRecord>> {
  const key = routingRecordKey(user)
  let best: Uint8Array | undefined
  try {
    for await (const event of node.services.dht.get(key, options)) {
      options.onQueryEvent?.(event)
      // kad-dht yields the selected best value last.
      if (event.name === 'VALUE') best = event.value
    }
  } catch (err) {
    if (!(err instanceof Error) || err.name !== 'NotFoundError') throw err
  }
  if (best === undefined) throw new RecordNotFoundError('no valid routing record found for this user')
  try {
    return await validateRoutingRecord(best, key, options.now ?? Date.now())
  } catch (err) {
    throw new RecordNotFoundError('the best routing record found is not valid', { cause: err })
  }
}

/** The DHT key a record belongs under, from its claimed user (the validator checks they agree). */
function routingRecordKeyOf(bytes: Uint8Array): Uint8Array {
  return routingRecordKey(decodeRoutingRecord(bytes).user)
}
