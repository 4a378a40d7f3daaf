/**
 * Test-only reference model of a channel (not exported by the package):
 * what a log stores and what its view shows, recomputed from scratch by the
 * plainest means — a fixpoint over the whole set for admission, then one
 * sort and a scan per message — sharing no code with channel-log.ts or
 * channel-view.ts beyond the record types and the needed-capability table.
 */
import { compareBytes, equalBytes, toHex } from '../bytes.ts'
import { capabilitiesNeeded, type ChannelEventNode } from './event.ts'
import type { ChannelAcceptHook } from './acceptance.ts'
import type { Node } from './test-support.ts'

/**
 * The events a log stores once it has been offered all of `events` (any
 * order) and its hook knows every authority head: the least set closed
 * under "room and channel match, every parent stored, a delete's target
 * stored, lamport = 1 + the largest parent's, the hook says true".
 */
export function referenceStored(events: readonly Node[], room: Uint8Array, channel: Uint8Array, accept: ChannelAcceptHook): Node[] {
  const unique = [...new Map(events.map((e) => [e.key, e])).values()]
  const stored = new Map<string, Node>()
  for (let changed = true; changed;) {
    changed = false
    for (const n of unique) {
      if (stored.has(n.key)) continue
      const e = n.event
      if (!equalBytes(e.room, room) || !equalBytes(e.channel, channel)) continue
      const parents = e.parents.map((p) => stored.get(toHex(p)))
      if (parents.some((p) => p === undefined)) continue
      const target = e.body.kind === 'delete' ? stored.get(toHex(e.body.target)) : undefined
      if (e.body.kind === 'delete' && target === undefined) continue
      const lamport = parents.length === 0 ? 1 : 1 + Math.max(...parents.map((p) => (p as Node).event.lamport))
      if (e.lamport !== lamport) continue
      const targetAuthor = target?.event.author
      const needed = capabilitiesNeeded(e, targetAuthor)
      if (accept(targetAuthor ? { event: n, needed, targetAuthor } : { event: n, needed }) !== true) continue
      stored.set(n.key, n)
      changed = true
    }
  }
  return sortByOrder([...stored.values()])
}

/** Sort by lamport, then id bytes. */
export function sortByOrder<T extends ChannelEventNode>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => a.event.lamport - b.event.lamport || compareBytes(a.id, b.id))
}

const hex = (b: Uint8Array): string => toHex(b)
const mark = (n: ChannelEventNode): unknown => ({ by: hex(n.event.author), id: hex(n.id), at: n.event.at })

/** Every message of a stored set, oldest first, as the JSON the view's messages serialise to. */
export function referenceMessages(storedEvents: readonly ChannelEventNode[]): unknown[] {
  const all = sortByOrder(storedEvents)
  const out: unknown[] = []
  for (const p of all) {
    const body = p.event.body
    if (body.kind !== 'post') continue
    const acting = all.filter((n) => n.event.body.kind !== 'post' && equalBytes(n.event.body.target, p.id))
    const base: Record<string, unknown> = { id: hex(p.id), key: p.key, author: hex(p.event.author), at: p.event.at, lamport: p.event.lamport }
    if (body.reply) base.replyTo = hex(body.reply)
    const firstDelete = acting.find((n) => n.event.body.kind === 'delete')
    if (firstDelete) {
      out.push({ ...base, deleted: mark(firstDelete), mentions: [], attachments: [], reactions: [] })
      continue
    }
    const edits = acting.filter((n) => n.event.body.kind === 'edit' && equalBytes(n.event.author, p.event.author))
    const lastEdit = edits[edits.length - 1]
    const editBody = lastEdit?.event.body
    base.content = editBody?.kind === 'edit' ? editBody.content : body.content
    if (lastEdit) base.edited = mark(lastEdit)
    base.mentions = (body.mentions ?? []).map(hex)
    base.attachments = (body.attachments ?? []).map((a) => ({ ...a, hash: hex(a.hash) }))
    // The last react/unreact per (emoji, reactor); the survivors that are reacts, in order.
    const last = new Map<string, ChannelEventNode>()
    for (const n of acting) {
      const b = n.event.body
      if (b.kind === 'react' || b.kind === 'unreact') last.set(`${b.emoji}\n${hex(n.event.author)}`, n)
    }
    const active = sortByOrder([...last.values()].filter((n) => n.event.body.kind === 'react'))
    const emojis: string[] = []
    for (const n of active) {
      const b = n.event.body
      if (b.kind === 'react' && !emojis.includes(b.emoji)) emojis.push(b.emoji)
    }
    base.reactions = emojis.map((emoji) => ({
      emoji,
      reactors: active.filter((n) => n.event.body.kind === 'react' && n.event.body.emoji === emoji).map((n) => hex(n.event.author))
    }))
    const pins = acting.filter((n) => n.event.body.kind === 'pin' || n.event.body.kind === 'unpin')
    const lastPin = pins[pins.length - 1]
    if (lastPin?.event.body.kind === 'pin') base.pinned = mark(lastPin)
    out.push(base)
  }
  // Through JSON like the view's snapshot, so content bytes compare the same way.
  return JSON.parse(JSON.stringify(out, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v))) as unknown[]
}
