/**
 * Test-only helpers for the authority log suites (not exported by the
 * package): deterministic keys and rooms, a DAG builder that signs entries on
 * explicit parents, a canonical serialisation of {@link AuthorityState}, an
 * independent reference model of the linear order, and a generator of random
 * multi-author histories for the property test.
 *
 * The reference model shares nothing with `linear-order.ts` or the
 * incremental logic of `AuthorityLog`: it takes every entry at once, admits
 * the ones whose ancestry is complete and correctly stamped, builds the
 * checkpoint chain, cuts the segments, groups each segment by Lamport level,
 * sorts each level with its own tie-break and replays. Only the per-entry
 * semantics (`applyEntry` on `initialState`) are reused.
 */
import { compareBytes, fromHex, toHex, utf8, type Bytes } from '../bytes.ts'
import type { ProtocolError } from '../errors.ts'
import { keypairFromSeed, type Keypair } from '../crypto/ed25519.ts'
import { sha256 } from '../crypto/sha256.ts'
import { signInvite } from '../invite/invite-link.ts'
import { encodeRecord, signRecord } from '../records/record.ts'
import { createGenesis, type Genesis, type RoomPolicy } from '../rooms/genesis.ts'
import { ROOM_NONCE_BYTES } from '../rooms/room-id.ts'
import type { Verified } from '../verified.ts'
import { applyEntry } from './apply-entry.ts'
import { AuthorityLog, type OrderedEntry } from './authority-log.ts'
import { Cap, MEMBER_RANK, OWNER } from './capabilities.ts'
import { decodeAuthorityEntry, genesisId, signAuthorityEntry, type Action, type EntryNode } from './entry.ts'
import { AuthorityRejectedError, type RejectReason } from './rejection.ts'
import { initialState, type AuthorityState } from './state.ts'

// ---------------------------------------------------------------------------
// Deterministic keys and rooms

const keyCache = new Map<string, Keypair>()

/** A fixed keypair per label, cached (signing keys are imported once per keypair object). */
export function key(label: string): Keypair {
  let kp = keyCache.get(label)
  if (!kp) {
    kp = keypairFromSeed(sha256(utf8(`hearth/authority-test/${label}`)))
    keyCache.set(label, kp)
  }
  return kp
}

/** Hex of a keypair's public key. */
export function hexOf(kp: Keypair): string {
  return toHex(kp.publicKey)
}

/** A fixed 16-byte channel id per label. */
export function channelId(label: string): Bytes {
  return sha256(utf8(`hearth/authority-test/channel/${label}`)).slice(0, 16)
}

/** A deterministic genesis: same label, same room id, same entry ids. */
export async function makeGenesis(
  label: string,
  opts: { creator?: Keypair; policy?: RoomPolicy; name?: string } = {}
): Promise<Verified<Genesis>> {
  const creator = opts.creator ?? key(`${label}/creator`)
  return createGenesis(creator, {
    name: opts.name ?? `Room ${label}`,
    created: 1_000,
    policy: opts.policy ?? { join: 'open', discoverable: 'unlisted' },
    nonce: sha256(utf8(`hearth/authority-test/nonce/${label}`)).slice(0, ROOM_NONCE_BYTES)
  })
}

/** The `invite` field of a join: an invite to `room` signed by `by`. */
export async function joinInvite(
  by: Keypair, room: Uint8Array, exp?: number, code?: Uint8Array
): Promise<{ by: Bytes; exp?: number; code?: Bytes; sig: Bytes }> {
  const signed = await signInvite(by, { room: Uint8Array.from(room), peers: [], ...(exp !== undefined ? { expires: exp } : {}) }, code ? { code } : {})
  if (!signed.inviter) throw new Error('signInvite returned no inviter')
  return { by: signed.inviter.key, ...(exp !== undefined ? { exp } : {}), ...(signed.inviter.code ? { code: signed.inviter.code } : {}), sig: signed.inviter.sig }
}

// ---------------------------------------------------------------------------
// Building DAGs by hand

/** Parents of a new entry: entries, or the genesis root when empty. */
export type ParentList = readonly EntryNode[]

/**
 * Signs entries on explicit parents (so tests can build concurrent forks)
 * with the Lamport rule applied, and remembers every entry it signed.
 */
export class Dag {
  readonly genesis: Verified<Genesis>
  readonly root: Bytes
  readonly nodes = new Map<string, Verified<EntryNode>>()
  /** Every signed entry, in signing order. */
  readonly signed: Verified<EntryNode>[] = []
  #clock = 10_000

  constructor(genesis: Verified<Genesis>) {
    this.genesis = genesis
    this.root = genesisId(genesis)
  }

  /** The next timestamp (strictly increasing). */
  tick(): number {
    this.#clock += 10
    return this.#clock
  }

  /** Lamport an entry on these parents must carry. */
  static lamportOn(parents: ParentList): number {
    return 1 + Math.max(0, ...parents.map((p) => p.entry.lamport))
  }

