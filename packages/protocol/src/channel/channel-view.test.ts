/**
 * The channel view: content and edits, tombstones, reactions, pins, replies
 * and mentions, events that arrive before their target, paged reads, and
 * incremental application equal to recomputation in every arrival order.
 */
import { describe, expect, it } from 'vitest'
import { toHex } from '../bytes.ts'
import { Cap } from '../authority/capabilities.ts'
import { InvalidArgumentError } from '../errors.ts'
import { expectThrow, testBytes } from '../test-support.ts'
import { ChannelLog } from './channel-log.ts'
import { ChannelView, deriveChannelView } from './channel-view.ts'
import { compareEventOrder, type ChannelEventNode } from './event.ts'
import { AUTHORS, CHANNEL, ROOM, Rng, acceptAll, messageJson, tableHook, text, viewJson, write, type Node } from './test-support.ts'

const [alice, bob, carol] = AUTHORS as [typeof AUTHORS[0], typeof AUTHORS[0], typeof AUTHORS[0]]

/** A log (everything admitted unless a hook is given) and its view, fed the nodes. */
function build(nodes: readonly Node[], accept = acceptAll): { log: ChannelLog; view: ChannelView } {
  const log = new ChannelLog({ room: ROOM, channel: CHANNEL, accept })
  const view = new ChannelView()
  view.apply(log.insert(nodes).added)
  return { log, view }
}

function msg(view: ChannelView, node: ChannelEventNode): ReturnType<ChannelView['message']> & object {
  const m = view.message(node.id)
  if (!m) throw new Error('no such message')
  return m
}

describe('ChannelView: posts and edits', () => {
  it('shows a post with its reply, mentions and attachments', async () => {
    const a = await write(alice, { kind: 'post', content: text('first') })
    const files = [{ hash: testBytes('blob', 32), size: 5, mime: 'text/plain', name: 'a.txt' }]
    const b = await write(bob, { kind: 'post', content: text('re'), reply: a.id, mentions: [alice.publicKey], attachments: files }, [a])
    const { view } = build([a, b])
    expect(view.size).toBe(2)
    expect(msg(view, b)).toEqual({
      id: b.id, key: b.key, author: bob.publicKey, at: b.event.at, lamport: 2, content: { text: 're' },
      replyTo: a.id, mentions: [alice.publicKey], attachments: files, reactions: []
    })
    expect(view.message(b.key)).toEqual(msg(view, b))
    expect(view.message(testBytes('nothing', 32))).toBeUndefined()
  })

  it('applies only the author’s edits; the last edit in (lamport, id) order wins', async () => {
    const p = await write(alice, { kind: 'post', content: text('v0') })
    const e1 = await write(alice, { kind: 'edit', target: p.id, content: text('v1') }, [p])
    const e2 = await write(alice, { kind: 'edit', target: p.id, content: text('v2') }, [e1])
    const concurrent = await write(alice, { kind: 'edit', target: p.id, content: text('vc') }, [p]) // lamport 2, like e1
    const foreign = await write(bob, { kind: 'edit', target: p.id, content: text('hijack') }, [e2])
    const { view } = build([p, e1, e2, concurrent, foreign])
    expect(msg(view, p).content).toEqual(text('v2'))
    expect(msg(view, p).edited).toEqual({ by: alice.publicKey, id: e2.id, at: e2.event.at })
    const { view: without } = build([p, e1, concurrent, foreign])
    const winner = compareEventOrder(e1, concurrent) > 0 ? e1 : concurrent
    expect(msg(without, p).edited?.id).toEqual(winner.id)
  })

  it('edits that target a non-post or an unknown event have no effect', async () => {
    const p = await write(alice, { kind: 'post', content: text('p') })
    const r = await write(alice, { kind: 'react', target: p.id, emoji: 'x' }, [p])
    const editReact = await write(alice, { kind: 'edit', target: r.id, content: text('?') }, [r])
    const ghost = await write(alice, { kind: 'edit', target: testBytes('ghost', 32), content: text('?') }, [r])
    const { view } = build([p, r, editReact, ghost])
    expect(view.size).toBe(1)
    expect(msg(view, p).content).toEqual(text('p'))
    expect(msg(view, p).edited).toBeUndefined()
  })
})

