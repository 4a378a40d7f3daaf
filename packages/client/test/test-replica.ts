/**
 * The replica the multi-peer tests run on: the real `RoomStore` over the
 * in-memory storage adapter (the same code the apps run, minus a disk).
 */
import { MemoryStorageAdapter, type Genesis, type Verified } from '@hearth/protocol'
import { RoomStore } from '../src/store/room-store.ts'

export type TestReplica = RoomStore

/** A fresh, empty replica of the room `genesis` founds. */
export function createTestReplica(genesis: Verified<Genesis>): Promise<TestReplica> {
  return RoomStore.open(new MemoryStorageAdapter(), genesis)
}
