/**
 * FramedStream on real libp2p streams (loopback TCP, Noise, Yamux): whole
 * messages in order through a slow reader (back-pressure), a graceful close
 * that delivers everything sent before it, hostile frames from a raw stream
 * (oversized prefix, empty frame, truncation), and the receive and drain
 * timeouts driven by an injected clock.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Stream } from '@libp2p/interface'
import { ManualClock } from '@hearth/client'
import { FramedStream, type HearthNode } from '../src/index.ts'
import { connectedPair, stopAll, waitFor } from './support.ts'

const ECHO = '/hearth-test/framed/1.0.0'
const MiB = 1_048_576

const running: HearthNode[] = []
afterEach(async () => {
  await stopAll(running.splice(0))
}, 30_000)

const pair = (): Promise<[HearthNode, HearthNode]> => connectedPair(running)

/** Register a handler on `node` that wraps each stream and hands it to `onStream`. */
async function serveFramed(node: HearthNode, onStream: (stream: FramedStream) => void, options: Partial<ConstructorParameters<typeof FramedStream>[1]> = {}): Promise<void> {
  await node.libp2p.handle(ECHO, (raw) => {
    onStream(new FramedStream(raw, { maxFrameBytes: MiB, ...options }))
  })
}

/** Read until the end (or a failure), as the list of messages and how it ended. */
async function drain(stream: FramedStream, delayMs = 0): Promise<{ messages: Uint8Array[]; error?: unknown }> {
  const messages: Uint8Array[] = []
  try {
    for (;;) {
      const m = await stream.receive()
      if (m === undefined) return { messages }
      messages.push(m)
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
    }
  } catch (error) {
    return { messages, error }
  }
}

const filled = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v)

