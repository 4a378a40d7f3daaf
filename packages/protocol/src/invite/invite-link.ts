/**
 * Invite links (PROTOCOL.md §4.3), the room's "magnet link". Two spellings of
 * one value:
 *
 *   https://<host>/#/join/<room>?peer=<multiaddr>&exp=<ms>&name=<hint>&by=<key>&sig=<sig>
 *   hearth:?room=<room>&peer=<multiaddr>&exp=<ms>&name=<hint>&by=<key>&sig=<sig>
 *
 * `room` and `by` are base32 (§1.3), `sig` base64url, every value
 * percent-encoded. `peer` (bootstrap hints, up to 8) and `name` are unsigned
 * hints: the room's genesis is what binds its name. `by` + `sig` (together or
 * not at all) are the inviter's signature over the room id, expiry and the
 * optional `code` (a random nonce that makes each invite distinct, so use
 * limits count per invite); the authority log decides what an inviter's
 * signature is worth.
 */
import { ExpiredError, InvalidArgumentError, InvalidInviteError, InvalidSignatureError, ProtocolError } from '../errors.ts'
import { equalBytes, fromBase32, fromBase64Url, toBase32, toBase64Url, toBytes, type Bytes } from '../bytes.ts'
import { assertValidPublicKey, verify, sign, type Keypair } from '../crypto/ed25519.ts'
import { signatureInput } from '../records/record.ts'
import { MAX_ROOM_NAME_BYTES } from '../rooms/genesis.ts'
import { parseRoomId } from '../rooms/room-id.ts'
import { text } from '../encoding/schema.ts'
import { MAX_SAFE_UINT } from '../encoding/cbor.ts'
import { markVerified, type Verified } from '../verified.ts'

/** Most bootstrap hints in one link. */
export const MAX_INVITE_PEERS = 8
/** Longest multiaddr hint, in characters. */
export const MAX_MULTIADDR_LENGTH = 512
/** Length range of an invite code, in bytes. */
export const MIN_INVITE_CODE_BYTES = 8
export const MAX_INVITE_CODE_BYTES = 16
/** Longest invite link accepted by the parser, in characters. */
export const MAX_INVITE_LENGTH = 8192

/** The value an invite link carries. */
export interface Invite {
  readonly room: Bytes
  readonly peers: readonly string[]
  readonly name?: string
  readonly expires?: number
  readonly inviter?: { readonly key: Bytes; readonly sig: Bytes; readonly code?: Bytes }
}

/** How to spell a link: the web app's URL at `origin`, or the `hearth:` URI. */
export type InviteStyle = { readonly style: 'https'; readonly origin: string } | { readonly style: 'hearth' }

function assertPeerHint(peer: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (peer.length === 0 || peer.length > MAX_MULTIADDR_LENGTH || !peer.startsWith('/') || /[\s\u0000-\u001f\u007f]/u.test(peer)) {
    throw new InvalidInviteError(`peer hint is not a multiaddr: ${JSON.stringify(peer.slice(0, 64))}`)
  }
  return peer
}

function parseExpiry(value: string): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) throw new InvalidInviteError('exp must be a Unix time in milliseconds')
  const n = Number(value)
  if (n > MAX_SAFE_UINT) throw new InvalidInviteError('exp is too large')
  return n
}

function assertValidInvite(invite: Invite): void {
  if (invite.peers.length > MAX_INVITE_PEERS) throw new InvalidInviteError(`at most ${MAX_INVITE_PEERS} peer hints`)
  invite.peers.forEach(assertPeerHint)
  if (invite.name !== undefined) {
    try {
      text(MAX_ROOM_NAME_BYTES, { min: 1, singleLine: true })(invite.name, 'name')
    } catch (err) {
      throw new InvalidInviteError(`room name hint: ${err instanceof Error ? err.message : 'invalid'}`)
    }
  }
  if (invite.expires !== undefined && (!Number.isSafeInteger(invite.expires) || invite.expires < 0)) {
    throw new InvalidInviteError('exp must be a Unix time in milliseconds')
  }
}

