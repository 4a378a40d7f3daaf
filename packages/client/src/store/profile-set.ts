/**
 * A room's profile set (PROTOCOL.md §3.2, §5.5.1, §8.10.1): the newest signed
 * profile of each identity the room knows, synced and gossiped with the room
 * like its logs. It is a set, not a log: storing a newer profile of an
 * identity replaces (deletes) the older one, so it holds at most one profile
 * per identity key.
 *
 * - **Who.** A profile is taken only from an identity the authority log knows:
 *   the creator, and the author or target of any entry in the authority DAG
 *   (accepted or refused at its place). That set only grows with the DAG, so
 *   every peer with the same authority log takes the same profiles, and
 *   nothing is kept for strangers (their profiles are answered "deferred":
 *   not judged, not a fault; the join may not have arrived yet).
 * - **Which.** Of two valid profiles of one identity, §3.2's newest wins;
 *   delivery order does not matter (a property test checks this).
 * - **Sync.** Item keys are `(updated, record id)` (§8.1). Reconciliation
 *   works on any set; a session gets a frozen snapshot. A peer may still
 *   advertise a version we replaced: `has` answers true for the ids of
 *   versions known to be older (a bounded memory), so they are not fetched.
 *
 * This module decides and keeps the set in memory; it does no I/O. It
 * returns what to write and what to delete; the room store does the writing.
 */
import {
  decodeProfile, fromHex, newerProfile, ProtocolError, recordId, toHex, verifyProfile,
  type Bytes, type EntryNode, type ItemKey, type KeyPath, type Profile, type ReconcileStore, type StorageChunk, type Verified
} from '@hearth/protocol'
import type { IngestResult } from '../sync/replica.ts'
import { KeyIndex } from './key-index.ts'
import { profileKey } from './room-layout.ts'

/** Ids of superseded versions remembered for {@link ProfileSet.has} (oldest forgotten first). */
export const MAX_SUPERSEDED = 4096
/** Profiles whose signatures are checked at once. */
const VERIFY_WINDOW = 64

/** One stored profile with its canonical bytes. */
export interface StoredProfile {
  readonly profile: Verified<Profile>
  readonly bytes: Uint8Array
  /** Record id (§6.1 `recordId` of the bytes), hex. */
  readonly idHex: string
}

/** A profile read back from storage, signature checked, with the key it is stored under. */
export interface LoadedProfile extends StoredProfile {
  readonly key: KeyPath
}

/** A damaged stored profile: its row, and the identity its key names. */
export interface LostProfile {
  readonly key: KeyPath
  readonly keyHex: string
  readonly idHex: string
}

/** What storing profiles changes in storage. */
export interface ProfileChanges {
  /** Rows to write (one atomic batch). */
  readonly put: StorageChunk[]
  /** Rows to delete after the write: replaced versions, and stale or damaged rows of the same identities. */
  readonly removed: KeyPath[]
}

/** What one ingest did, and what to write. */
export interface ProfileIngest {
  readonly result: IngestResult
  readonly changes: ProfileChanges
  /** The profiles newly stored. */
  readonly stored: readonly Verified<Profile>[]
}

/** The newest profile of every identity a room knows. */
export class ProfileSet {
  readonly #prefix: KeyPath
  /** Hex keys of the identities the authority log knows. */
  readonly #known = new Set<string>()
  readonly #byKey = new Map<string, StoredProfile & { readonly key: KeyPath }>()
  readonly #byId = new Map<string, StoredProfile>()
  /** Ids of valid versions older than the stored one (insertion order: oldest first). */
  readonly #superseded = new Set<string>()
  /** Rows besides the stored one, per identity (damaged, older, refused at load): deleted when the identity's profile is next stored. */
  readonly #stale = new Map<string, KeyPath[]>()
  /** Lost rows' ids → their identity; identities whose profile was stored since opening. */
  readonly #lost = new Map<string, string>()
  readonly #restored = new Set<string>()
  /** Item keys of the stored profiles, built on first sync (key-index.ts). */
  readonly #keys = new KeyIndex(() => [...this.#byId.values()].map(itemKey))
  #view: ReadonlyMap<string, Verified<Profile>> | undefined

