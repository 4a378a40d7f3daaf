/**
 * Blobs on the storage port (PROTOCOL.md §5, §9): a verified manifest and
 * each chunk under its own key, so a transfer stored chunk by chunk resumes
 * after a restart without fetching again what it already has.
 *
 *     [...prefix, idHex, 'manifest']        the encoded blob-manifest message
 *     [...prefix, idHex, 'have']            bitmap of stored chunks (bit i of byte ⌊i/8⌋, LSB first)
 *     [...prefix, idHex, 'chunk', iiii]     chunk i (4 lowercase hex digits, so key order is chunk order)
 *
 * The bitmap answers "what is missing" without reading 100 MiB of chunks; it
 * is written in the same atomic batch as each chunk, so the two never
 * disagree after a crash. If the bitmap is lost (corrupt), it is rebuilt by
 * reading and verifying the chunks. Chunks are verified on the way in and
 * again on the way out, so this store never serves bytes that are not the
 * blob's, whatever happened to the disk. Writes to one blob are serialised;
 * use one BlobStore per storage adapter.
 */
import {
  BlobChunkError,
  bytesToHexKey,
  chunkCount,
  chunkOf,
  concat,
  decodeBlobMessage,
  encodeBlobMessage,
  blobManifest,
  MAX_BLOB_CHUNKS,
  ProtocolError,
  verifyChunk,
  verifyManifest,
  type BlobManifest,
  type Bytes,
  type KeyPath,
  type StorageAdapter,
  type StorageChunk,
  type Verified
} from '@hearth/protocol'

/** Options of a {@link BlobStore}. */
export interface BlobStoreOptions {
  /** Key path under which blobs live. @default ['blobs'] */
  readonly prefix?: readonly string[]
}

interface BlobState {
  readonly manifest: Verified<BlobManifest>
  readonly have: Uint8Array
  stored: number
}

/** Chunks saved per storage batch when a whole local file is stored. */
const PUT_BATCH = 16

/** Verified blobs and partial blobs over a {@link StorageAdapter}. */
export class BlobStore {
  readonly #storage: StorageAdapter
  readonly #prefix: readonly string[]
  readonly #states = new Map<string, Promise<BlobState | undefined>>()
  readonly #locks = new Map<string, Promise<unknown>>()

  constructor(storage: StorageAdapter, options: BlobStoreOptions = {}) {
    this.#storage = storage
    this.#prefix = options.prefix ?? ['blobs']
  }

  /** Store a local file whole: its manifest and every chunk. Returns the manifest (its `id` is the blob id). */
  async put(blob: Uint8Array): Promise<Verified<BlobManifest>> {
    const manifest = blobManifest(blob)
    await this.saveManifest(manifest)
    const key = bytesToHexKey(manifest.id)
    for (let start = 0; start < manifest.hashes.length; start += PUT_BATCH) {
      await this.#exclusive(key, async () => {
        const state = await this.#state(key)
        if (state === undefined) throw new Error('blob removed while being stored')
        const entries: StorageChunk[] = []
        for (let i = start; i < Math.min(start + PUT_BATCH, manifest.hashes.length); i++) {
          if (!hasBit(state.have, i)) entries.push({ key: this.#chunkKey(key, i), data: chunkOf(blob, i) })
        }
        await this.#saveChunks(key, state, entries, range(start, Math.min(start + PUT_BATCH, manifest.hashes.length)))
      })
    }
    return manifest
  }

  /** Record a verified manifest (no-op when it is already stored). */
  async saveManifest(manifest: Verified<BlobManifest>): Promise<void> {
    const key = bytesToHexKey(manifest.id)
    await this.#exclusive(key, async () => {
      if ((await this.#state(key)) !== undefined) return
      const have = new Uint8Array(Math.ceil(manifest.hashes.length / 8))
      await this.#storage.saveBatch([
        { key: this.#key(key, 'manifest'), data: encodeBlobMessage({ type: 'blob-manifest', manifest }) },
        { key: this.#key(key, 'have'), data: have }
      ])
      this.#states.set(key, Promise.resolve({ manifest, have, stored: 0 }))
    })
  }

