/**
 * Shared helpers for the channel tests (not exported by the package):
 * fixed keys and ids, an event writer that fills in Lamport stamps, a
 * capability-table acceptance hook, canonical snapshots of logs and views,
 * and a generator of random multi-author histories.
 */
import fc from 'fast-check'
import { compareBytes, toHex, type Bytes } from '../bytes.ts'
import type { Keypair } from '../crypto/ed25519.ts'
import { sha256 } from '../crypto/sha256.ts'
import { Cap } from '../authority/capabilities.ts'
import type { Verified } from '../verified.ts'
import { testBytes, testKeypair } from '../test-support.ts'
import { signChannelEvent, type ChannelEventNode, type EventBody, type EventContent } from './event.ts'
import { ChannelLog } from './channel-log.ts'
import type { AcceptRefusal, ChannelAcceptHook, ChannelAcceptRequest } from './acceptance.ts'
import type { ChannelMessage, ChannelView } from './channel-view.ts'

export type Node = Verified<ChannelEventNode>

export const ROOM = testBytes('channel/room', 32)
export const OTHER_ROOM = testBytes('channel/other-room', 32)
export const CHANNEL = testBytes('channel/channel', 16)
export const OTHER_CHANNEL = testBytes('channel/other-channel', 16)
/** Authority heads events cite: one every replica knows, one learned late. */
export const AUTH_KNOWN = testBytes('channel/auth-known', 32)
export const AUTH_LATE = testBytes('channel/auth-late', 32)
export const T0 = 1_700_000_000_000

/** Fixed authors. */
export const AUTHORS: readonly Keypair[] = ['alice', 'bob', 'carol', 'dave', 'erin'].map((n) => testKeypair(`channel/${n}`))

/** Sign `body` by `kp` on `parents`, with the Lamport stamp the rule demands (plus `lamportOffset`). */
export function write(
  kp: Keypair,
  body: EventBody,
  parents: readonly ChannelEventNode[] = [],
  opts: { at?: number; auth?: readonly Uint8Array[]; room?: Uint8Array; channel?: Uint8Array; lamportOffset?: number } = {}
): Promise<Node> {
  const lamport = 1 + Math.max(0, ...parents.map((p) => p.event.lamport)) + (opts.lamportOffset ?? 0)
  return signChannelEvent(kp, {
    room: opts.room ?? ROOM, channel: opts.channel ?? CHANNEL, lamport, parents: parents.map((p) => p.id),
    auth: opts.auth ?? [AUTH_KNOWN], at: opts.at ?? T0, body
  })
}

/** The encoding with one bit of the signature flipped (the `sig` key is followed by a 64-byte string head 0x58 0x40). */
export function flipSignatureBit(encoded: Uint8Array): Uint8Array {
  const hex = toHex(encoded)
  const at = hex.indexOf('6373696758' + '40')
  if (at < 0 || at % 2 !== 0) throw new Error('no sig field')
  const out = Uint8Array.from(encoded)
  const i = at / 2 + 6
  out[i] = (out[i] as number) ^ 1
  return out
}

export const text = (t: string): EventContent => ({ text: t })

/** A hook that admits everything. */
export const acceptAll: ChannelAcceptHook = () => true

/**
 * A deterministic hook from a table: `caps[i]` is what AUTHORS[i] holds
 * (undefined: not a member); events citing AUTH_LATE wait until `known()`;
 * events whose id hashes into `refuseOneIn` are refused outright.
 */
export function tableHook(opts: { caps: readonly (number | undefined)[]; known?: () => boolean; refuseOneIn?: number }): ChannelAcceptHook {
  const byKey = new Map(AUTHORS.map((kp, i) => [toHex(kp.publicKey), opts.caps[i]]))
  return (req: ChannelAcceptRequest): true | AcceptRefusal => {
    const { event } = req.event
    if (event.auth.some((a) => compareBytes(a, AUTH_LATE) === 0) && !(opts.known?.() ?? true)) return 'unknown-authority'
    const caps = byKey.get(toHex(event.author))
    if (caps === undefined) return 'not-member'
    if ((caps & req.needed) !== req.needed) return 'missing-capability'
    const n = opts.refuseOneIn ?? 0
    if (n > 0 && (req.event.id[0] as number) % n === 0) return 'refused'
    return true
  }
}

