/**
 * @hearth/protocol — pure, deterministic, no I/O. Encoding, crypto, records,
 * identity, rooms and invites, as specified in docs/PROTOCOL.md.
 */
export * from './errors.ts'
export * from './bytes.ts'
export * from './verified.ts'
export * from './encoding/cbor.ts'
export * from './encoding/schema.ts'
export * from './crypto/sha256.ts'
export * from './crypto/random.ts'
export * from './crypto/ed25519.ts'
export * from './records/record.ts'
export * from './identity/profile.ts'
export * from './identity/device-cert.ts'
export * from './identity/auth.ts'
export * from './identity/user-id.ts'
export * from './rooms/room-id.ts'
export * from './rooms/genesis.ts'
export * from './invite/invite-link.ts'
export * from './backup/backup.ts'
export * from './storage/index.ts'
export * from './authority/index.ts'
export * from './channel/index.ts'
