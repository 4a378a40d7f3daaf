/**
 * The sync conversation's wire records (PROTOCOL.md §8.10, draft in
 * docs/drafts/sync-wire.md): what two peers send each other, as whole
 * messages over one ordered stream, to reconcile a room's logs and fetch the
 * records one side lacks. Plain CBOR records in the common envelope (§1.2),
 * signed by nobody: everything they carry is either a reconciliation message
 * (checked by the session, §8.6) or a signed record (checked by the log that
 * ingests it), so a signature on the envelope would add nothing.
 *
 * This module is the byte format, its limits and the one check that needs
 * only the request and the answer ({@link matchDelivery}: every record was
 * asked for, once). Decoders throw only {@link ProtocolError}s.
 */
import { type Bytes } from '../bytes.ts'
import { array, byteSet, bytes, oneOf, optional, struct, text, uint, type Check } from '../encoding/schema.ts'
import {
  ReasonedProtocolError, RecordTooLargeError, SchemaError, UnknownRecordTypeError
} from '../errors.ts'
import { decodeRecordEnvelope, encodeRecord, RECORD_VERSION } from '../records/record.ts'
import { recordId } from '../authority/entry.ts'
import { MAX_ENTRY_BYTES } from '../authority/entry.ts'
import { MAX_EVENT_BYTES } from '../channel/event.ts'
import { MAX_PROFILE_BYTES } from '../identity/profile.ts'
import { toHex } from '../bytes.ts'
import { MAX_SYNC_MESSAGE_BYTES } from './message.ts'

/** Most ids in one fetch request (and records in one answer). */
export const MAX_FETCH_IDS = 1024
/** Largest record a log syncs: an authority entry (§6.1), a channel event (§7.1) or a profile (§3.2). */
export const MAX_SYNCED_RECORD_BYTES = Math.max(MAX_ENTRY_BYTES, MAX_EVENT_BYTES, MAX_PROFILE_BYTES)
/** Most encoded bytes of a `sync-records` message, and so of any sync wire message (the frame limit). */
export const MAX_SYNC_WIRE_BYTES = 1_048_576
/** Most encoded bytes of the messages that carry one reconciliation message. */
export const MAX_SYNC_CARRIER_BYTES = MAX_SYNC_MESSAGE_BYTES + 1024
/** Longest `detail` of a `sync-error`, in UTF-8 bytes. */
export const MAX_SYNC_ERROR_DETAIL = 256
/** Bytes of a `sync-records` message besides its records' own bytes and heads (upper bound). */
const RECORDS_OVERHEAD = 64

/** Why a responder refuses a request (`sync-error.code`). */
export const SYNC_ERROR_CODES = [
  'unknown-room', // it does not replicate this room: the conversation ends
  'unknown-log', // it does not know this channel (yet): only this request is refused
  'bad-message', // undecodable, out of turn, or breaking a reconciliation rule: the conversation ends
  'limit', // a per-conversation limit was reached: the conversation ends
  'busy', // it serves too many conversations now: try later
  'internal' // its own failure (storage): try another peer
] as const
/** A `sync-error` code. */
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number]

/**
 * Logs a request may name with `log` (PROTOCOL.md §8.10.1) — those that are
 * neither the authority log nor a channel: `profiles`, the room's set of its
 * members' newest signed profiles (§3.2). Any other value is refused.
 */
export const SYNC_LOG_NAMES = ['profiles'] as const
/** A `log` value. */
export type SyncLogName = (typeof SYNC_LOG_NAMES)[number]

/**
 * One message of a sync conversation, decoded. A request names its log by
 * `channel` (that channel's history), `log` (a named log, see
 * {@link SYNC_LOG_NAMES}) or neither (the authority log); never both.
 */
