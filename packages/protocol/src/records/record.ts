/**
 * The envelope every Hearth record shares (PROTOCOL.md §1.2, §2.3): a
 * canonical CBOR map with `v` (format version), `t` (type tag), the type's
 * fields and, for signed records, `sig`. The signature input is
 * `ascii("hearth/sig/v1") ‖ 0x00 ‖ CBOR(record without "sig")`, so the signer's
 * key, the type and every field are covered, and no Hearth signature can be
 * mistaken for a signature of another protocol that uses the same key.
 */
import { decodeCanonical, encodeCanonical, type CborValue } from '../encoding/cbor.ts'
import { withoutMapKey } from '../encoding/cbor-walk.ts'
import type { Check } from '../encoding/schema.ts'
import { SchemaError, UnknownRecordTypeError, UnknownVersionError } from '../errors.ts'
import { concat, utf8, type Bytes } from '../bytes.ts'
import { sign, verify, type Keypair } from '../crypto/ed25519.ts'

/** The record format version this implementation writes and reads. */
export const RECORD_VERSION = 1

const SIGNATURE_CONTEXT = concat(utf8('hearth/sig/v1'), new Uint8Array([0]))

/** Description of one record type: its tag, its byte limit and its field checks. */
export interface RecordType<T> {
  readonly tag: string
  readonly maxBytes: number
  readonly check: Check<T>
}

/**
 * Decode `bytes` as a record of `type`: canonical CBOR within the size limit,
 * `v` = 1, `t` = the type's tag, then the type's field checks. Throws only
 * {@link ProtocolError}s.
 */
export function decodeRecord<T>(type: RecordType<T>, bytes: Uint8Array): T {
  const { map, tag } = decodeRecordEnvelope(bytes, type.maxBytes)
  if (tag !== type.tag) {
    throw new UnknownRecordTypeError(`expected a "${type.tag}" record, got ${describeValue(tag)}`)
  }
  return type.check(map, '')
}

/**
 * The envelope of a record whose type is not known in advance (messages of
 * a conversation, §1.2): canonical CBOR within `maxBytes`, a map, `v` = 1 and
 * a `t` present. Returns the map and its (unchecked) tag for the caller to
 * dispatch on. Throws only {@link ProtocolError}s.
 */
export function decodeRecordEnvelope(bytes: Uint8Array, maxBytes: number): { map: Record<string, unknown>; tag: unknown } {
  const value = decodeCanonical(bytes, maxBytes)
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    throw new SchemaError('(record)', 'expected a map')
  }
  const map = value as Record<string, unknown>
  if (!Object.hasOwn(map, 'v')) throw new SchemaError('v', 'missing')
  if (map.v !== RECORD_VERSION) throw new UnknownVersionError(`record version ${describeValue(map.v)} is not supported`)
  if (!Object.hasOwn(map, 't')) throw new SchemaError('t', 'missing')
  return { map, tag: map.t }
}

/** Canonical bytes of a record (fields as given, `undefined` ones omitted). */
export function encodeRecord(record: object): Bytes {
  return encodeCanonical(record as CborValue)
}

/** The bytes a record's signature covers: the context prefix and the record minus `sig`. */
export function signatureInput(record: object): Bytes {
  const { sig: _sig, ...unsigned } = record as Record<string, CborValue | undefined>
  return concat(SIGNATURE_CONTEXT, encodeCanonical(unsigned))
}

/**
 * The signature input of a record received as `encoded` (bytes that
 * {@link decodeRecord} accepted): the same bytes as {@link signatureInput},
 * cut from the encoding instead of encoding the record again.
 */
export function signatureInputOf(encoded: Uint8Array): Bytes {
  return concat(SIGNATURE_CONTEXT, withoutMapKey(encoded, 'sig'))
}

/** Sign an unsigned record body and return it with `sig` added. */
export async function signRecord<T extends object>(keypair: Keypair, unsigned: T): Promise<T & { sig: Bytes }> {
  const sig = await sign(keypair, signatureInput(unsigned))
  return { ...unsigned, sig }
}

/** Whether `record.sig` is a valid signature of `record` by `publicKey`. */
export function verifyRecordSignature(record: { readonly sig: Uint8Array }, publicKey: Uint8Array): Promise<boolean> {
  return verify(publicKey, signatureInput(record), record.sig)
}

/**
 * A short description of an untrusted decoded value for an error message.
 * Never calls the value's own methods: a decoded map may carry a key named
 * `toString` (with any value), so `String(value)` could throw.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40))
  if (value === null) return 'null'
  if (value instanceof Uint8Array) return `${value.length} bytes`
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'a map' : typeof value
}
