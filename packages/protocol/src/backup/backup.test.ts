import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  backupIdentity,
  DEFAULT_BACKUP_ITERATIONS,
  exportBackup,
  importBackup,
  MAX_BACKUP_ITERATIONS,
  MIN_BACKUP_ITERATIONS,
  MIN_PASSPHRASE_LENGTH
} from './backup.ts'
import { createProfile, encodeProfile } from '../identity/profile.ts'
import { keypairFromSeed } from '../crypto/ed25519.ts'
import { InvalidArgumentError, InvalidKeyError, SchemaError, WrongPassphraseError } from '../errors.ts'
import { toBytes, toHex, utf8, type Bytes } from '../bytes.ts'
import { decodeCanonical, encodeCanonical, type CborValue } from '../encoding/cbor.ts'
import { decryptBackupByHand, encryptBackupByHand, expectReject, expectSchemaField, hostileDecoderSuite, onlyProtocolErrorsAsync, testBytes, testKeypair } from '../test-support.ts'

const PASS = 'correct horse battery staple'
const me = testKeypair('backup/me')
const stranger = testKeypair('backup/stranger')
const fast = { iterations: MIN_BACKUP_ITERATIONS }
const fixed = { ...fast, salt: testBytes('backup/salt', 16), iv: testBytes('backup/iv', 12) }

function edit(file: Uint8Array, change: (value: Record<string, CborValue>) => Record<string, CborValue>): Bytes {
  return encodeCanonical(change(decodeCanonical(file, 1 << 20) as Record<string, CborValue>))
}

describe('exportBackup / importBackup', () => {
  it('restores the identity, and the profile when there is one', async () => {
    const profile = await createProfile(me, { name: 'Me', bio: 'hi' }, 4, 1_700_000_000_000)
    const file = await exportBackup({ keypair: me, profile: encodeProfile(profile) }, PASS, fast)
    const restored = await importBackup(file, PASS)
    expect(toHex(restored.keypair.seed)).toBe(toHex(me.seed))
    expect(toHex(restored.keypair.publicKey)).toBe(toHex(me.publicKey))
    expect(restored.profile).toEqual(profile)
    const bare = await importBackup(await exportBackup({ keypair: me }, PASS, fast), PASS)
    expect(bare.profile).toBeUndefined()
    expect(toHex(bare.keypair.seed)).toBe(toHex(me.seed))
  })

  it('round-trips arbitrary seeds and passphrases', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        // The backup counts code points after NFC.
        fc.string({ unit: 'binary', minLength: MIN_PASSPHRASE_LENGTH, maxLength: 24 })
          .filter((p) => Array.from(p.normalize('NFC')).length >= MIN_PASSPHRASE_LENGTH),
        async (seed, passphrase) => {
          const keypair = keypairFromSeed(seed)
          const file = await exportBackup({ keypair }, passphrase, fast)
          expect(toHex(backupIdentity(file))).toBe(toHex(keypair.publicKey))
          expect(toHex((await importBackup(file, passphrase)).keypair.seed)).toBe(toHex(seed))
        }
      ),
      { numRuns: 8 }
    )
  })

  it('names its identity without the passphrase', async () => {
    const file = await exportBackup({ keypair: me }, PASS, fast)
    expect(toHex(backupIdentity(file))).toBe(toHex(me.publicKey))
  })

  it('uses fresh salt and IV by default, and the default iteration count', async () => {
    const a = decodeCanonical(await exportBackup({ keypair: me }, PASS, fast), 1 << 20) as { kdf: { salt: Uint8Array }; cipher: { iv: Uint8Array } }
    const b = decodeCanonical(await exportBackup({ keypair: me }, PASS, fast), 1 << 20) as { kdf: { salt: Uint8Array }; cipher: { iv: Uint8Array } }
    expect(toHex(a.kdf.salt)).not.toBe(toHex(b.kdf.salt))
    expect(toHex(a.cipher.iv)).not.toBe(toHex(b.cipher.iv))
    expect(DEFAULT_BACKUP_ITERATIONS).toBeGreaterThanOrEqual(600_000)
  })

  it('is deterministic given salt and IV, and matches an independent WebCrypto implementation', async () => {
    const file = await exportBackup({ keypair: me }, PASS, fixed)
    expect(toHex(await exportBackup({ keypair: me }, PASS, fixed))).toBe(toHex(file))
    const byHand = await encryptBackupByHand({ id: me.publicKey, plaintext: { v: 1, t: 'identity-secret', seed: me.seed }, passphrase: PASS, salt: fixed.salt, iv: fixed.iv })
    expect(toHex(byHand)).toBe(toHex(file))
    expect(decodeCanonical(await decryptBackupByHand(file, PASS), 1000)).toEqual({ v: 1, t: 'identity-secret', seed: me.seed })
  })

  it('normalises the passphrase to NFC', async () => {
    const composed = 'p\u00e4ssw\u00f6rd-\u00e9t\u00e9'
    const decomposed = composed.normalize('NFD')
    expect(decomposed).not.toBe(composed)
    const file = await exportBackup({ keypair: me }, decomposed, fast)
    expect(toHex((await importBackup(file, composed)).keypair.seed)).toBe(toHex(me.seed))
  })

  it('counts passphrase length in characters after NFC', async () => {
    await expectReject(() => exportBackup({ keypair: me }, 'a'.repeat(MIN_PASSPHRASE_LENGTH - 1), fast), InvalidArgumentError)
    await expectReject(() => exportBackup({ keypair: me }, 'e\u0301'.repeat(4), fast), InvalidArgumentError) // 8 code units, 4 characters
    await expectReject(() => exportBackup({ keypair: me }, '', fast), InvalidArgumentError)
    const emoji = '😀'.repeat(MIN_PASSPHRASE_LENGTH) // 8 characters, 16 code units
    expect(toHex((await importBackup(await exportBackup({ keypair: me }, emoji, fast), emoji)).keypair.seed)).toBe(toHex(me.seed))
    const file = await exportBackup({ keypair: me }, PASS, fast)
    await expectReject(() => importBackup(file, 'short'), InvalidArgumentError)
    await expectReject(() => importBackup(file, 42 as unknown as string), InvalidArgumentError)
  })

  it.each([
    ['below the minimum', MIN_BACKUP_ITERATIONS - 1],
    ['above the maximum', MAX_BACKUP_ITERATIONS + 1],
    ['fractional', MIN_BACKUP_ITERATIONS + 0.5],
    ['NaN', NaN]
  ])('refuses an iteration count %s', async (_name, iterations) => {
    await expectReject(() => exportBackup({ keypair: me }, PASS, { iterations }), InvalidArgumentError)
  })

  it('refuses a salt or IV of the wrong length', async () => {
    await expectReject(() => exportBackup({ keypair: me }, PASS, { ...fixed, salt: new Uint8Array(8) }), InvalidArgumentError)
    await expectReject(() => exportBackup({ keypair: me }, PASS, { ...fixed, iv: new Uint8Array(16) }), InvalidArgumentError)
  })

  it('refuses to export a profile that import would refuse', async () => {
    const theirs = encodeProfile(await createProfile(stranger, { name: 'Not me' }, 1, 1))
    const err = await expectReject(() => exportBackup({ keypair: me, profile: theirs }, PASS, fast), SchemaError)
    expectSchemaField(err, 'profile')
    await expectReject(() => exportBackup({ keypair: me, profile: new Uint8Array([0xa0]) }, PASS, fast))
  })
})

