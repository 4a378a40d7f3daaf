/**
 * Crypto throughput: Ed25519 verify and sign through the protocol (WebCrypto
 * and noble backends) against raw WebCrypto, and SHA-256 against Node's
 * native hash.
 *
 * Rows:
 * - crypto.verify.raw-webcrypto: crypto.subtle.verify with pre-imported keys,
 *   awaited one at a time; the floor the protocol's verify() should approach.
 * - crypto.verify.raw-webcrypto-batch: the same, 64 in flight (Promise.all).
 * - crypto.verify.webcrypto: protocol verify(), one at a time (baseline: raw),
 *   so the cost of the strict validity rule and key cache is the ratio.
 * - crypto.verify.webcrypto-batch: protocol verifyBatch() in windows of 64
 *   (baseline: the one-at-a-time figure).
 * - crypto.verify.noble: protocol verify() on the noble backend (baseline:
 *   WebCrypto one at a time).
 * - crypto.sign.webcrypto / crypto.sign.noble: protocol sign().
 * - crypto.sha256.1mib (MB/s, 10^6 bytes) and crypto.sha256.64b (ops/s):
 *   protocol sha256() (noble, synchronous), baselined on node:crypto.
 *
 * The pool is 256 distinct messages (64 to 512 bytes) signed by 4 keys, as
 * replaying a room's records by a handful of authors would look.
 */
import { createHash } from 'node:crypto'
import {
  ed25519Backend,
  keypairFromSeed,
  setEd25519Backend,
  sha256,
  sign,
  verify,
  verifyBatch,
  type Bytes,
  type Ed25519Backend,
  type Keypair,
  type VerifyItem
} from '@hearth/protocol'
import type { BenchContext, BenchModule, Row } from './harness.ts'

const POOL_SIZE = 256 // a power of two: indices wrap with a mask
const KEY_COUNT = 4
const WINDOW = 64

interface PoolItem extends VerifyItem {
  readonly keypair: Keypair
  readonly message: Bytes
  readonly signature: Bytes
  /** The public key imported into WebCrypto once, for the raw rows. */
  readonly cryptoKey: CryptoKey
}

const encoder = new TextEncoder()

/** Deterministic filler bytes: SHA-256 in counter mode over `label`. */
function filler(label: string, length: number): Bytes {
  const out = new Uint8Array(length)
  for (let off = 0, n = 0; off < length; off += 32, n++) {
    out.set(sha256(encoder.encode(`${label}/${n}`)).subarray(0, Math.min(32, length - off)), off)
  }
  return out
}

async function buildPool(): Promise<PoolItem[]> {
  const keypairs = Array.from({ length: KEY_COUNT }, (_, k) => keypairFromSeed(filler(`hearth bench key ${k}`, 32)))
  const cryptoKeys = await Promise.all(
    keypairs.map((kp) => crypto.subtle.importKey('raw', kp.publicKey, { name: 'Ed25519' }, false, ['verify']))
  )
  const pool: PoolItem[] = []
  for (let i = 0; i < POOL_SIZE; i++) {
    const k = i % KEY_COUNT
    const keypair = keypairs[k]!
    const message = filler(`hearth bench message ${i}`, 64 + ((i * 37) % 449))
    const signature = await sign(keypair, message)
    pool.push({ keypair, publicKey: keypair.publicKey, message, signature, cryptoKey: cryptoKeys[k]! })
  }
  return pool
}

function fail(what: string): never {
  throw new Error(`crypto bench: ${what}`)
}

/**
 * Before measuring a backend, check it gives the right answers: every pool
 * signature verifies, a tampered one does not, and signing is deterministic.
 */
async function sanityCheck(pool: readonly PoolItem[], backend: Ed25519Backend): Promise<void> {
  if ((await ed25519Backend()) !== backend) fail(`backend is not ${backend}`)
  const first = pool[0]!
  const tampered = Uint8Array.from(first.signature)
  tampered[0]! ^= 1
  if (await verify(first.publicKey, first.message, tampered)) fail(`${backend} accepted a tampered signature`)
  const again = await sign(first.keypair, first.message)
  if (!again.every((b, i) => b === first.signature[i])) fail(`${backend} signature differs from the pool's`)
  if ((await verifyBatch(pool)).some((ok) => !ok)) fail(`${backend} rejected a pool signature`)
}

/** Await `verify` one at a time, `chunk` per op call. */
function verifyOneAtATime(pool: readonly PoolItem[], chunk: number): () => Promise<number> {
  let i = 0
  return async () => {
    for (let n = 0; n < chunk; n++) {
      const it = pool[i++ & (POOL_SIZE - 1)]!
      if (!(await verify(it.publicKey, it.message, it.signature))) fail('verify returned false')
    }
    return chunk
  }
}

