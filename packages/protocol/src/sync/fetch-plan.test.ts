/**
 * Fetch planning: spreading missing items over peers, moving a failed peer's
 * share, never re-requesting what is stored, and a seeded simulation in which
 * a joiner reconciles with three peers, one of them lying, and still ends
 * with every item the honest peers hold.
 */
import { describe, expect, it } from 'vitest'
import { FetchPlan, type FetchRequest } from './fetch-plan.ts'
import { compareItemKeys, itemKeyString, type ItemKey } from './item-key.ts'
import { MemoryReconcileStore } from './item-store.ts'
import { u64be } from './fingerprint.ts'
import { sha256 } from '../crypto/sha256.ts'
import { equalBytes } from '../bytes.ts'
import { itemKeyStrings, makeKeys, Rng, runSession } from './test-support.ts'

const ownedBy = (requests: readonly FetchRequest[]): Map<string, string[]> =>
  new Map(requests.map((r) => [r.peer, r.keys.map(itemKeyString)]))

describe('FetchPlan', () => {
  it('spreads items over the peers that have them, in batches, each requested once', () => {
    const keys = makeKeys(1000, 1)
    const plan = new FetchPlan({ isStored: () => false, maxBatch: 100, maxInFlightPerPeer: 200 })
    plan.advertise('p1', keys)
    plan.advertise('p2', keys)
    plan.advertise('p3', keys.slice(0, 500))
    const requested = new Set<string>()
    let rounds = 0
    while (!plan.isComplete()) {
      const requests = plan.next()
      expect(requests.length).toBeGreaterThan(0)
      for (const { peer, keys: batch } of requests) {
        expect(batch.length).toBeLessThanOrEqual(100)
        for (const key of batch) {
          expect(requested.has(itemKeyString(key))).toBe(false)
          requested.add(itemKeyString(key))
        }
        if (peer === 'p3') expect(batch.every((k) => keys.indexOf(k) < 500)).toBe(true)
      }
      // Parallel: the first round asks all three peers at once.
      if (rounds === 0) expect(requests.map((r) => r.peer).sort()).toEqual(['p1', 'p2', 'p3'])
      for (const { peer, keys: batch } of requests) plan.delivered(peer, batch)
      rounds++
    }
    expect(requested.size).toBe(1000)
    expect(rounds).toBeLessThanOrEqual(5)
  })

  it('caps what is outstanding at each peer', () => {
    const plan = new FetchPlan({ isStored: () => false, maxBatch: 50, maxInFlightPerPeer: 120 })
    plan.advertise('p', makeKeys(1000, 2))
    expect(plan.next()[0]?.keys).toHaveLength(50)
    expect(plan.next()[0]?.keys).toHaveLength(50)
    expect(plan.next()[0]?.keys).toHaveLength(20)
    expect(plan.next()).toEqual([])
    expect(plan.inFlight()).toHaveLength(120)
  })

  it('asks only the peers the caller says are ready (one request at a time per conversation)', () => {
    const keys = makeKeys(50, 7)
    const plan = new FetchPlan({ isStored: () => false, maxBatch: 10, maxInFlightPerPeer: 40 })
    plan.advertise('a', keys)
    plan.advertise('b', keys)
    expect(plan.next((peer) => peer === 'b').map((r) => r.peer)).toEqual(['b'])
    // 'b' has room for more, but its request is still running: nothing for it, 'a' gets the next batch.
    const second = plan.next((peer) => peer !== 'b')
    expect(second.map((r) => r.peer)).toEqual(['a'])
    expect(second[0]?.keys).toHaveLength(10)
  })

  it("moves a failed peer's share to the others; what only it had becomes unavailable", () => {
    const keys = makeKeys(300, 3)
    const plan = new FetchPlan({ isStored: () => false, maxBatch: 1000 })
    plan.advertise('bad', keys)
    plan.advertise('good', keys.slice(0, 200))
    const first = ownedBy(plan.next())
    expect(first.get('bad')?.length).toBe(300)
    expect(first.get('good')).toBeUndefined()
    plan.peerFailed('bad')
    const second = ownedBy(plan.next())
    expect(second.get('good')).toHaveLength(200)
    expect(second.get('bad')).toBeUndefined()
    expect(itemKeyStrings(plan.unavailable())).toEqual(itemKeyStrings(keys.slice(200)))
    plan.delivered('good', keys.slice(0, 200))
    expect(plan.isComplete()).toBe(true)
  })

  it('retries undelivered items on another holder, and a later advertisement revives unavailable ones', () => {
    const keys = makeKeys(10, 4).sort(compareItemKeys)
    const plan = new FetchPlan({ isStored: () => false })
    plan.advertise('a', keys)
    plan.next()
    plan.advertise('b', keys.slice(0, 5))
    plan.notDelivered('a', keys)
    const retry = ownedBy(plan.next())
    expect(retry.get('b')).toEqual(keys.slice(0, 5).map(itemKeyString))
    expect(plan.unavailable()).toHaveLength(5)
    plan.advertise('c', keys.slice(5))
    expect(ownedBy(plan.next()).get('c')).toEqual(keys.slice(5).map(itemKeyString))
  })

  it('never requests what is stored, before or after advertising (resumable)', () => {
    const keys = makeKeys(100, 5).sort(compareItemKeys)
    const stored = new Set(keys.slice(0, 30).map(itemKeyString))
    const plan = new FetchPlan({ isStored: (k) => stored.has(itemKeyString(k)) })
    plan.advertise('p', keys)
    for (const key of keys.slice(30, 60)) stored.add(itemKeyString(key)) // arrived by gossip meanwhile
    const requested = plan.next().flatMap((r) => r.keys.map(itemKeyString))
    expect(requested).toEqual(keys.slice(60).map(itemKeyString))
    // A plan rebuilt after a restart picks up where storage stands.
    for (const key of keys.slice(60, 90)) stored.add(itemKeyString(key))
    const resumed = new FetchPlan({ isStored: (k) => stored.has(itemKeyString(k)) })
    resumed.advertise('p', keys)
    expect(resumed.next().flatMap((r) => r.keys.map(itemKeyString))).toEqual(keys.slice(90).map(itemKeyString))
  })
})

