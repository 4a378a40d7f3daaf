/**
 * Downloading a blob by id from several peers at once (PROTOCOL.md §9.6).
 *
 * Each peer gets a `blob-want`; the first manifest that hashes to the id is
 * stored, and from then on every peer that has the blob is asked for chunks
 * (a {@link ChunkSchedule} keeps them disjoint), with at most
 * `maxInFlightPerPeer` chunks outstanding at each. Every chunk is verified
 * against the manifest on arrival and stored on its own, so an interrupted
 * fetch resumes from storage. A peer that sends bad bytes, answers what we
 * did not ask, goes silent past the timeout or disconnects is dropped with a
 * typed reason, and whatever it held goes to the others. The fetcher owns
 * the streams it is given and closes them all when the fetch ends.
 */
import {
  BlobChunkError,
  BlobManifestError,
  equalBytes,
  verifyManifest,
  type BlobManifest,
  type BlobMessage,
  type Bytes,
  type ChunkSchedule,
  type Verified
} from '@hearth/protocol'
import type { BlobStore } from './blob-store.ts'
import { systemClock, type Clock } from '../transport/clock.ts'
import { BlobPeerDroppedError } from './errors.ts'
import { FetchRun } from './fetch-run.ts'
import { PeerLink } from './peer-link.ts'
import type { MessageStream } from '../transport/message-stream.ts'

/** A peer to fetch from, and a fresh stream to it for this fetch. */
export interface BlobPeer {
  readonly id: string
  readonly stream: MessageStream
}

/** Progress after each chunk stored. */
export interface BlobProgress {
  readonly id: Bytes
  readonly size: number
  readonly chunks: number
  readonly chunksDone: number
  readonly bytesDone: number
  /** The peer and chunk that just arrived. */
  readonly peer: string
  readonly index: number
}

/** Options of one fetch. */
export interface BlobFetchOptions {
  /** The size the attachment announced; a blob of another size fails the fetch (`BlobManifestError` size-mismatch). */
  readonly expectedSize?: number
  readonly onProgress?: (progress: BlobProgress) => void
  readonly onPeerDropped?: (error: BlobPeerDroppedError) => void
  /** Stop early (the fetch resolves, incomplete; what was stored stays stored). */
  readonly signal?: AbortSignal
}

/** What a fetch achieved. */
export interface BlobFetchResult {
  readonly id: Bytes
  /** Whether the whole blob is now stored. */
  readonly complete: boolean
  /** The verified manifest, once any peer (or storage) supplied it. */
  readonly manifest: Verified<BlobManifest> | undefined
  /** Chunks still missing (empty when the manifest is unknown). */
  readonly missing: readonly number[]
  /** Chunk indices requested in this fetch, and chunks stored by it. */
  readonly requested: number
  readonly received: number
  /** Peers dropped, with why. */
  readonly dropped: readonly BlobPeerDroppedError[]
}

/** How a fetcher behaves. */
export interface BlobFetcherInit {
  /** Most chunks outstanding at one peer. @default 8 */
  readonly maxInFlightPerPeer?: number
  /** Most chunks in one `chunk-get`. @default 4 */
  readonly maxChunksPerRequest?: number
  /** How long to wait for each answer before dropping the peer. @default 30000 */
  readonly timeoutMs?: number
  /** @default systemClock */
  readonly clock?: Clock
}

/** Fetches blobs into a {@link BlobStore} from several peers at once. */
export class BlobFetcher {
  readonly #store: BlobStore
  readonly #maxInFlight: number
  readonly #maxPerRequest: number
  readonly #timeoutMs: number
  readonly #clock: Clock

