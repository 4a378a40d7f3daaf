/**
 * Two peers wired back to back through a tiny in-memory duplex (two message
 * queues), each driving its own session as a real transport would: the
 * protocol needs nothing but ordered delivery of whole messages.
 */
import { describe, expect, it } from 'vitest'
import { MemoryReconcileStore, type ReconcileStore } from './item-store.ts'
import { continueReconcile, initiateReconcile, respondReconcile, type ReconcileSession } from './reconcile.ts'
import { encodeSyncMessage } from './message.ts'
import { INFINITY_BOUND, type ItemKey } from './item-key.ts'
import { SyncStructureError } from './errors.ts'
import { differingStores, itemKeyStrings } from './test-support.ts'

/** One end of a duplex: send whole messages, await the next one (undefined once the other end closed). */
interface Endpoint {
  send(message: Uint8Array): void
  receive(): Promise<Uint8Array | undefined>
  close(): void
}

function duplexPair(): [Endpoint, Endpoint] {
  const queues: Uint8Array[][] = [[], []]
  const waiting: (((m: Uint8Array | undefined) => void) | undefined)[] = [undefined, undefined]
  const closed = [false, false]
  const deliver = (to: 0 | 1, message: Uint8Array | undefined): void => {
    const resolve = waiting[to]
    if (resolve !== undefined) {
      waiting[to] = undefined
      resolve(message)
    } else if (message !== undefined) {
      queues[to]?.push(message)
    }
  }
  const end = (me: 0 | 1): Endpoint => {
    const other: 0 | 1 = me === 0 ? 1 : 0
    return {
      send: (message) => { if (!closed[me]) deliver(other, message.slice()) },
      receive: () => {
        const next = queues[me]?.shift()
        if (next !== undefined || closed[other]) return Promise.resolve(next)
        return new Promise((resolve) => { waiting[me] = resolve })
      },
      close: () => {
        closed[me] = true
        deliver(other, undefined)
      }
    }
  }
  return [end(0), end(1)]
}

interface PeerOutcome {
  readonly have: readonly ItemKey[]
  readonly need: readonly ItemKey[]
  readonly error?: unknown
}

/** Drive one side of a session over `io` until it is done, the other side closes, or a rule is broken. */
async function runPeer(io: Endpoint, store: ReconcileStore, role: 'initiator' | 'responder'): Promise<PeerOutcome> {
  let session: ReconcileSession | undefined
  try {
    if (role === 'initiator') {
      const started = initiateReconcile(store)
      session = started.session
      io.send(started.message)
    }
    for (;;) {
      const message = await io.receive()
      if (message === undefined) break
      let step
      if (session === undefined) {
        const first = respondReconcile(store, message)
        session = first.session
        step = first
      } else {
        step = continueReconcile(session, message)
      }
      if (step.reply !== undefined) io.send(step.reply)
      if (step.done) break
    }
    io.close()
    return { have: session?.have() ?? [], need: session?.need() ?? [] }
  } catch (error) {
    io.close()
    return { have: [], need: [], error }
  }
}

describe('reconciliation over an in-memory duplex', () => {
  it('two peers complete and learn the symmetric difference', async () => {
    const { a, b, onlyA, onlyB } = differingStores(20_000, 200, 77)
    const [left, right] = duplexPair()
    const [ra, rb] = await Promise.all([runPeer(left, a, 'initiator'), runPeer(right, b, 'responder')])
    expect(ra.error).toBeUndefined()
    expect(rb.error).toBeUndefined()
    expect(itemKeyStrings(ra.have)).toEqual(itemKeyStrings(onlyA))
    expect(itemKeyStrings(ra.need)).toEqual(itemKeyStrings(onlyB))
    expect(itemKeyStrings(rb.have)).toEqual(itemKeyStrings(onlyB))
    expect(itemKeyStrings(rb.need)).toEqual(itemKeyStrings(onlyA))
  })

  it('an honest peer facing a liar ends its session with a typed error and hangs up', async () => {
    const { a } = differingStores(2000, 0, 78)
    const [left, right] = duplexPair()
    const liar = (async (): Promise<void> => {
      await right.receive()
      // Echo the initiator's whole-set fingerprint back: no progress.
      right.send(encodeSyncMessage({ ranges: [{ upper: INFINITY_BOUND, mode: 'fingerprint', fingerprint: new Uint8Array(16) }] }))
      expect(await right.receive()).toBeUndefined()
    })()
    const [outcome] = await Promise.all([runPeer(left, a, 'initiator'), liar])
    expect(outcome.error).toBeInstanceOf(SyncStructureError)
  })

  it('identical stores finish in one exchange', async () => {
    const store = MemoryReconcileStore.from(differingStores(5000, 0, 79).a.keys())
    const [left, right] = duplexPair()
    const [ra, rb] = await Promise.all([runPeer(left, store, 'initiator'), runPeer(right, store.clone(), 'responder')])
    expect([ra.have, ra.need, rb.have, rb.need].every((list) => list.length === 0)).toBe(true)
  })
})
