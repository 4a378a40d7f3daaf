/**
 * Channel events (PROTOCOL.md §7.1): the signed records a channel's
 * history is made of. Each names the channel heads its author had seen
 * (`parents`), carries a Lamport timestamp of exactly 1 + the largest
 * parent's, and names the authority-log heads it was written under (`auth`),
 * so every peer judges the author's capabilities at the same causal point.
 * An event's id is the tagged hash of its canonical encoding, like an
 * authority entry's (PROTOCOL.md §6.1).
 *
 * Typing indicators and presence are ephemeral network messages, not events.
 */
import { InvalidSignatureError, SchemaError } from '../errors.ts'
import { compareBytes, equalBytes, toBytes, toHex, type Bytes } from '../bytes.ts'
import { assertValidPublicKey, verifyBatch, type Keypair, type VerifyItem } from '../crypto/ed25519.ts'
import { array, bytes, byteSet, literal, optional, struct, taggedUnion, text, uint, type Check, type Checked, type StructOf } from '../encoding/schema.ts'
import { decodeRecord, encodeRecord, signRecord, signatureInputOf, type RecordType } from '../records/record.ts'
import { markVerified, type Verified } from '../verified.ts'
import { recordId } from '../authority/entry.ts'
import { Cap } from '../authority/capabilities.ts'

/** Largest encoded event, in bytes (the largest schema-valid event fits; see event.test.ts). */
export const MAX_EVENT_BYTES = 24_576
/** Most channel parents an event may name. */
export const MAX_EVENT_PARENTS = 16
/** Most authority heads an event may name. */
export const MAX_EVENT_AUTH = 16
/** Largest plain-text content, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 4000
/** Largest encrypted-content ciphertext, in bytes. */
export const MAX_CIPHERTEXT_BYTES = 16_384
/** Most mentions in a post. */
export const MAX_MENTIONS = 50
/** Most attachments in a post. */
export const MAX_ATTACHMENTS = 10
/** Largest attachment a post may announce: 100 MiB. */
export const MAX_ATTACHMENT_SIZE = 100 * 1024 * 1024
/** Largest reaction emoji, in UTF-8 bytes. */
export const MAX_EMOJI_BYTES = 64

const key = bytes(32)
const eventId = bytes(32)

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
}

/** An array of `min`–`max` 32-byte ids in strictly ascending byte order (a set with one spelling). */
function idSet(min: number, max: number, what: string): Check<readonly Bytes[]> {
  return byteSet(32, min, max, what)
}

const textContent = struct({ text: text(MAX_TEXT_BYTES) })
const encContent = struct({
  enc: struct({
    key: bytes({ min: 1, max: 32 }),
    nonce: bytes({ min: 12, max: 24 }),
    ct: bytes({ max: MAX_CIPHERTEXT_BYTES })
  })
})

/** Message content: plain text, or an end-to-end encrypted envelope whose plaintext format a later spec defines. */
export type EventContent = Checked<typeof textContent> | Checked<typeof encContent>

/** `{text}` when the map has no `enc` key, else `{enc}`; exactly one of the two, nothing else. */
const content: Check<EventContent> = (value, path) =>
  isMap(value) && Object.hasOwn(value, 'enc') ? encContent(value, path) : textContent(value, path)

const attachment = struct({
  hash: bytes(32),
  size: uint(0, MAX_ATTACHMENT_SIZE),
  mime: text(128, { min: 1, singleLine: true }),
  name: text(255, { min: 1, singleLine: true })
})

/** A file announced by a post; the blob itself travels outside the log. `hash` is its blob id (PROTOCOL.md §9.2), which commits to the size and every 256 KiB chunk, so each chunk is verified on arrival. */
export type Attachment = Checked<typeof attachment>

function nonEmpty<T>(check: Check<readonly T[]>): Check<readonly T[]> {
  return (value, path) => {
    const list = check(value, path)
    if (list.length === 0) throw new SchemaError(path, 'an empty list is written by leaving the field out')
    return list
  }
}

const emoji = text(MAX_EMOJI_BYTES, { min: 1, singleLine: true })

/** Each body kind's fields (besides `kind`). */
const bodyShapes = {
  post: {
    content,
    mentions: optional(idSet(1, MAX_MENTIONS, 'mentions')),
    reply: optional(eventId),
    attachments: optional(nonEmpty(array(attachment, MAX_ATTACHMENTS)))
  },
  edit: { target: eventId, content },
  delete: { target: eventId },
  react: { target: eventId, emoji },
  unreact: { target: eventId, emoji },
  pin: { target: eventId },
  unpin: { target: eventId }
} as const

type BodyShapes = typeof bodyShapes
/** The kind of an event body. */
export type EventKind = keyof BodyShapes
/** Every event kind. */
export const EVENT_KINDS = Object.keys(bodyShapes) as EventKind[]
/** An event body, discriminated by `kind`. */
export type EventBody = { [K in EventKind]: { readonly kind: K } & StructOf<BodyShapes[K]> }[EventKind]
/** The body of a given kind. */
export type EventBodyOf<K extends EventKind> = Extract<EventBody, { kind: K }>
/** Bodies that act on another event (every kind but `post`). */
export type TargetedBody = Exclude<EventBody, { kind: 'post' }>

const body = taggedUnion('kind', bodyShapes, 'event kind') as Check<EventBody>

const eventFields = {
  v: literal(1),
  t: literal('event'),
  room: bytes(32),
  channel: bytes(16),
  author: key,
  lamport: uint(1),
  parents: idSet(0, MAX_EVENT_PARENTS, 'parents'),
  auth: idSet(1, MAX_EVENT_AUTH, 'authority heads'),
  at: uint(),
  body,
  sig: bytes(64)
}