describe('FramedStream over libp2p', () => {
  it('delivers whole messages in order through a slow reader, then the close', async () => {
    const [a, b] = await pair()
    let served: Promise<{ messages: Uint8Array[]; error?: unknown }> | undefined
    await serveFramed(b, (s) => { served = drain(s, 20) })
    const stream = new FramedStream(await a.libp2p.dialProtocol(b.libp2p.peerId, ECHO), { maxFrameBytes: MiB })
    // 8 MiB in whole-MiB messages (twice libp2p's default read buffer) plus small ones between.
    const sent: Uint8Array[] = []
    for (let i = 0; i < 8; i++) sent.push(filled(MiB, i), Uint8Array.of(i))
    for (const m of sent) await stream.send(m)
    stream.close()
    await waitFor('the handler to be called', () => served !== undefined, 10_000)
    const got = await served
    expect(got?.error).toBeUndefined()
    expect(got?.messages.length).toBe(sent.length)
    got?.messages.forEach((m, i) => { expect(m).toEqual(sent[i]) })
    // Ours is closed: receive ends, send rejects.
    await expect(stream.receive()).resolves.toBeUndefined()
    await expect(stream.send(Uint8Array.of(1))).rejects.toMatchObject({ name: 'StreamClosedError' })
  })

  it('answers flow both ways and the responder’s close ends the initiator’s reads', async () => {
    const [a, b] = await pair()
    await serveFramed(b, (s) => {
      void (async () => {
        for (let m = await s.receive(); m !== undefined; m = await s.receive()) await s.send(Uint8Array.from([...m].reverse()))
        s.close()
      })()
    })
    const stream = new FramedStream(await a.libp2p.dialProtocol(b.libp2p.peerId, ECHO), { maxFrameBytes: MiB })
    await stream.send(Uint8Array.of(1, 2, 3))
    expect(await stream.receive()).toEqual(Uint8Array.of(3, 2, 1))
    await stream.send(filled(MiB, 9))
    expect(await stream.receive()).toEqual(filled(MiB, 9))
    stream.close()
    await waitFor('the stream to close on both sides', () => stream.stream.status === 'closed', 10_000)
  })

  const hostile: [string, number[], string][] = [
    ['a length prefix over the limit', [0x81, 0x80, 0x40], 'FrameTooLargeError'],
    ['an endless varint', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 'FrameTooLargeError'],
    ['an empty frame', [0x00], 'MalformedFrameError'],
    ['a non-minimal prefix', [0x83, 0x00, 1, 2, 3], 'MalformedFrameError']
  ]
  for (const [what, raw, name] of hostile) {
    it(`aborts the stream on ${what} (${name})`, async () => {
      const [a, b] = await pair()
      let served: Promise<{ messages: Uint8Array[]; error?: unknown }> | undefined
      await serveFramed(b, (s) => { served = drain(s) })
      const stream: Stream = await a.libp2p.dialProtocol(b.libp2p.peerId, ECHO)
      // A whole good frame first: it is delivered before the failure.
      stream.send(Uint8Array.of(2, 7, 7))
      stream.send(Uint8Array.from(raw))
      await waitFor('the handler to be called', () => served !== undefined, 10_000)
      const got = await served
      expect(got?.messages).toEqual([Uint8Array.of(7, 7)])
      expect(got?.error).toMatchObject({ name })
      await waitFor('the dialer to see the reset', () => stream.status !== 'open', 10_000)
    })
  }

  it('reports a stream that ends inside a frame as truncated', async () => {
    const [a, b] = await pair()
    let served: Promise<{ messages: Uint8Array[]; error?: unknown }> | undefined
    await serveFramed(b, (s) => { served = drain(s) })
    const stream: Stream = await a.libp2p.dialProtocol(b.libp2p.peerId, ECHO)
    stream.send(Uint8Array.of(5, 1, 2))
    await stream.close()
    await waitFor('the handler to be called', () => served !== undefined, 10_000)
    expect((await served)?.error).toMatchObject({ name: 'MalformedFrameError', reason: 'truncated' })
  })

  it('times a step out with the injected clock, and the peer sees the end', async () => {
    const [a, b] = await pair()
    const clock = new ManualClock()
    const got: Uint8Array[] = []
    let failure: Promise<unknown> | undefined
    await serveFramed(b, (s) => {
      failure = (async () => {
        for (;;) {
          const m = await s.receive()
          if (m === undefined) return undefined
          got.push(m)
        }
      })().catch((err: unknown) => err)
    }, { clock, receiveTimeoutMs: 1000 })
    const stream = new FramedStream(await a.libp2p.dialProtocol(b.libp2p.peerId, ECHO), { maxFrameBytes: MiB })
    await stream.send(Uint8Array.of(1))
    await waitFor('the responder to wait for its second message', () => got.length === 1 && clock.pending === 1, 10_000)
    clock.advance(999)
    expect(clock.pending).toBe(1)
    clock.advance(1)
    expect(await failure).toMatchObject({ name: 'StreamTimeoutError' })
    await expect(stream.receive()).resolves.toBeUndefined()
  })

  it('times out a send the peer never makes room for (back-pressure with a drain timeout)', async () => {
    const [a, b] = await pair()
    const clock = new ManualClock()
    // The peer takes the stream and stops reading: yamux stops granting window.
    await b.libp2p.handle(ECHO, (raw) => { raw.pause() })
    const stream = new FramedStream(await a.libp2p.dialProtocol(b.libp2p.peerId, ECHO), { maxFrameBytes: MiB, clock, drainTimeoutMs: 5000 })
    let outcome: unknown = 'pending'
    const sending = (async () => {
      for (let i = 0; i < 8; i++) await stream.send(filled(MiB, i))
    })().then(() => 'sent', (err: unknown) => err)
    void sending.then((o) => { outcome = o })
    await waitFor('the send to wait for the peer', () => clock.pending === 1, 10_000)
    expect(outcome).toBe('pending')
    clock.advance(5000)
    expect(await sending).toMatchObject({ name: 'StreamTimeoutError' })
    expect(stream.failure).toMatchObject({ name: 'StreamTimeoutError' })
    await expect(stream.receive()).rejects.toMatchObject({ name: 'StreamTimeoutError' })
  })
})