describe('wrong passphrase and tampering', () => {
  it('refuses a wrong passphrase', async () => {
    const file = await exportBackup({ keypair: me }, PASS, fast)
    for (const wrong of ['correct horse battery stapl', 'Correct horse battery staple', `${PASS} `, 'x'.repeat(20)]) {
      await expectReject(() => importBackup(file, wrong), WrongPassphraseError)
    }
  })

  it('refuses a tampered header (it is the AEAD additional data)', async () => {
    const file = await exportBackup({ keypair: me }, PASS, fixed)
    const tampered: [string, Bytes][] = [
      ['id of another identity', edit(file, (v) => ({ ...v, id: stranger.publicKey }))],
      ['iterations + 1', edit(file, (v) => ({ ...v, kdf: { ...(v.kdf as Record<string, CborValue>), iterations: MIN_BACKUP_ITERATIONS + 1 } }))],
      ['a salt bit', edit(file, (v) => {
        const salt = toBytes((v.kdf as { salt: Uint8Array }).salt)
        salt[0] = (salt[0] as number) ^ 1
        return { ...v, kdf: { ...(v.kdf as Record<string, CborValue>), salt } }
      })],
      ['an IV bit', edit(file, (v) => {
        const iv = toBytes((v.cipher as { iv: Uint8Array }).iv)
        iv[11] = (iv[11] as number) ^ 0x80
        return { ...v, cipher: { ...(v.cipher as Record<string, CborValue>), iv } }
      })]
    ]
    for (const [name, bytes] of tampered) {
      await expectReject(() => importBackup(bytes, PASS), WrongPassphraseError).catch((e: unknown) => {
        throw new Error(`tampered ${name}: ${String(e)}`, { cause: e })
      })
    }
  })

  it('refuses a tampered ciphertext or tag anywhere', async () => {
    const file = await exportBackup({ keypair: me }, PASS, fixed)
    const ct = (decodeCanonical(file, 1 << 20) as { ct: Uint8Array }).ct
    for (const at of [0, 1, Math.floor(ct.length / 2), ct.length - 17, ct.length - 16, ct.length - 1]) {
      const flipped = toBytes(ct)
      flipped[at] = (flipped[at] as number) ^ 0x01
      await expectReject(() => importBackup(edit(file, (v) => ({ ...v, ct: flipped })), PASS), WrongPassphraseError)
    }
    await expectReject(() => importBackup(edit(file, (v) => ({ ...v, ct: ct.subarray(0, ct.length - 1) })), PASS), WrongPassphraseError)
    await expectReject(() => importBackup(edit(file, (v) => ({ ...v, ct: ct.subarray(1) })), PASS), WrongPassphraseError)
  })

  it('refuses random ciphertexts', async () => {
    const file = await exportBackup({ keypair: me }, PASS, fixed)
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 16, maxLength: 120 }), async (ct) => {
        await expectReject(() => importBackup(edit(file, (v) => ({ ...v, ct })), PASS), WrongPassphraseError)
      }),
      { numRuns: 15 }
    )
  })

  it('refuses a seed that does not match the file’s identity', async () => {
    const file = await encryptBackupByHand({ id: me.publicKey, plaintext: { v: 1, t: 'identity-secret', seed: stranger.seed }, passphrase: PASS, salt: fixed.salt, iv: fixed.iv })
    await expectReject(() => importBackup(file, PASS), InvalidKeyError)
  })

  it('refuses an encrypted profile of another identity', async () => {
    const theirs = encodeProfile(await createProfile(stranger, { name: 'x' }, 1, 1))
    const file = await encryptBackupByHand({ id: me.publicKey, plaintext: { v: 1, t: 'identity-secret', seed: me.seed, profile: theirs }, passphrase: PASS, salt: fixed.salt, iv: fixed.iv })
    expectSchemaField(await expectReject(() => importBackup(file, PASS), SchemaError), 'profile')
  })

  it.each([
    ['not CBOR', new Uint8Array([0xff, 0x00])],
    ['not a map', [1, 2]],
    ['the wrong type tag', { v: 1, t: 'identity', seed: new Uint8Array(32) }],
    ['a short seed', { v: 1, t: 'identity-secret', seed: new Uint8Array(31) }],
    ['an unknown field', { v: 1, t: 'identity-secret', seed: new Uint8Array(32), extra: 1 }],
    ['a profile that is not a profile', { v: 1, t: 'identity-secret', seed: new Uint8Array(32), profile: new Uint8Array([0xa0]) }]
  ])('refuses an encrypted secret that is %s (only ProtocolErrors)', async (_name, plaintext) => {
    const file = plaintext instanceof Uint8Array
      ? await rawPlaintextFile(plaintext)
      : await encryptBackupByHand({ id: me.publicKey, plaintext: plaintext, passphrase: PASS, salt: fixed.salt, iv: fixed.iv })
    expect(await onlyProtocolErrorsAsync(() => importBackup(file, PASS))).toBe(true)
    await expectReject(() => importBackup(file, PASS))
  })
})

