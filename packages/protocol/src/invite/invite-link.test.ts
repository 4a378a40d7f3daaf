import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  formatInvite,
  MAX_INVITE_LENGTH,
  MAX_INVITE_PEERS,
  MAX_MULTIADDR_LENGTH,
  parseInvite,
  sameInvite,
  signInvite,
  verifyInvite,
  type Invite,
  type InviteStyle
} from './invite-link.ts'
import { ExpiredError, InvalidInviteError, InvalidSignatureError } from '../errors.ts'
import { concat, fromHex, toBase32, toBase64Url, toBytes, toHex, utf8 } from '../bytes.ts'
import { signatureInput } from '../records/record.ts'
import { encodeCanonical } from '../encoding/cbor.ts'
import { verify } from '../crypto/ed25519.ts'
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import { ED25519_P, expectReject, expectThrow, leBytes, nonZeroPadding, testBytes, testKeypair } from '../test-support.ts'

const inviter = testKeypair('invite/inviter')
const room = testBytes('invite/room', 32)
const R = toBase32(room)
const PEER = '/dns4/relay.hearth.example/tcp/443/wss/p2p/12D3KooWGzh1V4ZnZoN9uC5Ryy4oDdu8P2dYfC6RrjWG8NaPqC3w'
const HTTPS: InviteStyle = { style: 'https', origin: 'https://hearth.example' }
const HEARTH: InviteStyle = { style: 'hearth' }
const T0 = 1_700_000_000_000

async function signedInvite(extra: Partial<Omit<Invite, 'room' | 'inviter'>> = {}): Promise<Invite> {
  return signInvite(inviter, { room, peers: [PEER], name: 'Hearth dev', expires: T0 + 3_600_000, ...extra })
}

describe('formatInvite', () => {
  it('writes both spellings', async () => {
    const invite = await signedInvite()
    const sig = toBase64Url(invite.inviter!.sig)
    const query = `peer=${encodeURIComponent(PEER)}&exp=${T0 + 3_600_000}&name=Hearth%20dev&by=${toBase32(inviter.publicKey)}&sig=${sig}`
    expect(formatInvite(invite, HTTPS)).toBe(`https://hearth.example/#/join/${R}?${query}`)
    expect(formatInvite(invite, HEARTH)).toBe(`hearth:?room=${R}&${query}`)
  })

  it('writes a bare room link without a query', () => {
    expect(formatInvite({ room, peers: [] }, HTTPS)).toBe(`https://hearth.example/#/join/${R}`)
    expect(formatInvite({ room, peers: [] }, HEARTH)).toBe(`hearth:?room=${R}`)
  })

  it('strips trailing slashes from the origin and keeps its path', () => {
    expect(formatInvite({ room, peers: [] }, { style: 'https', origin: 'https://h.example///' })).toBe(`https://h.example/#/join/${R}`)
    expect(formatInvite({ room, peers: [] }, { style: 'https', origin: 'https://h.example/app/' })).toBe(`https://h.example/app/#/join/${R}`)
  })

  it('encodes spaces as %20, never +, and a literal + as %2B', () => {
    const link = formatInvite({ room, peers: ['/a+b'], name: 'a b+c' }, HEARTH)
    expect(link).toContain('name=a%20b%2Bc')
    expect(link).toContain('peer=%2Fa%2Bb')
    expect(link).not.toMatch(/[ +]/)
  })

  it.each([
    ['9 peers', { peers: Array.from({ length: MAX_INVITE_PEERS + 1 }, (_, i) => `/p/${i}`) }],
    ['a peer without a leading slash', { peers: ['dns4/x'] }],
    ['an empty peer', { peers: [''] }],
    ['a peer with a space', { peers: ['/ip4/1.2.3.4 /tcp/1'] }],
    ['a peer with a no-break space', { peers: ['/a\u00a0b'] }],
    ['a peer with a control character', { peers: ['/a\u0001'] }],
    ['a peer over 512 characters', { peers: [`/${'a'.repeat(MAX_MULTIADDR_LENGTH)}`] }],
    ['an empty name', { name: '' }],
    ['a 101-byte name', { name: 'n'.repeat(101) }],
    ['a name with a newline', { name: 'a\nb' }],
    ['a name with a lone surrogate', { name: 'a\ud800' }],
    ['a negative expiry', { expires: -1 }],
    ['a fractional expiry', { expires: 1.5 }],
    ['an unsafe expiry', { expires: 2 ** 53 }]
  ])('refuses %s', (_name, change) => {
    expectThrow(() => formatInvite({ room, peers: [], ...change }, HEARTH), InvalidInviteError)
  })

  it('refuses to write a link longer than the parser accepts', () => {
    // 8 maximal hints of slashes: each "/" is written as "%2F".
    const peers = Array.from({ length: MAX_INVITE_PEERS }, () => '/'.repeat(MAX_MULTIADDR_LENGTH))
    expectThrow(() => formatInvite({ room, peers }, HEARTH), InvalidInviteError)
    expectThrow(() => formatInvite({ room, peers }, HTTPS), InvalidInviteError)
  })

  it('writes links up to the limit that parse back', () => {
    const peers = Array.from({ length: MAX_INVITE_PEERS }, () => `/${'a'.repeat(MAX_MULTIADDR_LENGTH - 1)}`)
    const link = formatInvite({ room, peers, name: 'n'.repeat(100) }, HEARTH)
    expect(link.length).toBeLessThanOrEqual(MAX_INVITE_LENGTH)
    expect(sameInvite(parseInvite(link), { room, peers, name: 'n'.repeat(100) })).toBe(true)
  })
})