  /** @param prefix where the set is stored (room-layout.ts `logPrefix`); @param creator the room's creator (§4.2) */
  constructor(prefix: KeyPath, creator: Bytes) {
    this.#prefix = prefix
    this.#known.add(toHex(creator))
  }

  /** Authority entries joined the DAG: their authors and targets are known from now on. */
  learn(nodes: readonly EntryNode[]): void {
    for (const { entry } of nodes) {
      this.#known.add(toHex(entry.author))
      const act = entry.act as { readonly target?: Bytes; readonly member?: Bytes }
      if (act.target !== undefined) this.#known.add(toHex(act.target))
      if (act.member !== undefined) this.#known.add(toHex(act.member))
    }
  }

  /** Whether a profile of this identity (hex key) would be taken. */
  isKnown(keyHex: string): boolean {
    return this.#known.has(keyHex)
  }

  get size(): number {
    return this.#byKey.size
  }

  /** The stored profiles by hex identity key. */
  profiles(): ReadonlyMap<string, Verified<Profile>> {
    this.#view ??= new Map([...this.#byKey].map(([k, s]) => [k, s.profile]))
    return this.#view
  }

  /** The stored profile of an identity. */
  profile(key: Uint8Array): Verified<Profile> | undefined {
    return this.#byKey.get(toHex(key))?.profile
  }

  /** Whether the set stores the record with this key, or knows it as an older version. */
  has(key: ItemKey): boolean {
    const hex = toHex(key.id)
    return this.#byId.get(hex)?.profile.updated === key.lamport || this.#superseded.has(hex)
  }

  /** Whether a lost row (by id) is repaired: stored again, or its identity's profile stored since. */
  repaired(id: Uint8Array): boolean {
    const hex = toHex(id)
    const keyHex = this.#lost.get(hex)
    return this.#byId.has(hex) || (keyHex !== undefined && this.#restored.has(keyHex))
  }

