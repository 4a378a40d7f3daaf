/**
 * Typed errors of the protocol layer (docs/PROTOCOL.md §1.4).
 *
 * Every failure caused by remote or user input is a subclass of
 * {@link ProtocolError}; decoders and validators throw nothing else. Match on
 * `err.name` (or `instanceof`), never on the message. `code` is a stable
 * machine-readable copy of the name.
 */

/** Base class of every error caused by untrusted input. */
export abstract class ProtocolError extends Error {
  abstract override readonly name: string
  get code(): string {
    return this.name
  }
}

/**
 * A {@link ProtocolError} that carries a stable `reason` code from a closed
 * set (for logs, peer scoring and tests); the message starts with it.
 */
export abstract class ReasonedProtocolError<R extends string> extends ProtocolError {
  readonly reason: R
  constructor(reason: R, message: string, options?: ErrorOptions) {
    super(`${reason}: ${message}`, options)
    this.reason = reason
  }
}

/** The bytes end before the value does. */
export class TruncatedInputError extends ProtocolError {
  override readonly name = 'TruncatedInputError'
}

/** Bytes remain after a complete value. */
export class TrailingBytesError extends ProtocolError {
  override readonly name = 'TrailingBytesError'
}

/** The bytes are not well-formed CBOR of the accepted subset. */
export class MalformedEncodingError extends ProtocolError {
  override readonly name = 'MalformedEncodingError'
}

/** Well-formed CBOR, but not the one deterministic encoding of its value. */
export class NonCanonicalEncodingError extends ProtocolError {
  override readonly name = 'NonCanonicalEncodingError'
}

/** A record or a field is over its size limit. */
export class RecordTooLargeError extends ProtocolError {
  override readonly name = 'RecordTooLargeError'
}

/** A field is missing, has the wrong type or length, or is not allowed. */
export class SchemaError extends ProtocolError {
  override readonly name = 'SchemaError'
  /** Dotted path of the offending field, e.g. `avatar.mime`. */
  readonly field: string
  constructor(field: string, message: string) {
    super(`${field}: ${message}`)
    this.field = field
  }
}

/** The record's `v` is not a version this implementation speaks. */
export class UnknownVersionError extends ProtocolError {
  override readonly name = 'UnknownVersionError'
}

/** The record's `t` is not the type expected here. */
export class UnknownRecordTypeError extends ProtocolError {
  override readonly name = 'UnknownRecordTypeError'
}

/** A public key is the wrong length, not canonical, not on the curve, or of small order. */
export class InvalidKeyError extends ProtocolError {
  override readonly name = 'InvalidKeyError'
}

/** A signature is malformed, non-canonical, or does not verify. */
export class InvalidSignatureError extends ProtocolError {
  override readonly name = 'InvalidSignatureError'
}

/** A genesis record does not hash to the room id it claims. */
export class RoomIdMismatchError extends ProtocolError {
  override readonly name = 'RoomIdMismatchError'
}

/** A link is not a Hearth invite, or one of its parameters is malformed. */
export class InvalidInviteError extends ProtocolError {
  override readonly name = 'InvalidInviteError'
}

/** A record, invite, certificate or challenge is past its expiry (or not yet valid). */
export class ExpiredError extends ProtocolError {
  override readonly name = 'ExpiredError'
}

/** A device certificate does not chain to the identity, or was revoked. */
export class InvalidCertificateError extends ProtocolError {
  override readonly name = 'InvalidCertificateError'
}

/** A challenge response answers a different challenge or audience. */
export class ChallengeMismatchError extends ProtocolError {
  override readonly name = 'ChallengeMismatchError'
}

/** A backup file could not be decrypted with the passphrase given. */
export class WrongPassphraseError extends ProtocolError {
  override readonly name = 'WrongPassphraseError'
}

/** A text input (passphrase, name) breaks a rule stated in its error message. */
export class InvalidArgumentError extends ProtocolError {
  override readonly name = 'InvalidArgumentError'
}