describe('joining through three peers, one of them lying (seeded simulation)', () => {
  interface Peer {
    readonly name: string
    readonly store: MemoryReconcileStore
    /** What the peer returns for a requested key (the item body), or undefined. */
    serve(key: ItemKey): Uint8Array | undefined
  }

  const bodyOf = (key: ItemKey, bodies: Map<string, Uint8Array>): Uint8Array | undefined => bodies.get(itemKeyString(key))

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: the joiner ends with every honest item; the liar's share is fetched elsewhere`, () => {
      const rng = new Rng(seed)
      // The room's history: items whose id is the hash of their Lamport time and body.
      const bodies = new Map<string, Uint8Array>()
      const history: ItemKey[] = []
      for (let i = 0; i < 2000; i++) {
        const lamport = i + rng.int(3)
        const body = sha256(u64be(seed), u64be(i))
        const key = { lamport, id: sha256(u64be(lamport), body) }
        history.push(key)
        bodies.set(itemKeyString(key), body)
      }
      const verify = (key: ItemKey, body: Uint8Array): boolean => equalBytes(sha256(u64be(key.lamport), body), key.id)
      const subset = (fraction: number): ItemKey[] => history.filter(() => rng.int(100) < fraction)
      const honestA: Peer = { name: 'A', store: MemoryReconcileStore.from(subset(70)), serve: (k) => bodyOf(k, bodies) }
      const honestB: Peer = { name: 'B', store: MemoryReconcileStore.from(subset(70)), serve: (k) => bodyOf(k, bodies) }
      // The liar advertises most of the history plus 50 items that do not exist, and serves garbage.
      const fakes = makeKeys(50, 1000 + seed)
      const liar: Peer = {
        name: 'L',
        store: MemoryReconcileStore.from([...subset(90), ...fakes]),
        serve: (k) => (rng.int(4) === 0 ? undefined : sha256(u64be(rng.u32()), k.id))
      }
      const peers = [honestA, liar, honestB]
      const joiner = MemoryReconcileStore.from(history.slice(0, 300)) // resumes: some history already stored

      const plan = new FetchPlan({ isStored: (k) => joiner.has(k), maxBatch: 64, maxInFlightPerPeer: 128 })
      for (const peer of peers) plan.advertise(peer.name, runSession(joiner, peer.store).initiator.need())

      const failures = new Map<string, number>()
      const requestedTwice: string[] = []
      const everRequested = new Set<string>()
      for (let round = 0; !plan.isComplete(); round++) {
        expect(round).toBeLessThan(200)
        const requests = plan.next()
        for (const { peer: name, keys } of requests) {
          const peer = peers.find((p) => p.name === name)
          if (peer === undefined) throw new Error('unknown peer')
          const good: ItemKey[] = []
          const bad: ItemKey[] = []
          for (const key of keys) {
            const id = itemKeyString(key)
            if (everRequested.has(id) && joiner.has(key)) requestedTwice.push(id)
            everRequested.add(id)
            const body = peer.serve(key)
            if (body !== undefined && verify(key, body)) {
              joiner.insert(key)
              good.push(key)
            } else {
              bad.push(key)
            }
          }
          plan.delivered(name, good)
          plan.notDelivered(name, bad)
          const failed = (failures.get(name) ?? 0) + bad.length
          failures.set(name, failed)
          if (failed >= 20) plan.peerFailed(name) // scored down and dropped
        }
      }

      expect(requestedTwice).toEqual([])
      const honestUnion = new Set([...honestA.store.keys(), ...honestB.store.keys(), ...history.slice(0, 300)].map(itemKeyString))
      const byString = new Map(history.map((k) => [itemKeyString(k), k]))
      const missing = [...honestUnion].filter((id) => { const k = byString.get(id); return k === undefined || !joiner.has(k) })
      expect(missing).toEqual([])
      // Nothing unverified was stored, and what is unavailable is only what no honest peer holds.
      expect(joiner.keys().every((k) => bodies.has(itemKeyString(k)))).toBe(true)
      const unavailable = plan.unavailable()
      expect(unavailable.every((k) => !honestUnion.has(itemKeyString(k)))).toBe(true)
      expect(unavailable.filter((k) => fakes.some((f) => itemKeyString(f) === itemKeyString(k)))).toHaveLength(50)
      expect(failures.get('A') ?? 0).toBe(0)
      expect(failures.get('B') ?? 0).toBe(0)
    })
  }
})
