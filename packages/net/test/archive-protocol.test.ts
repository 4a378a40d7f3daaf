/**
 * Archive requests over libp2p (PROTOCOL.md §10.9) between real nodes on
 * loopback: a request and its answer; a handler's long, multi-line reason
 * made a valid detail; hostile requesters (garbage, an oversized frame, an
 * empty stream, a peer that never sends, a crowd over the limits) get
 * `refused` or a reset and never stop the daemon answering the next one; a
 * failing or slow handler gives `refused`; a request reaches a daemon
 * behind a relay over the limited connection; and the requester's failures
 * (no such protocol, no answer, a garbage answer, an abort) are typed.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Stream } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { decodeArchiveAnswer, encodeArchiveRequest, encodeCanonical, MAX_ARCHIVE_DETAIL_BYTES, SchemaError, utf8 } from '@hearth/protocol'
import {
  ARCHIVE_FRAME_BYTES, ARCHIVE_PROTOCOL, ArchiveRequestError, createHearthNode, encodeFrame, encodeVarint, FramedStream, handleArchiveRequests,
  loopbackTestConfig, requestArchive, type ArchiveRequestHandler, type ArchiveServeOptions, type HearthNode, type StreamService
} from '../src/index.ts'
import { connectedPair, stopAll, waitFor } from './support.ts'

const INVITE = `hearth:?room=${'a'.repeat(52)}`

const running: { stop(): Promise<void> }[] = []
afterEach(async () => {
  await stopAll(running.splice(0).reverse())
}, 30_000)

/** A requester and a daemon, connected. */
const pair = (): Promise<[HearthNode, HearthNode]> => connectedPair(running)

async function serve(node: HearthNode, handler: ArchiveRequestHandler, options: ArchiveServeOptions = {}): Promise<StreamService> {
  const service = await handleArchiveRequests(node, handler, options)
  running.push(service)
  return service
}

/** The requests a handler got, and its answer: `archiving` for every request. */
function recorder(): { seen: { invite: string; from: string }[]; handler: ArchiveRequestHandler } {
  const seen: { invite: string; from: string }[] = []
  return { seen, handler: (invite, from) => { seen.push({ invite, from }); return Promise.resolve({ status: 'archiving' }) } }
}

/** Open a raw stream of the protocol; its bytes come back through a FramedStream (reading only). */
async function raw(a: HearthNode, b: HearthNode): Promise<{ stream: Stream; framed: FramedStream }> {
  const stream = await a.libp2p.dialProtocol(b.libp2p.peerId, ARCHIVE_PROTOCOL)
  return { stream, framed: new FramedStream(stream, { maxFrameBytes: ARCHIVE_FRAME_BYTES }) }
}

/** What comes back: the decoded answer, `end` (closed or reset without one), or the error. */
async function outcome(framed: FramedStream): Promise<unknown> {
  try {
    const bytes = await framed.receive()
    return bytes === undefined ? 'end' : decodeArchiveAnswer(bytes)
  } catch (err) {
    return err instanceof Error ? err.name : err
  }
}