  /** Sign `act` by `kp` on `parents` (the root when empty). */
  async sign(
    kp: Keypair,
    act: Action,
    parents: ParentList = [],
    opts: { at?: number; lamport?: number; room?: Uint8Array } = {}
  ): Promise<Verified<EntryNode>> {
    const node = await signAuthorityEntry(kp, {
      room: opts.room ?? this.genesis.room,
      parents: parents.length === 0 ? [this.root] : parents.map((p) => p.id),
      lamport: opts.lamport ?? Dag.lamportOn(parents),
      at: opts.at ?? this.tick(),
      act
    })
    if (!this.nodes.has(node.key)) this.signed.push(node)
    this.nodes.set(node.key, node)
    return node
  }

  /** Sign a linear chain of entries, each on the previous (the first on `parents`). */
  async chain(steps: readonly (readonly [Keypair, Action])[], parents: ParentList = []): Promise<Verified<EntryNode>[]> {
    const out: Verified<EntryNode>[] = []
    let on = parents
    for (const [kp, act] of steps) {
      const node = await this.sign(kp, act, on)
      out.push(node)
      on = [node]
    }
    return out
  }
}

/**
 * Sign an arbitrary record body (no schema check) and return its bytes: for
 * crafting entries the schema refuses, which `signAuthorityEntry` cannot make.
 */
export async function signRaw(kp: Keypair, body: Record<string, unknown>): Promise<Bytes> {
  return encodeRecord(await signRecord(kp, body))
}

/** The record body of an entry without its signature, for re-signing variants. */
export function unsignedBody(node: EntryNode): Record<string, unknown> {
  const { sig: _sig, ...rest } = node.entry
  return { ...rest }
}

/** Decode bytes that must be a valid entry. */
export function nodeOf(bytes: Uint8Array): EntryNode {
  return decodeAuthorityEntry(bytes)
}

/**
 * A room under test: a log and a DAG builder. `act` signs on the log's
 * current heads (or on given parents) and adds the entry the way a peer
 * receiving it would, without the local refusal of `AuthorityLog.author`, so
 * the status is the one every peer computes.
 */
export class Room {
  readonly log: AuthorityLog
  readonly dag: Dag
  readonly owner: Keypair

  private constructor(log: AuthorityLog, dag: Dag, owner: Keypair) {
    this.log = log
    this.dag = dag
    this.owner = owner
  }

  /** A fresh room whose creator is `key(label + "/creator")`. */
  static async open(label: string, policy: RoomPolicy = { join: 'open', discoverable: 'unlisted' }): Promise<Room> {
    const genesis = await makeGenesis(label, { policy })
    return new Room(new AuthorityLog(genesis), new Dag(genesis), key(`${label}/creator`))
  }

  /** The log's current heads as entries (empty: the root). */
  heads(): EntryNode[] {
    return this.log.heads().ids.flatMap((id) => {
      const n = this.log.get(id)
      return n ? [n] : []
    })
  }

  /** Sign `act` by `kp` (on the current heads unless `parents` is given), add it, return the entry and its status. */
  async act(kp: Keypair, act: Action, parents?: ParentList, at?: number): Promise<{ node: Verified<EntryNode>; status: Status }> {
    const node = await this.dag.sign(kp, act, parents ?? this.heads(), at !== undefined ? { at } : {})
    const result = await this.log.addNodes([node])
    if (result.invalid.length > 0) throw new Error(`entry refused before storage: ${result.invalid.map((e) => e.message).join('; ')}`)
    return { node, status: statusIn(this.log, node) }
  }

  /** Like {@link act}, but the entry must be accepted. */
  async must(kp: Keypair, act: Action, parents?: ParentList, at?: number): Promise<Verified<EntryNode>> {
    const { node, status } = await this.act(kp, act, parents, at)
    if (status !== 'accepted') throw new Error(`${act.op} by ${hexOf(kp).slice(0, 8)} was refused: ${status}`)
    return node
  }

  /**
   * The status `act` by `kp` would get from peers, judged on a copy of the
   * log so the room itself is unchanged (a refused entry left in the log
   * could be re-judged later; see the zombie-entry tests).
   */
  async status(kp: Keypair, act: Action, parents?: ParentList, at?: number): Promise<Status> {
    const node = await this.dag.sign(kp, act, parents ?? this.heads(), at !== undefined ? { at } : {})
    const copy = await this.replica()
    const result = await copy.addNodes([node])
    if (result.invalid.length > 0) throw new Error(`entry refused before storage: ${result.invalid.map((e) => e.message).join('; ')}`)
    return statusIn(copy, node)
  }

  /** Like {@link status}, but an accepted entry is kept (added to the room). */
  async try(kp: Keypair, act: Action, parents?: ParentList, at?: number): Promise<Status> {
    const status = await this.status(kp, act, parents, at)
    if (status === 'accepted') await this.must(kp, act, parents, at)
    return status
  }

