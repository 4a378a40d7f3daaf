/**
 * Archive requests (PROTOCOL.md §10.9): a peer hands an always-on daemon an
 * invite link (§4.3) and asks it to keep the room; the daemon answers once,
 * `archiving` or `refused` with a reason for people. Two unsigned records in
 * the common envelope (§1.2), one each way on one stream: the invite is
 * checked by the daemon (signature, expiry) and the room's authority log
 * decides whether the daemon may join, so a signature on the request would
 * add nothing.
 *
 * This module is the byte format and its limits. Decoders throw only
 * {@link ProtocolError}s; encoders check their own output as a peer would.
 */
import type { Bytes } from '../bytes.ts'
import { utf8 } from '../bytes.ts'
import { literal, oneOf, optional, struct, text, type StructOf } from '../encoding/schema.ts'
import { decodeRecord, encodeRecord, RECORD_VERSION, type RecordType } from '../records/record.ts'
import { MAX_INVITE_LENGTH } from '../invite/invite-link.ts'

/** Longest invite a request carries, in UTF-8 bytes (the invite parser's limit, §4.3). */
export const MAX_ARCHIVE_INVITE_BYTES = MAX_INVITE_LENGTH
/** Largest encoded `archive-request`: the longest invite plus the envelope (8,224 bytes), rounded up. */
export const MAX_ARCHIVE_REQUEST_BYTES = 8448
/** Longest `detail` of an answer, in UTF-8 bytes. */
export const MAX_ARCHIVE_DETAIL_BYTES = 256
/** Largest encoded `archive-answer` (every field at its limit is 304 bytes). */
export const MAX_ARCHIVE_ANSWER_BYTES = 512
/** What a daemon answers: it keeps the room (already, or from now on), or it will not. */
export const ARCHIVE_STATUSES = ['archiving', 'refused'] as const
/** An answer's status. */
export type ArchiveStatus = (typeof ARCHIVE_STATUSES)[number]

const requestFields = {
  v: literal(RECORD_VERSION),
  t: literal('archive-request'),
  invite: text(MAX_ARCHIVE_INVITE_BYTES, { min: 1, singleLine: true })
}

const answerFields = {
  v: literal(RECORD_VERSION),
  t: literal('archive-answer'),
  status: oneOf(...ARCHIVE_STATUSES),
  detail: optional(text(MAX_ARCHIVE_DETAIL_BYTES, { min: 1, singleLine: true }))
}

const requestType: RecordType<StructOf<typeof requestFields>> = {
  tag: 'archive-request', maxBytes: MAX_ARCHIVE_REQUEST_BYTES, check: struct(requestFields)
}
const answerType: RecordType<StructOf<typeof answerFields>> = {
  tag: 'archive-answer', maxBytes: MAX_ARCHIVE_ANSWER_BYTES, check: struct(answerFields)
}

/** A request: keep the room of this invite link (§4.3 text, not parsed here). */
export interface ArchiveRequest {
  readonly invite: string
}

/** A daemon's answer to an archive request. */
export interface ArchiveDecision {
  readonly status: ArchiveStatus
  /** Why (for people): a single line of at most {@link MAX_ARCHIVE_DETAIL_BYTES} UTF-8 bytes. */
  readonly detail?: string
}

/** Canonical bytes of a request. Throws the decoder's ProtocolError for a request a peer would refuse (empty, over 8,192 bytes, not one line). */
export function encodeArchiveRequest(request: ArchiveRequest): Bytes {
  const record = { v: RECORD_VERSION, t: 'archive-request', invite: request.invite }
  requestType.check(record, '')
  return encodeRecord(record)
}

/** Decode an `archive-request` (§10.9): size, canonical CBOR, envelope, fields. Throws only ProtocolErrors. */
export function decodeArchiveRequest(bytes: Uint8Array): ArchiveRequest {
  return { invite: decodeRecord(requestType, bytes).invite }
}

/** Canonical bytes of an answer. Throws the decoder's ProtocolError for an answer a peer would refuse (see {@link archiveDetail}). */
export function encodeArchiveAnswer(answer: ArchiveDecision): Bytes {
  const record = { v: RECORD_VERSION, t: 'archive-answer', status: answer.status, detail: answer.detail }
  answerType.check(record, '')
  return encodeRecord(record)
}

/** Decode an `archive-answer` (§10.9). Throws only ProtocolErrors. */
export function decodeArchiveAnswer(bytes: Uint8Array): ArchiveDecision {
  const { status, detail } = decodeRecord(answerType, bytes)
  return detail === undefined ? { status } : { status, detail }
}

// Characters a `line` refuses (§1.2), and lone surrogates.
// eslint-disable-next-line no-control-regex -- control characters are what is replaced
const NOT_IN_A_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\p{Cs}/gu

/**
 * Any text made into a valid `detail`: characters a line refuses become
 * spaces, runs of spaces one, and text longer than 256 UTF-8 bytes is cut at
 * a character boundary and ends with "…". Undefined for blank text. For
 * responders, whose reasons come from error messages of any length.
 */
export function archiveDetail(reason: string): string | undefined {
  const line = reason.replace(NOT_IN_A_LINE, ' ').replace(/ {2,}/g, ' ').trim()
  if (line === '') return undefined
  if (utf8(line).length <= MAX_ARCHIVE_DETAIL_BYTES) return line
  let out = ''
  let size = 0
  for (const ch of line) {
    const n = utf8(ch).length
    if (size + n > MAX_ARCHIVE_DETAIL_BYTES - 3) break
    out += ch
    size += n
  }
  return `${out.trimEnd()}…`
}
