/**
 * Errors of the stream protocols (sync and blobs over libp2p streams). A
 * frame that breaks the framing rules is remote input, so those are
 * {@link ProtocolError}s (score the peer down, never crash); a timeout or a
 * send on a closed stream is a state of the conversation, not a bad record.
 */
import { ProtocolError, ReasonedProtocolError } from '@hearth/protocol'

/** A length prefix announced a frame longer than the protocol allows; refused before reading its body. */
export class FrameTooLargeError extends ProtocolError {
  override readonly name = 'FrameTooLargeError'
  /** The largest frame the receiver accepts. */
  readonly limit: number
  constructor(limit: number, message: string) {
    super(message)
    this.limit = limit
  }
}

/** Why a frame is malformed. */
export type MalformedFrameReason =
  /** A length prefix of zero: no Hearth message is empty. */
  | 'empty'
  /** A length prefix with a redundant trailing zero group (varints are minimal, one encoding per length). */
  | 'non-minimal-length'
  /** The stream ended inside a length prefix or a frame body. */
  | 'truncated'

/** Bytes that are not a well-formed frame sequence. */
export class MalformedFrameError extends ReasonedProtocolError<MalformedFrameReason> {
  override readonly name = 'MalformedFrameError'
}

/** A step (waiting for a message, or for the peer to take what we sent) took longer than allowed. */
export class StreamTimeoutError extends Error {
  override readonly name = 'StreamTimeoutError'
}

/** `send` on a stream that has ended: the client's port error, so both ends of the port throw one class. */
export { StreamClosedError } from '@hearth/client'
