/**
 * The sync port: what the sync engine needs from a room's local replica
 * (its authority log and channel logs, however they are stored). The
 * engine only moves records; the replica verifies, judges and stores them.
 *
 * `RoomStore` (store/room-store.ts) is the implementation the apps use.
 */
import { equalBytes, type Bytes, type ItemKey, type ReconcileStore } from '@hearth/protocol'

/**
 * Which log of a room: the authority log, one channel's history, or the
 * room's profile set — not a log but a set holding each member's newest
 * signed profile (PROTOCOL.md §3.2), synced like one (§8.10.1 `log`).
 */
export type LogRef =
  | { readonly kind: 'authority' }
  | { readonly kind: 'channel'; readonly channel: Bytes }
  | { readonly kind: 'profiles' }

/** Whether two log references name the same log. */
export function sameLog(a: LogRef, b: LogRef): boolean {
  if (a.kind !== 'channel' || b.kind !== 'channel') return a.kind === b.kind
  return equalBytes(a.channel, b.channel)
}

/** What one ingest call did (counts; the replica keeps the records). */
export interface IngestResult {
  /** Records newly stored. */
  readonly stored: number
  /** Records refused (bad bytes, bad signature, refused by the rules). */
  readonly rejected: number
  /**
   * Records set aside unjudged because a bounded waiting set is full (not a
   * verdict on the record or its sender: offer it again later); for the
   * profile set, profiles whose author the room does not know (yet). @default 0
   */
  readonly deferred?: number
  /** Records already stored, waiting or held (profiles: also valid versions older than the one stored). */
  readonly duplicates: number
  /** Ids the log waits for (parents, delete targets) that it does not have: fetch these next. */
  readonly missing: readonly Bytes[]
}

/** A room's local replica as the sync engine sees it. */
export interface SyncReplica {
  /** The room id. */
  readonly room: Bytes
  /**
   * A snapshot of the log's item keys for one reconciliation session: it
   * must not change while the session runs, even if records are ingested.
   * Throws `UnknownLogError` for a channel the authority log does not define.
   */
  reconcileStore(log: LogRef): ReconcileStore
  /**
   * Whether the log stores the record with this key (profiles: or knows it
   * as a version older than the one stored, so fetching it is pointless).
   */
  has(log: LogRef, key: ItemKey): boolean
  /** The encoded records with these ids that the log stores, in the order asked (absent ones omitted). */
  records(log: LogRef, ids: readonly Uint8Array[]): Promise<Uint8Array[]>
  /** Decode, verify, judge and durably store records received from a peer. Never throws for bad input. */
  ingest(log: LogRef, records: readonly Uint8Array[]): Promise<IngestResult>
  /** The channels (ids) the current authority state defines, text and voice alike. */
  channels(): Bytes[]
  /** The room's genesis record, encoded (§4.2): served to joiners that know only the room id. */
  genesisRecord(): Uint8Array
}