  /** Every key joins (accepted). */
  async join(...kps: Keypair[]): Promise<void> {
    for (const kp of kps) await this.must(kp, { op: 'join' })
  }

  /** A second log for the same room holding every entry of this one. */
  async replica(): Promise<AuthorityLog> {
    const other = new AuthorityLog(this.log.genesis)
    await other.addNodes(this.log.entries.map((e) => e.node))
    return other
  }
}

// ---------------------------------------------------------------------------
// Observing a log

/** Accepted, or the reason an entry was refused at its place; `absent` when not stored. */
export type Status = 'accepted' | RejectReason | 'absent'

/** The reason of each refusal (the error name for errors that are not authority refusals). */
export function reasons(errors: readonly ProtocolError[]): string[] {
  return errors.map((e) => (e instanceof AuthorityRejectedError ? e.reason : e.name))
}

/** Status of an entry in a log. */
export function statusIn(log: AuthorityLog, node: EntryNode): Status {
  const placed = log.lookup(node.id)
  if (!placed) return 'absent'
  return placed.rejection ? placed.rejection.reason : 'accepted'
}

/** One line of an order: entry key, status and finalising checkpoint. */
export interface OrderLine {
  readonly key: string
  readonly status: 'accepted' | RejectReason
  readonly checkpoint: number | null
}

/** The order of a log as comparable lines. */
export function linesOf(entries: readonly OrderedEntry[]): OrderLine[] {
  return entries.map((e) => ({ key: e.node.key, status: e.rejection ? e.rejection.reason : 'accepted', checkpoint: e.checkpoint ?? null }))
}

function byKey<T>(items: Iterable<T>, keyOf: (item: T) => string): T[] {
  return [...items].sort((a, b) => {
    const ka = keyOf(a)
    const kb = keyOf(b)
    return ka < kb ? -1 : ka > kb ? 1 : 0
  })
}

/**
 * A canonical serialisation of everything the state decides: members with
 * roles, grant positions, join position and timeout; bans; channels with
 * overrides; roles; policy; metadata; invite uses; checkpoint; position.
 */
export function canonicalState(s: AuthorityState): string {
  return JSON.stringify({
    room: toHex(s.room),
    creator: s.creator,
    policy: { join: s.policy.join, discoverable: s.policy.discoverable, inviteMaxUses: s.policy.inviteMaxUses ?? null },
    meta: {
      name: s.meta.name,
      description: s.meta.description ?? null,
      icon: s.meta.icon ? { mime: s.meta.icon.mime, data: toHex(s.meta.icon.data) } : null,
      tags: [...s.meta.tags]
    },
    roles: byKey(s.roles.values(), (r) => r.id).map((r) => [r.id, r.name, r.caps, r.rank, r.builtin]),
    members: byKey(s.members.entries(), ([k]) => k).map(([k, m]) => ({
      key: k,
      keyField: toHex(m.key),
      roles: [...m.roles].sort(),
      since: byKey(m.roleSince.entries(), ([r]) => r),
      joinedAt: m.joinedAt
    })),
    timeouts: byKey(s.timeouts.entries(), ([k]) => k),
    bans: byKey(s.bans.entries(), ([k]) => k).map(([k, b]) => [k, toHex(b.key), b.by, b.position, b.reason ?? null]),
    channels: byKey(s.channels.entries(), ([k]) => k).map(([k, c]) => ({
      id: k,
      idField: toHex(c.id),
      name: c.name,
      kind: c.kind,
      position: c.position,
      topic: c.topic ?? null,
      overrides: byKey(c.overrides.entries(), ([o]) => o).map(([o, v]) => [o, v.allow, v.deny])
    })),
    inviteUses: byKey(s.inviteUses.entries(), ([k]) => k),
    checkpoint: s.checkpoint ? { seq: s.checkpoint.seq, id: s.checkpoint.id } : null,
    position: s.position
  })
}

/** Everything a log exposes that replicas must agree on. */
export function snapshotOf(log: AuthorityLog): { state: string; order: OrderLine[]; equivocationSeqs: number[] } {
  return {
    state: canonicalState(log.state),
    order: linesOf(log.entries),
    equivocationSeqs: [...new Set(log.equivocations.map((p) => p.seq))].sort((a, b) => a - b)
  }
}

// ---------------------------------------------------------------------------
// The reference model

/** What the reference model derives from a set of entries. */
export interface Reference {
  readonly state: AuthorityState
  readonly order: OrderLine[]
  /** Keys of the chain's checkpoints, seq 1 first. */
  readonly chain: string[]
  /** Seqs at which the creator signed two or more checkpoints (among admitted entries). */
  readonly equivocationSeqs: number[]
  /** Keys of the admitted entries: those a log holding every given entry stores. */
  readonly stored: Set<string>
}

function isOwnerRef(s: AuthorityState, hex: string): boolean {
  const m = s.members.get(hex)
  return m !== undefined && m.roles.has(OWNER)
}

