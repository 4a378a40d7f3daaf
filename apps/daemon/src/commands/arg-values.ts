// Parsers for option values people type: durations (`90s`, `10m`, `24h`, `7d`, `2w`),
// points in time (a duration from now, or an ISO 8601 date), counts and capability lists.
// Each throws a UsageError that names the option and shows what is expected.

import { ALL_CAPS, Cap, MAX_CAPS, type CapName } from '@hearth/protocol'
import { UsageError } from '../errors.ts'

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** Longest duration accepted: ten years, so no arithmetic leaves the safe integers. */
const MAX_DURATION_MS = 10 * 365 * 86_400_000

/** Parse `90s`, `10m`, `24h`, `7d`, `2w` (or a combination like `1h30m`) into milliseconds. */
export function parseDuration(text: string, option: string): number {
  const trimmed = text.trim().toLowerCase()
  if (!/^(\d{1,6}[smhdw])+$/.test(trimmed)) {
    throw new UsageError(`--${option} ${JSON.stringify(text)} is not a duration (like 30m, 24h, 7d or 1h30m)`)
  }
  let ms = 0
  for (const [, count, unit] of trimmed.matchAll(/(\d+)([smhdw])/g)) ms += Number(count) * (UNIT_MS[unit ?? ''] ?? 0)
  if (ms <= 0 || ms > MAX_DURATION_MS) throw new UsageError(`--${option} must be more than 0 and at most 10 years`)
  return ms
}

/** A point in time: an ISO 8601 date/time, or a duration from `now`. Must be in the future. */
export function parseFutureTime(text: string, option: string, now: number): number {
  const at = /^\s*(\d{1,6}[smhdw])+\s*$/i.test(text) ? now + parseDuration(text, option) : Date.parse(text)
  if (!Number.isSafeInteger(at)) {
    throw new UsageError(`--${option} ${JSON.stringify(text)} is neither a duration (like 10m) nor a date (like 2030-01-31T12:00:00Z)`)
  }
  if (at <= now) throw new UsageError(`--${option} ${JSON.stringify(text)} is in the past`)
  return at
}

/** A positive integer up to `max`. */
export function parseCount(text: string, option: string, max = 1_000_000): number {
  const value = /^\s*\d{1,9}\s*$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new UsageError(`--${option} must be a whole number from 1 to ${max}, got ${JSON.stringify(text)}`)
  }
  return value
}

/**
 * A capability mask from names (`post,react,ban`, any case, `-` or `_`), `all`, `none`,
 * or a number.
 */
export function parseCaps(text: string, option: string): number {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) {
    const value = Number(trimmed)
    if (value > MAX_CAPS || (value & ~ALL_CAPS) !== 0) throw new UsageError(`--${option} ${trimmed} has bits that are no capability`)
    return value
  }
  let mask = 0
  for (const raw of trimmed.split(/[\s,|+]+/).filter((part) => part !== '')) {
    const name = raw.toUpperCase().replace(/-/g, '_')
    if (name === 'ALL') mask |= ALL_CAPS
    else if (name === 'NONE') continue
    else if (Object.hasOwn(Cap, name)) mask |= Cap[name as CapName]
    else throw new UsageError(`--${option}: unknown capability ${JSON.stringify(raw)} (known: ${capList()})`)
  }
  return mask
}

/** Every capability name, lowercase with dashes, as the help shows them. */
export function capList(): string {
  return Object.keys(Cap).map(capLabel).join(', ')
}

/** `MANAGE_ROLES` → `manage-roles`. */
export function capLabel(name: string): string {
  return name.toLowerCase().replace(/_/g, '-')
}