/** Everything a client sees of a message, as JSON with hex bytes. */
export function messageJson(m: ChannelMessage): unknown {
  return JSON.parse(JSON.stringify(m, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v)))
}

/** A view as plain JSON: every message, oldest first. */
export function viewJson(view: ChannelView): unknown {
  return view.messages().map(messageJson)
}

/** A log's order as keys. */
export function orderOf(log: ChannelLog): string[] {
  return log.events.map((e) => e.key)
}

import { Rng } from '../test-rng.ts'
export { Rng }

// ---------------------------------------------------------------------------
// Random histories

/** One step of a generated history: which event to write (indices resolve modulo what exists). */
export interface Step {
  readonly kind: 'post' | 'edit' | 'delete' | 'react' | 'unreact' | 'pin' | 'unpin'
  readonly author: number
  /**
   * Where the parents come from: the heads of an honest writer's log (which
   * holds what the hook admits), a few events that log stores (a stale or
   * partial view: forks), or any events written so far, refused ones too.
   */
  readonly from: 'heads' | 'stored' | 'any'
  /** Parent picks for `stored` and `any`, as indices. */
  readonly parents: readonly number[]
  /** Target: an index into the admitted posts (`post`), into every event (`any`), or an id nobody has (`unknown`). */
  readonly target: { readonly mode: 'post' | 'any' | 'unknown'; readonly index: number }
  /** Act as the target's author rather than `author`. */
  readonly ownTarget: boolean
  readonly variant: number
  readonly late: boolean
  readonly badLamport: boolean
  readonly foreign: 'no' | 'room' | 'channel'
}

/** A generated history: every signed event (including invalid ones), in writing order. */
export interface History {
  readonly events: readonly Node[]
}

export const EMOJIS = ['👍', '❤️', '😂', 'ok'] as const

function bodyOf(s: Step, i: number, target: Bytes, replyTo: Bytes | undefined): EventBody {
  const emoji = EMOJIS[s.variant % EMOJIS.length] as string
  switch (s.kind) {
    case 'post': {
      const mentions = s.variant % 3 === 0 ? [(AUTHORS[s.variant % AUTHORS.length] as Keypair).publicKey] : undefined
      const reply = s.variant % 4 === 1 ? replyTo : undefined
      const attachments = s.variant % 5 === 2 ? [{ hash: sha256(testBytes(`blob/${i}`, 4)), size: 1000 + i, mime: 'image/png', name: `f${i}.png` }] : undefined
      const content: EventContent = s.variant % 7 === 3
        ? { enc: { key: new Uint8Array([1]), nonce: new Uint8Array(12), ct: testBytes(`ct/${i}`, 20) } }
        : { text: `post ${i}` }
      return { kind: 'post', content, ...(mentions ? { mentions } : {}), ...(reply ? { reply } : {}), ...(attachments ? { attachments } : {}) }
    }
    case 'edit':
      return { kind: 'edit', target, content: { text: `edit ${i}` } }
    case 'react':
    case 'unreact':
      return { kind: s.kind, target, emoji }
    default:
      return { kind: s.kind, target }
  }
}

/**
 * Sign the events a list of steps describes. Deterministic. An honest
 * writer's log, judged by `accept` (with every authority head known), decides
 * what "heads" and "admitted posts" mean at each step.
 */