  /** The encoded profiles with these ids, in the order asked (absent ones omitted). */
  records(ids: readonly Uint8Array[]): Uint8Array[] {
    return ids.flatMap((id) => this.#byId.get(toHex(id))?.bytes ?? [])
  }

  /** Hex ids of the stored profiles, in item-key order. */
  storedIds(): string[] {
    return this.#keys.keys().map((k) => toHex(k.id))
  }

  /** A frozen copy of the item keys, shared until the set changes. */
  reconcileStore(): ReconcileStore {
    return this.#keys.snapshot()
  }

  /**
   * Take what storage held (room-loader.ts `readProfiles`): per identity the
   * newest, if the identity is known. `lost` (damaged) and `forged` (bad
   * signature) rows stay until their identity's profile is stored again.
   * Returns the rows refused (unknown identity: left in place) and the older
   * rows to delete.
   */
  load(loaded: readonly LoadedProfile[], lost: readonly LostProfile[], forged: readonly LostProfile[] = []): { refused: number; removed: KeyPath[] } {
    let refused = 0
    const removed: KeyPath[] = []
    for (const row of lost) this.#lost.set(row.idHex, row.keyHex)
    for (const row of [...lost, ...forged]) this.#addStale(row.keyHex, row.key)
    for (const row of loaded) {
      const keyHex = toHex(row.profile.id)
      if (!this.#known.has(keyHex)) {
        refused++
        this.#addStale(keyHex, row.key)
        continue
      }
      const current = this.#byKey.get(keyHex)
      if (current !== undefined && newerProfile(current.profile, row.profile) === current.profile) {
        removed.push(row.key)
        this.#supersede(row.idHex)
        continue
      }
      if (current !== undefined) {
        removed.push(current.key)
        this.#drop(current)
      }
      this.#put(keyHex, row, row.key)
    }
    return { refused, removed }
  }

  /**
   * Decode, verify and judge profiles from a peer (or our own). Never throws
   * for bad input: malformed, oversized, wrong record type or a bad signature
   * is `rejected`; an unknown identity `deferred`; the stored record or a
   * valid older version a duplicate.
   */
  async ingest(records: readonly Uint8Array[]): Promise<ProfileIngest> {
    let rejected = 0
    let deferred = 0
    let duplicates = 0
    let malformed = 0
    const candidates: { profile: Profile; bytes: Uint8Array; idHex: string }[] = []
    const seen = new Set<string>()
    for (const bytes of records) {
      let profile: Profile
      try {
        profile = decodeProfile(bytes)
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err
        rejected++
        malformed++
        continue
      }
      const idHex = toHex(recordId(bytes))
      if (this.#byId.has(idHex) || seen.has(idHex)) duplicates++
      else if (!this.#known.has(toHex(profile.id))) deferred++
      else {
        seen.add(idHex)
        candidates.push({ profile, bytes: Uint8Array.from(bytes), idHex })
      }
    }
    // The newest valid candidate per identity; every other valid one is an older version.
    const winners = new Map<string, StoredProfile>()
    for (const valid of await verifyAll(candidates)) {
      if (valid === undefined) {
        rejected++
        continue
      }
      const keyHex = toHex(valid.profile.id)
      const best = winners.get(keyHex) ?? this.#byKey.get(keyHex)
      if (best === undefined || newerProfile(best.profile, valid.profile) === valid.profile) {
        if (winners.has(keyHex) && best !== undefined) this.#supersede(best.idHex)
        winners.set(keyHex, valid)
      } else {
        this.#supersede(valid.idHex)
      }
    }
    // Valid candidates that did not win are older versions: duplicates, not faults.
    duplicates += candidates.length - (rejected - malformed) - winners.size
    const changes: ProfileChanges = { put: [], removed: [] }
    for (const [keyHex, winner] of winners) {
      const current = this.#byKey.get(keyHex)
      if (current !== undefined) {
        changes.removed.push(current.key)
        this.#drop(current)
      }
      const key = profileKey(this.#prefix, keyHex, winner.profile.updated, winner.idHex)
      // A stale row under the very key written now (damaged, or refused at load) is overwritten, not deleted.
      changes.removed.push(...(this.#stale.get(keyHex) ?? []).filter((row) => row[row.length - 1] !== winner.idHex))
      this.#stale.delete(keyHex)
      this.#restored.add(keyHex)
      changes.put.push({ key, data: winner.bytes })
      this.#put(keyHex, winner, key)
    }
    const stored = [...winners.values()].map((w) => w.profile)
    return { result: { stored: stored.length, rejected, deferred, duplicates, missing: [] }, changes, stored }
  }

  #put(keyHex: string, stored: StoredProfile, key: KeyPath): void {
    this.#byKey.set(keyHex, { ...stored, key })
    this.#byId.set(stored.idHex, stored)
    this.#superseded.delete(stored.idHex)
    this.#keys.add([itemKey(stored)])
    this.#view = undefined
  }

  #drop(current: StoredProfile): void {
    this.#byId.delete(current.idHex)
    this.#keys.remove([itemKey(current)])
    this.#supersede(current.idHex)
    this.#view = undefined
  }

  #supersede(idHex: string): void {
    this.#superseded.delete(idHex)
    this.#superseded.add(idHex)
    if (this.#superseded.size > MAX_SUPERSEDED) this.#superseded.delete(this.#superseded.values().next().value as string)
  }

  #addStale(keyHex: string, key: KeyPath): void {
    this.#stale.set(keyHex, [...(this.#stale.get(keyHex) ?? []), key])
  }
}

function itemKey(stored: StoredProfile): ItemKey {
  return { lamport: stored.profile.updated, id: fromHex(stored.idHex) }
}

/** Verify candidates' signatures, a window at a time; undefined for those that fail. */
async function verifyAll(candidates: readonly { profile: Profile; bytes: Uint8Array; idHex: string }[]): Promise<(StoredProfile | undefined)[]> {
  const out: (StoredProfile | undefined)[] = []
  for (let start = 0; start < candidates.length; start += VERIFY_WINDOW) {
    const window = candidates.slice(start, start + VERIFY_WINDOW)
    out.push(...await Promise.all(window.map(async (c) => {
      try {
        return { profile: await verifyProfile(c.profile), bytes: c.bytes, idHex: c.idHex }
      } catch (err) {
        if (err instanceof ProtocolError) return undefined
        throw err
      }
    })))
  }
  return out
}
