// Errors of the headless-client commands, one class per condition, matched by `err.name`.
// Each is caused by the user's input or this device's state; the CLI prints its message.
// (No identity / one already there: the client's NoIdentityError and IdentityExistsError.)

/** A room or channel named on the command line is not stored here, or the name is ambiguous. */
export class NotFoundError extends Error {
  override name = 'NotFoundError'
}

/** A file named on the command line cannot be read or written, or is not what it should be. */
export class FileError extends Error {
  override name = 'FileError'
}

/** The local identity may not do this in the room (checked before anything is signed). */
export class NotPermittedError extends Error {
  override name = 'NotPermittedError'
  /** Stable code, like the authority log's reasons. */
  readonly reason: string
  constructor(reason: string, message: string) {
    super(message)
    this.reason = reason
  }
}