export async function buildHistory(steps: readonly Step[], accept: ChannelAcceptHook = acceptAll): Promise<History> {
  const writer = new ChannelLog({ room: ROOM, channel: CHANNEL, accept })
  const events: Node[] = []
  for (const [i, s] of steps.entries()) {
    const pick = <T>(list: readonly T[], n: number): T | undefined => list[n % Math.max(1, list.length)]
    const stored = writer.events
    const posts = stored.filter((e) => e.event.body.kind === 'post')
    let parents: ChannelEventNode[]
    if (s.from === 'heads') parents = writer.heads().ids.map((id) => writer.get(id) as Node)
    else {
      const pool = s.from === 'stored' ? stored : events
      parents = [...new Map(s.parents.map((n) => pick(pool, n)).filter((e) => e !== undefined).map((e) => [e.key, e])).values()]
    }
    const targetNode = s.target.mode === 'post' ? pick(posts, s.target.index) : pick(events, s.target.index)
    const target = s.target.mode === 'unknown' || !targetNode ? sha256(testBytes(`channel/unknown/${s.target.index % 3}`, 8)) : targetNode.id
    let author = AUTHORS[s.author % AUTHORS.length] as Keypair
    if (s.ownTarget && targetNode) author = AUTHORS.find((a) => compareBytes(a.publicKey, targetNode.event.author) === 0) ?? author
    const node = await write(author, bodyOf(s, i, target, pick(posts, s.variant)?.id), parents, {
      at: T0 + i,
      auth: s.late ? [AUTH_KNOWN, AUTH_LATE] : [AUTH_KNOWN],
      lamportOffset: s.badLamport && parents.length > 0 ? 1 : 0,
      ...(s.foreign === 'room' ? { room: OTHER_ROOM } : s.foreign === 'channel' ? { channel: OTHER_CHANNEL } : {})
    })
    events.push(node)
    writer.insert([node])
  }
  return { events }
}

/** Random capability tables: authors 0 owns everything; the last is sometimes not a member. */
export const CAP_POOL: readonly number[] = [
  Cap.POST | Cap.REACT | Cap.ATTACH | Cap.DELETE_OTHERS | Cap.PIN,
  Cap.POST | Cap.REACT | Cap.ATTACH,
  Cap.POST | Cap.REACT,
  Cap.POST | Cap.PIN | Cap.DELETE_OTHERS,
  Cap.REACT,
  0
]

const weighted = <T>(...pairs: readonly (readonly [T, number])[]): fc.Arbitrary<T> =>
  fc.oneof(...pairs.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })))

/** One random step: mostly posts and reactions, some edits, deletes and pins, a few malformed links. */
export const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: weighted<Step['kind']>(['post', 8], ['edit', 4], ['delete', 3], ['react', 5], ['unreact', 3], ['pin', 2], ['unpin', 2]),
  author: fc.nat({ max: AUTHORS.length - 1 }),
  from: weighted<Step['from']>(['heads', 10], ['stored', 6], ['any', 1]),
  parents: fc.array(fc.nat({ max: 1000 }), { maxLength: 3 }),
  target: fc.record({ mode: weighted<Step['target']['mode']>(['post', 14], ['any', 4], ['unknown', 1]), index: fc.nat({ max: 1000 }) }),
  ownTarget: fc.boolean(),
  variant: fc.nat({ max: 1000 }),
  late: weighted([false, 5], [true, 1]),
  badLamport: weighted([false, 40], [true, 1]),
  foreign: weighted<Step['foreign']>(['no', 80], ['room', 1], ['channel', 1])
})

/** Capability tables: an index into CAP_POOL per author, or -1 for a non-member. */
export const capsArb: fc.Arbitrary<(number | undefined)[]> = fc
  .array(fc.integer({ min: -1, max: CAP_POOL.length - 1 }), { minLength: AUTHORS.length, maxLength: AUTHORS.length })
  .map((xs) => xs.map((x, i) => (i === 0 ? CAP_POOL[0] : x < 0 ? undefined : CAP_POOL[x])))
