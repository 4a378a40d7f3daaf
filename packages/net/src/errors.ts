/**
 * Errors of the network layer. Like libp2p's, one class per condition,
 * matched by `err.name`. Errors caused by remote input (a record another peer
 * sent) are kept apart from local misuse.
 */

/** A DHT record under a Hearth key failed validation (remote input). */
export class InvalidDhtRecordError extends Error {
  override readonly name = 'InvalidDhtRecordError'
}

/** No valid record was found in the DHT for a key. */
export class RecordNotFoundError extends Error {
  override readonly name = 'RecordNotFoundError'
}

/** The node was configured inconsistently (local bug). */
export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError'
}

/** A libp2p service lacks an API this module relies on (a libp2p upgrade changed it). */
export class UnsupportedServiceError extends Error {
  override readonly name = 'UnsupportedServiceError'
}
