/**
 * Ed25519 (RFC 8032) signatures with one validity rule everywhere
 * (PROTOCOL.md §2.2).
 *
 * Sign and verify run on WebCrypto (browsers, Node 24): it signs several
 * times faster than pure JS, and its verifies run concurrently off the JS
 * thread, which is what batch verification relies on. `@noble/curves` is used
 * only where the platform lacks WebCrypto Ed25519. Before any backend sees a signature, the strict
 * rule below is applied, so every peer accepts exactly the same signatures
 * whichever backend it runs:
 *
 * 1. the key is 32 bytes and the signature 64;
 * 2. the key's y coordinate is canonical (< p) and it decodes to a curve point
 *    that is not of small order (RFC 8032 §5.1.3; the 8 torsion points);
 * 3. R is canonical (y < p) and not of small order, and S < L (RFC 8032
 *    §5.1.7, "non-malleable"; the small-order R rule is WebCrypto's, which
 *    some platforms enforce and others do not, so Hearth enforces it itself);
 * 4. then the cofactorless equation [S]B = R + [k]A is checked: by WebCrypto
 *    (which mandates it), or on the noble path by comparing the encoding of
 *    [S]B − [k]A with R (noble's own `verify` is cofactored, which accepts
 *    signatures whose R has a torsion component and that WebCrypto refuses).
 *
 * Parsed keys are cached (a bounded LRU), so replaying thousands of records by
 * a handful of authors parses each key once.
 */
import { ed25519, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { InvalidKeyError, InvalidSignatureError } from '../errors.ts'
import { asBytes, equalBytes, fromHex, toBase64Url, toBytes, toHex, type Bytes } from '../bytes.ts'
import { randomBytes } from './random.ts'

/** Length of an Ed25519 public key. */
export const PUBLIC_KEY_BYTES = 32
/** Length of an Ed25519 signature. */
export const SIGNATURE_BYTES = 64
/** Length of an Ed25519 private seed. */
export const SEED_BYTES = 32

const P = 2n ** 255n - 19n
const L = 2n ** 252n + 27742317777372353535851937790883648493n
const Y_MASK = (1n << 255n) - 1n

/** An Ed25519 keypair. `seed` is the 32-byte RFC 8032 private key: keep it secret. */
export interface Keypair {
  readonly publicKey: Bytes
  readonly seed: Bytes
}

/** One signature check for {@link verifyBatch}. */
export interface VerifyItem {
  readonly publicKey: Uint8Array
  readonly message: Uint8Array
  readonly signature: Uint8Array
}

/** Which implementation runs the curve arithmetic. */
export type Ed25519Backend = 'webcrypto' | 'noble'

let backendPromise: Promise<Ed25519Backend> | undefined
let forcedBackend: Ed25519Backend | undefined

/** The backend in use: WebCrypto when the platform supports Ed25519, else noble. */
export function ed25519Backend(): Promise<Ed25519Backend> {
  if (forcedBackend) return Promise.resolve(forcedBackend)
  backendPromise ??= detectWebCrypto().then((ok) => (ok ? 'webcrypto' : 'noble'))
  return backendPromise
}

/** Force a backend (benchmarks and cross-backend tests). `undefined` restores detection. */
export function setEd25519Backend(backend: Ed25519Backend | undefined): void {
  forcedBackend = backend
}

async function detectWebCrypto(): Promise<boolean> {
  try {
    const basepoint = ed25519.Point.BASE.toBytes()
    await crypto.subtle.importKey('raw', toBytes(basepoint), { name: 'Ed25519' }, false, ['verify'])
    return true
  } catch {
    return false
  }
}

/** Little-endian bytes as a bigint. */
function leToBigint(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number)
  return n
}

/** y < p, where y is the encoding with the sign bit (bit 255) cleared. */
function isCanonicalY(encoded: Uint8Array): boolean {
  // Fast path: p = 2^255 − 19, so any y whose top byte (sign bit cleared) is below 0x7f is < p.
  if (((encoded[31] as number) & 0x7f) < 0x7f) return true
  const y = leToBigint(encoded) & Y_MASK
  return y < P
}

/** S < L for the little-endian scalar S. */
function isReducedScalar(scalar: Uint8Array): boolean {
  // Fast path: L = 2^252 + δ with δ < 2^125, so L's top byte is 0x10.
  const top = scalar[31] as number
  if (top < 0x10) return true
  if (top > 0x10) return false
  return leToBigint(scalar) < L
}

