/**
 * Identity backup files (PROTOCOL.md §3.5): the identity seed (and the latest
 * own profile) encrypted under a passphrase with WebCrypto PBKDF2-SHA-256 and
 * AES-256-GCM. The header (KDF parameters, IV, and which identity this is)
 * is authenticated as AES-GCM additional data, so nothing in the file can be
 * changed without the passphrase check failing.
 */
import { InvalidArgumentError, InvalidKeyError, SchemaError, WrongPassphraseError } from '../errors.ts'
import { equalBytes, toBytes, utf8, type Bytes } from '../bytes.ts'
import { keypairFromSeed, type Keypair } from '../crypto/ed25519.ts'
import { randomBytes } from '../crypto/random.ts'
import { decodeCanonical, encodeCanonical } from '../encoding/cbor.ts'
import { bytes, literal, optional, struct, uint, type StructOf } from '../encoding/schema.ts'
import { decodeRecord, encodeRecord, type RecordType } from '../records/record.ts'
import { decodeProfile, MAX_PROFILE_BYTES, type Profile } from '../identity/profile.ts'

/** PBKDF2 iterations written by default (OWASP's 2023 figure for PBKDF2-SHA-256). */
export const DEFAULT_BACKUP_ITERATIONS = 600_000
/** Fewest iterations a backup may declare; fewer is refused as unsafe. */
export const MIN_BACKUP_ITERATIONS = 100_000
/** Most iterations a backup may declare; more is refused so a file cannot stall the app. */
export const MAX_BACKUP_ITERATIONS = 10_000_000
/** Shortest passphrase, in characters (after NFC normalisation). */
export const MIN_PASSPHRASE_LENGTH = 8
const MAX_BACKUP_BYTES = MAX_PROFILE_BYTES + 1024

const backupFields = {
  v: literal(1),
  t: literal('backup'),
  id: bytes(32),
  kdf: struct({ alg: literal('PBKDF2-SHA-256'), iterations: uint(MIN_BACKUP_ITERATIONS, MAX_BACKUP_ITERATIONS), salt: bytes(16) }),
  cipher: struct({ alg: literal('AES-256-GCM'), iv: bytes(12) }),
  ct: bytes({ min: 16, max: MAX_BACKUP_BYTES })
}
type BackupFile = StructOf<typeof backupFields>
const backupType: RecordType<BackupFile> = {
  tag: 'backup',
  maxBytes: MAX_BACKUP_BYTES + 256,
  check: struct(backupFields)
}

const secretFields = {
  v: literal(1),
  t: literal('identity-secret'),
  seed: bytes(32),
  profile: optional(bytes({ max: MAX_PROFILE_BYTES }))
}

/** What a backup restores. */
export interface BackupContents {
  readonly keypair: Keypair
  /** The newest own profile at export time, if there was one (signature unchecked: verify before use). */
  readonly profile?: Profile
}

function normalisePassphrase(passphrase: string): Bytes {
  if (typeof passphrase !== 'string') throw new InvalidArgumentError('passphrase must be text')
  const normal = passphrase.normalize('NFC')
  let codePoints = 0
  for (const _ of normal) codePoints++
  if (codePoints < MIN_PASSPHRASE_LENGTH) {
    throw new InvalidArgumentError(`passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`)
  }
  return utf8(normal)
}

async function deriveKey(passphrase: Bytes, salt: Bytes, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', passphrase, 'PBKDF2', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt']
  )
}

/**
 * Encrypt an identity into backup file bytes. `iterations` defaults to
 * {@link DEFAULT_BACKUP_ITERATIONS}; tests may lower it to the minimum.
 * `salt` and `iv` are random unless given (only test vectors give them:
 * reusing an IV under one passphrase and salt breaks AES-GCM).
 */
export async function exportBackup(
  contents: { keypair: Keypair; profile?: Uint8Array },
  passphrase: string,
  opts: { iterations?: number; salt?: Uint8Array; iv?: Uint8Array } = {}
): Promise<Bytes> {
  const iterations = opts.iterations ?? DEFAULT_BACKUP_ITERATIONS
  if (!Number.isSafeInteger(iterations) || iterations < MIN_BACKUP_ITERATIONS || iterations > MAX_BACKUP_ITERATIONS) {
    throw new InvalidArgumentError(`iterations must be between ${MIN_BACKUP_ITERATIONS} and ${MAX_BACKUP_ITERATIONS}`)
  }
  if (!equalBytes(keypairFromSeed(contents.keypair.seed).publicKey, contents.keypair.publicKey)) {
    throw new InvalidKeyError('the seed does not belong to this public key')
  }
  // Refuse to write a file that importBackup would refuse to read.
  if (contents.profile && !equalBytes(decodeProfile(contents.profile).id, contents.keypair.publicKey)) {
    throw new SchemaError('profile', 'belongs to another identity')
  }
  if (opts.salt !== undefined && opts.salt.length !== 16) throw new InvalidArgumentError('salt must be 16 bytes')
  if (opts.iv !== undefined && opts.iv.length !== 12) throw new InvalidArgumentError('iv must be 12 bytes')
  const header = {
    v: 1, t: 'backup', id: contents.keypair.publicKey,
    kdf: { alg: 'PBKDF2-SHA-256', iterations, salt: toBytes(opts.salt ?? randomBytes(16)) },
    cipher: { alg: 'AES-256-GCM', iv: toBytes(opts.iv ?? randomBytes(12)) }
  } as const
  const key = await deriveKey(normalisePassphrase(passphrase), header.kdf.salt, iterations)
  const plaintext = encodeCanonical({ v: 1, t: 'identity-secret', seed: contents.keypair.seed, profile: contents.profile })
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv: header.cipher.iv, additionalData: encodeCanonical(header) }, key, plaintext)
  )
  return encodeRecord({ ...header, ct })
}

/** The identity a backup file belongs to, readable without the passphrase. */
export function backupIdentity(file: Uint8Array): Bytes {
  return decodeRecord(backupType, file).id
}

/**
 * Decrypt a backup file. Throws {@link WrongPassphraseError} when the
 * passphrase is wrong (or the file was altered: AES-GCM cannot tell the two
 * apart), and other {@link ProtocolError}s when it is not a backup file.
 */
export async function importBackup(file: Uint8Array, passphrase: string): Promise<BackupContents> {
  const { ct, ...header } = decodeRecord(backupType, file)
  const key = await deriveKey(normalisePassphrase(passphrase), header.kdf.salt, header.kdf.iterations)
  let plaintext: Uint8Array
  try {
    plaintext = new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv: header.cipher.iv, additionalData: encodeCanonical(header) }, key, ct)
    )
  } catch {
    throw new WrongPassphraseError('wrong passphrase, or the backup file was altered')
  }
  const secret = struct(secretFields)(decodeCanonical(plaintext, MAX_BACKUP_BYTES), '')
  const keypair = keypairFromSeed(toBytes(secret.seed))
  if (!equalBytes(keypair.publicKey, header.id)) throw new InvalidKeyError('backup seed does not match its identity')
  const profile = secret.profile ? decodeProfile(secret.profile) : undefined
  if (profile && !equalBytes(profile.id, header.id)) throw new SchemaError('profile', 'belongs to another identity')
  return profile ? { keypair, profile } : { keypair }
}