/**
 * Seniority per PROTOCOL.md §6.3, written from the spec: the position at
 * which the author gained its highest-ranked current role (lowest rank
 * number; among equal ranks the earliest grant), its join position when it
 * holds no other role, and +∞ for non-members (the creator's owner role
 * dates from −1).
 */
function seniorityRef(s: AuthorityState, hex: string): number {
  const m = s.members.get(hex)
  if (!m) return Number.POSITIVE_INFINITY
  const held = [...m.roles].map((id) => ({ rank: s.roles.get(id)?.rank ?? MEMBER_RANK, since: m.roleSince.get(id) ?? m.joinedAt }))
  held.push({ rank: MEMBER_RANK, since: m.joinedAt })
  held.sort((a, b) => a.rank - b.rank || a.since - b.since)
  return (held[0] as { since: number }).since
}

function tieBreakRef(s: AuthorityState, a: EntryNode, b: EntryNode): number {
  const ha = toHex(a.entry.author)
  const hb = toHex(b.entry.author)
  const oa = isOwnerRef(s, ha)
  const ob = isOwnerRef(s, hb)
  if (oa !== ob) return oa ? -1 : 1
  const sa = seniorityRef(s, ha)
  const sb = seniorityRef(s, hb)
  if (sa < sb) return -1
  if (sa > sb) return 1
  return compareBytes(a.id, b.id)
}

/** Replay every entry at once, the simplest way the spec allows. */
export function referenceReplay(genesis: Genesis, nodes: Iterable<EntryNode>): Reference {
  const rootKey = toHex(genesisId(genesis))
  const roomHex = toHex(genesis.room)
  const creator = toHex(genesis.creator)
  const all = new Map<string, EntryNode>()
  for (const n of nodes) if (toHex(n.entry.room) === roomHex) all.set(n.key, n)

  // Admission: every parent admitted (or the root) and lamport = 1 + max parent.
  const lamport = new Map<string, number>([[rootKey, 0]])
  const refused = new Set<string>()
  for (let progress = true; progress;) {
    progress = false
    for (const [k, n] of all) {
      if (lamport.has(k) || refused.has(k)) continue
      const parents = n.entry.parents.map((p) => toHex(p))
      if (parents.some((p) => refused.has(p))) {
        refused.add(k)
        progress = true
        continue
      }
      if (!parents.every((p) => lamport.has(p))) continue
      const expected = 1 + Math.max(...parents.map((p) => lamport.get(p) ?? 0))
      if (n.entry.lamport === expected) lamport.set(k, expected)
      else refused.add(k)
      progress = true
    }
  }
  const admitted = new Map([...all].filter(([k]) => lamport.has(k)))

  // Ancestor sets (including the entry itself), memoised.
  const ancestry = new Map<string, Set<string>>()
  const ancestors = (k: string): Set<string> => {
    const known = ancestry.get(k)
    if (known) return known
    const out = new Set<string>([k])
    for (const p of (admitted.get(k) as EntryNode).entry.parents) {
      const pk = toHex(p)
      if (pk !== rootKey) for (const a of ancestors(pk)) out.add(a)
    }
    ancestry.set(k, out)
    return out
  }

  // The checkpoint chain.
  const candidates = [...admitted.values()].filter((n) => n.entry.act.op === 'checkpoint' && toHex(n.entry.author) === creator)
  const chain: string[] = []
  for (let seq = 1; ; seq++) {
    const prev = chain.length > 0 ? chain[chain.length - 1] : undefined
    const qualifying = candidates.filter((n) => {
      const act = n.entry.act
      if (act.op !== 'checkpoint' || act.seq !== seq) return false
      if (prev === undefined) return act.prev === undefined
      return act.prev !== undefined && toHex(act.prev) === prev
    })
    if (qualifying.length === 0) break
    qualifying.sort((a, b) => compareBytes(a.id, b.id))
    chain.push((qualifying[0] as EntryNode).key)
  }
  const seqCounts = new Map<number, number>()
  for (const n of candidates) {
    if (n.entry.act.op === 'checkpoint') seqCounts.set(n.entry.act.seq, (seqCounts.get(n.entry.act.seq) ?? 0) + 1)
  }
  const equivocationSeqs = [...seqCounts].filter(([, c]) => c > 1).map(([s]) => s).sort((a, b) => a - b)

  // Segments: each checkpoint's new ancestors, then the tail.
  const covered = new Set<string>()
  const segments: { keys: string[]; checkpoint: number | null }[] = []
  chain.forEach((cp, i) => {
    const keys = [...ancestors(cp)].filter((k) => !covered.has(k))
    for (const k of keys) covered.add(k)
    segments.push({ keys, checkpoint: i + 1 })
  })
  segments.push({ keys: [...admitted.keys()].filter((k) => !covered.has(k)), checkpoint: null })

  // Replay level by level.
  const state = initialState(genesis)
  const order: OrderLine[] = []
  for (const segment of segments) {
    const levels = new Map<number, EntryNode[]>()
    for (const k of segment.keys) {
      const n = admitted.get(k) as EntryNode
      levels.set(n.entry.lamport, [...(levels.get(n.entry.lamport) ?? []), n])
    }
    for (const level of [...levels.keys()].sort((a, b) => a - b)) {
      const entries = [...(levels.get(level) ?? [])].sort((a, b) => tieBreakRef(state, a, b))
      for (const n of entries) {
        // The reducer must leave the state exactly as it was when it refuses, and advance it by one when it accepts.
        const before = canonicalState(state)
        const position = state.position
        const rejection = applyEntry(state, n)
        if (rejection ? canonicalState(state) !== before : state.position !== position + 1) {
          throw new Error(`applyEntry broke its contract on ${n.entry.act.op} (${rejection?.reason ?? 'accepted'})`)
        }
        order.push({ key: n.key, status: rejection ? rejection.reason : 'accepted', checkpoint: segment.checkpoint })
      }
    }
  }
  return { state, order, chain, equivocationSeqs, stored: new Set(admitted.keys()) }
}

