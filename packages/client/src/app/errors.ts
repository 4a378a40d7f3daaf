/**
 * Errors of the app core (types.ts), matched by `name`. Every action throws
 * one of these with a message a person can read: the UI shows
 * `error.message` as is. Each is thrown before anything changes.
 */

/** The input of an action is malformed: empty or oversized text, a bad hex id, a bad option. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError'
}

/** A room, channel, message or member named by an action is not known here. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError'
  readonly what: 'room' | 'channel' | 'message' | 'member' | 'role'

  constructor(what: NotFoundError['what'], message: string) {
    super(message)
    this.what = what
  }
}

/** The room's rules do not allow this (missing right, banned, outranked…); `reason` is the protocol's code. */
export class NotPermittedError extends Error {
  override readonly name = 'NotPermittedError'
  readonly reason: string

  constructor(reason: string, message: string) {
    super(message)
    this.reason = reason
  }
}

/** The app is not ready for this yet: no identity, or closed. */
export class NotReadyError extends Error {
  override readonly name = 'NotReadyError'
}

/** An invite link that does not parse, or whose signature does not verify. */
export class InvalidInviteLinkError extends Error {
  override readonly name = 'InvalidInviteLinkError'
}

/** An invite link past its expiry. */
export class InviteExpiredError extends Error {
  override readonly name = 'InviteExpiredError'
}

/** Nobody who has the room could be reached (the room is unknown, or nobody is online). */
export class RoomUnreachableError extends Error {
  override readonly name = 'RoomUnreachableError'
}

/** The network is not running (it failed to start), so an online-only action cannot run. */
export class NetworkUnavailableError extends Error {
  override readonly name = 'NetworkUnavailableError'
}
