/**
 * Reading a room back from storage (docs/drafts/storage-layout.md §5.5.3):
 * the genesis, the list of stored channels, and each log's records, checked
 * against the keys they are stored under.
 *
 * What is checked on load, and why it is enough. The envelope (PROTOCOL.md
 * §5.3) catches accidental damage; then every record is decoded and its id
 * recomputed — the id is a SHA-256 of the bytes, and the key names the id,
 * so a value that decodes to the id its key names is, byte for byte, the
 * record that was stored there. Records are only ever stored after their log
 * admitted them (signature, linkage, acceptance). Re-checking the signature
 * would therefore only defend against someone who can write the store, who
 * could as well change the code; it is optional (`verifyOnLoad`) because it
 * is the one expensive step (about 60 µs of CPU per record). Linkage and
 * acceptance are re-run anyway: the logs insert loaded records like any
 * others, which is cheap and keeps the loaded state exactly what the rules
 * derive (a record whose authority or parents were lost waits, instead of
 * being taken on trust).
 */
import {
  decodeAuthorityEntry, decodeChannelEvent, decodeProfile, encodeGenesis, equalBytes, fromHex, keyAfter, markVerified, openGenesis,
  ProtocolError, recordId, toHex, verifyProfile,
  type AuthorityLog, type Bytes, type ChannelEventNode, type EntryNode, type Genesis, type KeyPath, type StorageAdapter,
  type Verified
} from '@hearth/protocol'
import type { LogRef } from '../sync/replica.ts'
import type { DamageLedger, LostReason } from './damage.ts'
import { RoomNotStoredError } from './errors.ts'
import type { LoadedProfile, LostProfile, ProfileSet } from './profile-set.ts'
import { channelsPrefix, genesisKey, logPrefix, parseRecordKey, parseRecordTail } from './room-layout.ts'

/** Records read per `loadRange` call while loading a log. */
const LOAD_PAGE = 4096

/** The verified genesis for `room` (given, or read back); the stored copy is written or repaired as needed. */
export async function loadGenesis(adapter: StorageAdapter, room: Verified<Genesis> | Uint8Array): Promise<Verified<Genesis>> {
  if (!(room instanceof Uint8Array)) {
    const key = genesisKey(room.room)
    const stored = await adapter.load(key)
    const fresh = encodeGenesis(room)
    if (stored === undefined || !equalBytes(stored, fresh)) await adapter.save(key, fresh)
    return room
  }
  const key = genesisKey(room)
  const stored = await adapter.load(key)
  if (stored === undefined) {
    const damaged = adapter.integrity().corrupt.some((e) => e.key !== undefined && sameKey(e.key, key))
    throw new RoomNotStoredError(damaged ? 'damaged' : 'absent', damaged ? 'the stored genesis is damaged' : 'the room is not stored here')
  }
  try {
    return await openGenesis(stored, room)
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    throw new RoomNotStoredError('damaged', `the stored genesis does not verify: ${err.message}`, { cause: err })
  }
}

function sameKey(a: KeyPath, b: KeyPath): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i])
}

/**
 * Hex ids of the channels with anything stored: one single-row read per
 * channel (skipping to the next channel's subtree each time), plus channels
 * whose every value the adapter found corrupt.
 */
export async function storedChannelIds(adapter: StorageAdapter, room: Uint8Array): Promise<string[]> {
  const prefix = channelsPrefix(room)
  const found = new Set<string>()
  let start: KeyPath | undefined
  for (;;) {
    const [first] = await adapter.loadRange(prefix, start === undefined ? { limit: 1 } : { start, limit: 1 })
    const segment = first?.key[prefix.length]
    if (segment === undefined) break
    if (/^[0-9a-f]{32}$/.test(segment)) found.add(segment)
    // The smallest path above every key whose channel segment is `segment`.
    start = [...prefix, `${segment}\u0000`]
  }
  for (const error of adapter.integrity().corrupt) {
    const segment = error.key && isUnder(error.key, prefix) ? error.key[prefix.length] : undefined
    if (segment !== undefined && /^[0-9a-f]{32}$/.test(segment)) found.add(segment)
  }
  return [...found].sort()
}

function isUnder(key: KeyPath, prefix: KeyPath): boolean {
  return key.length > prefix.length && prefix.every((s, i) => key[i] === s)
}

/**
 * Read every record of `log`, page by page, keeping those that decode to the
 * record their key names and noting the rest (and the adapter's corrupt
 * values under the log's prefix) in `damage`.
 */
async function readLog<N extends { readonly key: string }>(
  adapter: StorageAdapter, room: Uint8Array, log: LogRef, damage: DamageLedger,
  decode: (bytes: Uint8Array) => N, check: (node: N, at: { lamport: number; idHex: string }) => boolean
): Promise<N[]> {
  const roomHex = toHex(room)
  const prefix = logPrefix(room, log)
  const nodes: N[] = []
  let start: KeyPath | undefined
  for (;;) {
    const page = await adapter.loadRange(prefix, start === undefined ? { limit: LOAD_PAGE } : { start, limit: LOAD_PAGE })
    for (const chunk of page) {
      const at = parseRecordTail(prefix, chunk.key)
      if (at === undefined) {
        damage.stray(1)
        continue
      }
      let node: N
      try {
        node = decode(chunk.data)
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err
        damage.lose({ log, lamport: at.lamport, id: fromHex(at.idHex), reason: 'malformed' })
        continue
      }
      if (check(node, at)) nodes.push(node)
      else damage.lose({ log, lamport: at.lamport, id: fromHex(at.idHex), reason: 'mismatch' })
    }
    const last = page[page.length - 1]
    if (last === undefined || page.length < LOAD_PAGE) break
    start = keyAfter(last.key)
  }
  for (const error of adapter.integrity().corrupt) {
    if (error.key === undefined || !isUnder(error.key, prefix) || error.reason === 'malformed-key') continue
    const at = parseRecordKey(roomHex, error.key)
    if (at === undefined) damage.stray(1)
    else damage.lose({ log, lamport: at.lamport, id: fromHex(at.idHex), reason: error.reason })
  }
  return nodes
}