export type SyncWireMessage =
  /** Initiator: reconcile this log of this room; `rbsr` is the session's first message (§8.6). */
  | { readonly type: 'sync-open'; readonly room: Bytes; readonly channel?: Bytes; readonly log?: SyncLogName; readonly rbsr: Bytes }
  /** Either side: the next message of the open reconciliation session. */
  | { readonly type: 'sync-msg'; readonly rbsr: Bytes }
  /**
   * Initiator: send the room's genesis record (§4.2) — what a joiner that
   * knows only the room id (from an invite) needs first. Answered by a
   * `sync-records` with `upto` = 1 and the genesis as its one record.
   */
  | { readonly type: 'sync-genesis'; readonly room: Bytes }
  /** Initiator: send the records with these ids (strictly ascending, at most {@link MAX_FETCH_IDS}). */
  | { readonly type: 'sync-fetch'; readonly room: Bytes; readonly channel?: Bytes; readonly log?: SyncLogName; readonly ids: readonly Bytes[] }
  /**
   * Responder: the answer to a fetch. It answers the first `upto` ids asked
   * (the rest did not fit; ask again) and holds the records among them it
   * stores; the ids answered without a record it does not store.
   */
  | { readonly type: 'sync-records'; readonly upto: number; readonly records: readonly Bytes[] }
  /** Responder: a refusal (see {@link SYNC_ERROR_CODES}). */
  | { readonly type: 'sync-error'; readonly code: SyncErrorCode; readonly detail?: string }

/** The record tag of each message type. */
export type SyncWireType = SyncWireMessage['type']

const room = bytes(32)
const channel = optional(bytes(16))
const log = optional(oneOf(...SYNC_LOG_NAMES))
const rbsr = bytes({ min: 1, max: MAX_SYNC_MESSAGE_BYTES })

/** A request names one log: `channel` and `log` together are refused. */
function oneLog<T extends { readonly channel?: Bytes | undefined; readonly log?: SyncLogName | undefined }>(check: Check<T>): Check<T> {
  return (value, path) => {
    const fields = check(value, path)
    if (fields.channel !== undefined && fields.log !== undefined) throw new SchemaError('log', 'a request names a channel or a log, not both')
    return fields
  }
}

interface WireType {
  readonly maxBytes: number
  readonly check: Check<object>
}

const TYPES: Readonly<Record<SyncWireType, WireType>> = {
  'sync-open': { maxBytes: MAX_SYNC_CARRIER_BYTES, check: oneLog(struct({ v: uint(), t: text(16), room, channel, log, rbsr })) },
  'sync-msg': { maxBytes: MAX_SYNC_CARRIER_BYTES, check: struct({ v: uint(), t: text(16), rbsr }) },
  'sync-genesis': { maxBytes: 128, check: struct({ v: uint(), t: text(16), room }) },
  'sync-fetch': {
    maxBytes: 4096 + MAX_FETCH_IDS * 34,
    check: oneLog(struct({ v: uint(), t: text(16), room, channel, log, ids: byteSet(32, 1, MAX_FETCH_IDS, 'ids') }))
  },
  'sync-records': {
    maxBytes: MAX_SYNC_WIRE_BYTES,
    check: (value, path) => {
      const fields = struct({
        v: uint(), t: text(16), upto: uint(0, MAX_FETCH_IDS),
        records: array(bytes({ min: 1, max: MAX_SYNCED_RECORD_BYTES }), MAX_FETCH_IDS)
      })(value, path)
      if (fields.records.length > fields.upto) throw new SchemaError('records', 'more records than ids answered (upto)')
      return fields
    }
  },
  'sync-error': {
    maxBytes: 512,
    check: struct({ v: uint(), t: text(16), code: oneOf(...SYNC_ERROR_CODES), detail: optional(text(MAX_SYNC_ERROR_DETAIL)) })
  }
}

function isWireType(tag: unknown): tag is SyncWireType {
  return typeof tag === 'string' && Object.hasOwn(TYPES, tag)
}

/** Canonical bytes of a message. Throws a plain Error for a message over its limits (a local bug). */
export function encodeSyncWire(message: SyncWireMessage): Bytes {
  const { type, ...fields } = message
  const encoded = encodeRecord({ v: RECORD_VERSION, t: type, ...fields })
  const type_ = TYPES[type]
  // Check our own output as a peer would: a message we could not decode is a bug here.
  type_.check({ v: RECORD_VERSION, t: type, ...fields }, '')
  if (encoded.length > type_.maxBytes) throw new Error(`${type} message of ${encoded.length} bytes is over its limit`)
  return encoded
}