// ---------------------------------------------------------------------------
// Deterministic randomness for delivery schedules

import { Rng } from '../test-rng.ts'
export { Rng }

// ---------------------------------------------------------------------------
// Random multi-author histories

/** The actors of a generated history, by index. */
export const ACTORS = [
  'creator', 'owner2', 'mod1', 'mod2', 'helper1', 'curator1', 'plain1', 'plain2', 'plain3', 'outsider1', 'outsider2', 'banned1'
] as const
/** Role ids actions pick from: static, custom, and ones never defined. */
export const ROLE_POOL = ['owner', 'mod', 'member', 'helper', 'curator', 'vip', 'ghost'] as const
/** Capability masks define-role and overrides pick from. */
export const CAPS_POOL = [
  0, Cap.POST, Cap.POST | Cap.REACT, Cap.BAN, Cap.KICK | Cap.TIMEOUT, Cap.MANAGE_ROLES | Cap.POST,
  Cap.MANAGE_CHANNELS, Cap.INVITE | Cap.POST, Cap.MANAGE_ROOM, Cap.BAN | Cap.KICK | Cap.TIMEOUT | Cap.MANAGE_ROLES
] as const
/** Ranks define-role picks from. */
export const RANK_POOL = [1, 50, 100, 150, 200, 300, 500, 999] as const
/** Channel labels (the prelude creates the first two). */
export const CHANNEL_POOL = ['general', 'voice', 'extra'] as const

/** A generated action, with indices resolved when the history is built. */
export type OpSpec =
  | { readonly op: 'grant' | 'revoke'; readonly target: number; readonly role: number }
  | { readonly op: 'ban' | 'kick'; readonly target: number }
  | { readonly op: 'unban'; readonly target: number }
  | { readonly op: 'timeout'; readonly target: number; readonly clear: boolean }
  | { readonly op: 'define-role'; readonly role: number; readonly caps: number; readonly rank: number }
  | { readonly op: 'delete-role'; readonly role: number }
  | { readonly op: 'set-policy'; readonly invite: boolean; readonly maxUses: number }
  | { readonly op: 'set-meta'; readonly variant: number }
  | { readonly op: 'channel-create' | 'channel-delete'; readonly channel: number }
  | { readonly op: 'channel-update'; readonly channel: number; readonly position: number }
  | { readonly op: 'channel-override'; readonly channel: number; readonly role: number; readonly member: number; readonly allow: number; readonly deny: number }
  | { readonly op: 'join'; readonly inviter: number; readonly exp: 'none' | 'past' | 'future' }
  | { readonly op: 'leave' }
  | { readonly op: 'checkpoint'; readonly seq: number }

/** One step of a generated history. */
export type Step =
  /** `who` signs an action on the heads of what it has seen; rarely with a wrong Lamport. */
  | { readonly k: 'act'; readonly who: number; readonly spec: OpSpec; readonly badLamport: boolean }
  /** `to` learns what `from` has seen (if they are on the same side of a partition). */
  | { readonly k: 'sync'; readonly from: number; readonly to: number }
  /** Everyone on each side of the partition shares what they have seen. */
  | { readonly k: 'gossip' }
  /** Split the actors: bit i of `mask` puts actor i on side B. */
  | { readonly k: 'split'; readonly mask: number }
  /** The partition heals; everyone learns everything. */
  | { readonly k: 'heal' }
  /** The creator signs its next checkpoint; with `equivocate`, a second one with the same seq. */
  | { readonly k: 'checkpoint'; readonly equivocate: boolean; readonly adoptSecond: boolean }

