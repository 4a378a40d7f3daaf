/**
 * Authority log entries (PROTOCOL.md §6.1): signed, hash-linked records that
 * change who may do what in a room. Each entry names the heads its author had
 * seen (`parents`), carries a Lamport timestamp of exactly 1 + the largest
 * parent's, and is signed by `author`, whose key is inside the signed bytes.
 * An entry's id is the tagged hash of its canonical encoding.
 */
import { InvalidSignatureError, SchemaError } from '../errors.ts'
import { compareBytes, toBytes, toHex, type Bytes } from '../bytes.ts'
import { assertValidPublicKey, type Keypair } from '../crypto/ed25519.ts'
import { taggedHash } from '../crypto/sha256.ts'
import { array, bytes, byteSet, literal, oneOf, optional, struct, taggedUnion, text, uint, type Check, type StructOf } from '../encoding/schema.ts'
import { decodeRecord, encodeRecord, signRecord, signatureInput, signatureInputOf, type RecordType } from '../records/record.ts'
import { AVATAR_MIME_TYPES, MAX_AVATAR_BYTES } from '../identity/profile.ts'
import { encodeGenesis, type Genesis } from '../rooms/genesis.ts'
import { markVerified, type Verified } from '../verified.ts'
import { verifyBatch, type VerifyItem } from '../crypto/ed25519.ts'
import { ROLE_ID_PATTERN } from './capabilities.ts'
import { inviteSigningRecord } from '../invite/invite-link.ts'

/** Most parents an entry may name. */
export const MAX_PARENTS = 16
/** Largest encoded authority entry, in bytes (room icons make set-meta the largest). */
export const MAX_ENTRY_BYTES = 81_920
/** Largest capability mask value (masks are 31-bit). */
export const MAX_CAPS = 0x7fff_ffff

const key = bytes(32)
const roleId: Check<string> = (value, path) => {
  const id = text(32, { min: 1, singleLine: true })(value, path)
  if (!ROLE_ID_PATTERN.test(id)) throw new SchemaError(path, 'role ids are 1–32 characters of a–z, 0–9 and -, not starting with -')
  return id
}
const reason = optional(text(256, { singleLine: true }))
const caps = uint(0, MAX_CAPS)

/** Each action's fields (besides `op`). */
const actionShapes = {
  grant: { target: key, role: roleId },
  revoke: { target: key, role: roleId },
  ban: { target: key, reason },
  unban: { target: key },
  kick: { target: key, reason },
  timeout: { target: key, until: uint(), reason },
  'define-role': { role: roleId, name: text(64, { min: 1, singleLine: true }), caps, rank: uint(1, 999) },
  'delete-role': { role: roleId },
  'set-policy': {
    join: oneOf('open', 'invite'),
    discoverable: oneOf('listed', 'unlisted'),
    inviteMaxUses: optional(uint(1))
  },
  'set-meta': {
    name: text(100, { min: 1, singleLine: true }),
    description: optional(text(1024)),
    icon: optional(struct({ mime: oneOf(...AVATAR_MIME_TYPES), data: bytes({ min: 1, max: MAX_AVATAR_BYTES }) })),
    tags: array(text(32, { min: 1, singleLine: true }), 8)
  },
  'channel-create': {
    channel: bytes(16),
    name: text(100, { min: 1, singleLine: true }),
    kind: oneOf('text', 'voice'),
    position: uint(),
    topic: optional(text(1024))
  },
  'channel-update': {
    channel: bytes(16),
    name: optional(text(100, { min: 1, singleLine: true })),
    position: optional(uint()),
    topic: optional(text(1024))
  },
  'channel-delete': { channel: bytes(16) },
  'channel-override': { channel: bytes(16), role: optional(roleId), member: optional(key), allow: caps, deny: caps },
  join: { invite: optional(struct({ by: key, exp: optional(uint()), code: optional(bytes({ min: 8, max: 16 })), sig: bytes(64) })) },
  leave: {},
  checkpoint: { seq: uint(1), prev: optional(bytes(32)) }
} as const

type Shapes = typeof actionShapes
/** The name of an action. */
export type ActionOp = keyof Shapes
/** Every action name. */
export const ACTION_OPS = Object.keys(actionShapes) as ActionOp[]
/** One action, discriminated by `op`. */
export type Action = { [K in ActionOp]: { readonly op: K } & StructOf<Shapes[K]> }[ActionOp]
/** The action with a given op. */
export type ActionOf<K extends ActionOp> = Extract<Action, { op: K }>

const actionUnion = taggedUnion('op', actionShapes, 'action') as Check<Action>

