/**
 * Errors of the room store, matched by `name`. All are local conditions
 * (a caller's mistake or the state of this device's storage), never caused
 * by a peer's records: those are counted as rejected, not thrown.
 */

/** The log named is not one this room has: a channel the authority log does not define and nothing is stored for. */
export class UnknownLogError extends Error {
  override readonly name = 'UnknownLogError'
}

/** The channel is known but its stored events were not loaded yet (`RoomStore.open` with `preload: 'none'`); await `loadChannel` first. */
export class ChannelNotLoadedError extends Error {
  override readonly name = 'ChannelNotLoadedError'
}

/** Why a room could not be opened from storage by its id alone. */
export type RoomNotStoredReason = 'absent' | 'damaged'

/**
 * The room's genesis is not in the store (`absent`), or is there but does not
 * decode or verify (`damaged`). Open the room with its genesis record (from
 * an invite or a peer) instead; that also repairs the stored copy.
 */
export class RoomNotStoredError extends Error {
  override readonly name = 'RoomNotStoredError'
  readonly reason: RoomNotStoredReason
  constructor(reason: RoomNotStoredReason, message: string, options?: ErrorOptions) {
    super(message, options)
    this.reason = reason
  }
}

/**
 * A profile of an identity the room's authority log does not know (not the
 * creator, nor the author or target of any entry): no peer of the room would
 * store it (PROTOCOL.md §3.2). Join the room first.
 */
export class NotInRoomError extends Error {
  override readonly name = 'NotInRoomError'
}

/** The store was closed; later calls that read or write reject with this. */
export class RoomStoreClosedError extends Error {
  override readonly name = 'RoomStoreClosedError'
}