function signOneAtATime(pool: readonly PoolItem[], chunk: number): () => Promise<number> {
  let i = 0
  return async () => {
    for (let n = 0; n < chunk; n++) {
      const it = pool[i++ & (POOL_SIZE - 1)]!
      await sign(it.keypair, it.message)
    }
    return chunk
  }
}

/** Wrap an op so it runs on `backend` (ops of one interleaved group alternate). */
function on(backend: Ed25519Backend, op: () => Promise<number>): () => Promise<number> {
  return () => {
    setEd25519Backend(backend)
    return op()
  }
}

async function verifyRows(ctx: BenchContext, pool: readonly PoolItem[]): Promise<Row[]> {
  const algorithm = { name: 'Ed25519' }
  let r = 0
  return ctx.throughputs([
    {
      id: 'crypto.verify.raw-webcrypto',
      op: async () => {
        for (let n = 0; n < 16; n++) {
          const it = pool[r++ & (POOL_SIZE - 1)]!
          if (!(await crypto.subtle.verify(algorithm, it.cryptoKey, it.signature, it.message))) fail('raw verify returned false')
        }
        return 16
      }
    },
    {
      id: 'crypto.verify.raw-webcrypto-batch',
      baselineId: 'crypto.verify.raw-webcrypto',
      op: async () => {
        for (let start = 0; start < POOL_SIZE; start += WINDOW) {
          const window = pool.slice(start, start + WINDOW)
          const checked = await Promise.all(window.map((it) => crypto.subtle.verify(algorithm, it.cryptoKey, it.signature, it.message)))
          if (checked.includes(false)) fail('raw batch verify returned false')
        }
        return POOL_SIZE
      }
    },
    {
      id: 'crypto.verify.webcrypto',
      baselineId: 'crypto.verify.raw-webcrypto',
      op: on('webcrypto', verifyOneAtATime(pool, 16))
    },
    {
      id: 'crypto.verify.webcrypto-batch',
      baselineId: 'crypto.verify.webcrypto',
      op: on('webcrypto', async () => {
        const checked = await verifyBatch(pool, WINDOW)
        if (checked.includes(false)) fail('verifyBatch returned false')
        return POOL_SIZE
      })
    },
    {
      id: 'crypto.verify.noble',
      baselineId: 'crypto.verify.webcrypto',
      op: on('noble', verifyOneAtATime(pool, 4))
    }
  ])
}

async function run(ctx: BenchContext): Promise<Row[]> {
  try {
    setEd25519Backend('webcrypto')
    const pool = await buildPool()
    await sanityCheck(pool, 'webcrypto')
    setEd25519Backend('noble')
    await sanityCheck(pool, 'noble')

    const rows = await verifyRows(ctx, pool)
    rows.push(...await ctx.throughputs([
      { id: 'crypto.sign.webcrypto', op: on('webcrypto', signOneAtATime(pool, 16)) },
      { id: 'crypto.sign.noble', baselineId: 'crypto.sign.webcrypto', op: on('noble', signOneAtATime(pool, 4)) }
    ]))
    rows.push(...await shaRows(ctx))
    return rows
  } finally {
    setEd25519Backend(undefined) // back to detection
  }
}

/** SHA-256: protocol (noble, synchronous) against node:crypto (OpenSSL). */
async function shaRows(ctx: BenchContext): Promise<Row[]> {
  const big = filler('hearth bench sha256 1MiB', 1 << 20)
  const mb = big.length / 1e6
  const expected = createHash('sha256').update(big).digest()
  if (!sha256(big).every((b, i) => b === expected[i])) fail('sha256 disagrees with node:crypto')
  const rows = await ctx.throughputs([
    {
      id: 'crypto.sha256.1mib',
      unit: 'MB/s',
      baselineId: 'crypto.sha256.native-1mib',
      op: () => {
        sha256(big)
        return mb
      }
    },
    {
      id: 'crypto.sha256.native-1mib',
      unit: 'MB/s',
      op: () => {
        createHash('sha256').update(big).digest()
        return mb
      }
    }
  ])

  const small = Array.from({ length: POOL_SIZE }, (_, i) => filler(`hearth bench sha256 64B ${i}`, 64))
  let s = 0
  let t = 0
  rows.push(...await ctx.throughputs([
    {
      id: 'crypto.sha256.64b',
      baselineId: 'crypto.sha256.native-64b',
      op: () => {
        for (let n = 0; n < 256; n++) sha256(small[s++ & (POOL_SIZE - 1)]!)
        return 256
      }
    },
    {
      id: 'crypto.sha256.native-64b',
      op: () => {
        for (let n = 0; n < 256; n++) createHash('sha256').update(small[t++ & (POOL_SIZE - 1)]!).digest()
        return 256
      }
    }
  ]))
  return rows
}

export const cryptoBench: BenchModule = { name: 'crypto', run }