describe('ChannelView: deletes', () => {
  it('a delete by the author leaves a tombstone that keeps the reply link and names the deleter', async () => {
    const a = await write(alice, { kind: 'post', content: text('a') })
    const p = await write(bob, { kind: 'post', content: text('secret'), reply: a.id, mentions: [alice.publicKey], attachments: [{ hash: testBytes('b', 32), size: 1, mime: 'a/b', name: 'n' }] }, [a])
    const react = await write(alice, { kind: 'react', target: p.id, emoji: '👍' }, [p])
    const pin = await write(alice, { kind: 'pin', target: p.id }, [p])
    const edit = await write(bob, { kind: 'edit', target: p.id, content: text('secret 2') }, [p])
    const del = await write(bob, { kind: 'delete', target: p.id }, [react, pin, edit])
    const { view } = build([a, p, react, pin, edit, del])
    expect(msg(view, p)).toEqual({
      id: p.id, key: p.key, author: bob.publicKey, at: p.event.at, lamport: 2, replyTo: a.id,
      deleted: { by: bob.publicKey, id: del.id, at: del.event.at }, mentions: [], attachments: [], reactions: []
    })
  })

  it('a delete of someone else’s post counts once the log admitted it with DELETE_OTHERS; the first delete names the deleter', async () => {
    const p = await write(alice, { kind: 'post', content: text('p') })
    const byMod = await write(bob, { kind: 'delete', target: p.id }, [p])
    const byPeer = await write(carol, { kind: 'delete', target: p.id }, [p])
    const byAuthor = await write(alice, { kind: 'delete', target: p.id }, [byMod])
    const hook = tableHook({ caps: [Cap.POST, Cap.DELETE_OTHERS, Cap.POST] })
    const { log, view } = build([p, byMod, byPeer, byAuthor], hook)
    expect(log.has(byPeer.id)).toBe(false)
    expect(msg(view, p).deleted?.by).toEqual(bob.publicKey)
    const { view: peerOnly } = build([p, byPeer], hook)
    expect(msg(peerOnly, p).deleted).toBeUndefined()
    expect(msg(peerOnly, p).content).toEqual(text('p'))
  })
})

describe('ChannelView: reactions and pins', () => {
  it('keeps per (emoji, reactor) the last react or unreact; emojis and reactors in order of their current react', async () => {
    const p = await write(alice, { kind: 'post', content: text('p') })
    const r1 = await write(bob, { kind: 'react', target: p.id, emoji: '👍' }, [p])
    const r2 = await write(carol, { kind: 'react', target: p.id, emoji: '❤️' }, [r1])
    const r3 = await write(alice, { kind: 'react', target: p.id, emoji: '👍' }, [r2])
    const u1 = await write(bob, { kind: 'unreact', target: p.id, emoji: '👍' }, [r3])
    const r4 = await write(bob, { kind: 'react', target: p.id, emoji: '👍' }, [u1])
    const dup = await write(carol, { kind: 'react', target: p.id, emoji: '❤️' }, [r4])
    const stray = await write(carol, { kind: 'unreact', target: p.id, emoji: '🎉' }, [r4])
    const hex = (m: ReturnType<typeof msg>): unknown => m.reactions.map((r) => [r.emoji, r.reactors.map(toHex)])
    expect(hex(msg(build([p, r1, r2, r3]).view, p))).toEqual([['👍', [bob, alice].map((k) => toHex(k.publicKey))], ['❤️', [toHex(carol.publicKey)]]])
    expect(hex(msg(build([p, r1, r2, r3, u1]).view, p))).toEqual([['❤️', [toHex(carol.publicKey)]], ['👍', [toHex(alice.publicKey)]]])
    expect(hex(msg(build([p, r1, r2, r3, u1, r4, dup, stray]).view, p))).toEqual([
      ['👍', [alice, bob].map((k) => toHex(k.publicKey))], ['❤️', [toHex(carol.publicKey)]]
    ])
  })

  it('resolves concurrent react and unreact by the channel order', async () => {
    const p = await write(alice, { kind: 'post', content: text('p') })
    const on = await write(bob, { kind: 'react', target: p.id, emoji: 'x' }, [p])
    const off = await write(bob, { kind: 'unreact', target: p.id, emoji: 'x' }, [p])
    const expected = compareEventOrder(on, off) > 0 ? 1 : 0
    for (const order of [[p, on, off], [off, on, p], [on, p, off]]) {
      expect(msg(build(order).view, p).reactions.length).toBe(expected)
    }
  })

  it('pins and unpins: the last one in order is in force', async () => {
    const p = await write(alice, { kind: 'post', content: text('p') })
    const pin = await write(bob, { kind: 'pin', target: p.id }, [p])
    const unpin = await write(carol, { kind: 'unpin', target: p.id }, [pin])
    const again = await write(carol, { kind: 'pin', target: p.id }, [unpin])
    expect(msg(build([p, pin]).view, p).pinned).toEqual({ by: bob.publicKey, id: pin.id, at: pin.event.at })
    expect(msg(build([p, pin, unpin]).view, p).pinned).toBeUndefined()
    expect(msg(build([again, unpin, pin, p]).view, p).pinned?.by).toEqual(carol.publicKey)
  })
})