/**
 * The y coordinates of the 8 small-order points (5 distinct values; the sign
 * bit only picks ±x, and a point and its negation have the same order).
 */
const SMALL_ORDER_Y = new Set(ED25519_TORSION_SUBGROUP.map((hex) => leToBigint(fromHex(hex)) & Y_MASK))

/** Whether a canonical point encoding is one of the small-order points (or x = 0 with the sign bit set). */
function isSmallOrderEncoding(encoded: Uint8Array): boolean {
  // Fast path for the hot loop: almost every R differs in its first byte.
  if (!SMALL_ORDER_FIRST_BYTES.has(encoded[0] as number)) return false
  return SMALL_ORDER_Y.has(leToBigint(encoded) & Y_MASK)
}

/** First bytes of the small-order y encodings (a y's low byte does not depend on the sign bit). */
const SMALL_ORDER_FIRST_BYTES = new Set(ED25519_TORSION_SUBGROUP.map((hex) => fromHex(hex)[0] as number))

type Point = ReturnType<typeof ed25519.Point.fromBytes>

function decodeValidPublicKey(publicKey: Uint8Array): Point {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) {
    throw new InvalidKeyError(`an Ed25519 public key is ${PUBLIC_KEY_BYTES} bytes`)
  }
  if (!isCanonicalY(publicKey)) throw new InvalidKeyError('public key encoding is not canonical')
  let point
  try {
    point = ed25519.Point.fromBytes(publicKey, false)
  } catch {
    throw new InvalidKeyError('public key is not a point on the curve')
  }
  if (point.isSmallOrder()) throw new InvalidKeyError('public key is of small order')
  return point
}

/**
 * Check a public key against rule 2 and return it as an owned copy. Throws
 * {@link InvalidKeyError}.
 */
export function assertValidPublicKey(publicKey: Uint8Array): Bytes {
  decodeValidPublicKey(publicKey)
  return toBytes(publicKey)
}

/** Rule 3: R canonical and not of small order, S < L. Returns false for a malformed signature. */
export function isCanonicalSignature(signature: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) return false
  const r = signature.subarray(0, 32)
  if (!isCanonicalY(r) || isSmallOrderEncoding(r)) return false
  return isReducedScalar(signature.subarray(32, 64))
}

/**
 * Rule 4 on the noble path: the cofactorless equation, checked as
 * encode([S]B − [k]A) = R like OpenSSL and BoringSSL do. Rules 1–3 hold.
 */
function verifyCofactorless(key: Point, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const r = signature.subarray(0, 32)
  const s = leToBigint(signature.subarray(32, 64))
  const k = leToBigint(sha512.create().update(r).update(publicKey).update(message).digest()) % L
  const check = ed25519.Point.BASE.multiplyUnsafe(s).subtract(key.multiplyUnsafe(k))
  return equalBytes(check.toBytes(), r)
}

interface ParsedKey {
  readonly error?: InvalidKeyError
  readonly point?: Point
  /** Imported on first use by the WebCrypto backend. */
  cryptoKey?: Promise<CryptoKey>
  /** `cryptoKey` once imported, so batches skip an await per signature. */
  imported?: CryptoKey
}

const KEY_CACHE_LIMIT = 4096
const keyCache = new Map<string, ParsedKey>()

function parseKey(publicKey: Uint8Array, backend: Ed25519Backend): ParsedKey {
  const id = toHex(publicKey)
  let parsed = keyCache.get(id)
  if (parsed) {
    // Refresh recency: Map iteration order is insertion order.
    keyCache.delete(id)
    keyCache.set(id, parsed)
  } else {
    try {
      parsed = { point: decodeValidPublicKey(publicKey) }
    } catch (err) {
      parsed = { error: err instanceof InvalidKeyError ? err : new InvalidKeyError('invalid public key') }
    }
    keyCache.set(id, parsed)
    if (keyCache.size > KEY_CACHE_LIMIT) {
      const oldest = keyCache.keys().next().value
      if (oldest !== undefined) keyCache.delete(oldest)
    }
  }
  if (backend === 'webcrypto' && !parsed.error && !parsed.cryptoKey) {
    parsed.cryptoKey = crypto.subtle.importKey('raw', toBytes(publicKey), { name: 'Ed25519' }, false, ['verify'])
  }
  return parsed
}