describe('parseInvite(formatInvite(x)) = x', () => {
  const special = fc.constantFrom(' ', '&', '=', '#', '%', '+', '?', '/', ':', '@', '[', ']', '~', '\'', '"', '<', '>', '\\', '%20', '%2F', '%%', 'é', '😀', '\u00ad', '\ufeff', '\u200d', 'ﬀ', 'Å', 'A\u030a')
  const unit = fc.oneof(special, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))
  // eslint-disable-next-line no-control-regex -- characters a peer hint may not hold
  const peer = fc.string({ unit, maxLength: 40 }).map((s) => `/${s}`).filter((p) => !/[\s\u0000-\u001f\u007f]/u.test(p) && p.length <= MAX_MULTIADDR_LENGTH)
  const name = fc.string({ unit, minLength: 1, maxLength: 30 })
    // eslint-disable-next-line no-control-regex -- characters a room name may not hold
    .filter((n) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(n) && utf8(n).length <= 100)
  const invite: fc.Arbitrary<Invite> = fc.record(
    {
      room: fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toBytes),
      peers: fc.array(peer, { maxLength: 4 }),
      name,
      expires: fc.oneof(fc.maxSafeNat(), fc.constantFrom(0, Number.MAX_SAFE_INTEGER)),
      inviter: fc.record({
        key: fc.constantFrom(inviter.publicKey, testKeypair('invite/b').publicKey),
        sig: fc.uint8Array({ minLength: 64, maxLength: 64 }).map(toBytes)
      })
    },
    { requiredKeys: ['room', 'peers'] }
  )
  const style: fc.Arbitrary<InviteStyle> = fc.oneof(
    fc.constant(HEARTH),
    fc.constantFrom('https://hearth.example', 'https://hearth.example/', 'http://localhost:5173', 'https://h.example/app/', 'https://h.example/a%20b/').map((origin) => ({ style: 'https' as const, origin }))
  )

  it('for arbitrary invites with odd names and hints, in both spellings', () => {
    fc.assert(
      fc.property(invite, style, (x, s) => {
        const link = formatInvite(x, s)
        const back = parseInvite(link)
        expect(sameInvite(back, x), link).toBe(true)
        // And the link text is stable: formatting what was parsed gives the same link.
        expect(formatInvite(back, s)).toBe(link)
      }),
      { numRuns: 400 }
    )
  })

  it('the two spellings of one invite parse to the same value', () => {
    fc.assert(
      fc.property(invite, (x) => {
        expect(sameInvite(parseInvite(formatInvite(x, HEARTH)), parseInvite(formatInvite(x, HTTPS)))).toBe(true)
      }),
      { numRuns: 100 }
    )
  })

  it.each([
    ['spaces', 'My Room'],
    ['ampersand and equals', 'a&b=c'],
    ['hash', '#general'],
    ['percent', '100% cozy %20'],
    ['plus', 'c++'],
    ['unicode', 'Café ☕ 日本語 😀'],
    ['leading and trailing spaces', '  padded  '],
    ['a byte-order mark', '\ufeffbom']
  ])('names with %s', (_what, n) => {
    for (const s of [HEARTH, HTTPS]) {
      expect(parseInvite(formatInvite({ room, peers: [], name: n }, s)).name).toBe(n)
    }
  })

  it.each([
    ['&, = and # in a hint', '/dns4/a&b=c#d/tcp/1'],
    ['% in a hint', '/unix/%2Ftmp%2Fsock'],
    ['unicode in a hint', '/dns4/bücher.example/tcp/443'],
    ['a query-looking hint', '/x?room=zzz&exp=1']
  ])('peers with %s', (_what, p) => {
    for (const s of [HEARTH, HTTPS]) {
      expect(parseInvite(formatInvite({ room, peers: [p, PEER] }, s)).peers).toEqual([p, PEER])
    }
  })
})

