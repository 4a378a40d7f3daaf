import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  AVATAR_MIME_TYPES,
  createProfile,
  decodeProfile,
  encodeProfile,
  MAX_AVATAR_BYTES,
  MAX_PROFILE_BYTES,
  newerProfile,
  openProfile,
  verifyProfile,
  type Profile,
  type ProfileFields
} from './profile.ts'
import { InvalidKeyError, InvalidSignatureError, MalformedEncodingError, RecordTooLargeError, SchemaError } from '../errors.ts'
import { concat, fromHex, toBytes, toHex } from '../bytes.ts'
import { encodeRecord, signRecord } from '../records/record.ts'
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import {
  AVATAR_SAMPLES,
  expectReject,
  expectSchemaField,
  expectThrow,
  hostileDecoderSuite,
  leBytes,
  ED25519_P,
  onlyProtocolErrorsAsync,
  testBytes,
  testKeypair
} from '../test-support.ts'

const alice = testKeypair('profile/alice')
const bob = testKeypair('profile/bob')

const full: ProfileFields = {
  name: 'Alice 🔥',
  bio: 'Line one\nLine two\twith a tab',
  status: 'around',
  avatar: { mime: 'image/png', data: AVATAR_SAMPLES['image/png'] }
}

describe('createProfile / openProfile', () => {
  it('creates a verified profile that survives the wire', async () => {
    const profile = await createProfile(alice, full, 3, 1_700_000_000_000)
    expect(profile).toMatchObject({ v: 1, t: 'profile', seq: 3, updated: 1_700_000_000_000, name: full.name, bio: full.bio, status: full.status })
    expect(toHex(profile.id)).toBe(toHex(alice.publicKey))
    expect(Object.isFrozen(profile)).toBe(true)
    const opened = await openProfile(encodeProfile(profile))
    expect(opened).toEqual(profile)
    expect(toHex(encodeProfile(opened))).toBe(toHex(encodeProfile(profile)))
  })

  it('omits absent optional fields', async () => {
    const profile = await createProfile(alice, { name: 'A' }, 0, 0)
    expect(Object.keys(decodeProfile(encodeProfile(profile))).sort()).toEqual(['id', 'name', 'seq', 'sig', 't', 'updated', 'v'])
  })

  it('round-trips arbitrary valid profiles', async () => {
    const singleLine = (max: number, min = 0) =>
      fc.string({ unit: 'binary', minLength: min, maxLength: max })
        // eslint-disable-next-line no-control-regex -- what single-line text refuses
        .filter((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(s) && new TextEncoder().encode(s).length <= max)
    const fields = fc.record(
      {
        name: singleLine(64, 1),
        bio: fc.string({ unit: 'grapheme', maxLength: 100 }).map((s) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu, '')), // eslint-disable-line no-control-regex
        status: singleLine(128),
        avatar: fc.constantFrom(...AVATAR_MIME_TYPES).chain((mime) =>
          fc.uint8Array({ maxLength: 100 }).map((tail) => ({ mime, data: concat(AVATAR_SAMPLES[mime], tail) })))
      },
      { requiredKeys: ['name'] }
    )
    await fc.assert(
      fc.asyncProperty(fields, fc.maxSafeNat(), fc.maxSafeNat(), async (f, seq, updated) => {
        const profile = await createProfile(alice, f, seq, updated)
        const opened = await openProfile(encodeProfile(profile))
        expect(opened).toEqual(profile)
        expect(opened.name).toBe(f.name)
        expect(opened.bio).toBe(f.bio)
        expect(opened.status).toBe(f.status)
      }),
      { numRuns: 60 }
    )
  })

  it('fits the largest allowed profile within MAX_PROFILE_BYTES', async () => {
    const profile = await createProfile(alice, {
      name: 'n'.repeat(64),
      bio: 'b'.repeat(1024),
      status: 's'.repeat(128),
      avatar: { mime: 'image/gif', data: concat(AVATAR_SAMPLES['image/gif'], new Uint8Array(MAX_AVATAR_BYTES - AVATAR_SAMPLES['image/gif'].length)) }
    }, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
    const bytes = encodeProfile(profile)
    expect(bytes.length).toBeLessThanOrEqual(MAX_PROFILE_BYTES)
    expect(await openProfile(bytes)).toEqual(profile)
  })

  it.each([
    ['an empty name', { name: '' }, SchemaError],
    ['a 65-byte name', { name: 'é'.repeat(32) + 'x' }, RecordTooLargeError],
    ['a name with a newline', { name: 'a\nb' }, SchemaError],
    ['a name with U+2028', { name: 'a\u2028b' }, SchemaError],
    // Caught by the encoder before the schema sees it: it has no UTF-8 form.
    ['a name with a lone surrogate', { name: 'a\ud800' }, MalformedEncodingError],
    ['a 1025-byte bio', { name: 'a', bio: 'b'.repeat(1025) }, RecordTooLargeError],
    ['a bio with a NUL', { name: 'a', bio: 'b\u0000' }, SchemaError],
    ['a 129-byte status', { name: 'a', status: 's'.repeat(129) }, RecordTooLargeError],
    ['a status with a newline', { name: 'a', status: 'a\nb' }, SchemaError],
    ['an avatar over 64 KiB', { name: 'a', avatar: { mime: 'image/png', data: concat(AVATAR_SAMPLES['image/png'], new Uint8Array(MAX_AVATAR_BYTES)) } }, RecordTooLargeError],
    ['an empty avatar', { name: 'a', avatar: { mime: 'image/png', data: new Uint8Array(0) } }, SchemaError],
    ['an SVG avatar', { name: 'a', avatar: { mime: 'image/svg+xml', data: new Uint8Array([0x3c]) } }, SchemaError]
  ] as const)('refuses %s', async (_name, fields, errorClass) => {
    await expectReject(() => createProfile(alice, fields as unknown as ProfileFields, 1, 1), errorClass)
  })

  it.each([-1, 1.5, 2 ** 53, NaN])('refuses seq %d', async (seq) => {
    await expectReject(() => createProfile(alice, { name: 'a' }, seq, 1))
  })
})

describe('avatar magic numbers', () => {
  for (const mime of AVATAR_MIME_TYPES) {
    it(`accepts ${mime} data that starts like ${mime}`, async () => {
      const p = await createProfile(alice, { name: 'a', avatar: { mime, data: AVATAR_SAMPLES[mime] } }, 1, 1)
      expect(p.avatar?.mime).toBe(mime)
    })
    for (const other of AVATAR_MIME_TYPES.filter((m) => m !== mime)) {
      it(`refuses ${other} data labelled ${mime}`, async () => {
        const err = await expectReject(() => createProfile(alice, { name: 'a', avatar: { mime, data: AVATAR_SAMPLES[other] } }, 1, 1), SchemaError)
        expectSchemaField(err, 'avatar.data')
      })
    }
    it(`refuses a truncated ${mime} signature`, async () => {
      const data = AVATAR_SAMPLES[mime].subarray(0, mime === 'image/webp' ? 10 : 2)
      await expectReject(() => createProfile(alice, { name: 'a', avatar: { mime, data } }, 1, 1), SchemaError)
    })
  }

  it('refuses RIFF data that is not WEBP (e.g. WAVE) labelled image/webp', async () => {
    const wave = fromHex('524946462400000057415645666d7420')
    await expectReject(() => createProfile(alice, { name: 'a', avatar: { mime: 'image/webp', data: wave } }, 1, 1), SchemaError)
  })

  it('the decoder checks the magic too, not only createProfile', async () => {
    // Sign a mismatched profile by hand, as a hostile peer would.
    const signed = await signRecord(alice, {
      v: 1, t: 'profile', id: alice.publicKey, seq: 1, updated: 1, name: 'a', avatar: { mime: 'image/png', data: AVATAR_SAMPLES['image/jpeg'] }
    })
    expectSchemaField(expectThrow(() => decodeProfile(encodeRecord(signed)), SchemaError), 'avatar.data')
  })
})

describe('verifyProfile', () => {
  it('refuses a profile signed by another key', async () => {
    const signed = await signRecord(bob, { v: 1, t: 'profile', id: alice.publicKey, seq: 1, updated: 1, name: 'Alice' })
    const decoded = decodeProfile(encodeRecord(signed))
    await expectReject(() => verifyProfile(decoded), InvalidSignatureError)
    await expectReject(() => openProfile(encodeRecord(signed)), InvalidSignatureError)
  })

  it('refuses a profile whose fields were changed after signing', async () => {
    const profile = await createProfile(alice, full, 1, 1)
    for (const change of [{ name: 'Mallory' }, { seq: 2 }, { updated: 2 }, { bio: undefined }, { status: 'x' }, { id: bob.publicKey }]) {
      const tampered = decodeProfile(encodeRecord({ ...profile, ...change }))
      await expectReject(() => verifyProfile(tampered), InvalidSignatureError)
    }
  })

  it('refuses a forged (random) signature', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 64, maxLength: 64 }), async (sig) => {
        const profile = await createProfile(alice, { name: 'a' }, 1, 1)
        await expectReject(() => verifyProfile({ ...profile, sig }), InvalidSignatureError)
      }),
      { numRuns: 30 }
    )
  })

  it('refuses invalid identity keys with InvalidKeyError', async () => {
    const profile = await createProfile(alice, { name: 'a' }, 1, 1)
    for (const id of [fromHex(ED25519_TORSION_SUBGROUP[0]!), fromHex(ED25519_TORSION_SUBGROUP[3]!), leBytes(ED25519_P + 3n)]) {
      await expectReject(() => verifyProfile({ ...profile, id }), InvalidKeyError)
    }
  })

  it('rejects every single-byte corruption of an encoded profile', async () => {
    const bytes = encodeProfile(await createProfile(alice, full, 7, 7))
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const corrupt = toBytes(bytes)
        corrupt[at] = (corrupt[at] as number) ^ xor
        expect(await onlyProtocolErrorsAsync(() => openProfile(corrupt))).toBe(true)
      }),
      { numRuns: 150 }
    )
  })
})

