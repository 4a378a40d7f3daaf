/** Errors of the client engine, matched by `name`. */

/** The operation needs an identity and this device has none yet. */
export class NoIdentityError extends Error {
  override readonly name = 'NoIdentityError'
}

/** An identity is already on this device, and the operation would replace it. */
export class IdentityExistsError extends Error {
  override readonly name = 'IdentityExistsError'
}