/** A generated history: every entry signed, in signing order, plus who could see what. */
export interface History {
  readonly genesis: Verified<Genesis>
  readonly entries: readonly Verified<EntryNode>[]
  /** Keys of entries signed with a deliberately wrong Lamport. */
  readonly badLamport: ReadonlySet<string>
  /** Keys of the entries side A had seen when the last partition healed (for partition-style delivery). */
  readonly sideA: ReadonlySet<string>
}

const actorKey = (i: number): Keypair => key(`history/${ACTORS[i % ACTORS.length] ?? 'creator'}`)
const pick = <T>(pool: readonly T[], i: number): T => pool[((i % pool.length) + pool.length) % pool.length] as T

let prelude: Promise<{ genesis: Verified<Genesis>; entries: Verified<EntryNode>[] }> | undefined

/**
 * The fixed prelude every history starts from (signed once; Ed25519 is
 * deterministic): custom roles, two channels, everyone but the outsiders
 * joins, roles are granted, banned1 is banned.
 */
export function historyPrelude(): Promise<{ genesis: Verified<Genesis>; entries: Verified<EntryNode>[] }> {
  prelude ??= (async () => {
    const genesis = await makeGenesis('history', { creator: actorKey(0) })
    const dag = new Dag(genesis)
    const c = actorKey(0)
    const member = Cap.POST | Cap.REACT | Cap.ATTACH | Cap.INVITE | Cap.SPEAK
    const steps: [Keypair, Action][] = [
      [c, { op: 'define-role', role: 'helper', name: 'Helper', caps: member | Cap.KICK | Cap.TIMEOUT | Cap.PIN, rank: 200 }],
      [c, { op: 'define-role', role: 'curator', name: 'Curator', caps: member | Cap.MANAGE_ROLES | Cap.MANAGE_CHANNELS | Cap.KICK, rank: 300 }],
      [c, { op: 'channel-create', channel: channelId('general'), name: 'general', kind: 'text', position: 0 }],
      [c, { op: 'channel-create', channel: channelId('voice'), name: 'voice', kind: 'voice', position: 1 }]
    ]
    for (const i of [1, 2, 3, 4, 5, 6, 7, 8, 11]) steps.push([actorKey(i), { op: 'join' }])
    steps.push(
      [c, { op: 'grant', target: actorKey(1).publicKey, role: 'owner' }],
      [c, { op: 'grant', target: actorKey(2).publicKey, role: 'mod' }],
      [c, { op: 'grant', target: actorKey(3).publicKey, role: 'mod' }],
      [c, { op: 'grant', target: actorKey(4).publicKey, role: 'helper' }],
      [c, { op: 'grant', target: actorKey(5).publicKey, role: 'curator' }],
      [c, { op: 'ban', target: actorKey(11).publicKey, reason: 'prelude' }]
    )
    return { genesis, entries: await dag.chain(steps) }
  })()
  return prelude
}

function headsOf(known: ReadonlySet<string>, nodes: ReadonlyMap<string, EntryNode>): EntryNode[] {
  const referenced = new Set<string>()
  for (const k of known) for (const p of (nodes.get(k) as EntryNode).entry.parents) referenced.add(toHex(p))
  const heads = [...known].filter((k) => !referenced.has(k)).map((k) => nodes.get(k) as EntryNode)
  heads.sort((a, b) => b.entry.lamport - a.entry.lamport || (a.key < b.key ? -1 : 1))
  return heads.slice(0, 16)
}

async function resolveAction(spec: OpSpec, room: Uint8Array, at: number): Promise<Action> {
  const target = (i: number): Bytes => actorKey(i).publicKey
  switch (spec.op) {
    case 'grant':
    case 'revoke':
      return { op: spec.op, target: target(spec.target), role: pick(ROLE_POOL, spec.role) }
    case 'ban':
    case 'kick':
      return { op: spec.op, target: target(spec.target) }
    case 'unban':
      return { op: 'unban', target: target(spec.target) }
    case 'timeout':
      return { op: 'timeout', target: target(spec.target), until: spec.clear ? 0 : at + 5_000 }
    case 'define-role':
      return { op: 'define-role', role: pick(ROLE_POOL, spec.role), name: `Role ${spec.role}`, caps: pick(CAPS_POOL, spec.caps), rank: pick(RANK_POOL, spec.rank) }
    case 'delete-role':
      return { op: 'delete-role', role: pick(ROLE_POOL, spec.role) }
    case 'set-policy':
      return { op: 'set-policy', join: spec.invite ? 'invite' : 'open', discoverable: 'unlisted', ...(spec.maxUses > 0 ? { inviteMaxUses: spec.maxUses } : {}) }
    case 'set-meta':
      return { op: 'set-meta', name: `Room v${spec.variant}`, tags: spec.variant % 2 === 0 ? ['games'] : [], ...(spec.variant % 3 === 0 ? { description: 'about' } : {}) }
    case 'channel-create':
      return { op: 'channel-create', channel: channelId(pick(CHANNEL_POOL, spec.channel)), name: pick(CHANNEL_POOL, spec.channel), kind: spec.channel % 2 === 0 ? 'text' : 'voice', position: spec.channel }
    case 'channel-delete':
      return { op: 'channel-delete', channel: channelId(pick(CHANNEL_POOL, spec.channel)) }
    case 'channel-update':
      return { op: 'channel-update', channel: channelId(pick(CHANNEL_POOL, spec.channel)), position: spec.position, name: `renamed-${spec.position}` }
    case 'channel-override': {
      const allow = pick(CAPS_POOL, spec.allow)
      const deny = pick(CAPS_POOL, spec.deny) & ~allow
      return spec.member >= 0
        ? { op: 'channel-override', channel: channelId(pick(CHANNEL_POOL, spec.channel)), member: target(spec.member), allow, deny }
        : { op: 'channel-override', channel: channelId(pick(CHANNEL_POOL, spec.channel)), role: pick(ROLE_POOL, spec.role), allow, deny }
    }
    case 'join': {
      if (spec.inviter < 0) return { op: 'join' }
      const exp = spec.exp === 'none' ? undefined : spec.exp === 'past' ? at - 1 : at + 1_000_000
      return { op: 'join', invite: await joinInvite(actorKey(spec.inviter), room, exp) }
    }
    case 'leave':
      return { op: 'leave' }
    case 'checkpoint':
      return { op: 'checkpoint', seq: spec.seq }
  }
}