  /** The blob's verified manifest, if stored. */
  async manifest(id: Uint8Array): Promise<Verified<BlobManifest> | undefined> {
    return (await this.#state(bytesToHexKey(id)))?.manifest
  }

  /**
   * Verify chunk `index` against the manifest and store it. Returns false
   * when it was already stored. Throws `BlobChunkError` for bytes that are
   * not that chunk (nothing is stored then).
   */
  async putChunk(manifest: Verified<BlobManifest>, index: number, data: Uint8Array): Promise<boolean> {
    verifyChunk(manifest, index, data)
    await this.saveManifest(manifest)
    const key = bytesToHexKey(manifest.id)
    return this.#exclusive(key, async () => {
      const state = await this.#state(key)
      if (state === undefined) throw new Error('blob removed while being stored')
      if (hasBit(state.have, index)) return false
      await this.#saveChunks(key, state, [{ key: this.#chunkKey(key, index), data }], [index])
      return true
    })
  }

  /** Chunk `index` of the blob, verified, or undefined if it is not (or no longer) stored. */
  async chunk(id: Uint8Array, index: number): Promise<Bytes | undefined> {
    const key = bytesToHexKey(id)
    const state = await this.#state(key)
    if (state === undefined || !Number.isSafeInteger(index) || !hasBit(state.have, index)) return undefined
    const data = await this.#storage.load(this.#chunkKey(key, index))
    if (data !== undefined && isChunk(state.manifest, index, data)) return data
    // Lost or damaged on disk: forget it, so it is fetched again.
    await this.#exclusive(key, async () => {
      if (!hasBit(state.have, index)) return
      setBit(state.have, index, false)
      state.stored--
      await this.#storage.saveBatch([{ key: this.#key(key, 'have'), data: state.have }])
      await this.#storage.remove(this.#chunkKey(key, index))
    })
    return undefined
  }

  /** Indices of the chunks not stored, ascending; undefined when the manifest is not stored either. */
  async missing(id: Uint8Array): Promise<number[] | undefined> {
    const state = await this.#state(bytesToHexKey(id))
    if (state === undefined) return undefined
    return range(0, state.manifest.hashes.length).filter((i) => !hasBit(state.have, i))
  }

  /** Whether the whole blob is stored. */
  async has(id: Uint8Array): Promise<boolean> {
    const state = await this.#state(bytesToHexKey(id))
    return state !== undefined && state.stored === state.manifest.hashes.length
  }

  /** The whole blob, or undefined unless every chunk is stored (and still intact). */
  async read(id: Uint8Array): Promise<Bytes | undefined> {
    const state = await this.#state(bytesToHexKey(id))
    if (state === undefined) return undefined
    const parts: Uint8Array[] = []
    for (let i = 0; i < state.manifest.hashes.length; i++) {
      const part = await this.chunk(id, i)
      if (part === undefined) return undefined
      parts.push(part)
    }
    return concat(...parts)
  }

  /** Delete the blob (manifest and chunks). */
  async remove(id: Uint8Array): Promise<void> {
    const key = bytesToHexKey(id)
    await this.#exclusive(key, async () => {
      await this.#storage.removeRange([...this.#prefix, key])
      this.#states.delete(key)
    })
  }

  async #saveChunks(key: string, state: BlobState, entries: StorageChunk[], indices: number[]): Promise<void> {
    const have = state.have.slice()
    for (const i of indices) setBit(have, i, true)
    await this.#storage.saveBatch([...entries, { key: this.#key(key, 'have'), data: have }])
    for (const i of indices) {
      if (!hasBit(state.have, i)) state.stored++
      setBit(state.have, i, true)
    }
  }

  #state(key: string): Promise<BlobState | undefined> {
    let state = this.#states.get(key)
    if (state === undefined) {
      state = this.#load(key)
      this.#states.set(key, state)
      // A failed load is retried next time rather than cached.
      state.catch(() => this.#states.delete(key))
    }
    return state
  }

  async #load(key: string): Promise<BlobState | undefined> {
    const encoded = await this.#storage.load(this.#key(key, 'manifest'))
    if (encoded === undefined) return undefined
    let manifest: Verified<BlobManifest>
    try {
      const message = decodeBlobMessage(encoded, ['blob-manifest'])
      if (message.type !== 'blob-manifest') return undefined
      manifest = verifyManifest(message.manifest, message.manifest.id)
      if (bytesToHexKey(manifest.id) !== key) return undefined
    } catch (err) {
      if (err instanceof ProtocolError) return undefined // damaged: as if never stored
      throw err
    }
    const count = chunkCount(manifest.size)
    const stored = await this.#storage.load(this.#key(key, 'have'))
    const have = stored?.length === Math.ceil(count / 8) ? stored.slice() : await this.#rebuildHave(key, manifest)
    let total = 0
    for (let i = 0; i < count; i++) if (hasBit(have, i)) total++
    return { manifest, have, stored: total }
  }

  /** The bitmap from the chunks themselves, each verified (after the stored bitmap was lost). */
  async #rebuildHave(key: string, manifest: Verified<BlobManifest>): Promise<Uint8Array> {
    const have = new Uint8Array(Math.ceil(manifest.hashes.length / 8))
    for (let start = 0; start < manifest.hashes.length; start += PUT_BATCH) {
      const page = await this.#storage.loadRange([...this.#prefix, key, 'chunk'], {
        start: this.#chunkKey(key, start),
        end: this.#chunkKey(key, start + PUT_BATCH),
        limit: PUT_BATCH
      })
      for (const { key: path, data } of page) {
        const index = Number.parseInt(path[path.length - 1] ?? '', 16)
        if (index < MAX_BLOB_CHUNKS && isChunk(manifest, index, data)) setBit(have, index, true)
      }
    }
    await this.#storage.saveBatch([{ key: this.#key(key, 'have'), data: have }])
    return have
  }

  #key(key: string, leaf: string): KeyPath {
    return [...this.#prefix, key, leaf]
  }

  #chunkKey(key: string, index: number): KeyPath {
    return [...this.#prefix, key, 'chunk', index.toString(16).padStart(4, '0')]
  }

  /** Run `fn` after every earlier operation on the same blob. */
  #exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(key) ?? Promise.resolve()
    const next = previous.then(fn, fn)
    const settled = next.catch(() => undefined)
    this.#locks.set(key, settled)
    void settled.then(() => {
      if (this.#locks.get(key) === settled) this.#locks.delete(key)
    })
    return next
  }
}

function isChunk(manifest: Verified<BlobManifest>, index: number, data: Uint8Array): boolean {
  try {
    verifyChunk(manifest, index, data)
    return true
  } catch (err) {
    if (err instanceof BlobChunkError) return false
    throw err
  }
}

function hasBit(bits: Uint8Array, i: number): boolean {
  return ((bits[i >> 3] ?? 0) & (1 << (i & 7))) !== 0
}

function setBit(bits: Uint8Array, i: number, on: boolean): void {
  const byte = bits[i >> 3] ?? 0
  bits[i >> 3] = on ? byte | (1 << (i & 7)) : byte & ~(1 << (i & 7))
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i)
}