  constructor(store: BlobStore, init: BlobFetcherInit = {}) {
    this.#store = store
    this.#maxInFlight = init.maxInFlightPerPeer ?? 8
    this.#maxPerRequest = Math.min(init.maxChunksPerRequest ?? 4, this.#maxInFlight)
    this.#timeoutMs = init.timeoutMs ?? 30_000
    this.#clock = init.clock ?? systemClock
    if (!Number.isSafeInteger(this.#maxInFlight) || this.#maxInFlight < 1) throw new RangeError('maxInFlightPerPeer must be ≥ 1')
    if (!Number.isSafeInteger(this.#maxPerRequest) || this.#maxPerRequest < 1 || this.#maxPerRequest > 32) {
      throw new RangeError('maxChunksPerRequest must be 1–32')
    }
  }

  /**
   * Fetch blob `id` from `peers` until it is stored whole, every peer is
   * dropped or done, or `signal` aborts. Rejects with `BlobManifestError`
   * (size-mismatch) when the blob is not the size the caller expected, and
   * with storage errors; a peer's bad behaviour never rejects.
   */
  async fetch(id: Uint8Array, peers: readonly BlobPeer[], options: BlobFetchOptions = {}): Promise<BlobFetchResult> {
    const run = new FetchRun(Uint8Array.from(id), this.#store, options)
    const links = peers.map((p) => new PeerLink(p.id, p.stream, this.#clock, this.#timeoutMs))
    const stop = (): void => {
      run.stop()
      for (const link of links) link.close()
    }
    options.signal?.addEventListener('abort', stop, { once: true })
    try {
      if (!(await this.#store.has(id)) && !options.signal?.aborted) {
        const loops = Promise.allSettled(links.map((link) => this.#runPeer(run, link)))
        await Promise.race([loops, run.finished])
        stop()
        for (const outcome of await loops) if (outcome.status === 'rejected') throw outcome.reason
        if (run.fatal) throw run.fatal
      }
    } finally {
      options.signal?.removeEventListener('abort', stop)
      stop()
    }
    const manifest = run.manifest ?? (await this.#store.manifest(id))
    const missing = (await this.#store.missing(id)) ?? []
    return { id: run.id, complete: manifest !== undefined && missing.length === 0, manifest, missing, requested: run.requested, received: run.received, dropped: run.dropped }
  }

  async #runPeer(run: FetchRun, link: PeerLink): Promise<void> {
    try {
      await link.send({ type: 'blob-want', id: run.id })
      const first = await link.receive(['blob-manifest', 'blob-error'])
      if (run.isStopped()) return
      if (first.type !== 'blob-manifest') throw this.#errorDrop(link, run, first)
      let manifest: Verified<BlobManifest>
      try {
        manifest = verifyManifest(first.manifest, run.id)
      } catch (err) {
        if (err instanceof BlobManifestError) throw link.drop('bad-manifest', err.message, err)
        throw err
      }
      const schedule = await run.start(manifest)
      if (schedule === undefined || run.isStopped()) return
      schedule.addPeer(link.peer)
      await this.#download(run, link, manifest, schedule)
    } catch (err) {
      if (!(err instanceof BlobPeerDroppedError)) {
        // A local failure (storage): no point going on with the other peers.
        run.fail(err instanceof Error ? err : new Error(String(err)))
        throw err
      }
      if (!run.isStopped()) run.drop(err, link)
    }
  }

  async #download(run: FetchRun, link: PeerLink, manifest: Verified<BlobManifest>, schedule: ChunkSchedule): Promise<void> {
    const outstanding = new Set<number>()
    while (!run.isStopped()) {
      const room = this.#maxInFlight - outstanding.size
      const batch = room > 0 ? schedule.next(link.peer, Math.min(room, this.#maxPerRequest)) : []
      if (batch.length > 0) {
        for (const i of batch) outstanding.add(i)
        run.requested += batch.length
        await link.send({ type: 'chunk-get', id: run.id, chunks: batch })
        continue
      }
      if (outstanding.size === 0) {
        if (schedule.isComplete() || !schedule.canProgress(link.peer)) return
        await run.changed()
        continue
      }
      const reply = await link.receive(['chunk', 'blob-error'])
      if (run.isStopped()) return
      if (!equalBytes(reply.id, run.id)) throw link.drop('unexpected-message', `a ${reply.type} of another blob`)
      if (reply.type === 'chunk') {
        if (!outstanding.delete(reply.index)) throw link.drop('unexpected-message', `chunk ${reply.index} was not asked of this peer`)
        try {
          await this.#store.putChunk(manifest, reply.index, reply.data)
        } catch (err) {
          if (!(err instanceof BlobChunkError)) throw err
          schedule.refused(link.peer, [reply.index])
          throw link.drop('bad-chunk', err.message, err)
        }
        schedule.delivered(link.peer, reply.index)
        run.chunkStored(manifest, schedule, link.peer, reply.index)
      } else if (reply.code === 'missing') {
        const lacking = reply.chunks ?? []
        if (!lacking.every((i) => outstanding.has(i))) throw link.drop('unexpected-message', 'names chunks missing that were not asked of it')
        for (const i of lacking) outstanding.delete(i)
        schedule.refused(link.peer, lacking)
        run.notify()
      } else {
        throw this.#errorDrop(link, run, reply)
      }
    }
  }

  /** The drop for a reply that is not the data asked for. */
  #errorDrop(link: PeerLink, run: FetchRun, reply: BlobMessage): BlobPeerDroppedError {
    if (reply.type === 'blob-error' && equalBytes(reply.id, run.id) && (reply.code === 'unknown-blob' || reply.code === 'busy')) {
      return link.drop('unavailable', `answered ${reply.code}`)
    }
    return link.drop('unexpected-message', `answered with ${reply.type}${reply.type === 'blob-error' ? ` ${reply.code}` : ''}`)
  }
}
