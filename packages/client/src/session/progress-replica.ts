/**
 * A room store seen through the sync port with its ingests counted per log:
 * `syncRoom` reports only at the end, and a joiner's UI wants to show the
 * authority log, then each channel, filling up as records arrive.
 */
import type { Bytes, ItemKey, ReconcileStore } from '@hearth/protocol'
import { sameLog, type IngestResult, type LogRef, type SyncReplica } from '../sync/replica.ts'
import type { LogProgress } from './session-events.ts'

/** `replica`, calling `onProgress` with the per-log counts after every ingest that changed them. */
export class ProgressReplica implements SyncReplica {
  readonly #replica: SyncReplica
  readonly #onProgress: (logs: readonly LogProgress[], log: LogRef, result: IngestResult) => void
  readonly #logs: LogProgress[] = []

  constructor(replica: SyncReplica, onProgress: (logs: readonly LogProgress[], log: LogRef, result: IngestResult) => void) {
    this.#replica = replica
    this.#onProgress = onProgress
  }

  get room(): Bytes {
    return this.#replica.room
  }

  /** The counts so far, in the order the logs were first touched. */
  get logs(): readonly LogProgress[] {
    return [...this.#logs]
  }

  reconcileStore(log: LogRef): ReconcileStore {
    const store = this.#replica.reconcileStore(log)
    // A log's reconciliation opens its sync: list it (at zero) from then on.
    this.#entry(log)
    return store
  }

  has(log: LogRef, key: ItemKey): boolean {
    return this.#replica.has(log, key)
  }

  records(log: LogRef, ids: readonly Uint8Array[]): Promise<Uint8Array[]> {
    return this.#replica.records(log, ids)
  }

  async ingest(log: LogRef, records: readonly Uint8Array[]): Promise<IngestResult> {
    const result = await this.#replica.ingest(log, records)
    const at = this.#entry(log)
    const before = this.#logs[at] as LogProgress
    this.#logs[at] = { log: before.log, stored: before.stored + result.stored, rejected: before.rejected + result.rejected }
    if (result.stored > 0 || result.rejected > 0) this.#onProgress(this.logs, log, result)
    return result
  }

  channels(): Bytes[] {
    return this.#replica.channels()
  }

  genesisRecord(): Uint8Array {
    return this.#replica.genesisRecord()
  }

  #entry(log: LogRef): number {
    const at = this.#logs.findIndex((p) => sameLog(p.log, log))
    if (at >= 0) return at
    this.#logs.push({ log, stored: 0, rejected: 0 })
    return this.#logs.length - 1
  }
}