/**
 * Verify one signature under the strict rule. Returns false for any invalid
 * key, signature or mismatch; never throws for bad input.
 */
export async function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (!(message instanceof Uint8Array) || !isCanonicalSignature(signature)) return false
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) return false
  const backend = await ed25519Backend()
  const parsed = parseKey(publicKey, backend)
  if (parsed.error || !parsed.point) return false
  try {
    // Use the backend asked for now, not whichever one first parsed the key.
    if (backend === 'webcrypto' && parsed.cryptoKey) {
      return await crypto.subtle.verify({ name: 'Ed25519' }, await parsed.cryptoKey, signature as Bytes, message as Bytes)
    }
    return verifyCofactorless(parsed.point, publicKey, message, signature)
  } catch {
    return false
  }
}

/** Like {@link verify}, but throws {@link InvalidSignatureError} when the check fails. */
export async function assertSignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<void> {
  if (!(await verify(publicKey, message, signature))) throw new InvalidSignatureError('signature does not verify')
}

/**
 * Verify many signatures at once; `result[i]` answers `items[i]`. WebCrypto
 * runs the checks concurrently in windows of `parallel`, which is how sync
 * reaches the platform's full verify throughput.
 */
export async function verifyBatch(items: readonly VerifyItem[], parallel = 64): Promise<boolean[]> {
  const backend = await ed25519Backend()
  const results = new Array<boolean>(items.length)
  for (let start = 0; start < items.length; start += parallel) {
    const window = items.slice(start, start + parallel)
    const checked = await Promise.all(window.map((it) => verifyWith(backend, it)))
    for (let i = 0; i < checked.length; i++) results[start + i] = checked[i] as boolean
  }
  return results
}

/** {@link verify} with the backend resolved once per batch, and without awaiting a key already imported. */
function verifyWith(backend: Ed25519Backend, { publicKey, message, signature }: VerifyItem): Promise<boolean> {
  if (!(message instanceof Uint8Array) || !isCanonicalSignature(signature)) return Promise.resolve(false)
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) return Promise.resolve(false)
  const parsed = parseKey(publicKey, backend)
  if (parsed.error || !parsed.point) return Promise.resolve(false)
  if (backend === 'webcrypto' && parsed.cryptoKey) {
    const run = (key: CryptoKey): Promise<boolean> =>
      crypto.subtle.verify({ name: 'Ed25519' }, key, signature as Bytes, message as Bytes).catch(() => false)
    if (parsed.imported) return run(parsed.imported)
    return parsed.cryptoKey.then((key) => {
      parsed.imported = key
      return run(key)
    }, () => false)
  }
  try {
    return Promise.resolve(verifyCofactorless(parsed.point, publicKey, message, signature))
  } catch {
    return Promise.resolve(false)
  }
}

const signingKeys = new WeakMap<Keypair, Promise<CryptoKey>>()

function signingKey(keypair: Keypair): Promise<CryptoKey> {
  let key = signingKeys.get(keypair)
  if (!key) {
    const jwk: JsonWebKey = { kty: 'OKP', crv: 'Ed25519', d: toBase64Url(keypair.seed), x: toBase64Url(keypair.publicKey) }
    key = crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign'])
    signingKeys.set(keypair, key)
  }
  return key
}

/** Sign `message` with `keypair` (RFC 8032 §5.1.6; deterministic). */
export async function sign(keypair: Keypair, message: Uint8Array): Promise<Bytes> {
  if ((await ed25519Backend()) === 'webcrypto') {
    return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, await signingKey(keypair), asBytes(message)))
  }
  return toBytes(ed25519.sign(message, keypair.seed))
}

/** Derive the keypair of a 32-byte seed. Throws {@link InvalidKeyError} for a wrong length. */
export function keypairFromSeed(seed: Uint8Array): Keypair {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_BYTES) {
    throw new InvalidKeyError(`an Ed25519 seed is ${SEED_BYTES} bytes`)
  }
  const owned = toBytes(seed)
  const publicKey = toBytes(ed25519.getPublicKey(owned))
  return Object.freeze({ publicKey, seed: owned })
}

/** A fresh keypair from the platform CSPRNG. */
export function generateKeypair(): Keypair {
  return keypairFromSeed(randomBytes(SEED_BYTES))
}
