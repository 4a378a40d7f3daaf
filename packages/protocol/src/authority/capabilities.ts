/**
 * Capabilities and roles (PROTOCOL.md §6.2). A capability is one bit of a
 * 32-bit mask; a role is a named bundle of capabilities with a rank (0 is the
 * highest). The seed's static roles OWNER, MOD and MEMBER are predefined
 * bundles; BANNED is not a role anyone holds but the ban list (§6.4).
 */

/** Capability bits. Masks are unsigned integers below 2^31. */
export const Cap = {
  POST: 1 << 0,
  REACT: 1 << 1,
  ATTACH: 1 << 2,
  BAN: 1 << 3,
  KICK: 1 << 4,
  TIMEOUT: 1 << 5,
  DELETE_OTHERS: 1 << 6,
  PIN: 1 << 7,
  INVITE: 1 << 8,
  MANAGE_CHANNELS: 1 << 9,
  MANAGE_ROLES: 1 << 10,
  SPEAK: 1 << 11,
  VIDEO: 1 << 12,
  SCREEN: 1 << 13,
  MANAGE_ROOM: 1 << 14
} as const

/** Name of a capability bit. */
export type CapName = keyof typeof Cap

/** Every defined capability. */
export const ALL_CAPS: number = Object.values(Cap).reduce((a, b) => a | b, 0)

/** Capabilities a timeout suspends until it ends. */
export const TIMEOUT_SUSPENDS: number = Cap.POST | Cap.REACT | Cap.ATTACH | Cap.SPEAK | Cap.VIDEO | Cap.SCREEN

/** Identifier of a role: 1–32 characters of `a–z 0–9 -`. */
export type RoleId = string
/** Pattern role ids follow. */
export const ROLE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/

/** The static roles' ids. */
export const OWNER = 'owner'
export const MOD = 'mod'
export const MEMBER = 'member'

/** Rank of owners (the highest) and of plain members (the lowest). Custom roles rank in between. */
export const OWNER_RANK = 0
export const MOD_RANK = 100
export const MEMBER_RANK = 1000

/** A role's definition. */
export interface RoleDef {
  readonly id: RoleId
  readonly name: string
  readonly caps: number
  readonly rank: number
  /** Whether this is one of the predefined roles, which cannot be redefined or deleted. */
  readonly builtin: boolean
}

const MEMBER_CAPS = Cap.POST | Cap.REACT | Cap.ATTACH | Cap.INVITE | Cap.SPEAK | Cap.VIDEO | Cap.SCREEN

/** The predefined roles. Every joined member holds `member` implicitly. */
export const STATIC_ROLES: readonly RoleDef[] = [
  { id: OWNER, name: 'Owner', caps: ALL_CAPS, rank: OWNER_RANK, builtin: true },
  { id: MOD, name: 'Moderator', caps: MEMBER_CAPS | Cap.BAN | Cap.KICK | Cap.TIMEOUT | Cap.DELETE_OTHERS | Cap.PIN, rank: MOD_RANK, builtin: true },
  { id: MEMBER, name: 'Member', caps: MEMBER_CAPS, rank: MEMBER_RANK, builtin: true }
]

/** Whether `mask` holds every bit of `needed`. */
export function hasCaps(mask: number, needed: number): boolean {
  return (mask & needed) === needed
}

/** Names of the capabilities in a mask, in bit order. */
export function capNames(mask: number): CapName[] {
  return (Object.keys(Cap) as CapName[]).filter((name) => (mask & Cap[name]) !== 0)
}
