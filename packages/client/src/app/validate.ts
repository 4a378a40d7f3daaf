/**
 * Checks at the app core's boundary: every action validates what the UI
 * hands it before anything is signed or stored, and says what is wrong in
 * words (InvalidInputError). Limits are the protocol's (PROTOCOL.md §3.2,
 * §6.1, §7.1), so nothing accepted here is refused by a peer for its shape.
 */
import {
  AVATAR_MIME_TYPES, MAX_AVATAR_BYTES, MAX_CAPS, MAX_EMOJI_BYTES, MAX_ROOM_NAME_BYTES, MAX_TEXT_BYTES, ROLE_ID_PATTERN, fromHex, text, utf8,
  type Bytes
} from '@hearth/protocol'
import { InvalidInputError } from './errors.ts'

/** Protocol limits the UI may show next to inputs (bytes of UTF-8). */
export const LIMITS = {
  profileName: 64,
  profileBio: 1024,
  profileStatus: 128,
  roomName: MAX_ROOM_NAME_BYTES,
  roomDescription: 1024,
  channelName: 100,
  channelTopic: 1024,
  message: MAX_TEXT_BYTES,
  emoji: MAX_EMOJI_BYTES,
  reason: 256,
  roleName: 64
} as const

/** A hex id of `size` bytes (case-insensitive), as bytes. */
export function hexId(value: unknown, size: 16 | 32, what: string): Bytes {
  if (typeof value !== 'string' || !new RegExp(`^[0-9a-fA-F]{${size * 2}}$`).test(value)) {
    throw new InvalidInputError(`${what} is not a valid id (expected ${size * 2} hex characters)`)
  }
  return fromHex(value.toLowerCase())
}

/** One line of text, trimmed, 1 to `max` bytes. */
export function line(value: unknown, max: number, what: string, opts: { optional?: boolean } = {}): string {
  if (typeof value !== 'string') throw new InvalidInputError(`${what} must be text`)
  const trimmed = value.trim()
  if (trimmed === '' && opts.optional !== true) throw new InvalidInputError(`${what} must not be empty`)
  if (/[\r\n]/.test(trimmed)) throw new InvalidInputError(`${what} must be a single line`)
  return checked(trimmed, max, what, true)
}

/** Free text (newlines allowed; `\r\n` becomes `\n`), at most `max` bytes. */
export function multiline(value: unknown, max: number, what: string): string {
  if (typeof value !== 'string') throw new InvalidInputError(`${what} must be text`)
  return checked(value.replace(/\r\n?/g, '\n'), max, what, false)
}

function checked(value: string, max: number, what: string, singleLine: boolean): string {
  const size = utf8(value).length
  if (size > max) throw new InvalidInputError(`${what} is too long: ${size.toLocaleString('en-US')} bytes, the limit is ${max.toLocaleString('en-US')}`)
  try {
    return text(max, { singleLine })(value, what)
  } catch {
    throw new InvalidInputError(`${what} contains characters that cannot be sent (control characters or broken Unicode)`)
  }
}

/** An optional free text: undefined or blank gives undefined. */
export function optionalText(value: unknown, max: number, what: string): string | undefined {
  if (value === undefined) return undefined
  const checkedText = multiline(value, max, what)
  return checkedText.trim() === '' ? undefined : checkedText
}

/** An optional single line: undefined or blank gives undefined. */
export function optionalLine(value: unknown, max: number, what: string): string | undefined {
  if (value === undefined) return undefined
  const checkedLine = line(value, max, what, { optional: true })
  return checkedLine === '' ? undefined : checkedLine
}

type ImageMime = (typeof AVATAR_MIME_TYPES)[number]

/** An avatar or room icon: an allowed image type, at most 64 KiB, whose bytes are of that type (§3.2). */
export function image(value: unknown, what: string): { mime: ImageMime; data: Bytes } | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null) throw new InvalidInputError(`${what} must be an image`)
  const v = value as { mime?: unknown; data?: unknown }
  if (typeof v.mime !== 'string' || !(v.data instanceof Uint8Array)) {
    throw new InvalidInputError(`${what} must be an image`)
  }
  const mime = v.mime as ImageMime
  if (!AVATAR_MIME_TYPES.includes(mime)) throw new InvalidInputError(`${what} must be a PNG, JPEG, WebP or GIF image`)
  const data = v.data
  if (data.length === 0) throw new InvalidInputError(`${what} is empty`)
  if (data.length > MAX_AVATAR_BYTES) throw new InvalidInputError(`${what} is too large: ${Math.ceil(data.length / 1024)} KiB, the limit is 64 KiB`)
  const starts = (sig: readonly number[], at = 0): boolean => sig.every((b, i) => data[at + i] === b)
  const ok = mime === 'image/png' ? starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    : mime === 'image/jpeg' ? starts([0xff, 0xd8, 0xff])
    : mime === 'image/gif' ? starts([0x47, 0x49, 0x46, 0x38])
    : starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)
  if (!ok) throw new InvalidInputError(`${what} is not really a ${mime.slice(6).toUpperCase()} image`)
  return { mime, data: new Uint8Array(data) }
}

/** A role id: 1–32 characters of a–z, 0–9 and -, not starting with -. */
export function roleId(value: unknown): string {
  if (typeof value !== 'string' || !ROLE_ID_PATTERN.test(value)) {
    throw new InvalidInputError('a role id is 1 to 32 characters of a–z, 0–9 and -, not starting with -')
  }
  return value
}

/** A capability mask. */
export function capMask(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_CAPS) {
    throw new InvalidInputError(`${what} must be a capability mask (a whole number from 0 to ${MAX_CAPS})`)
  }
  return value
}

/** A whole number in [min, max]. */
export function wholeNumber(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`${what} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`)
  }
  return value
}