/**
 * Play `steps` from the prelude: every actor keeps its own view of the DAG
 * and signs on that view's heads, so actors that have not synced fork.
 */
export async function buildHistory(steps: readonly Step[]): Promise<History> {
  const { genesis, entries: pre } = await historyPrelude()
  const nodes = new Map<string, Verified<EntryNode>>(pre.map((n) => [n.key, n]))
  const entries: Verified<EntryNode>[] = [...pre]
  const badLamport = new Set<string>()
  const views = ACTORS.map(() => new Set(pre.map((n) => n.key)))
  let side = ACTORS.map(() => 0)
  let sideA = new Set<string>()
  let at = 100_000
  let lastCheckpoint: EntryNode | undefined
  const dag = new Dag(genesis)
  const record = (who: number, node: Verified<EntryNode>): void => {
    if (!nodes.has(node.key)) entries.push(node)
    nodes.set(node.key, node)
    ;(views[who] as Set<string>).add(node.key)
  }
  const learn = (to: number, from: number): void => {
    const target = views[to] as Set<string>
    for (const k of views[from] as Set<string>) target.add(k)
  }
  for (const step of steps) {
    at += 1_000
    switch (step.k) {
      case 'act': {
        const heads = headsOf(views[step.who] as Set<string>, nodes)
        const act = await resolveAction(step.spec, genesis.room, at)
        const lamport = Dag.lamportOn(heads) + (step.badLamport ? 1 : 0)
        const node = await dag.sign(actorKey(step.who), act, heads, { at, lamport })
        if (step.badLamport) badLamport.add(node.key)
        record(step.who, node)
        break
      }
      case 'sync':
        if (side[step.from] === side[step.to]) learn(step.to, step.from)
        break
      case 'gossip':
        for (const s of [0, 1]) {
          const group = ACTORS.map((_, i) => i).filter((i) => side[i] === s)
          const union = new Set(group.flatMap((i) => [...(views[i] as Set<string>)]))
          for (const i of group) for (const k of union) (views[i] as Set<string>).add(k)
        }
        break
      case 'split':
        side = ACTORS.map((_, i) => (step.mask >> i) & 1)
        break
      case 'heal': {
        sideA = new Set(ACTORS.flatMap((_, i) => (side[i] === 0 ? [...(views[i] as Set<string>)] : [])))
        side = ACTORS.map(() => 0)
        const union = new Set(views.flatMap((v) => [...v]))
        for (const v of views) for (const k of union) v.add(k)
        break
      }
      case 'checkpoint': {
        const heads = headsOf(views[0] as Set<string>, nodes)
        const prevAct = lastCheckpoint?.entry.act
        const seq = prevAct?.op === 'checkpoint' ? prevAct.seq + 1 : 1
        const first = await dag.sign(actorKey(0), { op: 'checkpoint', seq, ...(lastCheckpoint ? { prev: lastCheckpoint.id } : {}) }, heads, { at })
        record(0, first)
        let adopted: EntryNode = first
        if (step.equivocate) {
          // Same seq and prev, different parents: on the stale heads plus one more entry, or on top of the first.
          const others = heads.length > 1 ? heads.slice(1) : [first]
          const second = await dag.sign(actorKey(0), { op: 'checkpoint', seq, ...(lastCheckpoint ? { prev: lastCheckpoint.id } : {}) }, others, { at: at + 1 })
          record(0, second)
          if (step.adoptSecond) adopted = second
        }
        lastCheckpoint = adopted
        break
      }
    }
  }
  return { genesis, entries, badLamport, sideA }
}