describe('archive requests over libp2p', () => {
  it('a request gets the handler\'s answer, and the handler learns who asked', async () => {
    const [a, b] = await pair()
    const { seen, handler } = recorder()
    const service = await serve(b, handler)
    expect(await requestArchive(a, b.libp2p.peerId, INVITE)).toEqual({ status: 'archiving' })
    expect(seen).toEqual([{ invite: INVITE, from: a.libp2p.peerId.toString() }])
    // By peer id text too; the daemon's side is over once answered.
    expect(await requestArchive(a, b.libp2p.peerId.toString(), INVITE)).toEqual({ status: 'archiving' })
    await waitFor('the conversations to end', () => service.active === 0, 10_000)
  })

  it('refusals carry their reason, made one line of at most 256 bytes', async () => {
    const [a, b] = await pair()
    await serve(b, () => Promise.resolve({ status: 'refused', detail: `the invite\nhas expired ${'!'.repeat(400)}` }))
    const answer = await requestArchive(a, b.libp2p.peerId, INVITE)
    expect(answer.status).toBe('refused')
    expect(answer.detail?.startsWith('the invite has expired !!!')).toBe(true)
    expect(utf8(answer.detail ?? '').length).toBeLessThanOrEqual(MAX_ARCHIVE_DETAIL_BYTES)
  })

  it('answers garbage with refused, resets an oversized frame, and keeps serving', async () => {
    const [a, b] = await pair()
    const { seen, handler } = recorder()
    const errors: unknown[] = []
    await serve(b, handler, { onError: (err) => errors.push(err) })

    // A frame that is no CBOR record, and a well-formed record of another type.
    for (const body of [Uint8Array.of(0xff, 0x00, 0x13), encodeCanonical({ v: 1, t: 'sync-genesis', room: new Uint8Array(32) }), encodeCanonical({ v: 1, t: 'archive-request', invite: INVITE, extra: 1 })]) {
      const { stream, framed } = await raw(a, b)
      stream.send(encodeFrame(body, ARCHIVE_FRAME_BYTES))
      const got = await outcome(framed) as { status: string; detail: string }
      expect(got.status).toBe('refused')
      expect(got.detail).toMatch(/^malformed request: (MalformedEncodingError|UnknownRecordTypeError|SchemaError)/)
    }

    // A length prefix over the frame limit: reset at once, body never read.
    const big = await raw(a, b)
    big.stream.send(encodeVarint(ARCHIVE_FRAME_BYTES + 1))
    await waitFor('the daemon to reset the oversized stream', () => big.stream.status !== 'open', 10_000)
    expect(['end', 'StreamResetError', 'StreamAbortedError']).toContain(await outcome(big.framed))

    // An empty frame and a stream that ends at once: no answer, no handler call.
    const empty = await raw(a, b)
    empty.stream.send(Uint8Array.of(0))
    expect(await outcome(empty.framed)).not.toHaveProperty('status')
    const silent = await raw(a, b)
    await silent.stream.close()
    expect(await outcome(silent.framed)).toBe('end')

    expect(seen).toEqual([])
    expect(errors).toEqual([])
    expect(await requestArchive(a, b.libp2p.peerId, INVITE)).toEqual({ status: 'archiving' })
    expect(seen).toHaveLength(1)
  })

  it('a peer that never sends is timed out; over the per-peer limit a request is refused as busy', async () => {
    const [a, b] = await pair()
    const busy: string[] = []
    const service = await serve(b, recorder().handler, { idleTimeoutMs: 1_000, maxPerPeer: 1, onBusy: (peer) => busy.push(peer) })
    const slow = await raw(a, b)
    await waitFor('the slow stream to take the slot', () => service.active === 1, 10_000)
    // Over the limit: the request is read and refused.
    expect(await requestArchive(a, b.libp2p.peerId, INVITE)).toMatchObject({ status: 'refused', detail: expect.stringMatching(/^busy/) as unknown })
    expect(busy).toEqual([a.libp2p.peerId.toString()])
    // The idle wait runs out: the daemon resets the slow stream and frees the slot.
    await waitFor('the daemon to drop the silent peer', () => service.active === 0, 10_000)
    await waitFor('the requester to see the reset', () => slow.stream.status !== 'open', 10_000)
    expect(await requestArchive(a, b.libp2p.peerId, INVITE)).toEqual({ status: 'archiving' })
  })

  it('a handler that throws or takes too long gives refused, and the daemon goes on', async () => {
    const [a, b] = await pair()
    const errors: unknown[] = []
    let calls = 0
    await serve(b, () => {
      calls++
      if (calls === 1) return Promise.reject(new Error('disk full'))
      if (calls === 2) return new Promise(() => undefined)
      return Promise.resolve({ status: 'bogus' as 'refused', detail: '\n' })
    }, { decisionTimeoutMs: 500, onError: (err) => errors.push(err) })
    expect(await requestArchive(a, b.libp2p.peerId, INVITE)).toEqual({ status: 'refused', detail: 'the daemon failed to handle the request' })
    expect(errors).toMatchObject([{ message: 'disk full' }])
    expect(await requestArchive(a, b.libp2p.peerId, INVITE)).toMatchObject({ status: 'refused', detail: expect.stringMatching(/in time/) as unknown })
    // A status outside the protocol is sent as refused; a blank detail is left out.
    expect(await requestArchive(a, b.libp2p.peerId, INVITE)).toEqual({ status: 'refused' })
  })
})

