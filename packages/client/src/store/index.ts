/**
 * The room store: a room's authority and channel logs persisted through the
 * storage port, implementing the sync port (docs/drafts/storage-layout.md).
 */
export * from './errors.ts'
export * from './damage.ts'
export { KeyIndex } from './key-index.ts'
export { StoredChannel } from './stored-channel.ts'
export { ProfileSet, MAX_SUPERSEDED, type LoadedProfile, type LostProfile, type ProfileChanges, type ProfileIngest, type StoredProfile } from './profile-set.ts'
export { RoomStore, type RoomStoreOptions } from './room-store.ts'
export {
  genesisKey, lamportSegment, logPrefix, parseRecordKey, profileKey, recordKey, roomPrefix, type RecordAddress
} from './room-layout.ts'
