/**
 * The app core's own small state, persisted through the storage port under
 * `['app', …]` beside the rooms (which live under `['rooms', …]`): the rooms
 * I hold and when I added or left them, and per channel the last message I
 * read (its order key, PROTOCOL.md §7.2, so unread counts survive a reload).
 *
 *   ['app', 'room', <room hex>]                 → CBOR { added, left?, archived? }
 *   ['app', 'read', <room hex>, <channel hex>]  → CBOR { lamport, key }
 *
 * Writes are queued in order and never block the UI; `flush` waits for them.
 */
import { decodeCanonical, encodeCanonical, literal, optional, struct, text, uint, type StorageAdapter } from '@hearth/protocol'

/** Where I read up to in a channel: the last read message's place in the channel order. */
export interface ReadMark {
  readonly lamport: number
  readonly key: string
}

/** A room I hold. */
export interface RoomRecord {
  readonly added: number
  readonly left?: number
  /** When a daemon last said it archives the room. */
  readonly archived?: number
}

const PREFIX = 'app'
const roomRecord = struct({ v: literal(1), added: uint(), left: optional(uint()), archived: optional(uint()) })
const readRecord = struct({ v: literal(1), lamport: uint(), key: text(64, { min: 1, singleLine: true }) })
const HEX = /^[0-9a-f]+$/

/** The app's persisted state. */
export class AppState {
  readonly #storage: StorageAdapter
  readonly #rooms = new Map<string, RoomRecord>()
  readonly #reads = new Map<string, ReadMark>()
  #queue: Promise<void> = Promise.resolve()
  readonly #onError: (err: unknown) => void

  private constructor(storage: StorageAdapter, onError: (err: unknown) => void) {
    this.#storage = storage
    this.#onError = onError
  }

  /** Load what is stored; records that do not decode are skipped (they are only conveniences). */
  static async load(storage: StorageAdapter, onError: (err: unknown) => void): Promise<AppState> {
    const state = new AppState(storage, onError)
    for (const chunk of await storage.loadRange([PREFIX, 'room'])) {
      const room = chunk.key[2]
      if (chunk.key.length !== 3 || room === undefined || !HEX.test(room)) continue
      try {
        const r = roomRecord(decodeCanonical(chunk.data, 64), 'room')
        state.#rooms.set(room, { added: r.added, ...(r.left !== undefined ? { left: r.left } : {}), ...(r.archived !== undefined ? { archived: r.archived } : {}) })
      } catch { /* a damaged convenience record: forget it */ }
    }
    for (const chunk of await storage.loadRange([PREFIX, 'read'])) {
      const [, , room, channel] = chunk.key
      if (chunk.key.length !== 4 || room === undefined || channel === undefined) continue
      try {
        const r = readRecord(decodeCanonical(chunk.data, 256), 'read')
        state.#reads.set(`${room}/${channel}`, { lamport: r.lamport, key: r.key })
      } catch { /* as above */ }
    }
    return state
  }

  room(room: string): RoomRecord | undefined {
    return this.#rooms.get(room)
  }

  /** Remember a room (added now, not left). */
  setRoom(room: string, record: RoomRecord): void {
    this.#rooms.set(room, record)
    this.#save(['app', 'room', room], encodeCanonical({ v: 1, added: record.added, left: record.left, archived: record.archived }))
  }

  read(room: string, channel: string): ReadMark | undefined {
    return this.#reads.get(`${room}/${channel}`)
  }

  setRead(room: string, channel: string, mark: ReadMark): void {
    this.#reads.set(`${room}/${channel}`, mark)
    this.#save(['app', 'read', room, channel], encodeCanonical({ v: 1, lamport: mark.lamport, key: mark.key }))
  }

  /** Wait for the queued writes. */
  flush(): Promise<void> {
    return this.#queue
  }

  #save(key: string[], data: Uint8Array): void {
    this.#queue = this.#queue.then(() => this.#storage.save(key, data)).catch(this.#onError)
  }
}