describe('archive requests through a relay', () => {
  it('reach a daemon that is reachable only through a relay, over the limited connection', async () => {
    const relay = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
    running.push(relay)
    const relayWs = relay.libp2p.getMultiaddrs().find((ma) => ma.toString().includes('/ws/'))
    if (relayWs === undefined) throw new Error('the relay has no WebSocket address')
    const relayHost = relayWs.toString().split('/p2p/')[0] as string
    // The daemon dials nothing but the relay (a NAT) and listens only through it.
    const test = loopbackTestConfig('browser')
    const daemon = await createHearthNode({
      ...test,
      profile: 'browser',
      listen: [`${relayWs.toString()}/p2p-circuit`],
      insecureTestOverrides: { ...test.insecureTestOverrides, connectionGater: { denyDialMultiaddr: (ma) => !ma.toString().startsWith(relayHost) } }
    })
    running.push(daemon)
    const { seen, handler } = recorder()
    await serve(daemon, handler)
    await waitFor('the daemon holds a reservation on the relay', () => daemon.libp2p.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit')), 30_000)
    const circuit = daemon.libp2p.getMultiaddrs().map(String).find((addr) => addr.includes('/p2p-circuit')) as string
    const requester = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
    running.push(requester)
    const connection = await requester.libp2p.dial(multiaddr(circuit), { signal: AbortSignal.timeout(20_000) })
    expect(connection.limits).toBeDefined()

    expect(await requestArchive(requester, daemon.libp2p.peerId, INVITE)).toEqual({ status: 'archiving' })
    expect(seen).toEqual([{ invite: INVITE, from: requester.libp2p.peerId.toString() }])
    expect(requester.libp2p.getConnections(daemon.libp2p.peerId).every((c) => c.limits !== undefined)).toBe(true)
  }, 60_000)
})

describe('requestArchive failures', () => {
  it('is unreachable without the protocol, and times out when nobody answers', async () => {
    const [a, b] = await pair()
    await expect(requestArchive(a, b.libp2p.peerId, INVITE)).rejects.toMatchObject({ name: 'ArchiveRequestError', reason: 'unreachable' })
    const held: Stream[] = []
    await b.libp2p.handle(ARCHIVE_PROTOCOL, (stream) => { held.push(stream) })
    await expect(requestArchive(a, b.libp2p.peerId, INVITE, { timeoutMs: 800 })).rejects.toMatchObject({ name: 'ArchiveRequestError', reason: 'timeout' })
    expect(held).toHaveLength(1)
    await waitFor('the requester to reset its stream', () => held[0]?.status !== 'open', 10_000)
  })

  it('refuses a garbage answer, an oversized one and a hang-up; honours an abort', async () => {
    const [a, b] = await pair()
    const replies: ((stream: Stream) => void)[] = [
      (s) => { s.send(encodeFrame(Uint8Array.of(0xa1, 0x61, 0x76, 0x01), ARCHIVE_FRAME_BYTES)) },
      (s) => { s.send(encodeVarint(ARCHIVE_FRAME_BYTES + 1)) },
      (s) => { void s.close() },
      () => undefined
    ]
    let n = 0
    await b.libp2p.handle(ARCHIVE_PROTOCOL, (stream) => {
      // Reply once the request is in, as a daemon would.
      stream.addEventListener('message', () => { replies[n++]?.(stream) }, { once: true })
    })
    await expect(requestArchive(a, b.libp2p.peerId, INVITE)).rejects.toMatchObject({ reason: 'malformed', cause: { name: 'SchemaError' } })
    await expect(requestArchive(a, b.libp2p.peerId, INVITE)).rejects.toMatchObject({ reason: 'malformed', cause: { name: 'FrameTooLargeError' } })
    await expect(requestArchive(a, b.libp2p.peerId, INVITE)).rejects.toMatchObject({ reason: 'closed' })
    const controller = new AbortController()
    const pending = requestArchive(a, b.libp2p.peerId, INVITE, { signal: controller.signal })
    await waitFor('the fourth request to arrive', () => n === 4, 10_000)
    controller.abort(new Error('user left'))
    const err = await pending.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ArchiveRequestError)
    expect(err).toMatchObject({ reason: 'aborted' })
    await expect(requestArchive(a, b.libp2p.peerId, INVITE, { signal: controller.signal })).rejects.toMatchObject({ reason: 'aborted' })
  })

  it('refuses an invite no daemon would take before dialling', async () => {
    const [a, b] = await pair()
    await expect(requestArchive(a, b.libp2p.peerId, '')).rejects.toBeInstanceOf(SchemaError)
    await expect(requestArchive(a, b.libp2p.peerId, 'two\nlines')).rejects.toBeInstanceOf(SchemaError)
    expect(encodeArchiveRequest({ invite: INVITE }).length).toBeLessThan(ARCHIVE_FRAME_BYTES)
  })
})