describe('ChannelView: arrival order', () => {
  it('events acting on a post wait without effect until it arrives, then apply as if they had come after it', async () => {
    const p = await write(alice, { kind: 'post', content: text('p') })
    // Not causally after p (a forger's trick, or a target past the 16 parents): still applied once p is known.
    const edit = await write(alice, { kind: 'edit', target: p.id, content: text('edited') })
    const react = await write(bob, { kind: 'react', target: p.id, emoji: 'x' })
    const pin = await write(bob, { kind: 'pin', target: p.id })
    const view = new ChannelView()
    view.apply([edit, react, pin])
    expect(view.size).toBe(0)
    view.apply([p])
    expect(msg(view, p)).toMatchObject({ content: text('edited'), pinned: { by: bob.publicKey }, reactions: [{ emoji: 'x' }] })
    expect(viewJson(view)).toEqual(viewJson(deriveChannelView([p, edit, react, pin])))
  })

  it('incremental application equals recomputation for every arrival order of a small history', async () => {
    const a = await write(alice, { kind: 'post', content: text('a') })
    const b = await write(bob, { kind: 'post', content: text('b') })
    const e = await write(alice, { kind: 'edit', target: a.id, content: text('a2') }, [a, b])
    const d = await write(bob, { kind: 'delete', target: b.id }, [b])
    const r = await write(carol, { kind: 'react', target: a.id, emoji: 'x' }, [a])
    const u = await write(carol, { kind: 'unreact', target: a.id, emoji: 'x' }, [b])
    const nodes = [a, b, e, d, r, u]
    const expected = viewJson(deriveChannelView(nodes))
    const perms = (xs: Node[]): Node[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest])))
    for (const order of perms(nodes)) {
      const view = new ChannelView()
      for (const n of order) view.apply([n, n])
      expect(viewJson(view)).toEqual(expected)
      expect(viewJson(build(order).view)).toEqual(expected)
    }
  })
})

describe('ChannelView: paged reads', () => {
  it('pages newest first, before a message, with a limit', async () => {
    const posts: Node[] = []
    for (let i = 0; i < 7; i++) posts.push(await write(AUTHORS[i % 3] as typeof alice, { kind: 'post', content: text(`m${i}`) }, posts.slice(-1)))
    const rng = new Rng(7)
    const { view } = build(rng.shuffle(posts))
    const texts = (ms: readonly { content?: unknown }[]): unknown[] => ms.map((m) => m.content)
    expect(texts(view.page({ limit: 3 }))).toEqual(['m6', 'm5', 'm4'].map(text))
    expect(texts(view.page({ limit: 3, before: (posts[4] as Node).id }))).toEqual(['m3', 'm2', 'm1'].map(text))
    expect(texts(view.page({ limit: 3, before: (posts[1] as Node).key }))).toEqual(['m0'].map(text))
    expect(view.page({ limit: 3, before: (posts[0] as Node).id })).toEqual([])
    expect(texts(view.page({ limit: 100 }))).toEqual(texts([...view.messages()].reverse()))
    expect(view.page({ limit: 1 }).map(messageJson)).toEqual([messageJson(view.messages()[6] as never)])
    expectThrow(() => view.page({ limit: 0 }), InvalidArgumentError)
    expectThrow(() => view.page({ limit: 1.5 }), InvalidArgumentError)
    expectThrow(() => view.page({ limit: 1, before: testBytes('x', 32) }), InvalidArgumentError)
  })
})
