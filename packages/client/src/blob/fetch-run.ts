/**
 * The shared state of one blob fetch (internal to blob-fetcher.ts): the
 * verified manifest, the chunk schedule built from storage, the peers
 * dropped, counters, and a wake-up for peers idle while others hold the
 * remaining chunks in flight.
 */
import { BlobManifestError, ChunkSchedule, chunkLength, type BlobManifest, type Bytes, type Verified } from '@hearth/protocol'
import type { BlobStore } from './blob-store.ts'
import type { BlobFetchOptions } from './blob-fetcher.ts'
import type { BlobPeerDroppedError } from './errors.ts'
import type { PeerLink } from './peer-link.ts'

/** The shared state of one fetch: the manifest, the schedule, the drops, and a wake-up for idle peers. */
export class FetchRun {
  readonly id: Bytes
  readonly #store: BlobStore
  readonly #options: BlobFetchOptions
  manifest: Verified<BlobManifest> | undefined
  fatal: Error | undefined
  #stopped = false
  requested = 0
  received = 0
  readonly dropped: BlobPeerDroppedError[] = []
  readonly finished: Promise<void>
  #finish!: () => void
  #starting: Promise<ChunkSchedule | undefined> | undefined
  #schedule: ChunkSchedule | undefined
  #waiters: (() => void)[] = []
  #bytesDone = 0

  constructor(id: Bytes, store: BlobStore, options: BlobFetchOptions) {
    this.id = id
    this.#store = store
    this.#options = options
    this.finished = new Promise((resolve) => {
      this.#finish = resolve
    })
  }

  /** The schedule, created from storage on the first verified manifest (undefined when the fetch must fail). */
  start(manifest: Verified<BlobManifest>): Promise<ChunkSchedule | undefined> {
    this.#starting ??= (async () => {
      const expected = this.#options.expectedSize
      if (expected !== undefined && manifest.size !== expected) {
        this.fail(new BlobManifestError('size-mismatch', `the blob is ${manifest.size} bytes; the attachment says ${expected}`))
        return undefined
      }
      await this.#store.saveManifest(manifest)
      this.manifest = manifest
      const missing = new Set((await this.#store.missing(manifest.id)) ?? [])
      const stored = manifest.hashes.map((_, i) => i).filter((i) => !missing.has(i))
      this.#bytesDone = stored.reduce((sum, i) => sum + chunkLength(manifest.size, i), 0)
      this.#schedule = new ChunkSchedule(manifest.hashes.length, stored)
      this.notify()
      return this.#schedule
    })()
    return this.#starting
  }

  chunkStored(manifest: Verified<BlobManifest>, schedule: ChunkSchedule, peer: string, index: number): void {
    this.received++
    this.#bytesDone += chunkLength(manifest.size, index)
    this.#options.onProgress?.({ id: this.id, size: manifest.size, chunks: schedule.count, chunksDone: schedule.done, bytesDone: this.#bytesDone, peer, index })
    this.notify()
  }

  drop(error: BlobPeerDroppedError, link: PeerLink): void {
    this.#schedule?.peerFailed(error.peer)
    link.close()
    this.dropped.push(error)
    this.#options.onPeerDropped?.(error)
    this.notify()
  }

  /** Something changed (a chunk arrived or came back to the pool): wake idle peers; finish when complete. */
  notify(): void {
    if (this.#schedule?.isComplete() === true) this.#finish()
    for (const wake of this.#waiters.splice(0)) wake()
  }

  /** Resolves at the next {@link notify} or {@link stop}. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  /** End the fetch with `error` (the first one wins). */
  fail(error: Error): void {
    this.fatal ??= error
    this.stop()
  }

  isStopped(): boolean {
    return this.#stopped
  }

  stop(): void {
    this.#stopped = true
    this.#finish()
    for (const wake of this.#waiters.splice(0)) wake()
  }
}