describe('parseInvite accepts other spellings of the same value', () => {
  it.each([
    ['uppercase room id', `hearth:?room=${R.toUpperCase()}`],
    ['uppercase scheme', `HEARTH:?room=${R}`],
    ['surrounding whitespace', `  hearth:?room=${R}\n`],
    ['unknown parameters', `hearth:?v=2&room=${R}&future=1`],
    ['http', `http://localhost:5173/#/join/${R}`],
    ['no slash before #', `https://hearth.example#/join/${R}`],
    ['a path', `https://hearth.example/app/index.html#/join/${R}`],
    ['a real query before the fragment', `https://hearth.example/?utm=x#/join/${R}`],
    ['a percent-encoded room id', `https://hearth.example/#/join/${encodeURIComponent(R).replace(/a/g, '%61')}`],
    ['an uppercase JOIN', `https://hearth.example/#/JOIN/${R}`]
  ])('%s', (_name, link) => {
    const parsed = parseInvite(link)
    expect(toHex(parsed.room)).toBe(toHex(room))
    expect(parsed.peers).toEqual([])
  })

  it('+ in a value is a space (form encoding)', () => {
    expect(parseInvite(`hearth:?room=${R}&name=a+b`).name).toBe('a b')
  })
})

describe('parseInvite refuses malformed links with InvalidInviteError', () => {
  const base = `hearth:?room=${R}`
  const key = toBase32(inviter.publicKey)
  const sig = toBase64Url(new Uint8Array(64).fill(7))
  const cases: [string, unknown][] = [
    ['empty', ''],
    ['whitespace', '   '],
    ['plain text', 'join my room'],
    ['a room id alone', R],
    ['hearth: with nothing', 'hearth:'],
    ['hearth: without ?', `hearth:room=${R}`],
    ['hearth:// authority form', `hearth://?room=${R}`],
    ['hearth: without room', 'hearth:?peer=%2Fx'],
    ['an empty room', 'hearth:?room='],
    ['room twice', `${base}&room=${R}`],
    ['room twice, different', `${base}&room=${toBase32(testBytes('other', 32))}`],
    ['a 51-character room', `hearth:?room=${R.slice(1)}`],
    ['a 53-character room', `hearth:?room=${R}a`],
    ['a hex room', `hearth:?room=${toHex(room)}`],
    ['a room with 1', `hearth:?room=1${R.slice(1)}`],
    ['a room with non-zero trailing bits', `hearth:?room=${nonZeroPadding(R)}`],
    ['a room with padding', `hearth:?room=${R}====`],
    ['https without join', 'https://hearth.example/'],
    ['https with an empty room', 'https://hearth.example/#/join/'],
    ['https with extra path', `https://hearth.example/#/join/${R}/extra`],
    ['https with a second fragment', `https://hearth.example/#/join/${R}#x`],
    ['join in the path, not the fragment', `https://hearth.example/join/${R}`],
    ['#join without slash', `https://hearth.example/#join/${R}`],
    ['ftp scheme', `ftp://hearth.example/#/join/${R}`],
    ['javascript scheme', `javascript:alert(1)//#/join/${R}`],
    ['no host', `https:///#/join/${R}`],
    ['a space in the host', `https://hearth .example/#/join/${R}`],
    ['broken percent-encoding in the room', 'https://hearth.example/#/join/%E0%A4%A'],
    ['exp not a number', `${base}&exp=soon`],
    ['exp negative', `${base}&exp=-1`],
    ['exp with a leading zero', `${base}&exp=01`],
    ['exp in exponent form', `${base}&exp=1e3`],
    ['exp fractional', `${base}&exp=1.0`],
    ['exp empty', `${base}&exp=`],
    ['exp with a plus (a space)', `${base}&exp=+1`],
    ['exp hex', `${base}&exp=0x10`],
    ['exp with fullwidth digits', `${base}&exp=${encodeURIComponent('１２')}`],
    ['exp 2^53', `${base}&exp=9007199254740992`],
    ['exp with 17 digits', `${base}&exp=12345678901234567`],
    ['exp twice', `${base}&exp=1&exp=2`],
    ['an empty name', `${base}&name=`],
    ['a 101-byte name', `${base}&name=${'n'.repeat(101)}`],
    ['a name with a newline', `${base}&name=a%0Ab`],
    ['a name with NUL', `${base}&name=a%00`],
    ['a name with U+2028', `${base}&name=a%E2%80%A8`],
    ['a name with C1 control', `${base}&name=a%C2%85`],
    ['name twice', `${base}&name=a&name=b`],
    ['an empty peer', `${base}&peer=`],
    ['a peer without a slash', `${base}&peer=dns4%2Fx`],
    ['a peer with a space', `${base}&peer=%2Fa%20b`],
    ['a peer with a tab', `${base}&peer=%2Fa%09b`],
    ['a peer with a no-break space', `${base}&peer=%2Fa%C2%A0b`],
    ['a peer with an ideographic space', `${base}&peer=%2Fa%E3%80%80b`],
    ['a peer with DEL', `${base}&peer=%2Fa%7F`],
    ['a peer over 512 characters', `${base}&peer=%2F${'a'.repeat(512)}`],
    ['9 peers', `${base}${'&peer=%2Fp'.repeat(9)}`],
    ['by without sig', `${base}&by=${key}`],
    ['sig without by', `${base}&sig=${sig}`],
    ['by twice', `${base}&by=${key}&by=${key}&sig=${sig}`],
    ['sig twice', `${base}&by=${key}&sig=${sig}&sig=${sig}`],
    ['by not base32', `${base}&by=${toHex(inviter.publicKey)}&sig=${sig}`],
    ['by of 31 bytes', `${base}&by=${toBase32(inviter.publicKey.subarray(1))}&sig=${sig}`],
    ['by a small-order key', `${base}&by=${toBase32(fromHex(ED25519_TORSION_SUBGROUP[0]!))}&sig=${sig}`],
    ['by a non-canonical key', `${base}&by=${toBase32(leBytes(ED25519_P + 2n))}&sig=${sig}`],
    ['sig of 63 bytes', `${base}&by=${key}&sig=${toBase64Url(new Uint8Array(63))}`],
    ['sig of 65 bytes', `${base}&by=${key}&sig=${toBase64Url(new Uint8Array(65))}`],
    ['sig with padding', `${base}&by=${key}&sig=${sig}==`],
    ['sig in standard base64', `${base}&by=${key}&sig=${btoa(String.fromCharCode(...new Uint8Array(64).fill(0xfb))).replace(/=+$/, '')}`],
    ['sig empty', `${base}&by=${key}&sig=`],
    ['too long', `${base}&x=${'a'.repeat(MAX_INVITE_LENGTH)}`],
    ['not text: null', null],
    ['not text: undefined', undefined],
    ['not text: a number', 42],
    ['not text: an object', { room: R }],
    ['not text: an array', [base]],
    ['not text: a URL object', new URL(`https://hearth.example/#/join/${R}`)]
  ]
  it.each(cases)('%s', (_name, link) => {
    expectThrow(() => parseInvite(link as string), InvalidInviteError)
  })

  it('throws nothing but InvalidInviteError for random text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.webUrl({ withFragments: true, withQueryParameters: true })), (link) => {
        try {
          parseInvite(link)
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidInviteError)
        }
      }),
      { numRuns: 500 }
    )
  })

  it('throws nothing but InvalidInviteError for random edits of a valid link', async () => {
    const links = [formatInvite(await signedInvite(), HTTPS), formatInvite(await signedInvite(), HEARTH)]
    fc.assert(
      fc.property(fc.constantFrom(...links), fc.nat(), fc.nat({ max: 5 }), fc.string({ maxLength: 4 }), (link, at, cut, insert) => {
        const i = at % link.length
        const edited = link.slice(0, i) + insert + link.slice(i + cut)
        try {
          const parsed = parseInvite(edited)
          expect(parsed.room).toHaveLength(32)
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidInviteError)
        }
      }),
      { numRuns: 500 }
    )
  })
})

