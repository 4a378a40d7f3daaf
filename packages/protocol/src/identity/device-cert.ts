/**
 * Device certificates (PROTOCOL.md §3.3). The identity key certifies a device
 * key, so one identity can use several devices without copying its secret to
 * each, and can revoke a lost device. A certificate is valid at time `t` when
 * `issued ≤ t`, `t < expires` (if set), and no revocation of that device by
 * that identity has `revoked ≤ t`.
 */
import { ExpiredError, InvalidCertificateError, InvalidSignatureError } from '../errors.ts'
import { equalBytes, type Bytes } from '../bytes.ts'
import { assertValidPublicKey, type Keypair } from '../crypto/ed25519.ts'
import { bytes, literal, optional, struct, text, uint, type StructOf } from '../encoding/schema.ts'
import { decodeRecord, encodeRecord, signRecord, verifyRecordSignature, type RecordType } from '../records/record.ts'
import { markVerified, type Verified } from '../verified.ts'

const certFields = {
  v: literal(1),
  t: literal('device-cert'),
  identity: bytes(32),
  device: bytes(32),
  label: text(64, { singleLine: true }),
  issued: uint(),
  expires: optional(uint()),
  sig: bytes(64)
}

const revokeFields = {
  v: literal(1),
  t: literal('device-revoke'),
  identity: bytes(32),
  device: bytes(32),
  revoked: uint(),
  reason: optional(text(256, { singleLine: true })),
  sig: bytes(64)
}

/** A device certificate as decoded. */
export type DeviceCert = StructOf<typeof certFields>
/** A device revocation as decoded. */
export type DeviceRevocation = StructOf<typeof revokeFields>

const certType: RecordType<DeviceCert> = { tag: 'device-cert', maxBytes: 512, check: struct(certFields) }
const revokeType: RecordType<DeviceRevocation> = { tag: 'device-revoke', maxBytes: 768, check: struct(revokeFields) }

/** Certify `device` as a device of `identity`. Times are Unix milliseconds. */
export async function certifyDevice(
  identity: Keypair,
  device: Uint8Array,
  opts: { label: string; issued: number; expires?: number }
): Promise<Verified<DeviceCert>> {
  assertValidPublicKey(device)
  if (equalBytes(device, identity.publicKey)) throw new InvalidCertificateError('a device key must differ from the identity key')
  if (opts.expires !== undefined && opts.expires <= opts.issued) throw new InvalidCertificateError('expires must be after issued')
  const signed = await signRecord(identity, {
    v: 1, t: 'device-cert', identity: identity.publicKey, device, label: opts.label, issued: opts.issued, expires: opts.expires
  } as const)
  return markVerified(decodeRecord(certType, encodeRecord(signed)))
}

/** Revoke a device of `identity` from time `revoked` on. */
export async function revokeDevice(
  identity: Keypair,
  device: Uint8Array,
  opts: { revoked: number; reason?: string }
): Promise<Verified<DeviceRevocation>> {
  const signed = await signRecord(identity, {
    v: 1, t: 'device-revoke', identity: identity.publicKey, device, revoked: opts.revoked, reason: opts.reason
  } as const)
  return markVerified(decodeRecord(revokeType, encodeRecord(signed)))
}

/** Canonical bytes of a certificate or revocation. */
export function encodeDeviceRecord(record: DeviceCert | DeviceRevocation): Bytes {
  return encodeRecord(record)
}

/** Decode a device certificate (signature unchecked). */
export function decodeDeviceCert(bytes: Uint8Array): DeviceCert {
  return decodeRecord(certType, bytes)
}

/** Decode a device revocation (signature unchecked). */
export function decodeDeviceRevocation(bytes: Uint8Array): DeviceRevocation {
  return decodeRecord(revokeType, bytes)
}

/** Check a revocation's signature by its identity. */
export async function verifyDeviceRevocation(revocation: DeviceRevocation): Promise<Verified<DeviceRevocation>> {
  assertValidPublicKey(revocation.identity)
  if (!(await verifyRecordSignature(revocation, revocation.identity))) {
    throw new InvalidSignatureError('device revocation signature does not verify')
  }
  return markVerified(revocation)
}

/**
 * Check that `cert` is a valid certificate at time `at`: keys valid and
 * distinct, signature by the identity, within its validity window and not
 * revoked by any of `revocations` (which must already be verified).
 */
export async function verifyDeviceCert(
  cert: DeviceCert,
  at: number,
  revocations: readonly Verified<DeviceRevocation>[] = []
): Promise<Verified<DeviceCert>> {
  assertValidPublicKey(cert.identity)
  assertValidPublicKey(cert.device)
  if (equalBytes(cert.identity, cert.device)) throw new InvalidCertificateError('device key equals identity key')
  if (!(await verifyRecordSignature(cert, cert.identity))) {
    throw new InvalidSignatureError('device certificate signature does not verify')
  }
  if (at < cert.issued) throw new ExpiredError('device certificate is not valid yet')
  if (cert.expires !== undefined && at >= cert.expires) throw new ExpiredError('device certificate has expired')
  for (const r of revocations) {
    if (equalBytes(r.identity, cert.identity) && equalBytes(r.device, cert.device) && r.revoked <= at) {
      throw new InvalidCertificateError('device was revoked')
    }
  }
  return markVerified(cert)
}
