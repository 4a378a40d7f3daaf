/**
 * Authority log throughput (PROTOCOL.md §6): replaying a room's whole log,
 * and adding one entry to an already replayed log.
 *
 * One op is one entry, so every row's unit is `ops/s` and its ratio against a
 * verify rate reads directly as "entries per verified signature".
 *
 * Rows:
 * - authority.verify-baseline: the log's own signatures checked by raw
 *   WebCrypto (keys imported once, 64 in flight), measured interleaved with
 *   the replays: the ceiling for this data on this machine at this moment.
 *   Baseline: crypto.verify.raw-webcrypto-batch; a ratio far from 1 means the
 *   machine's load changed between the modules (the replay's ratio is then
 *   better read against this row).
 * - authority.replay: `new AuthorityLog(genesis)` then `add(every encoding)`
 *   (decode, batch signature verify, Lamport checks, linear order, reducer)
 *   over the log below, given in the order it was written. Baseline:
 *   crypto.verify.raw-webcrypto-batch, the platform's concurrent verify rate
 *   (every entry carries one signature). The timed replays find every author
 *   key in the protocol's key cache (the untimed first replay is logged).
 * - authority.append: `addNodes([node])` one entry at a time on a replayed
 *   log, each entry naming the previous one as its parent, so each sorts last
 *   (the O(1) path). Baseline: crypto.verify.raw-webcrypto (one awaited
 *   verify), since each append awaits one verify.
 * - authority.append-reorder: `addNodes([node])` of entries written on a stale
 *   head inside the provisional tail (lower Lamport time than the last entry),
 *   so each one replays the tail from the last checkpoint's snapshot.
 *   Baseline: authority.append (the ratio is the cost of landing mid-tail).
 *
 * The log is deterministic (seeded keys and choices): 2,000 entries of a
 * community room. The owner sets the room up (meta, channels, custom roles),
 * promotes a co-owner and up to 30 moderators, hands out custom roles and
 * sets channel overrides; members join (over half the entries), leave and
 * rejoin; moderators time out, kick and ban; the creator signs 5 checkpoints,
 * the last leaving a provisional tail of ~200 entries. Half the entries are
 * written on heads 1–5 entries stale, so most Lamport levels hold concurrent
 * entries that the order's tie-break has to sort. The join policy is open, so
 * no entry carries an invite signature: one signature per entry.
 *
 * The crypto module must run in the same invocation (it does in a full run,
 * which lists it first; `node bench/run.ts crypto authority` to run just
 * these), since the baselines are its rows.
 */
import {
  AuthorityLog,
  Cap,
  MOD,
  OWNER,
  createGenesis,
  genesisId,
  fromBase64Url,
  sha256,
  sign,
  signAuthorityEntry,
  signatureInput,
  toHex,
  verifyAuthorityEntries,
  type Action,
  type AuthorityState,
  type Bytes,
  type EntryNode,
  type Genesis,
  type Keypair,
  type Verified
} from '@hearth/protocol'
import { formatNumber, measureDuration, type BenchContext, type Duration, type BenchModule, type Row } from './harness.ts'

/** Entries in the replayed log. */
const LOG_ENTRIES = 2000
/** Entries written after the last checkpoint (the provisional tail, before stale writers add to it). */
const TAIL_ENTRIES = 200
/** Checkpoints the creator signs, evenly spaced before the tail. */
const CHECKPOINTS = 5
/** Most entries a writer may not have seen yet when it writes (its view's lag). */
const MAX_LAG = 5
/** Entries after which a change is seen by every writer: only then is it acted on. */
const SETTLE = MAX_LAG + 1
/** Start of the room's clock (Unix ms) and the time between entries. */
const T0 = 1_750_000_000_000
const TICK = 45_000

const encoder = new TextEncoder()

function fail(what: string): never {
  throw new Error(`authority bench: ${what}`)
}

/** PKCS #8 wrapping of an Ed25519 seed (RFC 8410), for WebCrypto's importKey. */
const PKCS8_ED25519 = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])

/**
 * Deterministic keypairs (seed = SHA-256 of a label), derived on WebCrypto in
 * parallel batches: the log needs ~1,100 keys and the protocol's
 * keypairFromSeed (noble) would spend ~0.4 s on them.
 */
