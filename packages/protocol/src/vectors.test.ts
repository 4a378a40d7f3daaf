/**
 * Test vectors (packages/protocol/test-vectors/*.json, described in its
 * README.md). Every vector is recomputed here from its fixed inputs and
 * compared byte-for-byte with the committed file; `UPDATE_VECTORS=1 npx
 * vitest run packages/protocol/src/vectors.test.ts` rewrites the files
 * instead. A second pass reads the committed files and checks each vector
 * the way an independent implementation would: decoding, verifying, and
 * recomputing hashes and ciphertexts with plain SHA-256 and WebCrypto.
 */
import { describe, expect, it } from 'vitest'
import { ed25519, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import {
  answerChallenge,
  challengeDigest,
  decodeChallenge,
  decodeResponse,
  encodeAuth,
  verifyChallengeResponse,
  type AuthChallenge
} from './identity/auth.ts'
import {
  certifyDevice,
  decodeDeviceCert,
  decodeDeviceRevocation,
  encodeDeviceRecord,
  revokeDevice,
  verifyDeviceCert,
  verifyDeviceRevocation,
  type DeviceCert,
  type DeviceRevocation
} from './identity/device-cert.ts'
import { createProfile, encodeProfile, newerProfile, openProfile, type Profile, type ProfileFields } from './identity/profile.ts'
import { formatUserId, parseUserId } from './identity/user-id.ts'
import { computeRoomId, formatRoomId, parseRoomId } from './rooms/room-id.ts'
import { createGenesis, encodeGenesis, openGenesis, type RoomPolicy } from './rooms/genesis.ts'
import { formatInvite, parseInvite, sameInvite, signInvite, verifyInvite, type Invite } from './invite/invite-link.ts'
import { exportBackup, importBackup, MIN_BACKUP_ITERATIONS } from './backup/backup.ts'
import { keypairFromSeed, setEd25519Backend, sign, verify, type Ed25519Backend, type Keypair } from './crypto/ed25519.ts'
import { sha256, taggedHash } from './crypto/sha256.ts'
import { decodeCanonical, encodeCanonical, type CborValue } from './encoding/cbor.ts'
import { encodeRecord, signatureInput, signRecord } from './records/record.ts'
import type { Verified } from './verified.ts'
import { ProtocolError } from './errors.ts'
import { concat, fromHex, toBase32, toBase64Url, toBytes, toHex, utf8, type Bytes } from './bytes.ts'
import {
  AVATAR_SAMPLES,
  CBOR_REJECTIONS,
  craftSignature,
  decryptBackupByHand,
  ED25519_L,
  ED25519_P,
  encryptBackupByHand,
  HEARTH_CBOR_EXAMPLES,
  itemOf,
  leBytes,
  leNumber,
  nonZeroPadding,
  RFC8032_VECTORS,
  RFC8949_EXAMPLES,
  challengeScalar,
  secretScalar,
  testBytes,
  testSeed,
  torsionPoint,
  writeItem,
  type Item
} from './test-support.ts'

// ---------------------------------------------------------------------------
// File access. Node types are deliberately not part of this package (it must
// stay free of host APIs), so the two fs calls used here are typed locally.

interface FsApi {
  readFileSync(path: URL, encoding: 'utf8'): string
  writeFileSync(path: URL, data: string): void
  mkdirSync(path: URL, options: { recursive: true }): unknown
  existsSync(path: URL): boolean
}
const NODE_FS = 'node:fs'
const fs = (await import(/* @vite-ignore */ NODE_FS)) as FsApi
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
const UPDATE = env.UPDATE_VECTORS === '1'
const VECTOR_DIR = new URL('../test-vectors/', import.meta.url)

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function readVectors(file: string): Record<string, Json> {
  return JSON.parse(fs.readFileSync(new URL(file, VECTOR_DIR), 'utf8')) as Record<string, Json>
}

// ---------------------------------------------------------------------------
// Fixed inputs

const hex = toHex
const T0 = 1_700_000_000_000
const HOUR = 3_600_000
const DAY = 24 * HOUR

function key(label: string): { label: string; seed: Bytes; keypair: Keypair } {
  const seed = testSeed(label)
  return { label, seed, keypair: keypairFromSeed(seed) }
}

const alice = key('vectors/alice')
const bob = key('vectors/bob')
const mallory = key('vectors/mallory')
const aliceLaptop = key('vectors/alice-laptop')
const alicePhone = key('vectors/alice-phone')

/** The class name of what `fn` throws ("valid" when it returns). */
async function outcome(fn: () => unknown): Promise<string> {
  try {
    await fn()
    return 'valid'
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    return err.name
  }
}

/** RFC 8949 §8 diagnostic notation of a canonical item. */
function diagnostic(item: Item): string {
  switch (item.kind) {
    case 'uint':
      return String(item.value)
    case 'nint':
      return String(-1n - item.value)
    case 'bytes':
      return `h'${hex(item.value)}'`
    case 'text':
      return JSON.stringify(new TextDecoder().decode(item.value))
    case 'array':
      return `[${item.items.map(diagnostic).join(', ')}]`
    case 'map':
      return `{${item.entries.map(([k, v]) => `${diagnostic(k)}: ${diagnostic(v)}`).join(', ')}}`
    case 'simple':
      return ({ 20: 'false', 21: 'true', 22: 'null' } as Record<number, string>)[item.value] ?? `simple(${item.value})`
    case 'tag':
    case 'raw':
      throw new Error('not in the canonical subset')
  }
}

// ---------------------------------------------------------------------------
// Generators: one per file, all deterministic.

async function cborVectors(): Promise<Json> {
  const seen = new Set<string>()
  const valid: Json[] = []
  const record = { v: 1, t: 'example', id: testBytes('cbor/id', 32), list: [0, -1, 'two', new Uint8Array([3]), [true, false, null], {}], n: Number.MAX_SAFE_INTEGER, nested: { b: 1, aa: 2, B: 3 } }
  for (const [value, expected] of [...RFC8949_EXAMPLES, ...HEARTH_CBOR_EXAMPLES, [record, hex(encodeCanonical(record))] as const]) {
    const encoding = hex(encodeCanonical(value))
    expect(encoding).toBe(expected)
    if (seen.has(encoding)) continue
    seen.add(encoding)
    valid.push({ diagnostic: diagnostic(itemOf(value)), encoding })
  }
  const utf8Rejections: [string, string][] = [
    ['invalid UTF-8 in a text string', '62c328'],
    ['UTF-8 of a surrogate (CESU-8) in a text string', '63eda080'],
    ['overlong UTF-8 in a text string', '62c0af']
  ]
  const invalid: Json[] = []
  for (const [name, encoding] of [...CBOR_REJECTIONS.map(([n, h]) => [n, h] as const), ...utf8Rejections]) {
    invalid.push({ name, encoding, error: await outcome(() => decodeCanonical(fromHex(encoding), 10_000)) })
  }
  return { description: 'Deterministic CBOR (PROTOCOL.md §1.1): see README.md#cborjson', maxBytes: 10_000, valid, invalid }
}

async function ed25519Vectors(): Promise<Json> {
  const rfc8032: Json[] = []
  for (const v of RFC8032_VECTORS) {
    const keypair = keypairFromSeed(fromHex(v.secretKey))
    rfc8032.push({ name: `RFC 8032 §7.1 ${v.name}`, secretKey: v.secretKey, publicKey: hex(keypair.publicKey), message: v.message, signature: hex(await sign(keypair, fromHex(v.message))) })
  }
  const seed = alice.seed
  const A = alice.keypair.publicKey
  const message = utf8('hearth test vector')
  const honest = await sign(alice.keypair, message)
  const valid: Json[] = []
  for (const [name, msg] of [['empty message', new Uint8Array(0)], ['short message', message], ['1 KiB message', testBytes('ed25519/long', 1024)]] as const) {
    valid.push({ name: `${alice.label}: ${name}`, seed: hex(seed), publicKey: hex(A), message: hex(msg), signature: hex(await sign(alice.keypair, msg)) })
  }
  // Keys with a torsion component: valid exactly when [k]T = 0 under the cofactorless equation.
  const mixedKey = ed25519.Point.BASE.multiply(secretScalar(seed)).add(torsionPoint(1)).toBytes()
  const mixed = (want: boolean): { message: Bytes; signature: Bytes } => {
    for (let i = 0; ; i++) {
      const msg = utf8(`mixed-order key ${i}`)
      const signature = craftSignature({ seed, message: msg, r: 1_000_000n + BigInt(i), publicKey: mixedKey })
      if ((challengeScalar(signature, mixedKey, msg) % 8n === 0n) === want) return { message: msg, signature }
    }
  }
  const mixedOk = mixed(true)
  valid.push({ name: 'key with an order-8 torsion component, k ≡ 0 (mod 8): the cofactorless equation holds', seed: null, publicKey: hex(mixedKey), message: hex(mixedOk.message), signature: hex(mixedOk.signature) })

  const invalid: Json[] = []
  const bad = (name: string, reason: string, publicKey: Uint8Array, msg: Uint8Array, signature: Uint8Array): void => {
    invalid.push({ name, reason, publicKey: hex(publicKey), message: hex(msg), signature: hex(signature) })
  }
  bad('signature of another message', 'equation does not hold', A, utf8('another message'), honest)
  bad('signature by another key', 'equation does not hold', bob.keypair.publicKey, message, honest)
  const s = leNumber(honest.subarray(32))
  bad('S + L (malleated)', 'S ≥ L', A, message, concat(honest.subarray(0, 32), leBytes(s + ED25519_L)))
  bad('S = L', 'S ≥ L', A, message, concat(honest.subarray(0, 32), leBytes(ED25519_L)))
  bad('S = 2^256 − 1', 'S ≥ L', A, message, concat(honest.subarray(0, 32), leBytes(2n ** 256n - 1n)))
  bad('R = identity spelled y = p + 1 (equation holds for lax decoders)', 'R not canonical (y ≥ p)', A, message, craftSignature({ seed, message, r: 0n, rEncoding: leBytes(ED25519_P + 1n) }))
  bad('R = identity with the sign bit set (x = 0)', 'R not canonical (x = 0 with sign bit)', A, message, craftSignature({ seed, message, r: 0n, rEncoding: leBytes(1n + (1n << 255n)) }))
  bad('R = identity (small order; equation holds)', 'R of small order', A, message, craftSignature({ seed, message, r: 0n }))
  for (const [index, order] of [[1, 8], [2, 4], [4, 2]] as const) {
    bad(`R with a torsion component of order ${order} added (cofactored equation holds)`, 'cofactorless equation does not hold', A, message, craftSignature({ seed, message, r: 123_456_789n, addToR: torsionPoint(index) }))
  }
  const mixedBad = mixed(false)
  bad('key with an order-8 torsion component, k ≢ 0 (mod 8) (cofactored equation holds)', 'cofactorless equation does not hold', mixedKey, mixedBad.message, mixedBad.signature)
  ED25519_TORSION_SUBGROUP.forEach((point, i) => {
    const forged = i === 0 ? concat(ed25519.Point.BASE.multiply(12345n).toBytes(), leBytes(12345n)) : honest
    bad(`small-order key ${i}${i === 0 ? ' (identity; R = [S]B forges any message)' : ''}`, 'key of small order', fromHex(point), message, forged)
  })
  for (let offset = 0n; offset < 19n; offset++) bad(`key y = p + ${offset}`, 'key not canonical (y ≥ p)', leBytes(ED25519_P + offset), message, honest)
  bad('key y = p + 1 with the sign bit', 'key not canonical (y ≥ p)', leBytes(ED25519_P + 1n + (1n << 255n)), message, honest)
  bad('key y = 2^255 − 1', 'key not canonical (y ≥ p)', leBytes((1n << 255n) - 1n), message, honest)
  bad('key not on the curve (y = 2)', 'key not a curve point', leBytes(2n), message, honest)
  bad('31-byte key', 'wrong length', A.subarray(1), message, honest)
  bad('63-byte signature', 'wrong length', A, message, honest.subarray(1))
  bad('65-byte signature', 'wrong length', A, message, concat(honest, new Uint8Array(1)))
  return { description: 'Ed25519 under the strict rule (PROTOCOL.md §2.2): see README.md#ed25519json', rfc8032, valid, invalid }
}

function userIdVectors(): Json {
  const valid = [alice, bob, mallory].map((k) => ({ label: k.label, seed: hex(k.seed), publicKey: hex(k.keypair.publicKey), userId: formatUserId(k.keypair.publicKey) }))
  const id = formatUserId(alice.keypair.publicKey)
  const invalid = [
    ['one character short', id.slice(1)],
    ['one character long', `${id}a`],
    ['padded', `${id}====`],
    ['non-zero trailing bits', nonZeroPadding(id)],
    ['small-order key (identity)', toBase32(fromHex(ED25519_TORSION_SUBGROUP[0]!))],
    ['non-canonical key (y = p + 3)', toBase32(leBytes(ED25519_P + 3n))],
    ['not a curve point', toBase32(leBytes(2n))]
  ].map(([name, userId]) => ({ name: name!, userId: userId!, error: 'InvalidKeyError' }))
  return { description: 'User ids (PROTOCOL.md §3.1): see README.md#user-idsjson', valid, invalid }
}

/** The room id preimage, written out byte by byte (PROTOCOL.md §4.1). */
function roomIdPreimage(creator: Uint8Array, name: string, nonce: Uint8Array): Bytes {
  const nameBytes = utf8(name)
  const len = new Uint8Array(4)
  new DataView(len.buffer).setUint32(0, nameBytes.length)
  return concat(utf8('hearth/room-id/v1'), new Uint8Array([0]), creator, len, nameBytes, nonce)
}

function roomIdVectors(): Json {
  const cases: [string, Keypair, string][] = [
    ['ascii name', alice.keypair, 'Hearth dev'],
    ['empty name', alice.keypair, ''],
    ['unicode name', alice.keypair, 'Café ☕ 日本語 😀'],
    ['100-byte name', alice.keypair, 'é'.repeat(50)],
    ['same name, other creator', bob.keypair, 'Hearth dev']
  ]
  const vectors = cases.map(([name, creator, roomName], i) => {
    const nonce = testBytes(`room-id/${i}`, 16)
    const roomId = computeRoomId(creator.publicKey, roomName, nonce)
    return {
      name, creatorPublicKey: hex(creator.publicKey), roomName, roomNameUtf8: hex(utf8(roomName)), nonce: hex(nonce),
      preimage: hex(roomIdPreimage(creator.publicKey, roomName, nonce)), roomId: hex(roomId), roomIdText: formatRoomId(roomId)
    }
  })
  const text = formatRoomId(testBytes('room-id/text', 32))
  const invalidText = [
    ['51 characters', text.slice(1)],
    ['53 characters', `${text}a`],
    ['non-zero trailing bits', nonZeroPadding(text)],
    ['padding', `${text}====`],
    ['character outside the alphabet', `1${text.slice(1)}`]
  ].map(([name, roomIdText]) => ({ name: name!, roomIdText: roomIdText!, error: 'InvalidArgumentError' }))
  return { description: 'Room ids (PROTOCOL.md §4.1): see README.md#room-idsjson', vectors, invalidText }
}

async function genesisVectors(): Promise<Json> {
  const cases: [string, typeof alice, string, RoomPolicy | undefined, number][] = [
    ['default policy', alice, 'Hearth dev', undefined, T0],
    ['invite-only, listed', alice, 'Book club 📚', { join: 'invite', discoverable: 'listed' }, T0 + 1],
    ['open, listed, 100-byte name', bob, 'n'.repeat(100), { join: 'open', discoverable: 'listed' }, Number.MAX_SAFE_INTEGER]
  ]
  const valid: Json[] = []
  for (const [name, creator, roomName, policy, created] of cases) {
    const nonce = testBytes(`genesis/${name}`, 16)
    const g = await createGenesis(creator.keypair, { name: roomName, created, nonce, ...(policy ? { policy } : {}) })
    valid.push({
      name, creatorSeed: hex(creator.seed), creatorPublicKey: hex(creator.keypair.publicKey), roomName, nonce: hex(nonce), created,
      policy: { ...g.policy }, roomId: hex(g.room), roomIdText: formatRoomId(g.room),
      signatureInput: hex(signatureInput(g)), signature: hex(g.sig), encoding: hex(encodeGenesis(g))
    })
  }
  const g = await createGenesis(alice.keypair, { name: 'Hearth dev', created: T0, nonce: testBytes('genesis/default policy', 16) })
  const other = await createGenesis(alice.keypair, { name: 'Hearth dev', created: T0, nonce: testBytes('genesis/other', 16) })
  const invalidCases: [string, Uint8Array, Uint8Array | undefined][] = [
    ['name changed and re-signed by the creator (room id does not match)', encodeRecord(await signRecord(alice.keypair, { ...g, name: 'Other name' })), undefined],
    ['creator replaced and re-signed by the new creator (room id does not match)', encodeRecord(await signRecord(mallory.keypair, { ...g, creator: mallory.keypair.publicKey })), g.room],
    ['valid genesis of another room', encodeGenesis(other), g.room],
    ['signed by someone other than the creator', encodeRecord(await signRecord(mallory.keypair, g)), undefined],
    ['created time changed after signing', encodeRecord({ ...g, created: T0 + 1 }), undefined],
    ['unknown field', encodeRecord({ ...g, topic: 'x' }), undefined],
    ['version 2', encodeRecord({ ...g, v: 2 }), undefined]
  ]
  const invalid: Json[] = []
  for (const [name, bytes, expectedRoom] of invalidCases) {
    invalid.push({ name, encoding: hex(bytes), expectedRoom: expectedRoom ? hex(expectedRoom) : null, error: await outcome(() => openGenesis(bytes, expectedRoom)) })
  }
  return { description: 'Room genesis records (PROTOCOL.md §4.2): see README.md#genesisjson', valid, invalid }
}

function profileJson(name: string, seed: Uint8Array, p: Profile): Json {
  return {
    name, seed: hex(seed), publicKey: hex(p.id), userId: formatUserId(p.id), seq: p.seq, updated: p.updated,
    profileName: p.name, bio: p.bio ?? null, status: p.status ?? null,
    avatar: p.avatar ? { mime: p.avatar.mime, data: hex(p.avatar.data) } : null,
    signatureInput: hex(signatureInput(p)), signature: hex(p.sig), encoding: hex(encodeProfile(p))
  }
}

async function profileVectors(): Promise<Json> {
  const cases: [string, ProfileFields, number, number][] = [
    ['minimal', { name: 'Alice' }, 1, T0],
    ['every field', { name: 'Alice 🔥', bio: 'Hello!\nSecond line\twith a tab', status: 'Out for lunch', avatar: { mime: 'image/png', data: concat(AVATAR_SAMPLES['image/png'], testBytes('avatar', 24)) } }, 2, T0 + HOUR],
    ['seq 2, later clock', { name: 'Alice (later)' }, 2, T0 + 2 * HOUR],
    ['seq 3, earlier clock', { name: 'Alice (seq 3)' }, 3, T0],
    ['tie A', { name: 'Tie A' }, 9, T0],
    ['tie B', { name: 'Tie B' }, 9, T0],
    ['largest seq and time', { name: 'Alice', avatar: { mime: 'image/webp', data: AVATAR_SAMPLES['image/webp'] } }, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
  ]
  const made = new Map<string, Verified<Profile>>()
  const valid: Json[] = []
  for (const [name, fields, seq, updated] of cases) {
    const p = await createProfile(alice.keypair, fields, seq, updated)
    made.set(name, p)
    valid.push(profileJson(name, alice.seed, p))
  }
  const pairs: [string, string][] = [['minimal', 'every field'], ['every field', 'seq 2, later clock'], ['seq 2, later clock', 'seq 3, earlier clock'], ['tie A', 'tie B'], ['tie B', 'tie A'], ['minimal', 'minimal']]
  const newest = pairs.map(([a, b]) => {
    const winner = newerProfile(made.get(a)!, made.get(b)!)
    return { a, b, winner: winner === made.get(a) ? a : b }
  })
  const base = made.get('every field')!
  const signedByBob = await signRecord(bob.keypair, { ...base, sig: undefined })
  const mismatched = await signRecord(alice.keypair, { ...base, sig: undefined, avatar: { mime: 'image/gif', data: AVATAR_SAMPLES['image/png'] } })
  const canonical = itemOf(decodeCanonical(encodeProfile(made.get('minimal')!), 1 << 20)) as Extract<Item, { kind: 'map' }>
  const invalidCases: [string, Uint8Array][] = [
    ['signed by another key', encodeRecord(signedByBob)],
    ['name changed after signing', encodeRecord({ ...base, name: 'Mallory' })],
    ['avatar bytes do not match the mime type (validly signed)', encodeRecord(mismatched)],
    ['unknown field', encodeRecord({ ...base, pronouns: 'she/her' })],
    ['map keys not in canonical order', writeItem({ ...canonical, entries: [...canonical.entries].reverse() })],
    ['id of small order', encodeRecord({ ...base, id: fromHex(ED25519_TORSION_SUBGROUP[0]!) })],
    ['type "genesis"', encodeRecord({ ...base, t: 'genesis' })]
  ]
  const invalid: Json[] = []
  for (const [name, bytes] of invalidCases) invalid.push({ name, encoding: hex(bytes), error: await outcome(() => openProfile(bytes)) })
  return { description: 'Signed profiles (PROTOCOL.md §3.2): see README.md#profilesjson', valid, newest, invalid }
}

async function deviceVectors(): Promise<Json> {
  const laptopCert = await certifyDevice(alice.keypair, aliceLaptop.keypair.publicKey, { label: 'Laptop', issued: T0, expires: T0 + 30 * DAY })
  const phoneCert = await certifyDevice(alice.keypair, alicePhone.keypair.publicKey, { label: 'Phone 📱', issued: T0 })
  const certificates = [['laptop, expires after 30 days', aliceLaptop, laptopCert], ['phone, no expiry', alicePhone, phoneCert]] as const
  const laptopRevoked = await revokeDevice(alice.keypair, aliceLaptop.keypair.publicKey, { revoked: T0 + 10 * DAY, reason: 'stolen' })
  const phoneRevoked = await revokeDevice(alice.keypair, alicePhone.keypair.publicKey, { revoked: T0 + 20 * DAY })
  const byMallory = await revokeDevice(mallory.keypair, aliceLaptop.keypair.publicKey, { revoked: T0 })
  const revocations = [['laptop revoked after 10 days', laptopRevoked], ['phone revoked after 20 days', phoneRevoked], ['laptop revoked by another identity (does not apply)', byMallory]] as const
  const revocationByName = new Map<string, Verified<DeviceRevocation>>(revocations.map(([n, r]) => [n, r]))
  const certByName = new Map<string, Verified<DeviceCert>>(certificates.map(([n, , c]) => [n, c]))
  const checkCases: [string, number, string[]][] = [
    ['laptop, expires after 30 days', T0, []],
    ['laptop, expires after 30 days', T0 - 1, []],
    ['laptop, expires after 30 days', T0 + 30 * DAY - 1, []],
    ['laptop, expires after 30 days', T0 + 30 * DAY, []],
    ['laptop, expires after 30 days', T0 + 10 * DAY - 1, ['laptop revoked after 10 days']],
    ['laptop, expires after 30 days', T0 + 10 * DAY, ['laptop revoked after 10 days']],
    ['laptop, expires after 30 days', T0 + DAY, ['laptop revoked by another identity (does not apply)', 'phone revoked after 20 days']],
    ['phone, no expiry', Number.MAX_SAFE_INTEGER, []],
    ['phone, no expiry', T0 + 20 * DAY, ['phone revoked after 20 days', 'laptop revoked after 10 days']]
  ]
  const checks: Json[] = []
  for (const [certificate, at, revs] of checkCases) {
    checks.push({ certificate, at, revocations: revs, result: await outcome(() => verifyDeviceCert(certByName.get(certificate)!, at, revs.map((r) => revocationByName.get(r)!))) })
  }
  const forgedCert = await signRecord(mallory.keypair, { ...laptopCert, sig: undefined })
  const selfCert = await signRecord(alice.keypair, { ...laptopCert, device: alice.keypair.publicKey, sig: undefined })
  const forgedRevocation = await signRecord(mallory.keypair, { ...laptopRevoked, sig: undefined })
  const invalid: Json[] = []
  for (const [name, kind, bytes] of [
    ['certificate signed by another key', 'device-cert', encodeRecord(forgedCert)],
    ['certificate of the identity key itself', 'device-cert', encodeRecord(selfCert)],
    ['certificate label changed after signing', 'device-cert', encodeRecord({ ...laptopCert, label: 'Desktop' })],
    ['revocation signed by another key', 'device-revoke', encodeRecord(forgedRevocation)],
    ['revocation time changed after signing', 'device-revoke', encodeRecord({ ...laptopRevoked, revoked: T0 + 11 * DAY })]
  ] as const) {
    invalid.push({
      name, type: kind, encoding: hex(bytes),
      error: await outcome(() => (kind === 'device-cert' ? verifyDeviceCert(decodeDeviceCert(bytes), T0) : verifyDeviceRevocation(decodeDeviceRevocation(bytes))))
    })
  }
  return {
    description: 'Device certificates and revocations (PROTOCOL.md §3.3): see README.md#device-certsjson',
    certificates: certificates.map(([name, device, c]) => ({
      name, identitySeed: hex(alice.seed), identityPublicKey: hex(c.identity), deviceSeed: hex(device.seed), devicePublicKey: hex(c.device),
      label: c.label, issued: c.issued, expires: c.expires ?? null, signatureInput: hex(signatureInput(c)), signature: hex(c.sig), encoding: hex(encodeDeviceRecord(c))
    })),
    revocations: revocations.map(([name, r]) => ({
      name, identityPublicKey: hex(r.identity), devicePublicKey: hex(r.device), revoked: r.revoked, reason: r.reason ?? null,
      signatureInput: hex(signatureInput(r)), signature: hex(r.sig), encoding: hex(encodeDeviceRecord(r))
    })),
    checks,
    invalid
  }
}

function fixedChallenge(nonceLabel: string, audience: string, issued: number): AuthChallenge {
  return decodeChallenge(encodeAuth({ v: 1, t: 'auth-challenge', nonce: testBytes(nonceLabel, 32), audience, issued }))
}

async function authVectors(): Promise<Json> {
  const c1 = fixedChallenge('auth/nonce-1', '12D3KooWVerifierPeerIdExample', T0)
  const c2 = fixedChallenge('auth/nonce-2', '12D3KooWVerifierPeerIdExample', T0 + 5_000)
  const challenges = [['c1', c1], ['c2', c2]] as const
  const byName = new Map<string, AuthChallenge>(challenges)
  const cert = encodeDeviceRecord(await certifyDevice(alice.keypair, aliceLaptop.keypair.publicKey, { label: 'Laptop', issued: T0 - DAY, expires: T0 + DAY }))
  const revocation = await revokeDevice(alice.keypair, aliceLaptop.keypair.publicKey, { revoked: T0 - 1, reason: 'lost' })
  const byIdentity = await answerChallenge(c1, { identity: alice.keypair }, T0 + 1_000)
  const byDevice = await answerChallenge(c1, { identity: alice.keypair.publicKey, device: aliceLaptop.keypair, cert }, T0 + 1_000)
  const forged = decodeResponse(encodeRecord(await signRecord(mallory.keypair, { v: 1, t: 'auth-response', challenge: challengeDigest(c1), identity: alice.keypair.publicKey, signed: T0 + 1_000 })))
  type Check = { challenge: string; now: number; ttlMs?: number; revoked?: boolean }
  const responseCases: [string, typeof byIdentity, typeof alice, typeof aliceLaptop | null, Check[]][] = [
    ['identity key', byIdentity, alice, null, [
      { challenge: 'c1', now: T0 }, { challenge: 'c1', now: T0 + 60_000 }, { challenge: 'c1', now: T0 + 60_001 }, { challenge: 'c1', now: T0 - 1 },
      { challenge: 'c1', now: T0 + 10_000, ttlMs: 5_000 }, { challenge: 'c2', now: T0 + 5_000 }
    ]],
    ['certified device key', byDevice, alice, aliceLaptop, [
      { challenge: 'c1', now: T0 + 2_000 }, { challenge: 'c1', now: T0 + 2_000, revoked: true }, { challenge: 'c2', now: T0 + 6_000 }
    ]],
    ['signed by another key than the identity it names', forged, mallory, null, [{ challenge: 'c1', now: T0 + 2_000 }]]
  ]
  const responses: Json[] = []
  for (const [name, response, signer, device, checkList] of responseCases) {
    const checks: Json[] = []
    for (const check of checkList) {
      const result = await outcome(() => verifyChallengeResponse(byName.get(check.challenge)!, response, {
        now: check.now, ...(check.ttlMs !== undefined ? { ttlMs: check.ttlMs } : {}), ...(check.revoked === true ? { revocations: [revocation] } : {})
      }))
      checks.push({ challenge: check.challenge, now: check.now, ttlMs: check.ttlMs ?? null, revocations: check.revoked === true ? [hex(encodeDeviceRecord(revocation))] : [], result })
    }
    responses.push({
      name, signerSeed: hex(device ? device.seed : signer.seed), identityPublicKey: hex(response.identity),
      devicePublicKey: response.device ? hex(response.device) : null, cert: response.cert ? hex(response.cert) : null,
      challengeDigest: hex(response.challenge), signed: response.signed,
      signatureInput: hex(signatureInput(response)), signature: hex(response.sig), encoding: hex(encodeAuth(response)), checks
    })
  }
  return {
    description: 'Challenge-response authentication (PROTOCOL.md §3.4): see README.md#authjson',
    defaultTtlMs: 60_000,
    challenges: challenges.map(([name, c]) => ({ name, nonce: hex(c.nonce), audience: c.audience, issued: c.issued, encoding: hex(encodeAuth(c)), digest: hex(challengeDigest(c)) })),
    responses
  }
}

const ORIGIN = 'https://hearth.example'

async function inviteVectors(): Promise<Json> {
  const room = testBytes('invite/room', 32)
  const cases: [string, Omit<Invite, 'inviter'>, typeof alice | null, number[], Uint8Array?][] = [
    ['signed, with a code', { room, peers: [], expires: T0 + DAY }, alice, [T0], testBytes('invite/code', 8)],
    ['signed, every field', { room, peers: ['/dns4/relay.hearth.example/tcp/443/wss/p2p/12D3KooWGzh1V4ZnZoN9uC5Ryy4oDdu8P2dYfC6RrjWG8NaPqC3w', '/ip4/192.0.2.7/udp/4001/quic-v1/webtransport'], name: 'Hearth dev', expires: T0 + DAY }, alice, [T0, T0 + DAY - 1, T0 + DAY]],
    ['signed, no expiry', { room, peers: [] }, bob, [Number.MAX_SAFE_INTEGER]],
    ['unsigned, odd name and hints', { room, peers: ['/dns4/a&b=c#d/tcp/1', '/unix/%2Ftmp%2Fsock', '/dns4/bücher.example/tcp/443'], name: '  Café & Co = #1 100% + ☕  ', expires: T0 + HOUR }, null, [T0, T0 + HOUR]],
    ['bare room', { room, peers: [] }, null, [T0]]
  ]
  const vectors: Json[] = []
  const signedByName = new Map<string, Invite>()
  for (const [name, unsigned, signer, times, code] of cases) {
    const invite: Invite = signer ? await signInvite(signer.keypair, unsigned, code ? { code } : {}) : unsigned
    signedByName.set(name, invite)
    const https = formatInvite(invite, { style: 'https', origin: ORIGIN })
    const hearth = formatInvite(invite, { style: 'hearth' })
    const checks: Json[] = []
    for (const now of times) checks.push({ now, result: await outcome(() => verifyInvite(parseInvite(hearth), now)) })
    vectors.push({
      name, room: hex(room), roomIdText: formatRoomId(room), peers: [...invite.peers], roomName: invite.name ?? null, expires: invite.expires ?? null,
      inviterSeed: signer ? hex(signer.seed) : null, inviterPublicKey: invite.inviter ? hex(invite.inviter.key) : null,
      code: code ? hex(code) : null,
      signatureInput: signer ? hex(signatureInput({ v: 1, t: 'invite', room, by: signer.keypair.publicKey, exp: invite.expires, code })) : null,
      signature: invite.inviter ? hex(invite.inviter.sig) : null,
      origin: ORIGIN, https, hearth, checks
    })
  }
  const R = formatRoomId(room)
  const full = signedByName.get('signed, every field')!
  const fullHearth = formatInvite(full, { style: 'hearth' })
  const equivalent = [
    [`HEARTH:?room=${R.toUpperCase()}`, 'bare room'],
    [`  hearth:?room=${R}&future=1  `, 'bare room'],
    [`http://localhost:5173/app/#/join/${R}`, 'bare room'],
    [`https://hearth.example#/join/${R.toUpperCase()}`, 'bare room'],
    [fullHearth.replace('name=Hearth%20dev', 'name=Hearth+dev'), 'signed, every field']
  ].map(([link, sameAs]) => ({ link: link!, sameAs: sameAs! }))
  const key = toBase32(alice.keypair.publicKey)
  const sig = toBase64Url(full.inviter!.sig)
  const base = `hearth:?room=${R}`
  const invalidLinks = [
    '', `hearth:room=${R}`, 'hearth:?', `${base}&room=${R}`, `hearth:?room=${R.slice(1)}`, `hearth:?room=${toHex(room)}`,
    'https://hearth.example/#/join/', `https://hearth.example/#/join/${R}/x`, `https://hearth.example/join/${R}`, `ftp://hearth.example/#/join/${R}`,
    `${base}&exp=-1`, `${base}&exp=01`, `${base}&exp=1e3`, `${base}&exp=9007199254740992`, `${base}&exp=1&exp=2`,
    `${base}&name=`, `${base}&name=${'n'.repeat(101)}`, `${base}&name=a%0Ab`, `${base}&name=a&name=b`,
    `${base}&peer=`, `${base}&peer=dns4%2Fx`, `${base}&peer=%2Fa%20b`, `${base}&peer=%2F${'a'.repeat(512)}`, `${base}${'&peer=%2Fp'.repeat(9)}`,
    `${base}&by=${key}`, `${base}&sig=${sig}`, `${base}&by=${toBase32(fromHex(ED25519_TORSION_SUBGROUP[0]!))}&sig=${sig}`,
    `${base}&by=${key}&sig=${toBase64Url(full.inviter!.sig.subarray(1))}`, `${base}&by=${key}&sig=${sig}==`,
    `${base}&x=${'a'.repeat(8192)}`
  ]
  const invalid: Json[] = []
  for (const link of invalidLinks) invalid.push({ link, error: await outcome(() => parseInvite(link)) })
  const flipped = toBytes(full.inviter!.sig)
  flipped[0] = (flipped[0] as number) ^ 1
  const tamperedCases: [string, string][] = [
    ['signature bit flipped', formatInvite({ ...full, inviter: { key: full.inviter!.key, sig: flipped } }, { style: 'hearth' })],
    ['expiry extended', formatInvite({ ...full, expires: T0 + 2 * DAY }, { style: 'hearth' })],
    ['expiry removed', formatInvite({ ...full, expires: undefined }, { style: 'hearth' })],
    ['other room', formatInvite({ ...full, room: testBytes('invite/other room', 32) }, { style: 'hearth' })],
    ['inviter key replaced', formatInvite({ ...full, inviter: { key: bob.keypair.publicKey, sig: full.inviter!.sig } }, { style: 'hearth' })]
  ]
  const tampered: Json[] = []
  for (const [name, link] of tamperedCases) tampered.push({ name, link, now: T0, error: await outcome(() => verifyInvite(parseInvite(link), T0)) })
  return { description: 'Invite links (PROTOCOL.md §4.3): see README.md#invitesjson', vectors, equivalent, invalid, tampered }
}

async function backupVectors(): Promise<Json> {
  const profile = encodeProfile(await createProfile(alice.keypair, { name: 'Alice', status: 'backed up' }, 5, T0))
  const cases: [string, typeof alice, string, Uint8Array | undefined][] = [
    ['identity only', alice, 'correct horse battery staple', undefined],
    ['identity and profile', alice, 'correct horse battery staple', profile],
    ['passphrase given in NFD (normalised to NFC)', bob, 'p\u00e4ssw\u00f6rd \u00e9t\u00e9 \u2603'.normalize('NFD'), undefined]
  ]
  const valid: Json[] = []
  const files = new Map<string, Bytes>()
  for (const [name, who, passphrase, prof] of cases) {
    const salt = testBytes(`backup/${name}/salt`, 16)
    const iv = testBytes(`backup/${name}/iv`, 12)
    const file = await exportBackup({ keypair: who.keypair, ...(prof ? { profile: prof } : {}) }, passphrase, { iterations: MIN_BACKUP_ITERATIONS, salt, iv })
    files.set(name, file)
    const { ct, ...header } = decodeCanonical(file, 1 << 20) as Record<string, CborValue> & { ct: Bytes }
    valid.push({
      name, seed: hex(who.seed), publicKey: hex(who.keypair.publicKey), passphrase, passphraseUtf8: hex(utf8(passphrase.normalize('NFC'))),
      iterations: MIN_BACKUP_ITERATIONS, salt: hex(salt), iv: hex(iv), profile: prof ? hex(prof) : null,
      additionalData: hex(encodeCanonical(header)), plaintext: hex(encodeCanonical({ v: 1, t: 'identity-secret', seed: who.seed, profile: prof })),
      ciphertext: hex(ct), file: hex(file), expectedSeed: hex(who.seed)
    })
  }
  const file = files.get('identity only')!
  const edit = (change: (v: Record<string, CborValue>) => Record<string, CborValue>): Bytes => encodeCanonical(change(decodeCanonical(file, 1 << 20) as Record<string, CborValue>))
  const ct = (decodeCanonical(file, 1 << 20) as { ct: Bytes }).ct
  const flippedCt = toBytes(ct)
  flippedCt[0] = (flippedCt[0] as number) ^ 1
  const invalidCases: [string, Uint8Array, string][] = [
    ['wrong passphrase', file, 'correct horse battery stapler'],
    ['header id replaced', edit((v) => ({ ...v, id: bob.keypair.publicKey })), 'correct horse battery staple'],
    ['iteration count changed', edit((v) => ({ ...v, kdf: { ...(v.kdf as Record<string, CborValue>), iterations: MIN_BACKUP_ITERATIONS + 1 } })), 'correct horse battery staple'],
    ['ciphertext bit flipped', edit((v) => ({ ...v, ct: flippedCt })), 'correct horse battery staple'],
    ['passphrase shorter than 8 characters', file, 'horse'],
    ['iteration count below the minimum', edit((v) => ({ ...v, kdf: { ...(v.kdf as Record<string, CborValue>), iterations: MIN_BACKUP_ITERATIONS - 1 } })), 'correct horse battery staple'],
    ['seed that does not match the id (well-encrypted)', await encryptBackupByHand({
      id: alice.keypair.publicKey, plaintext: { v: 1, t: 'identity-secret', seed: bob.seed }, passphrase: 'correct horse battery staple',
      salt: testBytes('backup/mismatch/salt', 16), iv: testBytes('backup/mismatch/iv', 12)
    }), 'correct horse battery staple']
  ]
  const invalid: Json[] = []
  for (const [name, bytes, passphrase] of invalidCases) invalid.push({ name, file: hex(bytes), passphrase, error: await outcome(() => importBackup(bytes, passphrase)) })
  return { description: 'Identity backup files (PROTOCOL.md §3.5): see README.md#backupsjson', valid, invalid }
}

const GENERATORS: Record<string, () => Json | Promise<Json>> = {
  'cbor.json': cborVectors,
  'ed25519.json': ed25519Vectors,
  'user-ids.json': userIdVectors,
  'room-ids.json': roomIdVectors,
  'genesis.json': genesisVectors,
  'profiles.json': profileVectors,
  'device-certs.json': deviceVectors,
  'auth.json': authVectors,
  'invites.json': inviteVectors,
  'backups.json': backupVectors
}

describe('test vectors match the committed files byte for byte', () => {
  if (UPDATE) fs.mkdirSync(VECTOR_DIR, { recursive: true })
  for (const [file, generate] of Object.entries(GENERATORS)) {
    it(file, async () => {
      const text = `${JSON.stringify(await generate(), null, 2)}\n`
      const path = new URL(file, VECTOR_DIR)
      if (UPDATE) {
        fs.writeFileSync(path, text)
        return
      }
      expect(fs.existsSync(path), `${file} is missing: run UPDATE_VECTORS=1 npx vitest run packages/protocol/src/vectors.test.ts`).toBe(true)
      const committed = fs.readFileSync(path, 'utf8')
      expect(JSON.parse(committed)).toEqual(JSON.parse(text))
      expect(committed).toBe(text)
    })
  }
})

// ---------------------------------------------------------------------------
// Independent checks of the committed files.

type V = Record<string, Json>
const str = (v: Json | undefined): string => v as string
const num = (v: Json | undefined): number => v as number
const bytesOf = (v: Json | undefined): Bytes => fromHex(v as string)
const list = (v: Json | undefined): V[] => v as V[]

async function expectOutcome(fn: () => unknown, expected: string, label: string): Promise<void> {
  expect(await outcome(fn), label).toBe(expected)
}

async function verifyOnBoth(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean[]> {
  const out: boolean[] = []
  for (const backend of ['noble', 'webcrypto'] as Ed25519Backend[]) {
    setEd25519Backend(backend)
    out.push(await verify(publicKey, message, signature))
  }
  setEd25519Backend(undefined)
  return out
}

describe.skipIf(UPDATE)('the committed vectors check out independently', () => {
  it('cbor.json', async () => {
    const v = readVectors('cbor.json')
    for (const c of list(v.valid)) {
      const bytes = bytesOf(c.encoding)
      const value = decodeCanonical(bytes, num(v.maxBytes))
      expect(hex(writeItem(itemOf(value)))).toBe(c.encoding)
      expect(diagnostic(itemOf(value))).toBe(c.diagnostic)
    }
    for (const c of list(v.invalid)) await expectOutcome(() => decodeCanonical(bytesOf(c.encoding), num(v.maxBytes)), str(c.error), str(c.name))
    expect(list(v.invalid).every((c) => c.error !== 'valid')).toBe(true)
  })

  it('ed25519.json', async () => {
    const v = readVectors('ed25519.json')
    for (const [c, rfc] of list(v.rfc8032).map((c, i) => [c, RFC8032_VECTORS[i]!] as const)) {
      expect([c.secretKey, c.publicKey, c.message, c.signature]).toEqual([rfc.secretKey, rfc.publicKey, rfc.message, rfc.signature])
      expect(hex(ed25519.getPublicKey(bytesOf(c.secretKey)))).toBe(c.publicKey)
      expect(await verifyOnBoth(bytesOf(c.publicKey), bytesOf(c.message), bytesOf(c.signature))).toEqual([true, true])
    }
    for (const c of list(v.valid)) expect(await verifyOnBoth(bytesOf(c.publicKey), bytesOf(c.message), bytesOf(c.signature)), str(c.name)).toEqual([true, true])
    for (const c of list(v.invalid)) expect(await verifyOnBoth(bytesOf(c.publicKey), bytesOf(c.message), bytesOf(c.signature)), str(c.name)).toEqual([false, false])
  })

  it('user-ids.json', async () => {
    const v = readVectors('user-ids.json')
    for (const c of list(v.valid)) {
      expect(hex(testSeed(str(c.label)))).toBe(c.seed)
      expect(hex(ed25519.getPublicKey(bytesOf(c.seed)))).toBe(c.publicKey)
      expect(hex(parseUserId(str(c.userId)))).toBe(c.publicKey)
      expect(str(c.userId)).toMatch(/^[a-z2-7]{52}$/)
    }
    for (const c of list(v.invalid)) await expectOutcome(() => parseUserId(str(c.userId)), str(c.error), str(c.name))
  })

  it('room-ids.json', async () => {
    const v = readVectors('room-ids.json')
    for (const c of list(v.vectors)) {
      expect(hex(roomIdPreimage(bytesOf(c.creatorPublicKey), str(c.roomName), bytesOf(c.nonce)))).toBe(c.preimage)
      expect(hex(sha256(bytesOf(c.preimage)))).toBe(c.roomId)
      expect(hex(utf8(str(c.roomName)))).toBe(c.roomNameUtf8)
      expect(hex(parseRoomId(str(c.roomIdText)))).toBe(c.roomId)
    }
    for (const c of list(v.invalidText)) await expectOutcome(() => parseRoomId(str(c.roomIdText)), str(c.error), str(c.name))
  })

  it('genesis.json', async () => {
    const v = readVectors('genesis.json')
    for (const c of list(v.valid)) {
      const g = await openGenesis(bytesOf(c.encoding), bytesOf(c.roomId))
      expect([g.name, hex(g.nonce), g.created, g.policy, hex(g.creator)]).toEqual([c.roomName, c.nonce, c.created, c.policy, c.creatorPublicKey])
      expect(hex(ed25519.getPublicKey(bytesOf(c.creatorSeed)))).toBe(c.creatorPublicKey)
      expect(hex(sha256(roomIdPreimage(g.creator, g.name, g.nonce)))).toBe(c.roomId)
      expect(hex(concat(utf8('hearth/sig/v1\u0000'), encodeCanonical({ ...g, sig: undefined })))).toBe(c.signatureInput)
      expect(await verifyOnBoth(g.creator, bytesOf(c.signatureInput), bytesOf(c.signature))).toEqual([true, true])
    }
    for (const c of list(v.invalid)) {
      await expectOutcome(() => openGenesis(bytesOf(c.encoding), c.expectedRoom === null ? undefined : bytesOf(c.expectedRoom)), str(c.error), str(c.name))
    }
  })

  it('profiles.json', async () => {
    const v = readVectors('profiles.json')
    const byName = new Map<string, Profile>()
    for (const c of list(v.valid)) {
      const p = await openProfile(bytesOf(c.encoding))
      byName.set(str(c.name), p)
      expect([hex(p.id), p.seq, p.updated, p.name, p.bio ?? null, p.status ?? null]).toEqual([c.publicKey, c.seq, c.updated, c.profileName, c.bio, c.status])
      expect(p.avatar ? { mime: p.avatar.mime, data: hex(p.avatar.data) } : null).toEqual(c.avatar)
      expect(hex(parseUserId(str(c.userId)))).toBe(c.publicKey)
      expect(await verifyOnBoth(p.id, bytesOf(c.signatureInput), bytesOf(c.signature))).toEqual([true, true])
    }
    for (const c of list(v.newest)) expect(newerProfile(byName.get(str(c.a))!, byName.get(str(c.b))!)).toBe(byName.get(str(c.winner)))
    for (const c of list(v.invalid)) await expectOutcome(() => openProfile(bytesOf(c.encoding)), str(c.error), str(c.name))
  })

  it('device-certs.json', async () => {
    const v = readVectors('device-certs.json')
    const certs = new Map(list(v.certificates).map((c) => [str(c.name), decodeDeviceCert(bytesOf(c.encoding))]))
    const revocations = new Map<string, Verified<DeviceRevocation>>()
    for (const c of list(v.certificates)) {
      const cert = certs.get(str(c.name))!
      expect([hex(cert.identity), hex(cert.device), cert.label, cert.issued, cert.expires ?? null]).toEqual([c.identityPublicKey, c.devicePublicKey, c.label, c.issued, c.expires])
      expect(hex(ed25519.getPublicKey(bytesOf(c.deviceSeed)))).toBe(c.devicePublicKey)
      expect(await verifyOnBoth(cert.identity, bytesOf(c.signatureInput), bytesOf(c.signature))).toEqual([true, true])
    }
    for (const c of list(v.revocations)) {
      const r = await verifyDeviceRevocation(decodeDeviceRevocation(bytesOf(c.encoding)))
      expect([hex(r.identity), hex(r.device), r.revoked, r.reason ?? null]).toEqual([c.identityPublicKey, c.devicePublicKey, c.revoked, c.reason])
      revocations.set(str(c.name), r)
    }
    for (const c of list(v.checks)) {
      const revs = (c.revocations as string[]).map((n) => revocations.get(n)!)
      await expectOutcome(() => verifyDeviceCert(certs.get(str(c.certificate))!, num(c.at), revs), str(c.result), `${str(c.certificate)} at ${num(c.at)}`)
    }
    for (const c of list(v.invalid)) {
      const bytes = bytesOf(c.encoding)
      await expectOutcome(() => (c.type === 'device-cert' ? verifyDeviceCert(decodeDeviceCert(bytes), T0) : verifyDeviceRevocation(decodeDeviceRevocation(bytes))), str(c.error), str(c.name))
    }
  })

  it('auth.json', async () => {
    const v = readVectors('auth.json')
    const challenges = new Map<string, AuthChallenge>()
    for (const c of list(v.challenges)) {
      const challenge = decodeChallenge(bytesOf(c.encoding))
      expect([hex(challenge.nonce), challenge.audience, challenge.issued]).toEqual([c.nonce, c.audience, c.issued])
      expect(hex(taggedHash('hearth/auth-challenge', bytesOf(c.encoding)))).toBe(c.digest)
      expect(hex(sha256(utf8('hearth/auth-challenge'), new Uint8Array([0]), bytesOf(c.encoding)))).toBe(c.digest)
      challenges.set(str(c.name), challenge)
    }
    for (const c of list(v.responses)) {
      const response = decodeResponse(bytesOf(c.encoding))
      expect(hex(response.challenge)).toBe(c.challengeDigest)
      const signer = response.device ?? response.identity
      expect(hex(ed25519.getPublicKey(bytesOf(c.signerSeed))) === hex(signer)).toBe(c.name !== 'signed by another key than the identity it names')
      for (const check of list(c.checks)) {
        const revocations = await Promise.all((check.revocations as string[]).map((r) => verifyDeviceRevocation(decodeDeviceRevocation(fromHex(r)))))
        await expectOutcome(() => verifyChallengeResponse(challenges.get(str(check.challenge))!, response, {
          now: num(check.now), ...(check.ttlMs !== null ? { ttlMs: num(check.ttlMs) } : {}), revocations
        }), str(check.result), `${str(c.name)} vs ${str(check.challenge)} at ${num(check.now)}`)
      }
    }
  })

  it('invites.json', async () => {
    const v = readVectors('invites.json')
    const byName = new Map<string, Invite>()
    for (const c of list(v.vectors)) {
      const fromHttps = parseInvite(str(c.https))
      const fromHearth = parseInvite(str(c.hearth))
      expect(sameInvite(fromHttps, fromHearth)).toBe(true)
      expect([hex(fromHearth.room), fromHearth.peers, fromHearth.name ?? null, fromHearth.expires ?? null]).toEqual([c.room, c.peers, c.roomName, c.expires])
      expect(str(c.https).startsWith(`${str(c.origin)}/#/join/${str(c.roomIdText)}`)).toBe(true)
      if (c.signature !== null) {
        expect(hex(fromHearth.inviter!.sig)).toBe(c.signature)
        expect(hex(signatureInput({ v: 1, t: 'invite', room: fromHearth.room, by: fromHearth.inviter!.key, exp: fromHearth.expires, code: fromHearth.inviter!.code }))).toBe(c.signatureInput)
        expect(await verifyOnBoth(bytesOf(c.inviterPublicKey), bytesOf(c.signatureInput), bytesOf(c.signature))).toEqual([true, true])
      }
      for (const check of list(c.checks)) await expectOutcome(() => verifyInvite(fromHearth, num(check.now)), str(check.result), `${str(c.name)} at ${num(check.now)}`)
      byName.set(str(c.name), fromHearth)
    }
    for (const c of list(v.equivalent)) expect(sameInvite(parseInvite(str(c.link)), byName.get(str(c.sameAs))!), str(c.link)).toBe(true)
    for (const c of list(v.invalid)) await expectOutcome(() => parseInvite(str(c.link)), str(c.error), str(c.link).slice(0, 80))
    for (const c of list(v.tampered)) await expectOutcome(() => verifyInvite(parseInvite(str(c.link)), num(c.now)), str(c.error), str(c.name))
  })

  it('backups.json', async () => {
    const v = readVectors('backups.json')
    for (const c of list(v.valid)) {
      expect(hex(utf8(str(c.passphrase).normalize('NFC')))).toBe(c.passphraseUtf8)
      expect(hex(await decryptBackupByHand(bytesOf(c.file), str(c.passphrase)))).toBe(c.plaintext)
      const restored = await importBackup(bytesOf(c.file), str(c.passphrase))
      expect(hex(restored.keypair.seed)).toBe(c.expectedSeed)
      expect(hex(restored.keypair.publicKey)).toBe(c.publicKey)
      expect(restored.profile ? hex(encodeProfile(restored.profile)) : null).toBe(c.profile)
      const rebuilt = await encryptBackupByHand({
        id: bytesOf(c.publicKey), plaintext: decodeCanonical(bytesOf(c.plaintext), 1 << 20) as CborValue, passphrase: str(c.passphrase),
        iterations: num(c.iterations), salt: bytesOf(c.salt), iv: bytesOf(c.iv)
      })
      expect(hex(rebuilt)).toBe(c.file)
    }
    for (const c of list(v.invalid)) await expectOutcome(() => importBackup(bytesOf(c.file), str(c.passphrase)), str(c.error), str(c.name))
  })
})