const action: Check<Action> = (value, path) => {
  const checked = actionUnion(value, path)
  if (checked.op === 'channel-override' && (checked.role === undefined) === (checked.member === undefined)) {
    throw new SchemaError(path, 'a channel override names exactly one of role and member')
  }
  if (checked.op === 'channel-override' && (checked.allow & checked.deny) !== 0) {
    throw new SchemaError(path, 'a capability cannot be both allowed and denied')
  }
  return checked
}

const parents = byteSet(32, 1, MAX_PARENTS, 'parents')

const entryFields = {
  v: literal(1),
  t: literal('authority'),
  room: bytes(32),
  parents,
  lamport: uint(1),
  author: key,
  at: uint(),
  act: action,
  sig: bytes(64)
}

/** An authority entry as decoded. */
export type AuthorityEntry = Omit<StructOf<typeof entryFields>, 'act'> & { readonly act: Action }

const entryType: RecordType<AuthorityEntry> = {
  tag: 'authority',
  maxBytes: MAX_ENTRY_BYTES,
  check: struct(entryFields)
}

/** A decoded entry together with its bytes and id; the unit the log stores. */
export interface EntryNode {
  readonly entry: AuthorityEntry
  readonly bytes: Bytes
  readonly id: Bytes
  /** Hex of `id`, the key of maps. */
  readonly key: string
}

/** The id of a record: taggedHash("hearth/record-id/v1", encoding). */
export function recordId(encoding: Uint8Array): Bytes {
  return taggedHash('hearth/record-id/v1', encoding)
}

/** The DAG root of a room's log: the genesis record's id. */
export function genesisId(genesis: Genesis): Bytes {
  return recordId(encodeGenesis(genesis))
}

function toNode(entry: AuthorityEntry, encoded: Bytes): EntryNode {
  const id = recordId(encoded)
  return { entry, bytes: encoded, id, key: toHex(id) }
}

/** Decode an entry (structure only; signatures and authority are checked later). */
export function decodeAuthorityEntry(encoded: Uint8Array): EntryNode {
  const entry = decodeRecord(entryType, encoded)
  // decodeRecord proved the input is the canonical encoding, so it is the entry's bytes.
  return toNode(entry, toBytes(encoded))
}

/** Sign a new entry. The log's author API ({@link AuthorityLog.author}) checks authority first. */
export async function signAuthorityEntry(
  keypair: Keypair,
  fields: { room: Uint8Array; parents: readonly Uint8Array[]; lamport: number; at: number; act: Action }
): Promise<Verified<EntryNode>> {
  const sortedParents = [...fields.parents].sort(compareBytes)
  const signed = await signRecord(keypair, {
    v: 1, t: 'authority', room: fields.room, parents: sortedParents, lamport: fields.lamport,
    author: keypair.publicKey, at: fields.at, act: fields.act
  })
  const node = decodeAuthorityEntry(encodeRecord(signed))
  return markVerified(node)
}

/** The bytes a join's invite signature covers (PROTOCOL.md §4.3). */
function inviteInput(room: Uint8Array, invite: { by: Uint8Array; exp?: number; code?: Uint8Array }): Bytes {
  return signatureInput(inviteSigningRecord(room, invite.by, invite.exp, invite.code))
}

/**
 * Check the signatures of many entries at once (the entry's own, and the
 * invite inside a join). Returns, per node, the verified node or the error.
 * Keys are validated by the strict rule of §2.2.
 */
export async function verifyAuthorityEntries(
  nodes: readonly EntryNode[]
): Promise<(Verified<EntryNode> | InvalidSignatureError)[]> {
  const items: VerifyItem[] = []
  const owners: number[] = []
  for (const [i, node] of nodes.entries()) {
    const { entry } = node
    items.push({ publicKey: entry.author, message: signatureInputOf(node.bytes), signature: entry.sig })
    owners.push(i)
    if (entry.act.op === 'join' && entry.act.invite) {
      items.push({ publicKey: entry.act.invite.by, message: inviteInput(entry.room, entry.act.invite), signature: entry.act.invite.sig })
      owners.push(i)
    }
  }
  // Queue every check at once: WebCrypto runs them on worker threads while the caller goes on.
  const ok = await verifyBatch(items, Math.max(1, items.length))
  const bad = new Set<number>()
  ok.forEach((valid, j) => { if (!valid) bad.add(owners[j] as number) })
  return nodes.map((node, i) => {
    if (bad.has(i)) {
      try {
        assertValidPublicKey(node.entry.author)
      } catch {
        return new InvalidSignatureError('author key is not a valid Ed25519 key')
      }
      return new InvalidSignatureError('entry or invite signature does not verify')
    }
    return markVerified(node)
  })
}
