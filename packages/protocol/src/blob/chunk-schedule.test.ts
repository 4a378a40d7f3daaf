/**
 * The chunk schedule: peers take disjoint chunks lowest first, refused and
 * failed chunks move to other peers, stored chunks are never requested, and
 * (property) under any sequence of deliveries, refusals and failures no chunk
 * is in flight twice, nothing stored or refused is offered, and the run ends
 * complete exactly when some live peer could still supply every chunk.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { InvalidArgumentError } from '../errors.ts'
import { ChunkSchedule } from './chunk-schedule.ts'

describe('ChunkSchedule', () => {
  it('spreads chunks over peers, lowest first, never twice', () => {
    const s = new ChunkSchedule(10, [0, 4])
    s.addPeer('a')
    s.addPeer('b')
    expect(s.next('a', 3)).toEqual([1, 2, 3])
    expect(s.next('b', 3)).toEqual([5, 6, 7])
    expect(s.next('a', 5)).toEqual([8, 9])
    expect(s.next('b', 5)).toEqual([])
    expect(s.done).toBe(2)
    expect(s.missing()).toEqual([1, 2, 3, 5, 6, 7, 8, 9])
  })

  it('gives a refused chunk to another peer, never back to the refuser', () => {
    const s = new ChunkSchedule(3)
    expect(s.next('a', 3)).toEqual([0, 1, 2])
    s.refused('a', [1])
    expect(s.inFlightAt('a')).toEqual([0, 2])
    expect(s.next('a', 3)).toEqual([])
    expect(s.next('b', 3)).toEqual([1])
    s.refused('b', [1])
    expect(s.unavailable()).toEqual([1])
    expect(s.canProgress('b')).toBe(true) // 0 and 2 are in flight at a and may come back
  })

  it('moves a failed peer\'s chunks to the others', () => {
    const s = new ChunkSchedule(4)
    s.addPeer('b')
    expect(s.next('a', 4)).toEqual([0, 1, 2, 3])
    s.delivered('a', 0)
    s.peerFailed('a')
    expect(s.next('a', 4)).toEqual([])
    expect(s.canProgress('a')).toBe(false)
    expect(s.next('b', 4)).toEqual([1, 2, 3])
    for (const i of [1, 2, 3]) s.delivered('b', i)
    expect(s.isComplete()).toBe(true)
    expect(s.canProgress('b')).toBe(false)
  })

  it('refuses impossible sizes and indices (local bugs)', () => {
    expect(() => new ChunkSchedule(401)).toThrow(InvalidArgumentError)
    expect(() => new ChunkSchedule(2, [2])).toThrow(InvalidArgumentError)
    expect(() => { new ChunkSchedule(2).delivered('a', -1) }).toThrow(InvalidArgumentError)
    expect(new ChunkSchedule(0).isComplete()).toBe(true)
  })

  it('keeps its invariants under random schedules (property)', () => {
    type Op = { kind: 'next' | 'deliver' | 'refuse' | 'fail'; peer: number; n: number }
    const op = fc.record({ kind: fc.constantFrom('next', 'next', 'deliver', 'deliver', 'refuse', 'fail'), peer: fc.nat({ max: 3 }), n: fc.integer({ min: 1, max: 4 }) }) as fc.Arbitrary<Op>
    fc.assert(fc.property(fc.integer({ min: 0, max: 12 }), fc.array(fc.nat({ max: 11 }), { maxLength: 4 }), fc.array(op, { maxLength: 80 }), (count, storedRaw, ops) => {
      const stored = storedRaw.filter((i) => i < count)
      const s = new ChunkSchedule(count, stored)
      const peers = ['p0', 'p1', 'p2', 'p3']
      for (const p of peers) s.addPeer(p)
      const done = new Set(stored)
      const refused = new Map(peers.map((p) => [p, new Set<number>()]))
      const failed = new Set<string>()
      const owner = new Map<number, string>()
      for (const { kind, peer: pi, n } of ops) {
        const peer = peers[pi]!
        const mine = s.inFlightAt(peer)
        if (kind === 'next') {
          for (const i of s.next(peer, n)) {
            expect(done.has(i) || owner.has(i) || failed.has(peer) || refused.get(peer)!.has(i)).toBe(false)
            owner.set(i, peer)
          }
        } else if (kind === 'deliver' && mine.length > 0) {
          const i = mine[n % mine.length]!
          s.delivered(peer, i)
          done.add(i)
          owner.delete(i)
        } else if (kind === 'refuse' && mine.length > 0) {
          const i = mine[n % mine.length]!
          s.refused(peer, [i])
          refused.get(peer)!.add(i)
          owner.delete(i)
        } else if (kind === 'fail') {
          s.peerFailed(peer)
          failed.add(peer)
          for (const i of mine) owner.delete(i)
        }
        for (const p of peers) expect(s.inFlightAt(p)).toEqual([...owner].filter(([, o]) => o === p).map(([i]) => i).sort((a, b) => a - b))
        expect(s.done).toBe(done.size)
      }
      // Drain: every live peer takes and delivers whatever it may.
      for (let round = 0; round < count + 1; round++) {
        for (const p of peers) for (const i of [...s.inFlightAt(p), ...s.next(p, count)]) {
          s.delivered(p, i)
          done.add(i)
        }
      }
      const live = peers.filter((p) => !failed.has(p))
      const suppliable = (i: number): boolean => live.some((p) => !refused.get(p)!.has(i))
      const expectedMissing = Array.from({ length: count }, (_, i) => i).filter((i) => !done.has(i))
      expect(s.missing()).toEqual(expectedMissing)
      expect(expectedMissing.every((i) => !suppliable(i))).toBe(true)
      expect(s.unavailable()).toEqual(expectedMissing)
      expect(s.isComplete()).toBe(expectedMissing.length === 0)
      for (const p of peers) expect(s.canProgress(p)).toBe(false)
    }), { numRuns: 300 })
  })
})
