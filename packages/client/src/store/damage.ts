/**
 * What a room store found broken in storage, and what is still broken
 * (docs/drafts/storage-layout.md §5.5.4).
 *
 * Damage never stops a room from opening: a record whose value is unusable
 * is treated as missing, the logs open with what is intact, and sync fetches
 * the rest again. Because a record's key names its log, Lamport time and id
 * (room-layout.ts), a lost record is known exactly even when its bytes are
 * garbage: the report lists it until a record with that id is stored again.
 */
import { toHex, type Bytes, type CorruptValueReason } from '@hearth/protocol'
import type { LogRef } from '../sync/replica.ts'

/**
 * Why a stored record is unusable: the storage envelope's verdict
 * (`truncated`, `unknown-version`, `checksum-mismatch`), or the bytes passed
 * the envelope but are not the record the key names (`malformed`: they do
 * not decode; `mismatch`: they decode to another record, room or channel).
 */
export type LostReason = Exclude<CorruptValueReason, 'malformed-key'> | 'malformed' | 'mismatch'

/** One stored record that could not be used. */
export interface LostRecord {
  readonly log: LogRef
  readonly lamport: number
  readonly id: Bytes
  readonly reason: LostReason
}

/** The damage report of a room store. */
export interface DamageReport {
  /** Lost records not stored again yet, in the order found. Sync repairs them. */
  readonly lost: readonly LostRecord[]
  /** Lost records since opening that are stored again. */
  readonly repaired: number
  /**
   * Intact stored records the logs refused when loading (a store written
   * under other rules, or tampered with). They stay on disk; not repairable by sync.
   */
  readonly refused: number
  /** Keys under a log's prefix that are no record key of the layout (left alone). */
  readonly stray: number
}

/** Collects damage while loading; reports what is still lost. */
export class DamageLedger {
  readonly #lost = new Map<string, LostRecord>()
  #refused = 0
  #stray = 0

  /** Note a lost record (once per log and id). */
  lose(record: LostRecord): void {
    const k = ledgerKey(record.log, record.id)
    if (!this.#lost.has(k)) this.#lost.set(k, record)
  }

  refuse(count: number): void {
    this.#refused += count
  }

  stray(count: number): void {
    this.#stray += count
  }

  /** The report, given which records are stored now. */
  report(isStored: (log: LogRef, id: Uint8Array) => boolean): DamageReport {
    const lost: LostRecord[] = []
    let repaired = 0
    for (const record of this.#lost.values()) {
      if (isStored(record.log, record.id)) repaired++
      else lost.push(record)
    }
    return { lost, repaired, refused: this.#refused, stray: this.#stray }
  }
}

function ledgerKey(log: LogRef, id: Uint8Array): string {
  return `${log.kind === 'channel' ? toHex(log.channel) : log.kind === 'authority' ? 'a' : 'p'}:${toHex(id)}`
}