/**
 * Decode one message of a conversation: size (the frame limit
 * {@link MAX_SYNC_WIRE_BYTES}, then the type's own), canonical CBOR, the
 * record envelope, a known tag, then the fields. Throws only ProtocolErrors.
 */
export function decodeSyncWire(encoded: Uint8Array): SyncWireMessage {
  const { map, tag } = decodeRecordEnvelope(encoded, MAX_SYNC_WIRE_BYTES)
  if (!isWireType(tag)) throw new UnknownRecordTypeError('not a sync conversation message')
  const type = TYPES[tag]
  if (encoded.length > type.maxBytes) throw new RecordTooLargeError(`${tag}: ${encoded.length} bytes; the limit is ${type.maxBytes}`)
  const { v: _v, t: _t, ...fields } = type.check(map, '') as Record<string, unknown>
  return { type: tag, ...fields } as SyncWireMessage
}

/**
 * How many of `records`, taken in order, fit in one `sync-records` message
 * (at least one whenever the first is at most {@link MAX_SYNCED_RECORD_BYTES}).
 */
export function recordsThatFit(records: readonly Uint8Array[], maxBytes = MAX_SYNC_WIRE_BYTES): number {
  let size = RECORDS_OVERHEAD
  for (let i = 0; i < records.length && i < MAX_FETCH_IDS; i++) {
    const n = (records[i] as Uint8Array).length
    size += n + (n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5)
    if (size > maxBytes) return i
  }
  return Math.min(records.length, MAX_FETCH_IDS)
}

/** Why an answer to a fetch does not answer it. */
export type SyncDeliveryReason =
  | 'upto-too-large' // claims to answer more ids than were asked
  | 'not-requested' // a record whose id is not among the ids it answers
  | 'duplicate-record' // the same record twice

/** A `sync-records` answer holds records that were not asked for (PROTOCOL.md §8.10). */
export class SyncDeliveryError extends ReasonedProtocolError<SyncDeliveryReason> {
  override readonly name = 'SyncDeliveryError'
}

/** An answer to a fetch, matched against the request. */
export interface Delivery {
  /** The records, each with its id (`recordId` of its bytes), in the order received. */
  readonly records: readonly { readonly id: Bytes; readonly bytes: Bytes }[]
  /** Ids answered without a record: the peer does not store them. */
  readonly absent: readonly Bytes[]
  /** Ids not answered (did not fit): ask again. */
  readonly unanswered: readonly Bytes[]
}

/**
 * Match an answer against the ids asked: every record must hash to one of
 * the first `upto` ids, each at most once. Throws {@link SyncDeliveryError};
 * whether the records are valid is the log's to judge.
 */
export function matchDelivery(
  ids: readonly Bytes[],
  answer: Extract<SyncWireMessage, { type: 'sync-records' }>
): Delivery {
  if (answer.upto > ids.length) throw new SyncDeliveryError('upto-too-large', `answers ${answer.upto} of ${ids.length} ids`)
  const asked = new Map<string, Bytes>()
  for (const id of ids.slice(0, answer.upto)) asked.set(toHex(id), id)
  const got = new Set<string>()
  const records = answer.records.map((record) => {
    const id = recordId(record)
    const key = toHex(id)
    if (!asked.has(key)) throw new SyncDeliveryError('not-requested', `record ${key.slice(0, 16)}… was not asked for`)
    if (got.has(key)) throw new SyncDeliveryError('duplicate-record', `record ${key.slice(0, 16)}… sent twice`)
    got.add(key)
    return { id, bytes: record }
  })
  const absent = [...asked].filter(([key]) => !got.has(key)).map(([, id]) => id)
  return { records, absent, unanswered: ids.slice(answer.upto) }
}
