/**
 * User routing records (PROTOCOL.md §10.3, draft in docs/drafts/network.md):
 * how to reach a user's devices. The identity key signs a short-lived list of
 * its devices, each with the device certificate (§3.3), the libp2p peer id of
 * that device (derived from the certified device key, so a Noise handshake
 * with that peer proves possession of the certified key), the addresses it
 * listens on and the relays it holds reservations with.
 *
 * The record is stored in the DHT under `/hearth/user/<user id>`. Every DHT
 * node runs {@link validateRoutingRecord} before storing or returning one,
 * and {@link selectRoutingRecord} picks the newest of several, so a forged,
 * expired or replayed-older record never wins.
 */
import { ExpiredError, InvalidArgumentError, InvalidCertificateError, InvalidSignatureError, SchemaError } from '../errors.ts'
import { compareBytes, concat, equalBytes, fromUtf8, toHex, utf8, type Bytes } from '../bytes.ts'
import { assertValidPublicKey, type Keypair } from '../crypto/ed25519.ts'
import { array, bytes, literal, struct, uint, type StructOf } from '../encoding/schema.ts'
import { decodeRecord, encodeRecord, signRecord, verifyRecordSignature, type RecordType } from '../records/record.ts'
import { decodeDeviceCert, verifyDeviceCert, type DeviceCert } from '../identity/device-cert.ts'
import { formatUserId, parseUserId } from '../identity/user-id.ts'
import { markVerified, type Verified } from '../verified.ts'

/** Most devices one routing record lists. */
export const MAX_ROUTING_DEVICES = 8
/** Most listen addresses per device. */
export const MAX_ROUTING_ADDRS = 8
/** Most relay addresses per device. */
export const MAX_ROUTING_RELAYS = 4
/** Largest binary multiaddr accepted in a routing record, in bytes. */
export const MAX_MULTIADDR_BYTES = 128
/** Longest lifetime (`expires − issued`) of a routing record: one day. */
export const MAX_ROUTING_TTL_MS = 86_400_000
/** How far in the future `issued` may be, to allow for clock skew: five minutes. */
export const MAX_CLOCK_SKEW_MS = 300_000
/** Largest encoded device certificate (§3.3). */
const MAX_CERT_BYTES = 512
/**
 * Largest encoded routing record. Chosen so that a record using every other
 * limit at once still fits: 8 devices × (512 + 38 + 8 × 130 + 4 × 130 + 40)
 * plus the envelope is under 18 KiB.
 */
export const MAX_ROUTING_RECORD_BYTES = 20_480

/** The DHT key namespace Hearth registers validators and selectors for. */
export const HEARTH_DHT_NAMESPACE = 'hearth'
const USER_KEY_PREFIX = '/hearth/user/'

/**
 * Prefix of a libp2p peer id of an Ed25519 key: identity multihash (0x00),
 * length 36, then the protobuf `PublicKey { Type: Ed25519 (1), Data: 32 bytes }`.
 */
const ED25519_PEER_ID_PREFIX = new Uint8Array([0x00, 0x24, 0x08, 0x01, 0x12, 0x20])
/** Length of an Ed25519 libp2p peer id in bytes. */
export const PEER_ID_BYTES = 38

const deviceFields = {
  cert: bytes({ min: 1, max: MAX_CERT_BYTES }),
  peer: bytes(PEER_ID_BYTES),
  addrs: array(bytes({ min: 1, max: MAX_MULTIADDR_BYTES }), MAX_ROUTING_ADDRS),
  relays: array(bytes({ min: 1, max: MAX_MULTIADDR_BYTES }), MAX_ROUTING_RELAYS)
}

const routingFields = {
  v: literal(1),
  t: literal('routing'),
  user: bytes(32),
  seq: uint(),
  issued: uint(),
  expires: uint(),
  devices: array(struct(deviceFields), MAX_ROUTING_DEVICES),
  sig: bytes(64)
}

/** One device entry as decoded. */
export type RoutingDevice = StructOf<typeof deviceFields>
/** A routing record as decoded (not yet verified). */
export type RoutingRecord = StructOf<typeof routingFields>

const routingType: RecordType<RoutingRecord> = {
  tag: 'routing',
  maxBytes: MAX_ROUTING_RECORD_BYTES,
  check: (value, path) => {
    const record = struct(routingFields)(value, path)
    if (record.devices.length === 0) throw new SchemaError('devices', 'lists at least one device')
    if (record.expires <= record.issued) throw new SchemaError('expires', 'must be after issued')
    if (record.expires - record.issued > MAX_ROUTING_TTL_MS) {
      throw new SchemaError('expires', `must be at most ${MAX_ROUTING_TTL_MS} ms after issued`)
    }
    return record
  }
}

/** What a device publishes about itself, before the identity signs it. */
export interface RoutingDeviceInput {
  /** The encoded device certificate (§3.3) of this device. */
  readonly cert: Uint8Array
  /** Binary multiaddrs the device listens on. */
  readonly addrs: readonly Uint8Array[]
  /** Binary multiaddrs of relays the device holds a reservation with. */
  readonly relays: readonly Uint8Array[]
}

/** The libp2p peer id bytes of an Ed25519 public key (what `peerIdFromPublicKey(..).toMultihash().bytes` gives). */
export function peerIdOfDeviceKey(deviceKey: Uint8Array): Bytes {
  if (deviceKey.length !== 32) throw new InvalidArgumentError('a device key is 32 bytes')
  return concat(ED25519_PEER_ID_PREFIX, deviceKey)
}