describe('newerProfile', () => {
  async function p(seq: number, updated: number, name = 'a', key = alice): Promise<Profile> {
    return createProfile(key, { name }, seq, updated)
  }

  it('prefers the higher seq, whatever the clocks say', async () => {
    const older = await p(1, 2_000)
    const newer = await p(2, 1_000)
    expect(newerProfile(older, newer)).toBe(newer)
    expect(newerProfile(newer, older)).toBe(newer)
  })

  it('at equal seq, prefers the later updated', async () => {
    const a = await p(5, 1_000)
    const b = await p(5, 2_000)
    expect(newerProfile(a, b)).toBe(b)
    expect(newerProfile(b, a)).toBe(b)
  })

  it('at equal seq and updated, prefers the larger signature bytes, in either order', async () => {
    const a = await p(5, 1_000, 'one')
    const b = await p(5, 1_000, 'two')
    const [small, large] = toHex(a.sig) < toHex(b.sig) ? [a, b] : [b, a]
    expect(newerProfile(small, large)).toBe(large)
    expect(newerProfile(large, small)).toBe(large)
  })

  it('returns the first argument for the same profile', async () => {
    const a = await p(1, 1)
    const copy = decodeProfile(encodeProfile(a))
    expect(newerProfile(a, copy)).toBe(a)
    expect(newerProfile(copy, a)).toBe(copy)
  })

  it('refuses to compare profiles of different identities', async () => {
    const a = await p(1, 1)
    const b = await p(1, 1, 'a', bob)
    expectSchemaField(expectThrow(() => newerProfile(a, b), SchemaError), 'id')
  })

  it('picks the same winner in any order (a total order)', async () => {
    const pool = await Promise.all(
      [[1, 1, 'a'], [1, 1, 'b'], [1, 1, 'c'], [1, 2, 'a'], [2, 0, 'a'], [2, 0, 'b'], [3, 0, 'x'], [3, 5, 'y'], [3, 5, 'z']].map(([s, u, n]) => p(s as number, u as number, n as string))
    )
    const expected = pool.reduce((best, x) => newerProfile(best, x))
    fc.assert(
      fc.property(fc.shuffledSubarray(pool, { minLength: 1 }), (subset) => {
        const winner = subset.reduce((best, x) => newerProfile(best, x))
        const rev = [...subset].reverse().reduce((best, x) => newerProfile(best, x))
        expect(winner).toBe(rev)
        if (subset.includes(expected)) expect(winner).toBe(expected)
      }),
      { numRuns: 200 }
    )
  })
})

describe('hostile input (decodeProfile)', () => {
  hostileDecoderSuite({
    decode: decodeProfile,
    valid: async () => encodeProfile(await createProfile(alice, { ...full, avatar: { mime: 'image/jpeg', data: concat(AVATAR_SAMPLES['image/jpeg'], testBytes('avatar', 40)) } }, 9, 9)),
    maxBytes: MAX_PROFILE_BYTES,
    tag: 'profile',
    optional: ['bio', 'status', 'avatar'],
    ranged: ['avatar.data']
  })
})