/** Read the authority entries and add them to `authority` (signatures are checked: see the module comment). */
export async function loadAuthority(adapter: StorageAdapter, authority: AuthorityLog, damage: DamageLedger): Promise<void> {
  const room = authority.genesis.room
  const nodes = await readLog<EntryNode>(adapter, room, { kind: 'authority' }, damage, decodeAuthorityEntry,
    (node, at) => node.key === at.idHex && node.entry.lamport === at.lamport && equalBytes(node.entry.room, room))
  const result = await authority.addNodes(nodes)
  damage.refuse(nodes.length - result.added.length - authority.pendingCount)
}

/**
 * Read a channel's events, marked verified: they were when stored (see the
 * module comment). `verifyOnLoad` callers check the signatures again.
 */
export async function readChannel(
  adapter: StorageAdapter, room: Uint8Array, channel: Bytes, damage: DamageLedger
): Promise<Verified<ChannelEventNode>[]> {
  const nodes = await readLog<ChannelEventNode>(adapter, room, { kind: 'channel', channel }, damage, decodeChannelEvent,
    (node, at) => node.key === at.idHex && node.event.lamport === at.lamport &&
      equalBytes(node.event.room, room) && equalBytes(node.event.channel, channel))
  // Our own store, checked against the ids above: see the module comment for why this is trusted.
  return nodes.map((node) => markVerified(node))
}

const PROFILES: LogRef = { kind: 'profiles' }

/**
 * Load the stored profiles into `set` (whose identities are learnt from the
 * loaded authority log first). Returns the rows to delete: versions older
 * than another row of the same identity (left by an interrupted replacement).
 */
export async function loadProfiles(adapter: StorageAdapter, room: Uint8Array, set: ProfileSet, damage: DamageLedger): Promise<KeyPath[]> {
  const { loaded, lost, refused: forged } = await readProfiles(adapter, room, damage)
  const { refused, removed } = set.load(loaded, lost, forged)
  damage.refuse(refused)
  return removed
}

/**
 * Read the stored profiles (§5.5.3): each must pass the envelope, decode,
 * be what its key names (identity, `updated`, record id) and — unlike
 * channel events — verify again: the set is small (one row per member), so
 * checking every signature costs little. Damaged rows are noted in `damage`
 * and returned as `lost` (their identity is in the key); rows whose
 * signature fails are counted and returned as `refused`.
 */
export async function readProfiles(
  adapter: StorageAdapter, room: Uint8Array, damage: DamageLedger
): Promise<{ loaded: LoadedProfile[]; lost: LostProfile[]; refused: LostProfile[] }> {
  const roomHex = toHex(room)
  const prefix = logPrefix(room, PROFILES)
  const rows: { key: KeyPath; bytes: Uint8Array; idHex: string; profile: ReturnType<typeof decodeProfile> }[] = []
  const lost: LostProfile[] = []
  const loseRow = (key: KeyPath, reason: LostReason): void => {
    const at = parseRecordKey(roomHex, key)
    if (at?.keyHex === undefined) {
      damage.stray(1)
      return
    }
    damage.lose({ log: PROFILES, lamport: at.lamport, id: fromHex(at.idHex), reason })
    lost.push({ key, keyHex: at.keyHex, idHex: at.idHex })
  }
  let start: KeyPath | undefined
  for (;;) {
    const page = await adapter.loadRange(prefix, start === undefined ? { limit: LOAD_PAGE } : { start, limit: LOAD_PAGE })
    for (const chunk of page) {
      const at = parseRecordKey(roomHex, chunk.key)
      if (at?.keyHex === undefined) {
        damage.stray(1)
        continue
      }
      let profile
      try {
        profile = decodeProfile(chunk.data)
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err
        loseRow(chunk.key, 'malformed')
        continue
      }
      const idHex = toHex(recordId(chunk.data))
      if (idHex !== at.idHex || profile.updated !== at.lamport || toHex(profile.id) !== at.keyHex) loseRow(chunk.key, 'mismatch')
      else rows.push({ key: chunk.key, bytes: chunk.data, idHex, profile })
    }
    const last = page[page.length - 1]
    if (last === undefined || page.length < LOAD_PAGE) break
    start = keyAfter(last.key)
  }
  for (const error of adapter.integrity().corrupt) {
    if (error.key === undefined || !isUnder(error.key, prefix) || error.reason === 'malformed-key') continue
    loseRow(error.key, error.reason)
  }
  const checked = await Promise.all(rows.map(async (row): Promise<LoadedProfile | undefined> => {
    try {
      return { key: row.key, bytes: row.bytes, idHex: row.idHex, profile: await verifyProfile(row.profile) }
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err
      return undefined
    }
  }))
  const loaded = checked.filter((row) => row !== undefined)
  const refused = rows.filter((_, i) => checked[i] === undefined).map((r) => ({ key: r.key, keyHex: toHex(r.profile.id), idHex: r.idHex }))
  damage.refuse(refused.length)
  return { loaded, lost, refused }
}
