/**
 * The profile set on its own: newest wins per identity whatever the delivery
 * order (property, against a reference model), strangers are never stored,
 * older versions are duplicates that `has` remembers, and hostile bytes
 * (garbage, truncated, mutated, oversized, forged, other record types) are
 * refused with counts, never thrown.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createProfile, encodeProfile, encodeRecord, MAX_PROFILE_BYTES, newerProfile, recordId, toHex,
  type Bytes, type EntryNode, type Keypair, type Profile, type Verified
} from '@hearth/protocol'
import { key } from '../../../protocol/src/authority/test-support.ts'
import { MAX_SUPERSEDED, ProfileSet } from './profile-set.ts'

const PREFIX = ['room', 'r', 'prof']
const creator = key('profile-set/creator')
const members = [key('profile-set/a'), key('profile-set/b'), key('profile-set/c')]
const stranger = key('profile-set/stranger')

/** Fake authority nodes: `learn` reads only the author and the action's target/member. */
const joined = (kp: Keypair, target?: Bytes): EntryNode =>
  ({ entry: { author: kp.publicKey, act: target === undefined ? { op: 'join' } : { op: 'ban', target } } }) as unknown as EntryNode

function setOf(...known: Keypair[]): ProfileSet {
  const set = new ProfileSet(PREFIX, creator.publicKey)
  set.learn(known.map((kp) => joined(kp)))
  return set
}

/** Every version a test may deliver: per person, seqs 1–3, some with equal seq and later `updated`, some exact ties but for content. */
async function versions(people: readonly Keypair[]): Promise<Verified<Profile>[]> {
  const out: Verified<Profile>[] = []
  for (const [p, kp] of people.entries()) {
    for (const [seq, updated, name] of [[1, 100, 'one'], [2, 90, 'two'], [2, 95, 'two later'], [3, 50, 'three'], [3, 50, 'three, other text']] as const) {
      out.push(await createProfile(kp, { name: `${p}:${name}` }, seq, updated + p))
    }
  }
  return out
}

const newestPer = (profiles: readonly Verified<Profile>[]): Map<string, string> => {
  const best = new Map<string, Verified<Profile>>()
  for (const p of profiles) {
    const k = toHex(p.id)
    const current = best.get(k)
    best.set(k, current === undefined ? p : newerProfile(current, p))
  }
  return new Map([...best].map(([k, p]) => [k, toHex(recordId(encodeProfile(p)))]))
}

const contents = (set: ProfileSet): Map<string, string> =>
  new Map([...set.profiles()].map(([k, p]) => [k, toHex(recordId(encodeProfile(p)))]))