/** Spell an invite as a link. Throws {@link InvalidInviteError} for an invalid invite. */
export function formatInvite(invite: Invite, style: InviteStyle): string {
  assertValidInvite(invite)
  const params = new URLSearchParams()
  if (style.style === 'hearth') params.append('room', toBase32(invite.room))
  for (const peer of invite.peers) params.append('peer', peer)
  if (invite.expires !== undefined) params.append('exp', String(invite.expires))
  if (invite.name !== undefined) params.append('name', invite.name)
  if (invite.inviter) {
    params.append('by', toBase32(invite.inviter.key))
    if (invite.inviter.code) params.append('code', toBase32(invite.inviter.code))
    params.append('sig', toBase64Url(invite.inviter.sig))
  }
  const query = params.toString().replace(/\+/g, '%20')
  const origin = style.style === 'https' ? style.origin.replace(/\/+$/, '') : ''
  if (style.style === 'https' && !/^https?:\/\/[^/#?\s]+(\/[^#?\s]*)?$/i.test(origin)) {
    throw new InvalidInviteError('origin must be an http(s) URL without query or fragment')
  }
  const link = style.style === 'hearth' ? `hearth:?${query}` : `${origin}/#/join/${toBase32(invite.room)}${query ? `?${query}` : ''}`
  // Never write a link that parseInvite refuses (percent-encoding can triple a hint's length).
  if (link.length > MAX_INVITE_LENGTH) throw new InvalidInviteError(`invite link would be longer than ${MAX_INVITE_LENGTH} characters`)
  return link
}

/**
 * Parse either spelling. Unknown parameters are ignored (newer links stay
 * usable); everything Hearth reads is validated. Throws only
 * {@link InvalidInviteError}.
 */
export function parseInvite(link: string): Invite {
  try {
    return parseInviteUnchecked(link)
  } catch (err) {
    if (err instanceof InvalidInviteError) throw err
    if (err instanceof ProtocolError) throw new InvalidInviteError(err.message)
    throw new InvalidInviteError('not a Hearth invite link')
  }
}

function parseInviteUnchecked(link: string): Invite {
  if (typeof link !== 'string') throw new InvalidInviteError('invite must be text')
  const trimmed = link.trim()
  if (trimmed.length > MAX_INVITE_LENGTH) throw new InvalidInviteError('invite link is too long')
  let roomText: string | null
  let query: string
  if (/^hearth:/i.test(trimmed)) {
    const rest = trimmed.slice('hearth:'.length)
    if (!rest.startsWith('?')) throw new InvalidInviteError('a hearth: link starts with "hearth:?"')
    query = rest.slice(1)
    roomText = new URLSearchParams(query).get('room')
  } else {
    const match = /^https?:\/\/[^/#?\s]+\/?[^#\s]*#\/join\/([^?#/]*)(?:\?([^#]*))?$/i.exec(trimmed)
    if (!match) throw new InvalidInviteError('not a Hearth invite link (expected …/#/join/<room> or hearth:?room=…)')
    roomText = decodeURIComponent(match[1] ?? '')
    query = match[2] ?? ''
    // The room is in the path; a second one in the query could show one room and join another.
    if (new URLSearchParams(query).has('room')) throw new InvalidInviteError('"room" appears more than once')
  }
  const params = new URLSearchParams(query)
  if (roomText === null || roomText === '') throw new InvalidInviteError('invite names no room')
  let room: Bytes
  try {
    room = parseRoomId(roomText)
  } catch {
    throw new InvalidInviteError('room id is not 52 characters of base32')
  }
  const single = (key: string): string | undefined => {
    const all = params.getAll(key)
    if (all.length > 1) throw new InvalidInviteError(`"${key}" appears more than once`)
    return all[0]
  }
  if (params.getAll('room').length > 1) throw new InvalidInviteError('"room" appears more than once')
  const peers = params.getAll('peer')
  const exp = single('exp')
  const name = single('name')
  const by = single('by')
  const sig = single('sig')
  const code = single('code')
  if ((by === undefined) !== (sig === undefined)) throw new InvalidInviteError('"by" and "sig" go together')
  if (code !== undefined && by === undefined) throw new InvalidInviteError('"code" needs "by" and "sig"')
  let inviter: Invite['inviter']
  if (by !== undefined && sig !== undefined) {
    let key: Bytes
    let sigBytes: Bytes
    try {
      key = assertValidPublicKey(fromBase32(by))
      sigBytes = fromBase64Url(sig)
    } catch (err) {
      throw new InvalidInviteError(err instanceof InvalidArgumentError ? `inviter: ${err.message}` : 'inviter key is invalid')
    }
    if (sigBytes.length !== 64) throw new InvalidInviteError('inviter signature must be 64 bytes')
    let codeBytes: Bytes | undefined
    if (code !== undefined) {
      try {
        codeBytes = fromBase32(code)
      } catch {
        throw new InvalidInviteError('invite code is not base32')
      }
      if (codeBytes.length < MIN_INVITE_CODE_BYTES || codeBytes.length > MAX_INVITE_CODE_BYTES) {
        throw new InvalidInviteError(`invite code must be ${MIN_INVITE_CODE_BYTES}–${MAX_INVITE_CODE_BYTES} bytes`)
      }
    }
    inviter = { key, sig: sigBytes, ...(codeBytes ? { code: codeBytes } : {}) }
  }
  const invite: Invite = {
    room,
    peers,
    ...(name !== undefined ? { name } : {}),
    ...(exp !== undefined ? { expires: parseExpiry(exp) } : {}),
    ...(inviter ? { inviter } : {})
  }
  assertValidInvite(invite)
  return invite
}

/**
 * The record an inviter signs (§4.3): `{v: 1, t: "invite", room, by, exp?, code?}`.
 * The authority log checks the same bytes for an invite carried in a join.
 */
export function inviteSigningRecord(room: Uint8Array, key: Uint8Array, expires: number | undefined, code?: Uint8Array): object {
  return { v: 1, t: 'invite', room, by: key, exp: expires, code }
}

/**
 * Sign an invite as `inviter`: the signature covers room, inviter key, expiry
 * and `code` (§4.3). Pass a fresh random `code` (8–16 bytes) so that two
 * invites with the same expiry are distinct and use limits count per invite.
 */
export async function signInvite(inviter: Keypair, invite: Omit<Invite, 'inviter'>, opts: { code?: Uint8Array } = {}): Promise<Invite> {
  assertValidInvite(invite)
  const code = opts.code === undefined ? undefined : toBytes(opts.code)
  if (code && (code.length < MIN_INVITE_CODE_BYTES || code.length > MAX_INVITE_CODE_BYTES)) {
    throw new InvalidInviteError(`invite code must be ${MIN_INVITE_CODE_BYTES}–${MAX_INVITE_CODE_BYTES} bytes`)
  }
  const sig = await sign(inviter, signatureInput(inviteSigningRecord(invite.room, inviter.publicKey, invite.expires, code)))
  return { ...invite, inviter: { key: inviter.publicKey, sig, ...(code ? { code } : {}) } }
}

/**
 * Check an invite at time `now`: not expired, and if signed, the signature
 * verifies. Returns it verified; the caller decides whether the inviter had the
 * right to invite.
 */
export async function verifyInvite(invite: Invite, now: number): Promise<Verified<Invite>> {
  assertValidInvite(invite)
  if (invite.expires !== undefined && now >= invite.expires) throw new ExpiredError('invite has expired')
  if (invite.inviter) {
    const input = signatureInput(inviteSigningRecord(invite.room, invite.inviter.key, invite.expires, invite.inviter.code))
    if (!(await verify(invite.inviter.key, input, invite.inviter.sig))) {
      throw new InvalidSignatureError('inviter signature does not verify')
    }
  }
  return markVerified({ ...invite })
}

/** Whether two invites carry the same value. */
export function sameInvite(a: Invite, b: Invite): boolean {
  return (
    equalBytes(a.room, b.room) && a.peers.length === b.peers.length && a.peers.every((p, i) => p === b.peers[i]) &&
    a.name === b.name && a.expires === b.expires &&
    (a.inviter === undefined ? b.inviter === undefined
      : b.inviter !== undefined && equalBytes(a.inviter.key, b.inviter.key) && equalBytes(a.inviter.sig, b.inviter.sig) &&
        (a.inviter.code === undefined ? b.inviter.code === undefined : b.inviter.code !== undefined && equalBytes(a.inviter.code, b.inviter.code)))
  )
}