/** A file whose plaintext is arbitrary bytes (not CBOR). */
async function rawPlaintextFile(plaintext: Uint8Array): Promise<Bytes> {
  const header = { v: 1, t: 'backup', id: me.publicKey, kdf: { alg: 'PBKDF2-SHA-256', iterations: MIN_BACKUP_ITERATIONS, salt: fixed.salt }, cipher: { alg: 'AES-256-GCM', iv: fixed.iv } }
  const base = await crypto.subtle.importKey('raw', utf8(PASS), 'PBKDF2', false, ['deriveKey'])
  const key = await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: fixed.salt, iterations: MIN_BACKUP_ITERATIONS }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt'])
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: fixed.iv, additionalData: encodeCanonical(header) }, key, toBytes(plaintext)))
  return encodeCanonical({ ...header, ct })
}

describe('hostile input (importBackup)', () => {
  hostileDecoderSuite({
    decode: (bytes) => importBackup(bytes, PASS),
    valid: () => exportBackup({ keypair: me }, PASS, fixed),
    maxBytes: 73_728 + 1024 + 256,
    tag: 'backup',
    ranged: ['ct'],
    numRuns: 60,
    // A random corruption can raise the iteration count to millions; see the targeted tampering tests above.
    randomMutations: false
  })

  it('throws only ProtocolErrors on random corruptions outside the iteration count', async () => {
    const file = await exportBackup({ keypair: me }, PASS, fixed)
    const iterationsAt = toHex(file).indexOf(toHex(encodeCanonical(MIN_BACKUP_ITERATIONS))) / 2
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: file.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        fc.pre(at < iterationsAt || at >= iterationsAt + 5)
        const bytes = toBytes(file)
        bytes[at] = (bytes[at] as number) ^ xor
        expect(await onlyProtocolErrorsAsync(() => importBackup(bytes, PASS))).toBe(true)
      }),
      { numRuns: 40 }
    )
  })
})

describe('hostile input (backupIdentity)', () => {
  hostileDecoderSuite({
    decode: backupIdentity,
    valid: () => exportBackup({ keypair: me }, PASS, fixed),
    maxBytes: 73_728 + 1024 + 256,
    tag: 'backup',
    ranged: ['ct']
  })
})

describe('exportBackup input checks', () => {
  it('refuses a keypair whose seed does not belong to its public key', async () => {
    await expectReject(() => exportBackup({ keypair: { seed: me.seed, publicKey: stranger.publicKey } }, PASS, fast), InvalidKeyError)
  })
})
