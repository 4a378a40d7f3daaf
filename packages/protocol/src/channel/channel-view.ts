/**
 * The derived view of a channel (PROTOCOL.md §7.5): its messages with
 * their current content, tombstones, reactions and pins, a pure function of
 * the set of events a {@link ChannelLog} stores.
 *
 * Every rule picks a winner by the channel order — the last edit, the first
 * delete, the last pin or unpin, the last react or unreact per (message,
 * emoji, reactor) — and a maximum or minimum does not depend on the order
 * events are applied in. So the view can be updated event by event, in
 * arrival order, and still equal the view recomputed from the whole log.
 * Events acting on an event that is not (yet) a known post wait, without
 * effect, until it arrives.
 */
import { InvalidArgumentError } from '../errors.ts'
import { equalBytes, toHex, type Bytes } from '../bytes.ts'
import { compareEventOrder, type Attachment, type ChannelEventNode, type EventBodyOf, type EventContent } from './event.ts'

/** Who did something to a message, and when (their clock). */
export interface MessageMark {
  readonly by: Bytes
  /** The event that did it. */
  readonly id: Bytes
  readonly at: number
}

/** One reaction on a message: an emoji and who currently reacts with it. */
export interface MessageReaction {
  readonly emoji: string
  /** In the order of their (latest) react events. */
  readonly reactors: readonly Bytes[]
}

/** A message as a client shows it. */
export interface ChannelMessage {
  /** The post's id. */
  readonly id: Bytes
  readonly key: string
  readonly author: Bytes
  /** The author's clock when posting (informational). */
  readonly at: number
  readonly lamport: number
  /** Current content; absent once deleted. */
  readonly content?: EventContent
  /** The edit whose content is shown; absent when never edited (or deleted). */
  readonly edited?: MessageMark
  /** The first delete in order; set, the message is a tombstone. */
  readonly deleted?: MessageMark
  /** The post it replies to (kept on tombstones). */
  readonly replyTo?: Bytes
  /** Empty once deleted. */
  readonly mentions: readonly Bytes[]
  /** Empty once deleted. */
  readonly attachments: readonly Attachment[]
  /** Emojis in the order of their earliest current react; empty once deleted. */
  readonly reactions: readonly MessageReaction[]
  /** The pin in force; absent when unpinned (or deleted). */
  readonly pinned?: MessageMark
}

/** A paged read: messages before `before` (a message id or key), newest first. */
export interface ChannelPageQuery {
  readonly before?: Uint8Array | string
  readonly limit: number
}

interface MessageState {
  readonly post: ChannelEventNode
  edit?: ChannelEventNode
  del?: ChannelEventNode
  pin?: ChannelEventNode
  /** emoji → reactor (hex) → last react/unreact. */
  readonly reactions: Map<string, Map<string, ChannelEventNode>>
}

/** Whether `a` comes after `b` in the channel order (`b` absent counts as before everything). */
function later(a: ChannelEventNode, b: ChannelEventNode | undefined): boolean {
  return b === undefined || compareEventOrder(a, b) > 0
}

function mark(node: ChannelEventNode): MessageMark {
  return { by: node.event.author, id: node.id, at: node.event.at }
}

/** The view of one channel. */
export class ChannelView {
  readonly #seen = new Set<string>()
  readonly #messages = new Map<string, MessageState>()
  /** Posts in the channel order. */
  readonly #posts: ChannelEventNode[] = []
  /** Target key → events acting on it while it is not a known post. */
  readonly #orphans = new Map<string, ChannelEventNode[]>()

  /**
   * The view of a set of events (in any order). The events must be ones a
   * {@link ChannelLog} admitted: the view trusts that a delete by someone
   * other than the target's author was accepted with DELETE_OTHERS.
   */
  static of(events: Iterable<ChannelEventNode>): ChannelView {
    const view = new ChannelView()
    view.apply(events)
    return view
  }