describe('signed invites', () => {
  it('the signature covers room, inviter key and expiry as a record', async () => {
    const invite = await signedInvite()
    const input = signatureInput({ v: 1, t: 'invite', room, by: inviter.publicKey, exp: T0 + 3_600_000 })
    expect(toHex(input)).toBe(toHex(concat(utf8('hearth/sig/v1\u0000'), encodeCanonical({ v: 1, t: 'invite', room, by: inviter.publicKey, exp: T0 + 3_600_000 }))))
    expect(await verify(inviter.publicKey, input, invite.inviter!.sig)).toBe(true)
  })

  it('an invite without expiry signs a record without exp', async () => {
    const invite = await signInvite(inviter, { room, peers: [] })
    const input = signatureInput({ v: 1, t: 'invite', room, by: inviter.publicKey })
    expect(await verify(inviter.publicKey, input, invite.inviter!.sig)).toBe(true)
    await verifyInvite(parseInvite(formatInvite(invite, HEARTH)), Number.MAX_SAFE_INTEGER)
  })

  it('verifies through both spellings until it expires', async () => {
    const invite = await signedInvite()
    for (const s of [HTTPS, HEARTH]) {
      const parsed = parseInvite(formatInvite(invite, s))
      const verified = await verifyInvite(parsed, T0)
      expect(sameInvite(verified, invite)).toBe(true)
      await verifyInvite(parsed, T0 + 3_600_000 - 1)
      await expectReject(() => verifyInvite(parsed, T0 + 3_600_000), ExpiredError)
    }
  })

  it('an unsigned invite verifies (only expiry is checked)', async () => {
    await verifyInvite({ room, peers: [] }, T0)
    await expectReject(() => verifyInvite({ room, peers: [], expires: T0 }, T0), ExpiredError)
  })

  it('refuses a tampered signature, expiry, room or inviter', async () => {
    const invite = await signedInvite()
    const flipped = toBytes(invite.inviter!.sig)
    flipped[10] = (flipped[10] as number) ^ 1
    const other = testKeypair('invite/other')
    const tampered: Invite[] = [
      { ...invite, inviter: { key: invite.inviter!.key, sig: flipped } },
      { ...invite, expires: T0 + 7_200_000 },
      { ...invite, expires: undefined },
      { ...invite, room: testBytes('other room', 32) },
      { ...invite, inviter: { key: other.publicKey, sig: invite.inviter!.sig } }
    ]
    for (const t of tampered) {
      // Through the link text, as a recipient would see it.
      const parsed = parseInvite(formatInvite(t, HEARTH))
      await expectReject(() => verifyInvite(parsed, T0), InvalidSignatureError)
    }
  })

  it('refuses a signature with S + L (malleated) and a small-order inviter key', async () => {
    const invite = await signedInvite()
    const sig = invite.inviter!.sig
    let s = 0n
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i] as number)
    const malleated = concat(sig.subarray(0, 32), leBytes(s + 2n ** 252n + 27742317777372353535851937790883648493n))
    await expectReject(() => verifyInvite({ ...invite, inviter: { key: invite.inviter!.key, sig: malleated } }, T0), InvalidSignatureError)
    await expectReject(() => verifyInvite({ ...invite, inviter: { key: fromHex(ED25519_TORSION_SUBGROUP[0]!), sig } }, T0), InvalidSignatureError)
  })

  it('name and peer hints are unsigned: changing them keeps the signature valid', async () => {
    const invite = await signedInvite()
    await verifyInvite({ ...invite, name: 'Something else', peers: ['/other'] }, T0)
    const { name: _n, ...noName } = invite
    await verifyInvite(noName, T0)
  })

  it('signInvite and verifyInvite refuse invalid invites', async () => {
    await expectReject(() => signInvite(inviter, { room, peers: ['nope'] }), InvalidInviteError)
    const invite = await signedInvite()
    await expectReject(() => verifyInvite({ ...invite, peers: Array.from({ length: 9 }, () => '/p') }, T0), InvalidInviteError)
  })

  it('sameInvite compares every part', async () => {
    const invite = await signedInvite()
    expect(sameInvite(invite, { ...invite })).toBe(true)
    for (const change of [{ room: testBytes('x', 32) }, { peers: [] }, { peers: [PEER, PEER] }, { name: 'x' }, { name: undefined }, { expires: 1 }, { inviter: undefined }]) {
      expect(sameInvite(invite, { ...invite, ...change })).toBe(false)
      expect(sameInvite({ ...invite, ...change }, invite)).toBe(false)
    }
  })
})