class KeyPool {
  readonly #label: string
  #made = 0
  #ready: Keypair[] = []

  constructor(label: string) {
    this.#label = label
  }

  async next(): Promise<Keypair> {
    if (this.#ready.length === 0) {
      const labels = Array.from({ length: 128 }, (_, i) => `${this.#label} ${this.#made + i}`)
      this.#made += labels.length
      this.#ready = (await Promise.all(labels.map(deriveKeypair))).reverse()
    }
    return this.#ready.pop() ?? fail('key pool')
  }
}

async function deriveKeypair(label: string): Promise<Keypair> {
  const seed = sha256(encoder.encode(`hearth bench authority key ${label}`))
  const der = new Uint8Array(48)
  der.set(PKCS8_ED25519)
  der.set(seed, 16)
  const key = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, true, ['sign'])
  const { x } = await crypto.subtle.exportKey('jwk', key)
  const kp: Keypair = { publicKey: fromBase64Url(x ?? fail('no public key')), seed }
  // Sign once so the protocol's signing key cache imports this key now, in parallel.
  await sign(kp, seed)
  return kp
}

/** mulberry32: a small seeded PRNG, so the log is the same every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Head {
  readonly id: Bytes
  readonly key: string
  readonly lamport: number
}

/** A member as the scenario's writers know them. */
interface SimMember {
  readonly kp: Keypair
  /** Entry index of the last change to this member (join, role, kick, ...). */
  touched: number
  roles: Set<string>
}

const MEMBER_CAPS = Cap.POST | Cap.REACT | Cap.ATTACH | Cap.INVITE | Cap.SPEAK | Cap.VIDEO | Cap.SCREEN
const CUSTOM_ROLES: readonly { id: string; name: string; caps: number; rank: number }[] = [
  { id: 'helper', name: 'Helper', caps: MEMBER_CAPS | Cap.PIN | Cap.DELETE_OTHERS, rank: 300 },
  { id: 'vip', name: 'VIP', caps: MEMBER_CAPS, rank: 500 },
  { id: 'artist', name: 'Artist', caps: MEMBER_CAPS | Cap.PIN, rank: 600 },
  { id: 'event-host', name: 'Event host', caps: MEMBER_CAPS | Cap.PIN | Cap.SPEAK, rank: 400 }
]
const CHANNEL_NAMES = ['general', 'announcements', 'off-topic', 'help', 'lounge', 'events', 'art', 'music', 'memes', 'dev']

/**
 * Writes the room's log entry by entry. Entry i is written on the heads as
 * they were `lag` entries earlier (a writer who has not yet seen the last
 * `lag` entries), so concurrent entries share Lamport times.
 */
class Scenario {
  readonly entries: Verified<EntryNode>[] = []
  readonly owner: Keypair
  readonly genesis: Verified<Genesis>
  /** The DAG root (the genesis id), parent of the first entry. */
  readonly root: Bytes
  readonly #rand: () => number
  /** headsAt[i]: the heads after i entries. */
  readonly #headsAt: (readonly Head[])[] = [[]]
  /** Members moderators may act on: no owner, no moderator. */
  readonly plain: SimMember[] = []
  readonly mods: SimMember[] = []
  /** Keys that left or were kicked (may rejoin), and banned keys (may be unbanned). */
  readonly gone: SimMember[] = []
  readonly banned: SimMember[] = []
  readonly channels: { id: Bytes; at: number }[] = []
  readonly roles: { id: string; at: number }[] = []
  coOwner: SimMember | undefined
  readonly #keys = new KeyPool('member')
  #checkpoint: { seq: number; id: Bytes } | undefined

  private constructor(owner: Keypair, genesis: Verified<Genesis>, seed: number) {
    this.owner = owner
    this.genesis = genesis
    this.root = genesisId(genesis)
    this.#rand = prng(seed)
  }

  static async create(seed: number): Promise<Scenario> {
    const owner = await deriveKeypair('owner')
    const genesis = await createGenesis(owner, {
      name: 'Bench Community', created: T0, policy: { join: 'open', discoverable: 'listed' }, nonce: new Uint8Array(16).fill(7)
    })
    return new Scenario(owner, genesis, seed)
  }

  get size(): number {
    return this.entries.length
  }