describe('ProfileSet', () => {
  it('property: any delivery order, batching and duplication of any versions converges to the newest per member; strangers are never stored', async () => {
    const all = await versions([creator, ...members, stranger])
    const memberVersions = all.filter((p) => toHex(p.id) !== toHex(stranger.publicKey))
    const expected = newestPer(memberVersions)
    const expectedIds = [...expected.values()].sort()
    await fc.assert(fc.asyncProperty(
      fc.array(fc.nat(all.length - 1), { minLength: 1, maxLength: 60 }),
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 20 }),
      fc.boolean(),
      async (order, cuts, everything) => {
        // Some arbitrary sequence of versions (with repeats), then (maybe) all of them: the set holds the newest delivered.
        const delivered = [...order.map((i) => all[i] as Verified<Profile>), ...(everything ? all : [])]
        const set = setOf(...members)
        let at = 0
        for (let c = 0; at < delivered.length; c++) {
          const n = cuts[c % cuts.length] as number
          await set.ingest(delivered.slice(at, at + n).map(encodeProfile))
          at += n
        }
        const members_ = delivered.filter((p) => toHex(p.id) !== toHex(stranger.publicKey))
        expect(contents(set)).toEqual(newestPer(members_))
        expect(set.profile(stranger.publicKey)).toBeUndefined()
        expect(set.size).toBe(new Set(members_.map((p) => toHex(p.id))).size)
        // The sync keys are exactly the stored profiles' (updated, id).
        expect(set.reconcileStore().size()).toBe(set.size)
        expect([...set.storedIds()].sort()).toEqual([...contents(set).values()].sort())
        if (everything) expect(set.storedIds().sort()).toEqual(expectedIds)
      }
    ), { numRuns: 60 })
  })

  it('counts: stored, older versions as duplicates (remembered by has), strangers deferred until the room knows them', async () => {
    const [a] = members as [Keypair]
    const set = setOf(a)
    const v1 = await createProfile(a, { name: 'a1' }, 1, 1_000)
    const v2 = await createProfile(a, { name: 'a2' }, 2, 2_000)
    const s1 = await createProfile(stranger, { name: 'stranger' }, 1, 1_000)
    const first = await set.ingest([encodeProfile(v2)])
    expect(first.result).toEqual({ stored: 1, rejected: 0, deferred: 0, duplicates: 0, missing: [] })
    expect(first.changes.put.map((c) => c.key)).toEqual([[...PREFIX, toHex(a.publicKey), '00000000000007d0', toHex(recordId(encodeProfile(v2)))]])
    // Older: a duplicate, not an error; the set keeps v2 and now knows v1's key as superseded.
    const older = await set.ingest([encodeProfile(v1), encodeProfile(v2), encodeProfile(s1)])
    expect(older.result).toEqual({ stored: 0, rejected: 0, deferred: 1, duplicates: 2, missing: [] })
    expect(older.changes).toEqual({ put: [], removed: [] })
    expect(set.profile(a.publicKey)?.name).toBe('a2')
    expect(set.has({ lamport: 1_000, id: recordId(encodeProfile(v1)) })).toBe(true)
    expect(set.records([recordId(encodeProfile(v1)), recordId(encodeProfile(v2))]).map(toHex)).toEqual([toHex(encodeProfile(v2))])
    // The stranger joins (or is banned: a target counts too): now its profile is taken.
    set.learn([joined(creator, stranger.publicKey)])
    expect((await set.ingest([encodeProfile(s1)])).result.stored).toBe(1)
    // A newer version replaces: the old row is removed, the old key superseded, the snapshot renewed.
    const snapshot = set.reconcileStore()
    const v3 = await createProfile(a, { name: 'a3' }, 3, 500)
    const third = await set.ingest([encodeProfile(v3)])
    expect(third.result.stored).toBe(1)
    expect(third.changes.removed).toEqual(first.changes.put.map((c) => c.key))
    expect(set.has({ lamport: 2_000, id: recordId(encodeProfile(v2)) })).toBe(true)
    expect(set.has({ lamport: 500, id: recordId(encodeProfile(v3)) })).toBe(true)
    expect(set.has({ lamport: 501, id: recordId(encodeProfile(v3)) })).toBe(false)
    expect(snapshot.size()).toBe(2)
    expect(set.reconcileStore()).not.toBe(snapshot)
    expect(set.reconcileStore().itemsIn({ lamport: 0, prefix: new Uint8Array(0) }, { lamport: Infinity, prefix: new Uint8Array(0) }, 10).map((k) => k.lamport)).toEqual([500, 1_000])
  })

  it('hostile input: garbage, truncated, mutated, oversized, forged and other record types are rejected, never thrown', async () => {
    const [a] = members as [Keypair]
    const set = setOf(a)
    const good = encodeProfile(await createProfile(a, { name: 'good', avatar: { mime: 'image/gif', data: new Uint8Array([0x47, 0x49, 0x46, 0x38, 1]) } }, 1, 1))
    const forged = Uint8Array.from(good)
    forged[forged.length - 1]! ^= 1
    const wrongType = encodeRecord({ v: 1, t: 'signal', room: new Uint8Array(32) })
    const lying = await createProfile(a, { name: 'x' }, 1, 1)
    // Signed by a but claiming b's key: the signature does not verify under b.
    const claimed = encodeRecord({ ...lying, id: (members[1] as Keypair).publicKey })
    const oversized = encodeRecord({ ...lying, bio: 'x'.repeat(1024), avatar: { mime: 'image/png', data: new Uint8Array(MAX_PROFILE_BYTES) } })
    const badAvatar = encodeRecord({ ...lying, avatar: { mime: 'image/png', data: new Uint8Array([1, 2, 3]) } })
    const hostile = [new Uint8Array(0), new Uint8Array([0xff]), good.slice(0, 10), forged, wrongType, claimed, oversized, badAvatar]
    const { result } = await set.ingest(hostile)
    // `claimed` names b, whom the room does not know: deferred, never verified; the rest are refused.
    expect(result).toEqual({ stored: 0, rejected: 7, deferred: 1, duplicates: 0, missing: [] })
    expect(set.size).toBe(0)
    await fc.assert(fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 300 }), async (at, flip, garbage) => {
      const mutated = Uint8Array.from(good)
      mutated[at % mutated.length]! ^= flip
      const r = (await set.ingest([mutated, garbage])).result
      expect(r.stored + r.rejected + r.deferred! + r.duplicates).toBe(2)
      expect(set.size).toBeLessThanOrEqual(1)
      if (set.size === 1) expect(toHex(encodeProfile(set.profile(a.publicKey)!))).toBe(toHex(good))
    }), { numRuns: 300 })
  })

  it('remembers at most MAX_SUPERSEDED superseded versions', async () => {
    const [a] = members as [Keypair]
    const set = setOf(a)
    const first = await createProfile(a, { name: 'v0' }, 0, 0)
    await set.ingest([encodeProfile(first)])
    const rest = await Promise.all(Array.from({ length: MAX_SUPERSEDED + 1 }, (_, i) => createProfile(a, { name: `v${i + 1}` }, i + 1, i + 1)))
    await set.ingest(rest.map(encodeProfile))
    expect(set.profile(a.publicKey)?.seq).toBe(MAX_SUPERSEDED + 1)
    // Superseded in this order: rest[0] … rest[MAX − 1] (each by the next), then the replaced `first`: the oldest is forgotten.
    const oldest = rest[0] as Verified<Profile>
    const last = rest[rest.length - 2] as Verified<Profile>
    expect(set.has({ lamport: oldest.updated, id: recordId(encodeProfile(oldest)) })).toBe(false)
    expect(set.has({ lamport: last.updated, id: recordId(encodeProfile(last)) })).toBe(true)
    expect(set.has({ lamport: 0, id: recordId(encodeProfile(first)) })).toBe(true)
  })
})