/** Hex keys as bytes, sorted (for comparing missing-parent reports). */
export function sortedHex(ids: readonly Uint8Array[]): string[] {
  return ids.map((i) => toHex(i)).sort()
}

/** Bytes of a hex string (re-exported for tests that build raw records). */
export const hex = fromHex

/** The outcome of {@link simulateClients}. */
export interface Simulation {
  readonly genesis: Verified<Genesis>
  /** Each actor's own log, after a final full exchange. */
  readonly logs: readonly AuthorityLog[]
  /** Every entry signed, in signing order. */
  readonly entries: readonly EntryNode[]
  /** Entries signed in spite of a local refusal (the `badLamport` flag marks a hostile author here). */
  readonly forced: number
  /** Actions honest clients refused locally. */
  readonly refusedLocally: number
}

/**
 * Play `steps` with real clients: every actor runs its own AuthorityLog and
 * authors through `author()` (which refuses locally what peers would refuse
 * and signs on `heads()`); `badLamport` marks a hostile act that is signed on
 * the same heads even when `check()` refuses it. Sync delivers entries
 * between logs; partitions block it until they heal; the creator
 * checkpoints through `author()` and, when told to equivocate, also signs a
 * second checkpoint with the same seq on stale heads.
 */
export async function simulateClients(steps: readonly Step[]): Promise<Simulation> {
  const { genesis, entries: pre } = await historyPrelude()
  const logs = ACTORS.map(() => new AuthorityLog(genesis))
  for (const log of logs) await log.addNodes(pre)
  const entries: EntryNode[] = [...pre]
  const known = new Set(pre.map((n) => n.key))
  let side = ACTORS.map(() => 0)
  let at = 100_000
  let forced = 0
  let refusedLocally = 0
  const record = (node: EntryNode): void => {
    if (!known.has(node.key)) {
      known.add(node.key)
      entries.push(node)
    }
  }
  const send = async (from: AuthorityLog, to: AuthorityLog): Promise<void> => {
    const missing = from.entries.map((e) => e.node).filter((n) => !to.has(n.id))
    if (missing.length > 0) await to.addNodes(missing)
  }
  const signOnHeads = async (who: number, log: AuthorityLog, act: Action, drop: number): Promise<EntryNode> => {
    const { ids } = log.heads()
    const parents = ids.length > drop ? ids.slice(drop) : ids
    const lamport = 1 + Math.max(0, ...parents.map((id) => log.get(id)?.entry.lamport ?? 0))
    const node = await signAuthorityEntry(actorKey(who), { room: genesis.room, parents, lamport, at, act })
    await log.addNodes([node])
    return node
  }
  for (const step of steps) {
    at += 1_000
    switch (step.k) {
      case 'act': {
        const log = logs[step.who] as AuthorityLog
        const act = await resolveAction(step.spec, genesis.room, at)
        if (log.check(actorKey(step.who).publicKey, act, at) === undefined) {
          record(await log.author(actorKey(step.who), act, at))
        } else if (step.badLamport || step.who >= 9) {
          // Outsiders and the banned key (and the occasional hostile act) sign anyway.
          forced++
          record(await signOnHeads(step.who, log, act, 0))
        } else {
          refusedLocally++
        }
        break
      }
      case 'sync':
        if (side[step.from] === side[step.to]) await send(logs[step.from] as AuthorityLog, logs[step.to] as AuthorityLog)
        break
      case 'gossip':
        for (const s of [0, 1]) {
          const group = ACTORS.map((_, i) => i).filter((i) => side[i] === s)
          for (const i of group) for (const j of group) if (i !== j) await send(logs[i] as AuthorityLog, logs[j] as AuthorityLog)
        }
        break
      case 'split':
        side = ACTORS.map((_, i) => (step.mask >> i) & 1)
        break
      case 'heal':
        side = ACTORS.map(() => 0)
        for (const log of logs.slice(1)) await send(log, logs[0] as AuthorityLog)
        for (const log of logs.slice(1)) await send(logs[0] as AuthorityLog, log)
        break
      case 'checkpoint': {
        const log = logs[0] as AuthorityLog
        const last = log.state.checkpoint
        const act: Action = { op: 'checkpoint', seq: (last?.seq ?? 0) + 1, ...(last ? { prev: fromHex(last.id) } : {}) }
        const rejection = log.check(actorKey(0).publicKey, act, at)
        if (rejection === undefined) record(await log.author(actorKey(0), act, at))
        if (step.equivocate) {
          // The same seq again, on the heads minus the newest: a second device, or a cheating sequencer.
          forced++
          record(await signOnHeads(0, log, act, 1))
        }
        break
      }
    }
  }
  // Everyone ends up with everything.
  for (const log of logs.slice(1)) await send(log, logs[0] as AuthorityLog)
  for (const log of logs.slice(1)) await send(logs[0] as AuthorityLog, log)
  return { genesis, logs, entries, forced, refusedLocally }
}
