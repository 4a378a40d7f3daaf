/**
 * @hearth/store-idb — the storage port on IndexedDB, for the browser tab.
 * Proven by the shared contract suite (under fake-indexeddb) and, in a real
 * browser, by `runIdbSelfTest`.
 */
export { IDB_SCHEMA_VERSION, IdbStorageAdapter, type IdbStorageAdapterOptions } from './idb-storage-adapter.ts'
export { runIdbSelfTest, type IdbSelfTestOptions, type IdbSelfTestResult } from './idb-self-test.ts'