/** A channel event as decoded. */
export type ChannelEvent = Omit<StructOf<typeof eventFields>, 'body'> & { readonly body: EventBody }

const checkFields = struct(eventFields)

const eventType: RecordType<ChannelEvent> = {
  tag: 'event',
  maxBytes: MAX_EVENT_BYTES,
  check: (value, path) => {
    const event = checkFields(value, path) as ChannelEvent
    // The part of the Lamport rule that needs no parent: roots are 1, others at least 2.
    if ((event.parents.length === 0) !== (event.lamport === 1)) {
      throw new SchemaError('lamport', event.parents.length === 0 ? 'an event without parents has lamport 1' : 'an event with parents has lamport ≥ 2')
    }
    return event
  }
}

/** A decoded event with its bytes and id: the unit a channel log stores. */
export interface ChannelEventNode {
  readonly event: ChannelEvent
  readonly bytes: Bytes
  readonly id: Bytes
  /** Lowercase hex of `id`, the key of maps. */
  readonly key: string
}

/** Decode an event (structure only; {@link verifyChannelEvents} checks signatures). Throws only ProtocolErrors. */
export function decodeChannelEvent(encoded: Uint8Array): ChannelEventNode {
  const event = decodeRecord(eventType, encoded)
  // decodeRecord proved the input canonical, so these are the event's one encoding.
  const owned = toBytes(encoded)
  const id = recordId(owned)
  return { event, bytes: owned, id, key: toHex(id) }
}

/** The fields a signer supplies; `author` is the keypair's public key. */
export interface ChannelEventFields {
  readonly room: Uint8Array
  readonly channel: Uint8Array
  readonly lamport: number
  /** Channel heads seen (any order; sorted and deduplicated here). */
  readonly parents: readonly Uint8Array[]
  /** Authority heads written under (any order; sorted and deduplicated here). */
  readonly auth: readonly Uint8Array[]
  readonly at: number
  readonly body: EventBody
}

function sortedSet(ids: readonly Uint8Array[]): Bytes[] {
  const sorted = ids.map(toBytes).sort(compareBytes)
  return sorted.filter((id, i) => i === 0 || !equalBytes(id, sorted[i - 1] as Bytes))
}

/**
 * Sign an event. Sets (parents, auth, mentions) are sorted and deduplicated;
 * the result is decoded again, so anything the decoder would refuse throws
 * the same typed error here. The Lamport rule against the parents' stamps is
 * the log's to check ({@link ChannelLog.author} fills it in).
 */
export async function signChannelEvent(keypair: Keypair, fields: ChannelEventFields): Promise<Verified<ChannelEventNode>> {
  const b = fields.body
  const normalized: EventBody = b.kind === 'post' && b.mentions ? { ...b, mentions: sortedSet(b.mentions) } : b
  const signed = await signRecord(keypair, {
    v: 1, t: 'event', room: fields.room, channel: fields.channel, author: keypair.publicKey, lamport: fields.lamport,
    parents: sortedSet(fields.parents), auth: sortedSet(fields.auth), at: fields.at, body: normalized
  })
  return markVerified(decodeChannelEvent(encodeRecord(signed)))
}

/**
 * Check many events' signatures at once (the strict rule of PROTOCOL.md
 * §2.2). Returns, per node, the verified node or the error.
 */
export async function verifyChannelEvents(
  nodes: readonly ChannelEventNode[]
): Promise<(Verified<ChannelEventNode> | InvalidSignatureError)[]> {
  const items: VerifyItem[] = nodes.map((node) => ({
    publicKey: node.event.author, message: signatureInputOf(node.bytes), signature: node.event.sig
  }))
  // Queue every check at once: WebCrypto runs them on worker threads.
  const ok = await verifyBatch(items, Math.max(1, items.length))
  return nodes.map((node, i) => {
    if (ok[i] === true) return markVerified(node)
    try {
      assertValidPublicKey(node.event.author)
    } catch {
      return new InvalidSignatureError('author key is not a valid Ed25519 key')
    }
    return new InvalidSignatureError('event signature does not verify')
  })
}

/** The event a body acts on, or undefined for a post. */
export function eventTarget(event: ChannelEvent): Bytes | undefined {
  return event.body.kind === 'post' ? undefined : event.body.target
}

/**
 * The capabilities an event needs in its channel (PROTOCOL.md §7.4): POST for a
 * post or an edit, plus ATTACH when a post has attachments; REACT for react
 * and unreact; PIN for pin and unpin; for a delete, nothing when the author
 * deletes their own event and DELETE_OTHERS otherwise.
 */
export function capabilitiesNeeded(event: ChannelEvent, targetAuthor?: Uint8Array): number {
  const b = event.body
  switch (b.kind) {
    case 'post':
      return Cap.POST | (b.attachments ? Cap.ATTACH : 0)
    case 'edit':
      return Cap.POST
    case 'react':
    case 'unreact':
      return Cap.REACT
    case 'pin':
    case 'unpin':
      return Cap.PIN
    case 'delete':
      return targetAuthor !== undefined && equalBytes(targetAuthor, event.author) ? 0 : Cap.DELETE_OTHERS
  }
}

/** The channel order: Lamport timestamp, then id bytewise (PROTOCOL.md §7.2). Negative when `a` comes first. */
export function compareEventOrder(a: ChannelEventNode, b: ChannelEventNode): number {
  const d = a.event.lamport - b.event.lamport
  if (d !== 0) return d
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}