/** The DHT key of a user's routing record: UTF-8 of `/hearth/user/<user id>`. */
export function routingRecordKey(user: Uint8Array): Bytes {
  return utf8(`${USER_KEY_PREFIX}${formatUserId(assertValidPublicKey(user))}`)
}

/** The identity key a routing-record DHT key names; throws {@link InvalidArgumentError} or {@link InvalidKeyError}. */
export function parseRoutingRecordKey(key: Uint8Array): Bytes {
  let text: string
  try {
    text = fromUtf8(key)
  } catch {
    throw new InvalidArgumentError('a DHT key is UTF-8 text')
  }
  if (!text.startsWith(USER_KEY_PREFIX)) throw new InvalidArgumentError(`not a ${USER_KEY_PREFIX}… key`)
  const id = text.slice(USER_KEY_PREFIX.length)
  // parseUserId accepts either case; the key has one spelling: lowercase.
  if (id !== id.toLowerCase()) throw new InvalidArgumentError('a user id in a DHT key is lowercase')
  return parseUserId(id)
}

/**
 * Create and sign a routing record. `issued` is the signer's clock; the
 * record lives `ttl` ms (at most {@link MAX_ROUTING_TTL_MS}).
 */
export async function createRoutingRecord(
  identity: Keypair,
  opts: { seq: number; issued: number; ttl: number; devices: readonly RoutingDeviceInput[] }
): Promise<Verified<RoutingRecord>> {
  const devices = opts.devices.map((d) => {
    const cert = decodeDeviceCert(d.cert)
    if (!equalBytes(cert.identity, identity.publicKey)) throw new InvalidCertificateError('certificate of another identity')
    return { cert: d.cert, peer: peerIdOfDeviceKey(cert.device), addrs: [...d.addrs], relays: [...d.relays] }
  })
  const signed = await signRecord(identity, {
    v: 1, t: 'routing', user: identity.publicKey, seq: opts.seq, issued: opts.issued, expires: opts.issued + opts.ttl, devices
  } as const)
  // Decoding our own output applies every schema limit to what we publish.
  return markVerified(decodeRoutingRecord(encodeRecord(signed)))
}

/** Canonical bytes of a routing record. */
export function encodeRoutingRecord(record: RoutingRecord): Bytes {
  return encodeRecord(record)
}

/** Decode a routing record (signature and certificates unchecked). */
export function decodeRoutingRecord(bytes: Uint8Array): RoutingRecord {
  return decodeRecord(routingType, bytes)
}

/**
 * Check a routing record received under DHT key `dhtKey` at time `now`:
 * decodes within limits; the key names the record's `user`; `sig` verifies
 * under `user`; `issued ≤ now + MAX_CLOCK_SKEW_MS` and `now < expires`; every
 * device certificate is signed by `user`, valid at `now`, its peer id is
 * derived from its device key, and no device appears twice. Throws only
 * ProtocolErrors.
 */
export async function validateRoutingRecord(bytes: Uint8Array, dhtKey: Uint8Array, now: number): Promise<Verified<RoutingRecord>> {
  const record = decodeRoutingRecord(bytes)
  const keyUser = parseRoutingRecordKey(dhtKey)
  if (!equalBytes(keyUser, record.user)) throw new InvalidArgumentError('routing record stored under another user id')
  assertValidPublicKey(record.user)
  if (record.issued > now + MAX_CLOCK_SKEW_MS) throw new ExpiredError('routing record is issued in the future')
  if (now >= record.expires) throw new ExpiredError('routing record has expired')
  if (!(await verifyRecordSignature(record, record.user))) throw new InvalidSignatureError('routing record signature does not verify')
  const seen = new Set<string>()
  for (const [i, device] of record.devices.entries()) {
    let cert: DeviceCert
    try {
      cert = decodeDeviceCert(device.cert)
    } catch (err) {
      throw new InvalidCertificateError(`devices[${i}].cert does not decode`, { cause: err })
    }
    if (!equalBytes(cert.identity, record.user)) throw new InvalidCertificateError(`devices[${i}].cert is of another identity`)
    await verifyDeviceCert(cert, now)
    if (!equalBytes(device.peer, peerIdOfDeviceKey(cert.device))) {
      throw new InvalidCertificateError(`devices[${i}].peer is not the peer id of the certified device key`)
    }
    const id = toHex(cert.device)
    if (seen.has(id)) throw new SchemaError(`devices[${i}]`, 'lists a device twice')
    seen.add(id)
  }
  return markVerified(record)
}

/**
 * Order of two routing records of one user: greater `seq` wins, then later
 * `issued`, then the bytewise greater `sig`. Positive when `a` is newer.
 */
export function compareRoutingRecords(a: RoutingRecord, b: RoutingRecord): number {
  if (a.seq !== b.seq) return a.seq - b.seq
  if (a.issued !== b.issued) return a.issued - b.issued
  return compareBytes(a.sig, b.sig)
}

/**
 * The DHT selector: the index of the newest record (by
 * {@link compareRoutingRecords}) among encoded `records`. Records that do not
 * decode never win; the first of equal records wins. Signatures are not
 * checked here: the DHT validates every record before selecting. Throws
 * {@link InvalidArgumentError} on an empty list.
 */
export function selectRoutingRecord(records: readonly Uint8Array[]): number {
  if (records.length === 0) throw new InvalidArgumentError('no records to select from')
  let best = 0
  let bestRecord: RoutingRecord | undefined
  for (const [i, bytes] of records.entries()) {
    let record: RoutingRecord
    try {
      record = decodeRoutingRecord(bytes)
    } catch {
      continue
    }
    if (bestRecord === undefined || compareRoutingRecords(record, bestRecord) > 0) {
      best = i
      bestRecord = record
    }
  }
  return best
}
