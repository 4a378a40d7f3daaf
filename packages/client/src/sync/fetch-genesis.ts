/**
 * A joiner that knows only a room id (from an invite) first asks peers for
 * the room's genesis record (PROTOCOL.md §8.10.1 `sync-genesis`). The record
 * is self-certifying — signed by the creator, and the room id is a hash of
 * it (§4.1–4.2) — so any peer may supply it and a wrong one is simply
 * refused. Peers are asked one after another until one answers well.
 */
import { ProtocolError, openGenesis, toHex, type Bytes, type Genesis, type Verified } from '@hearth/protocol'
import { systemClock, type Clock } from '../transport/clock.ts'
import { PeerLink } from './peer-link.ts'
import { SyncPeerError } from './errors.ts'
import type { SyncPeer } from './sync-peer.ts'

/** No peer gave a valid genesis of the room; `failures` says what each did. */
export class GenesisUnavailableError extends Error {
  override readonly name = 'GenesisUnavailableError'
  readonly failures: readonly SyncPeerError[]
  constructor(room: Bytes, failures: readonly SyncPeerError[]) {
    super(failures.length === 0
      ? `nobody online has room ${toHex(room).slice(0, 16)}…`
      : `no peer gave the genesis of room ${toHex(room).slice(0, 16)}… (${failures.map((f) => f.reason).join(', ')})`)
    this.failures = failures
  }
}

/** Options of {@link fetchRoomGenesis}. */
export interface FetchGenesisOptions {
  /** @default systemClock */
  readonly clock?: Clock
  /** Per peer: opening the conversation, and the answer. @default 15_000 */
  readonly timeoutMs?: number
}

/** The verified genesis of `room`, from the first of `peers` that gives a valid one. */
export async function fetchRoomGenesis(peers: readonly SyncPeer[], room: Uint8Array, options: FetchGenesisOptions = {}): Promise<Verified<Genesis>> {
  const clock = options.clock ?? systemClock
  const timeout = options.timeoutMs ?? 15_000
  const failures: SyncPeerError[] = []
  for (const peer of peers) {
    const link = await PeerLink.open(peer, clock, timeout)
    try {
      const answer = await link.request({ type: 'sync-genesis', room: Uint8Array.from(room) })
      if (answer.type === 'sync-error') throw link.fail('refused', answer.code)
      if (answer.type !== 'sync-records' || answer.upto !== 1 || answer.records.length !== 1) {
        throw link.fail('unexpected', `${answer.type} in answer to sync-genesis`)
      }
      try {
        return await openGenesis(answer.records[0] as Bytes, room)
      } catch (err) {
        if (err instanceof ProtocolError) throw link.fail('bad-record', `genesis: ${err.message}`, err)
        throw err
      }
    } catch (err) {
      if (!(err instanceof SyncPeerError)) throw err
      failures.push(err)
    } finally {
      link.close()
    }
  }
  throw new GenesisUnavailableError(Uint8Array.from(room), failures)
}