  /** Apply newly stored events (any order; repeats are ignored). */
  apply(events: Iterable<ChannelEventNode>): void {
    for (const node of events) {
      if (this.#seen.has(node.key)) continue
      this.#seen.add(node.key)
      const body = node.event.body
      if (body.kind === 'post') this.#addPost(node)
      else this.#actOn(toHex(body.target), node)
    }
  }

  /** Number of messages (tombstones included). */
  get size(): number {
    return this.#posts.length
  }

  /** The message with this id or key, if it is a known post. */
  message(id: Uint8Array | string): ChannelMessage | undefined {
    const state = this.#messages.get(typeof id === 'string' ? id : toHex(id))
    return state ? materialize(state) : undefined
  }

  /** Every message, oldest first. */
  messages(): ChannelMessage[] {
    return this.#posts.map((p) => materialize(this.#messages.get(p.key) as MessageState))
  }

  /**
   * Up to `limit` messages strictly before the message `before` (or the
   * newest, without it), newest first. Throws {@link InvalidArgumentError}
   * for an unknown `before` or a bad limit.
   */
  page(query: ChannelPageQuery): ChannelMessage[] {
    const { limit } = query
    if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidArgumentError('limit must be a positive integer')
    let end = this.#posts.length
    if (query.before !== undefined) {
      const key = typeof query.before === 'string' ? query.before : toHex(query.before)
      const state = this.#messages.get(key)
      if (!state) throw new InvalidArgumentError('before names no message of this channel')
      end = this.#indexOf(state.post)
    }
    const out: ChannelMessage[] = []
    for (let i = end - 1; i >= 0 && out.length < limit; i--) {
      out.push(materialize(this.#messages.get((this.#posts[i] as ChannelEventNode).key) as MessageState))
    }
    return out
  }

  /** Position a post has, or would have, in `#posts`. */
  #indexOf(node: ChannelEventNode): number {
    let lo = 0
    let hi = this.#posts.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareEventOrder(this.#posts[mid] as ChannelEventNode, node) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  #addPost(node: ChannelEventNode): void {
    const state: MessageState = { post: node, reactions: new Map() }
    this.#messages.set(node.key, state)
    const last = this.#posts[this.#posts.length - 1]
    if (last === undefined || compareEventOrder(last, node) < 0) this.#posts.push(node)
    else this.#posts.splice(this.#indexOf(node), 0, node)
    const waiting = this.#orphans.get(node.key)
    if (waiting) {
      this.#orphans.delete(node.key)
      for (const w of waiting) applyTo(state, w)
    }
  }

  #actOn(target: string, node: ChannelEventNode): void {
    const state = this.#messages.get(target)
    if (state) {
      applyTo(state, node)
      return
    }
    const list = this.#orphans.get(target)
    if (list) list.push(node)
    else this.#orphans.set(target, [node])
  }
}

/** The view of a set of events: {@link ChannelView.of}. */
export function deriveChannelView(events: Iterable<ChannelEventNode>): ChannelView {
  return ChannelView.of(events)
}

/** Fold one event acting on a known post into its state. */
function applyTo(state: MessageState, node: ChannelEventNode): void {
  const body = node.event.body
  switch (body.kind) {
    case 'post':
      return
    case 'edit':
      // Only the post's author edits it; the last edit wins.
      if (equalBytes(node.event.author, state.post.event.author) && later(node, state.edit)) state.edit = node
      return
    case 'delete':
      // The log admitted it: by the author, or by someone holding DELETE_OTHERS. The first one names the deleter.
      if (state.del === undefined || compareEventOrder(node, state.del) < 0) state.del = node
      return
    case 'pin':
    case 'unpin':
      if (later(node, state.pin)) state.pin = node
      return
    case 'react':
    case 'unreact': {
      let byReactor = state.reactions.get(body.emoji)
      if (!byReactor) {
        byReactor = new Map()
        state.reactions.set(body.emoji, byReactor)
      }
      const reactor = toHex(node.event.author)
      if (later(node, byReactor.get(reactor))) byReactor.set(reactor, node)
      return
    }
  }
}

function materialize(state: MessageState): ChannelMessage {
  const { post } = state
  const body = post.event.body as EventBodyOf<'post'>
  const base = {
    id: post.id, key: post.key, author: post.event.author, at: post.event.at, lamport: post.event.lamport,
    ...(body.reply ? { replyTo: body.reply } : {})
  }
  if (state.del) return { ...base, deleted: mark(state.del), mentions: [], attachments: [], reactions: [] }
  const edit = state.edit ? (state.edit.event.body as EventBodyOf<'edit'>) : undefined
  return {
    ...base,
    content: edit ? edit.content : body.content,
    ...(state.edit ? { edited: mark(state.edit) } : {}),
    mentions: body.mentions ?? [],
    attachments: body.attachments ?? [],
    reactions: reactionsOf(state),
    ...(state.pin?.event.body.kind === 'pin' ? { pinned: mark(state.pin) } : {})
  }
}

function reactionsOf(state: MessageState): MessageReaction[] {
  const out: { emoji: string; active: ChannelEventNode[] }[] = []
  for (const [emoji, byReactor] of state.reactions) {
    const active = [...byReactor.values()].filter((n) => n.event.body.kind === 'react').sort(compareEventOrder)
    if (active.length > 0) out.push({ emoji, active })
  }
  out.sort((a, b) => compareEventOrder(a.active[0] as ChannelEventNode, b.active[0] as ChannelEventNode))
  return out.map(({ emoji, active }) => ({ emoji, reactors: active.map((n) => n.event.author) }))
}
