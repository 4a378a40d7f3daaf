/**
 * Test double of the sync port: a room replica kept in memory on the
 * protocol's own logs (AuthorityLog, ChannelLog judged by the room's
 * authorityAcceptHook) with one MemoryReconcileStore of stored keys per log.
 * Not the product: `RoomStore` (src/store) is. Tests build replicas only
 * through {@link createTestReplica}, so the same suites can run on another
 * implementation of {@link TestReplica}.
 */
import {
  AuthorityLog, authorityAcceptHook, AuthorityRejectedError, ChannelLog, fromHex, MemoryReconcileStore, toHex,
  type Bytes, type Genesis, type ItemKey, type ReconcileStore, type Verified
} from '@hearth/protocol'
import type { IngestResult, LogRef, SyncReplica } from '../src/sync/replica.ts'

/** What the tests need beyond the sync port: heads to write on, and the stored ids to compare. */
export interface TestReplica extends SyncReplica {
  /** Heads a new record of the log names as parents, and its Lamport stamp. */
  heads(log: LogRef): { ids: Bytes[]; lamport: number }
  /** Hex ids of the log's stored records, in the log's order. */
  storedIds(log: LogRef): string[]
}

/** Thrown by reconcileStore for a channel the authority state does not define. */
export class UnknownTestLogError extends Error {
  override readonly name = 'UnknownLogError'
}

/** The one way tests make a replica. */
export function createTestReplica(genesis: Verified<Genesis>): TestReplica {
  return new MemoryReplica(genesis)
}

class MemoryReplica implements TestReplica {
  readonly room: Bytes
  readonly authority: AuthorityLog
  readonly #channels = new Map<string, ChannelLog>()
  readonly #keys = new Map<string, MemoryReconcileStore>()

  constructor(genesis: Verified<Genesis>) {
    this.authority = new AuthorityLog(genesis)
    this.room = genesis.room
  }

  reconcileStore(log: LogRef): ReconcileStore {
    if (log.kind === 'channel') this.#channel(log.channel)
    return this.#store(log).clone()
  }

  has(log: LogRef, key: ItemKey): boolean {
    return log.kind === 'authority' ? this.authority.has(key.id) : this.#channels.get(toHex(log.channel))?.has(key.id) ?? false
  }

  records(log: LogRef, ids: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const get = (id: Uint8Array): Uint8Array | undefined =>
      log.kind === 'authority' ? this.authority.get(id)?.bytes : this.#channels.get(toHex(log.channel))?.get(id)?.bytes
    return Promise.resolve(ids.flatMap((id) => get(id) ?? []))
  }

  async ingest(log: LogRef, records: readonly Uint8Array[]): Promise<IngestResult> {
    if (log.kind === 'authority') {
      const result = await this.authority.add(records)
      this.#store(log).insertMany(result.added.map((n) => ({ lamport: n.entry.lamport, id: n.id })))
      // New authority may release held events and define new channels.
      for (const [hex, channel] of this.#channels) {
        const released = channel.retryHeld()
        this.#store({ kind: 'channel', channel: fromHex(hex) }).insertMany(released.added.map((n) => ({ lamport: n.event.lamport, id: n.id })))
      }
      const duplicates = result.invalid.filter((e) => e instanceof AuthorityRejectedError && e.reason === 'duplicate').length
      return { stored: result.added.length, rejected: result.invalid.length - duplicates, duplicates, missing: result.missing }
    }
    const channel = this.#channel(log.channel)
    const result = await channel.add(records)
    this.#store(log).insertMany(result.added.map((n) => ({ lamport: n.event.lamport, id: n.id })))
    return { stored: result.added.length, rejected: result.rejected.length, duplicates: result.duplicates, missing: result.missing }
  }

  channels(): Bytes[] {
    return [...this.authority.state.channels.keys()].sort().map(fromHex)
  }

  heads(log: LogRef): { ids: Bytes[]; lamport: number } {
    return log.kind === 'authority' ? this.authority.heads() : this.#channel(log.channel).heads()
  }

  storedIds(log: LogRef): string[] {
    if (log.kind === 'authority') return this.authority.entries.map((e) => e.node.key)
    return this.#channels.get(toHex(log.channel))?.events.map((e) => e.key) ?? []
  }

  #channel(id: Uint8Array): ChannelLog {
    const hex = toHex(id)
    let log = this.#channels.get(hex)
    if (log === undefined) {
      if (!this.authority.state.channels.has(hex)) throw new UnknownTestLogError(`channel ${hex} is not defined`)
      log = new ChannelLog({ room: this.room, channel: id, accept: authorityAcceptHook(this.authority) })
      this.#channels.set(hex, log)
    }
    return log
  }

  #store(log: LogRef): MemoryReconcileStore {
    const name = log.kind === 'authority' ? 'authority' : toHex(log.channel)
    let store = this.#keys.get(name)
    if (store === undefined) {
      store = MemoryReconcileStore.from([])
      this.#keys.set(name, store)
    }
    return store
  }
}
