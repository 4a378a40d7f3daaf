/**
 * Signals (PROTOCOL.md §10.5, draft in docs/drafts/network.md): typing and
 * presence notices sent on a room's `signals` topic. They are ephemeral:
 * never stored, never synced, never logged. A signal is signed (by the
 * identity, or by a device with its certificate, as in §3.4) so that nobody
 * can make another member appear to type, and carries its creation time so
 * that a replayed signal is stale after {@link SIGNAL_MAX_AGE_MS}.
 */
import { ExpiredError, InvalidArgumentError, InvalidCertificateError, InvalidSignatureError, SchemaError } from '../errors.ts'
import { equalBytes, type Bytes } from '../bytes.ts'
import { assertValidPublicKey, type Keypair } from '../crypto/ed25519.ts'
import { bytes, literal, oneOf, optional, struct, uint, type StructOf } from '../encoding/schema.ts'
import { decodeRecord, encodeRecord, signRecord, verifyRecordSignature, type RecordType } from '../records/record.ts'
import { decodeDeviceCert, verifyDeviceCert } from '../identity/device-cert.ts'
import { markVerified, type Verified } from '../verified.ts'

/** Largest encoded signal, in bytes. */
export const MAX_SIGNAL_BYTES = 1024
/** Oldest signal accepted: `now − at ≤` this. */
export const SIGNAL_MAX_AGE_MS = 30_000
/** Newest signal accepted: `at ≤ now +` this (clock skew). */
export const SIGNAL_MAX_SKEW_MS = 5_000
/** Presence states. */
export const PRESENCE_STATES = ['online', 'idle', 'busy', 'offline'] as const

const signalFields = {
  v: literal(1),
  t: literal('signal'),
  room: bytes(32),
  identity: bytes(32),
  device: optional(bytes(32)),
  cert: optional(bytes({ min: 1, max: 512 })),
  kind: oneOf('typing', 'presence'),
  channel: optional(bytes(16)),
  status: optional(oneOf(...PRESENCE_STATES)),
  at: uint(),
  sig: bytes(64)
}

/** A signal as decoded (not yet verified). */
export type Signal = StructOf<typeof signalFields>

const signalType: RecordType<Signal> = {
  tag: 'signal',
  maxBytes: MAX_SIGNAL_BYTES,
  check: (value, path) => {
    const s = struct(signalFields)(value, path)
    if ((s.device === undefined) !== (s.cert === undefined)) throw new SchemaError('cert', 'present exactly when device is')
    if (s.kind === 'typing' && s.channel === undefined) throw new SchemaError('channel', 'missing (typing names its channel)')
    if (s.kind === 'typing' && s.status !== undefined) throw new SchemaError('status', 'only presence has a status')
    if (s.kind === 'presence' && s.status === undefined) throw new SchemaError('status', 'missing (presence names its status)')
    if (s.kind === 'presence' && s.channel !== undefined) throw new SchemaError('channel', 'only typing names a channel')
    return s
  }
}

/** What a signal says. */
export type SignalBody =
  | { readonly kind: 'typing'; readonly channel: Uint8Array }
  | { readonly kind: 'presence'; readonly status: (typeof PRESENCE_STATES)[number] }

/**
 * Sign a signal. Pass `device` (the device keypair and its encoded
 * certificate) to sign with a device key; otherwise `identity` signs.
 */
export async function createSignal(opts: {
  room: Uint8Array
  identity: Keypair | Uint8Array
  device?: { keypair: Keypair; cert: Uint8Array }
  body: SignalBody
  at: number
}): Promise<Verified<Signal>> {
  const identityKey = opts.identity instanceof Uint8Array ? opts.identity : opts.identity.publicKey
  let signer: Keypair
  if (opts.device) {
    signer = opts.device.keypair
  } else if (opts.identity instanceof Uint8Array) {
    throw new InvalidArgumentError('without a device, the identity keypair signs')
  } else {
    signer = opts.identity
  }
  const body = opts.body.kind === 'typing' ? { kind: 'typing', channel: opts.body.channel } : { kind: 'presence', status: opts.body.status }
  const signed = await signRecord(signer, {
    v: 1, t: 'signal', room: opts.room, identity: identityKey, device: opts.device?.keypair.publicKey, cert: opts.device?.cert, ...body, at: opts.at
  })
  return markVerified(decodeSignal(encodeRecord(signed)))
}

/** Canonical bytes of a signal. */
export function encodeSignal(signal: Signal): Bytes {
  return encodeRecord(signal)
}

/** Decode a signal (signature unchecked). */
export function decodeSignal(bytes: Uint8Array): Signal {
  return decodeRecord(signalType, bytes)
}

/**
 * Check a signal received on `room`'s signals topic at time `now`: decodes;
 * names that room; `now − SIGNAL_MAX_AGE_MS ≤ at ≤ now + SIGNAL_MAX_SKEW_MS`;
 * signed by `device` under a certificate of `identity` valid at `now`, or by
 * `identity`. Membership is the caller's question. Throws only ProtocolErrors.
 */
export async function validateSignal(bytes: Uint8Array, room: Uint8Array, now: number): Promise<Verified<Signal>> {
  const signal = decodeSignal(bytes)
  if (!equalBytes(signal.room, room)) throw new InvalidArgumentError('signal of another room')
  if (signal.at > now + SIGNAL_MAX_SKEW_MS) throw new ExpiredError('signal is from the future')
  if (now - signal.at > SIGNAL_MAX_AGE_MS) throw new ExpiredError('signal is stale')
  assertValidPublicKey(signal.identity)
  let signer = signal.identity
  if (signal.device !== undefined && signal.cert !== undefined) {
    const cert = decodeDeviceCert(signal.cert)
    if (!equalBytes(cert.identity, signal.identity) || !equalBytes(cert.device, signal.device)) {
      throw new InvalidCertificateError('certificate is not of this identity and device')
    }
    await verifyDeviceCert(cert, now)
    signer = signal.device
  }
  if (!(await verifyRecordSignature(signal, signer))) throw new InvalidSignatureError('signal signature does not verify')
  return markVerified(signal)
}