  rand(n: number): number {
    return Math.floor(this.#rand() * n)
  }

  chance(p: number): boolean {
    return this.#rand() < p
  }

  /** Lag of the next writer's view: 0 for about half the entries, up to {@link MAX_LAG}. */
  lag(): number {
    const r = this.#rand()
    if (r < 0.5) return 0
    if (r < 0.72) return 1
    if (r < 0.86) return 2
    if (r < 0.94) return 3
    return 4 + this.rand(MAX_LAG - 3)
  }

  /** Sign `act` by `author` on the heads of `lag` entries ago, and record it. */
  async write(author: Keypair, act: Action, lag: number): Promise<Verified<EntryNode>> {
    const i = this.entries.length
    const view = [...this.#headsAt[Math.max(0, i - lag)] ?? fail('no view')].sort((a, b) => b.lamport - a.lamport).slice(0, 16)
    const parents = view.length === 0 ? [this.root] : view.map((h) => h.id)
    const lamport = 1 + Math.max(0, ...view.map((h) => h.lamport))
    const node = await signAuthorityEntry(author, { room: this.genesis.room, parents, lamport, at: T0 + (i + 1) * TICK, act })
    const named = new Set(view.map((h) => h.key))
    const heads = (this.#headsAt[i] ?? fail('no heads')).filter((h) => !named.has(h.key))
    heads.push({ id: node.id, key: node.key, lamport })
    this.#headsAt.push(heads)
    this.entries.push(node)
    return node
  }

  settled(at: number): boolean {
    return this.size - at >= SETTLE
  }

  /** A random settled member of `pool` (undefined after a few misses). */
  pick(pool: readonly SimMember[], ok: (m: SimMember) => boolean = () => true): SimMember | undefined {
    for (let tries = 0; tries < 8 && pool.length > 0; tries++) {
      const m = pool[this.rand(pool.length)] as SimMember
      if (this.settled(m.touched) && ok(m)) return m
    }
    return undefined
  }

  settledChannel(): Bytes | undefined {
    const settled = this.channels.filter((c) => this.settled(c.at))
    return settled.length === 0 ? undefined : (settled[this.rand(settled.length)] as { id: Bytes }).id
  }

  /** A room-level manager: the owner, or (a third of the time) the settled co-owner. */
  manager(): Keypair {
    const co = this.coOwner
    return co && this.settled(co.touched) && this.chance(1 / 3) ? co.kp : this.owner
  }

  async join(): Promise<void> {
    const back = this.chance(0.15) ? this.pick(this.gone) : undefined
    let m: SimMember
    if (back) {
      remove(this.gone, back)
      m = back
    } else {
      m = { kp: await this.#keys.next(), touched: 0, roles: new Set() }
    }
    m.touched = this.size
    m.roles = new Set()
    this.plain.push(m)
    await this.write(m.kp, { op: 'join' }, this.lag())
  }

  async checkpoint(): Promise<void> {
    const seq = (this.#checkpoint?.seq ?? 0) + 1
    const prev = this.#checkpoint?.id
    const node = await this.write(this.owner, { op: 'checkpoint', seq, ...(prev ? { prev } : {}) }, 0)
    this.#checkpoint = { seq, id: node.id }
  }

  /** The scripted start: meta, channels, roles, the co-owner. */
  async setUp(): Promise<void> {
    await this.write(this.owner, { op: 'set-meta', name: 'Bench Community', description: 'A room for benchmarks.', tags: ['bench', 'test'] }, 0)
    for (let c = 0; c < 6; c++) await this.createChannel()
    for (const role of CUSTOM_ROLES.slice(0, 3)) await this.defineRole(role)
    await this.write(this.owner, { op: 'set-policy', join: 'open', discoverable: 'listed' }, 0)
    const co = { kp: await deriveKeypair('co-owner'), touched: this.size, roles: new Set<string>() }
    await this.write(co.kp, { op: 'join' }, 0)
    for (let j = 0; j < SETTLE; j++) await this.join()
    co.touched = this.size
    co.roles.add(OWNER)
    this.coOwner = co
    await this.write(this.owner, { op: 'grant', target: co.kp.publicKey, role: OWNER }, 0)
  }

  async createChannel(): Promise<void> {
    const n = this.channels.length
    const id = sha256(encoder.encode(`hearth bench channel ${n}`)).slice(0, 16)
    this.channels.push({ id, at: this.size })
    const name = `${CHANNEL_NAMES[n % CHANNEL_NAMES.length] ?? 'channel'}-${n}`
    await this.write(this.manager(), { op: 'channel-create', channel: id, name, kind: n % 5 === 4 ? 'voice' : 'text', position: n, topic: `All about ${name}` }, this.lag())
  }

  async defineRole(role: { id: string; name: string; caps: number; rank: number }): Promise<void> {
    const existing = this.roles.find((r) => r.id === role.id)
    if (existing) existing.at = this.size
    else this.roles.push({ id: role.id, at: this.size })
    await this.write(this.owner, { op: 'define-role', role: role.id, name: role.name, caps: role.caps, rank: role.rank }, 0)
  }

  /** One entry of the room's everyday life. */
  async step(): Promise<void> {
    const r = this.#rand()
    const lag = this.lag()
    const at = T0 + (this.size + 1) * TICK
    if (r < 0.5) return this.join()
    if (r < 0.6) {
      // A moderator (or now and then an owner) times a member out, or lifts a timeout.
      const mod = this.pick(this.mods)
      const target = this.pick(this.plain)
      if (!target) return this.join()
      target.touched = this.size
      const author = mod && !this.chance(0.1) ? mod.kp : this.manager()
      const until = this.chance(0.15) ? 0 : at + 600_000 * (1 + this.rand(12))
      await this.write(author, { op: 'timeout', target: target.kp.publicKey, until, ...(this.chance(0.5) ? { reason: 'spam' } : {}) }, lag)
      return
    }
    if (r < 0.655) {
      const mod = this.pick(this.mods)
      const target = this.pick(this.plain)
      if (!mod || !target) return this.join()
      remove(this.plain, target)
      target.touched = this.size
      const ban = r >= 0.64
      if (ban) this.banned.push(target)
      else this.gone.push(target)
      await this.write(mod.kp, ban
        ? { op: 'ban', target: target.kp.publicKey, reason: 'repeated spam' }
        : { op: 'kick', target: target.kp.publicKey, ...(this.chance(0.5) ? { reason: 'off-topic flood' } : {}) }, lag)
      return
    }
    if (r < 0.66) {
      const target = this.pick(this.banned)
      if (!target) return this.join()
      remove(this.banned, target)
      target.touched = this.size
      this.gone.push(target)
      await this.write(this.manager(), { op: 'unban', target: target.kp.publicKey }, lag)
      return
    }
    if (r < 0.7) {
      const m = this.pick(this.plain)
      if (!m) return this.join()
      remove(this.plain, m)
      m.touched = this.size
      this.gone.push(m)
      await this.write(m.kp, { op: 'leave' }, lag)
      return
    }
    if (r < 0.72) {
      if (this.mods.length >= 30) return this.join()
      const target = this.pick(this.plain)
      if (!target) return this.join()
      remove(this.plain, target)
      target.touched = this.size
      target.roles.add(MOD)
      this.mods.push(target)
      await this.write(this.manager(), { op: 'grant', target: target.kp.publicKey, role: MOD }, lag)
      return
    }
    if (r < 0.78) {
      const roles = this.roles.filter((x) => this.settled(x.at))
      const role = roles[this.rand(roles.length)]
      const target = this.pick(this.plain, (m) => m.roles.size === 0)
      if (!role || !target) return this.join()
      target.touched = this.size
      target.roles.add(role.id)
      await this.write(this.manager(), { op: 'grant', target: target.kp.publicKey, role: role.id }, lag)
      return
    }
    if (r < 0.79) {
      const target = this.pick(this.plain, (m) => m.roles.size > 0)
      const role = target ? [...target.roles][0] : undefined
      if (!target || role === undefined) return this.join()
      target.touched = this.size
      target.roles.delete(role)
      await this.write(this.manager(), { op: 'revoke', target: target.kp.publicKey, role }, lag)
      return
    }
    if (r < 0.83) {
      const channel = this.settledChannel()
      if (!channel) return this.join()
      const act: Action = this.chance(0.5)
        ? { op: 'channel-update', channel, topic: `Topic #${this.size}` }
        : { op: 'channel-update', channel, name: `renamed-${this.size}`, position: this.rand(30) }
      await this.write(this.manager(), act, lag)
      return
    }
    if (r < 0.89) {
      const channel = this.settledChannel()
      if (!channel) return this.join()
      if (this.chance(0.6)) {
        const roles = [MOD, 'member', ...this.roles.filter((x) => this.settled(x.at)).map((x) => x.id)]
        const role = roles[this.rand(roles.length)] as string
        const [allow, deny] = this.chance(0.5) ? [Cap.POST | Cap.ATTACH, 0] : [Cap.REACT, Cap.POST]
        await this.write(this.manager(), { op: 'channel-override', channel, role, allow, deny }, lag)
      } else {
        const target = this.pick(this.plain)
        if (!target) return this.join()
        target.touched = this.size
        await this.write(this.manager(), { op: 'channel-override', channel, member: target.kp.publicKey, allow: 0, deny: Cap.ATTACH | Cap.SCREEN }, lag)
      }
      return
    }
    if (r < 0.9) {
      if (this.channels.length >= 24) return this.join()
      return this.createChannel()
    }
    if (r < 0.905) {
      const role = CUSTOM_ROLES[this.rand(CUSTOM_ROLES.length)] as (typeof CUSTOM_ROLES)[number]
      return this.defineRole({ ...role, caps: role.caps ^ (this.chance(0.5) ? Cap.ATTACH : 0) })
    }
    return this.join()
  }

  /** The whole log: set-up, everyday life, checkpoints evenly spaced before the tail. */
  async build(): Promise<void> {
    await this.setUp()
    const stride = Math.floor((LOG_ENTRIES - TAIL_ENTRIES) / CHECKPOINTS)
    const checkpointAt = new Set(Array.from({ length: CHECKPOINTS }, (_, k) => LOG_ENTRIES - TAIL_ENTRIES - k * stride))
    while (this.size < LOG_ENTRIES) {
      if (checkpointAt.has(this.size)) await this.checkpoint()
      else await this.step()
    }
  }
}

function remove<T>(list: T[], item: T): void {
  const at = list.indexOf(item)
  if (at < 0) fail('removing an absent item')
  list[at] = list[list.length - 1] as T
  list.pop()
}

/** Replay the log into a fresh AuthorityLog; checks that every entry was stored. */
async function replay(genesis: Verified<Genesis>, encoded: readonly Uint8Array[]): Promise<AuthorityLog> {
  const log = new AuthorityLog(genesis)
  const result = await log.add(encoded)
  if (result.invalid.length > 0 || result.missing.length > 0 || log.size !== encoded.length) {
    fail(`replay stored ${log.size} of ${encoded.length} entries (${result.invalid.length} invalid: ${result.invalid[0]?.message ?? ''})`)
  }
  return log
}

/** Members in `state` that a moderator may act on at any later point: plain members (custom roles allowed). */
function actionableMembers(scenario: Scenario, state: AuthorityState): SimMember[] {
  return scenario.plain.filter((m) => {
    const s = state.members.get(toHex(m.kp.publicKey))
    return s !== undefined && !s.roles.has(MOD) && !s.roles.has(OWNER) && m.touched < LOG_ENTRIES - TAIL_ENTRIES
  })
}

function actingMods(scenario: Scenario, state: AuthorityState): SimMember[] {
  return scenario.mods.filter((m) =>
    state.members.get(toHex(m.kp.publicKey))?.roles.has(MOD) === true && m.touched < LOG_ENTRIES - TAIL_ENTRIES - SETTLE)
}

/**
 * `count` entries chained on the log's heads (each naming the previous), so
 * each sorts last: new members joining, moderators timing members out, the
 * owner editing a channel.
 */
async function appendChain(scenario: Scenario, base: AuthorityLog, count: number): Promise<Verified<EntryNode>[]> {
  let { ids, lamport } = base.heads()
  const targets = actionableMembers(scenario, base.state)
  const mods = actingMods(scenario, base.state)
  const channel = scenario.channels[0]?.id ?? fail('no channel')
  const keys = new KeyPool('appender')
  const out: Verified<EntryNode>[] = []
  for (let k = 0; k < count; k++) {
    const at = T0 + (LOG_ENTRIES + 10 + k) * TICK
    let author: Keypair
    let act: Action
    if (k % 4 < 2) {
      author = await keys.next()
      act = { op: 'join' }
    } else if (k % 4 === 2) {
      author = (mods[k % mods.length] ?? fail('no moderator')).kp
      act = { op: 'timeout', target: (targets[k % targets.length] ?? fail('no target')).kp.publicKey, until: at + 600_000 }
    } else {
      author = scenario.owner
      act = { op: 'channel-update', channel, topic: `Append #${k}` }
    }
    const node = await signAuthorityEntry(author, { room: scenario.genesis.room, parents: ids, lamport, at, act })
    out.push(node)
    ids = [node.id]
    lamport++
  }
  return out
}

/**
 * `count` entries written on stale heads inside the provisional tail (the
 * middle half of it): late joins, and timeouts by moderators who had not seen
 * the newest entries. Each has a lower Lamport time than the log's last entry.
 */
async function staleEntries(scenario: Scenario, base: AuthorityLog, count: number): Promise<Verified<EntryNode>[]> {
  const tail = base.entries.filter((e) => e.checkpoint === undefined && e.rejection === undefined)
  const last = base.entries[base.entries.length - 1]?.node.entry.lamport ?? fail('empty log')
  const targets = actionableMembers(scenario, base.state)
  const mods = actingMods(scenario, base.state)
  const keys = new KeyPool('late joiner')
  const out: Verified<EntryNode>[] = []
  for (let k = 0; k < count; k++) {
    const anchor = (tail[Math.floor(tail.length * (0.25 + (0.5 * k) / count))] ?? fail('tail too short')).node
    const lamport = anchor.entry.lamport + 1
    if (lamport >= last) fail('a stale entry would sort last')
    const at = anchor.entry.at + 1000
    const join = k % 3 !== 2
    const author = join ? await keys.next() : (mods[k % mods.length] ?? fail('no moderator')).kp
    const act: Action = join
      ? { op: 'join' }
      : { op: 'timeout', target: (targets[(k * 7) % targets.length] ?? fail('no target')).kp.publicKey, until: at + 600_000 }
    out.push(await signAuthorityEntry(author, { room: scenario.genesis.room, parents: [anchor.id], lamport, at, act }))
  }
  return out
}

/**
 * Add `nodes` one at a time. With `check`, confirm each was accepted and
 * (when `last`) sorts last or (otherwise) landed before the end.
 */
async function addOneByOne(log: AuthorityLog, nodes: readonly EntryNode[], check?: { last: boolean }): Promise<void> {
  for (const node of nodes) {
    const result = await log.addNodes([node])
    if (!check) continue
    if (result.added.length !== 1) fail(`entry not added: ${result.invalid[0]?.message ?? '?'}`)
    const placed = log.lookup(node.id) ?? fail('entry not in the order')
    if (placed.rejection) fail(`entry refused: ${placed.rejection.message}`)
    const isLast = log.entries[log.entries.length - 1]?.node.key === node.key
    if (isLast !== check.last) fail(check.last ? 'an appended entry did not sort last' : 'a stale entry sorted last')
  }
}

function describeLog(log: AuthorityLog): string {
  const ops = new Map<string, number>()
  for (const e of log.entries) ops.set(e.node.entry.act.op, (ops.get(e.node.entry.act.op) ?? 0) + 1)
  const levels = new Map<number, number>()
  for (const e of log.entries) levels.set(e.node.entry.lamport, (levels.get(e.node.entry.lamport) ?? 0) + 1)
  const concurrent = [...levels.values()].filter((n) => n > 1).reduce((a, b) => a + b, 0)
  const refused = log.entries.filter((e) => e.rejection).length
  const tail = log.entries.filter((e) => e.checkpoint === undefined).length
  const bytes = log.entries.reduce((a, e) => a + e.node.bytes.length, 0)
  const top = [...ops].sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(', ')
  return `${log.size} entries (${top}); ${levels.size} Lamport levels, ${concurrent} entries share one; ` +
    `${refused} refused at their place; tail ${tail}; ${log.state.members.size} members; ${(bytes / log.size).toFixed(0)} B/entry`
}

/** A row of `units` ops per `d.ms`. */
function durationRow(ctx: BenchContext, id: string, units: number, d: Duration, baselineId: string): Row {
  const { ms, spread } = d
  const value = (units * 1000) / ms
  ctx.log(`  ${id}: ${formatNumber(value)} ops/s (±${((spread / 2) * 100).toFixed(1)}%)`)
  return { id, value, unit: 'ops/s', spread, baselineId }
}

async function run(ctx: BenchContext): Promise<Row[]> {
  const t0 = performance.now()
  const scenario = await Scenario.create(0x4ea27)
  await scenario.build()
  const { genesis } = scenario
  const encoded = scenario.entries.map((n) => n.bytes)
  const t1 = performance.now()
  // The first replay also imports every author's key into the protocol's key cache.
  const base = await replay(genesis, encoded)
  const t2 = performance.now()
  ctx.log(`  log: ${describeLog(base)}`)
  ctx.log(`  (written in ${((t1 - t0) / 1000).toFixed(1)} s; first replay, importing keys: ${(t2 - t1).toFixed(0)} ms)`)

  const chain = await appendChain(scenario, base, ctx.quick ? 200 : 1000)
  const stale = await staleEntries(scenario, base, ctx.quick ? 20 : 60)
  // Import the fixtures' new keys too, as the replay did for the log's.
  if ((await verifyAuthorityEntries([...chain, ...stale])).some((v) => v instanceof Error)) fail('a fixture entry does not verify')

  // The ceiling: the same signatures checked by raw WebCrypto (keys imported
  // once, 64 in flight), measured interleaved with the replays.
  const algorithm = { name: 'Ed25519' }
  const authors = new Map(scenario.entries.map(({ entry }) => [toHex(entry.author), entry.author]))
  const cryptoKeys = new Map(await Promise.all([...authors].map(async ([hex, publicKey]) =>
    [hex, await crypto.subtle.importKey('raw', publicKey, algorithm, false, ['verify'])] as const)))
  const raw = scenario.entries.map(({ entry }) => ({
    cryptoKey: cryptoKeys.get(toHex(entry.author)) ?? fail('no key'), message: signatureInput(entry), signature: entry.sig
  }))

  let replayed = base
  const rows = await ctx.throughputs([
    {
      id: 'authority.verify-baseline',
      baselineId: 'crypto.verify.raw-webcrypto-batch',
      op: async () => {
        for (let start = 0; start < raw.length; start += 64) {
          const window = raw.slice(start, start + 64)
          const ok = await Promise.all(window.map((it) => crypto.subtle.verify(algorithm, it.cryptoKey, it.signature, it.message)))
          if (ok.includes(false)) fail('raw verify returned false')
        }
        return raw.length
      }
    },
    {
      id: 'authority.replay',
      baselineId: 'crypto.verify.raw-webcrypto-batch',
      op: async () => {
        replayed = await replay(genesis, encoded)
        return encoded.length
      }
    }
  ], ctx.quick
    // A replay takes ~0.15–0.3 s, so a round is one or two of them. Quick: a
    // single round of one op each, warmed up by the untimed replay above.
    ? { warmupMs: 0, roundMs: 1, rounds: 1 }
    : {})

  // Appends: every round adds the same entries to a freshly replayed log
  // (replayed outside the timing); the first round also checks where they land.
  // Quick: one round each on the last replay's log, stale entries first (the
  // appended chain still sorts last after them).
  let log = replayed
  let checked = false
  const timeAdds = async (nodes: readonly EntryNode[], last: boolean): Promise<Duration> => {
    checked = false
    return measureDuration(async () => {
      await addOneByOne(log, nodes, checked ? undefined : { last })
      checked = true
    }, ctx.quick
      ? { rounds: 1, warmups: 0 }
      : { rounds: 5, warmups: 1, setup: async () => { log = await replay(genesis, encoded) } })
  }
  const reorder = await timeAdds(stale, false)
  const append = await timeAdds(chain, true)
  rows.push(durationRow(ctx, 'authority.append', chain.length, append, 'crypto.verify.raw-webcrypto'))
  rows.push(durationRow(ctx, 'authority.append-reorder', stale.length, reorder, 'authority.append'))
  return rows
}

export const authorityBench: BenchModule = { name: 'authority', run }
