/**
 * @hearth/store-sqlite — the storage port on `node:sqlite`, for Node peers
 * (daemon, archivers). Proven by the shared contract suite.
 */
export {
  HEARTH_APPLICATION_ID,
  SQLITE_SCHEMA_VERSION,
  SqliteStorageAdapter,
  type SqliteStorageAdapterOptions
} from './sqlite-storage-adapter.ts'
export { quarantineDatabase } from './quarantine-database.ts'
