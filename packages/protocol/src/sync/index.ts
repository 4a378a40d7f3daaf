/**
 * Range-based set reconciliation and fetch planning for history sync
 * (PROTOCOL.md §8). The limb arithmetic and the session's internals stay
 * private to this folder.
 */
export {
  ITEM_ID_BYTES,
  MIN_BOUND,
  INFINITY_BOUND,
  isInfinite,
  compareItemKeys,
  compareBounds,
  compareKeyToBound,
  keyInRange,
  boundBetween,
  boundAt,
  isCanonicalBound,
  itemKeyString,
  type ItemKey,
  type SyncBound
} from './item-key.ts'
export { FINGERPRINT_BYTES, itemHash, fingerprintOfKeys } from './fingerprint.ts'
export { MemoryReconcileStore, type RangeSummary, type ReconcileStore } from './item-store.ts'
export * from './errors.ts'
export {
  SYNC_MESSAGE_TAG,
  MAX_SYNC_MESSAGE_BYTES,
  MAX_SYNC_RANGES,
  MAX_SYNC_IDS,
  MAX_SYNC_LACK_BYTES,
  encodeSyncMessage,
  decodeSyncMessage,
  type SyncMessage,
  type SyncRange
} from './message.ts'
export {
  ReconcileSession,
  initiateReconcile,
  respondReconcile,
  continueReconcile,
  type ReconcileOptions,
  type ReconcileStep
} from './reconcile.ts'
export { FetchPlan, type FetchPlanOptions, type FetchRequest } from './fetch-plan.ts'
export { runSession, type RunResult } from './run-session.ts'
export {
  MAX_FETCH_IDS,
  MAX_SYNCED_RECORD_BYTES,
  MAX_SYNC_WIRE_BYTES,
  MAX_SYNC_CARRIER_BYTES,
  MAX_SYNC_ERROR_DETAIL,
  SYNC_ERROR_CODES,
  SYNC_LOG_NAMES,
  SyncDeliveryError,
  encodeSyncWire,
  decodeSyncWire,
  recordsThatFit,
  matchDelivery,
  type Delivery,
  type SyncDeliveryReason,
  type SyncErrorCode,
  type SyncLogName,
  type SyncWireMessage,
  type SyncWireType
} from './wire.ts'