describe('link integrity', () => {
  it('refuses an https link that names a second room in its query', () => {
    const other = toBase32(testBytes('invite/other-room', 32))
    expectThrow(() => parseInvite(`https://hearth.example/#/join/${R}?room=${other}`), InvalidInviteError)
    expectThrow(() => parseInvite(`https://hearth.example/#/join/${R}?room=${R}`), InvalidInviteError)
  })

  it('refuses to format for an origin it could not parse back', () => {
    for (const origin of ['ftp://hearth.example', 'https://hearth.example/a b', 'https://hearth.example/#x', 'https://hearth.example/?q=1', 'hearth.example']) {
      expectThrow(() => formatInvite({ room, peers: [] }, { style: 'https', origin }), InvalidInviteError)
    }
    expect(parseInvite(formatInvite({ room, peers: [] }, { style: 'https', origin: 'http://127.0.0.1:8420/app/' })).room).toEqual(room)
  })
})

describe('invite codes', () => {
  it('carries a signed random code through both spellings', async () => {
    const code = testBytes('invite/code', 12)
    const invite = await signInvite(inviter, { room, peers: [PEER], expires: T0 + 1000 }, { code })
    for (const style of [HTTPS, HEARTH]) {
      const parsed = parseInvite(formatInvite(invite, style))
      expect(sameInvite(parsed, invite)).toBe(true)
      expect(toHex(parsed.inviter!.code!)).toBe(toHex(code))
      await verifyInvite(parsed, T0)
    }
  })

  it('refuses a changed code, a code without a signature, and codes of the wrong size', async () => {
    const invite = await signInvite(inviter, { room, peers: [] }, { code: testBytes('invite/code2', 8) })
    const changed = { ...invite, inviter: { ...invite.inviter!, code: testBytes('invite/code3', 8) } }
    await expectReject(() => verifyInvite(changed, T0), InvalidSignatureError)
    expectThrow(() => parseInvite(`hearth:?room=${R}&code=${toBase32(testBytes('c', 8))}`), InvalidInviteError)
    const link = formatInvite(invite, HEARTH)
    expectThrow(() => parseInvite(link.replace(/code=[a-z2-7]+/, `code=${toBase32(testBytes('c', 4))}`)), InvalidInviteError)
    expectThrow(() => parseInvite(link.replace(/code=[a-z2-7]+/, `code=${toBase32(testBytes('c', 17))}`)), InvalidInviteError)
    expectThrow(() => parseInvite(link.replace(/code=[a-z2-7]+/, 'code=not*base32')), InvalidInviteError)
    await expectReject(() => signInvite(inviter, { room, peers: [] }, { code: new Uint8Array(7) }), InvalidInviteError)
  })
})
