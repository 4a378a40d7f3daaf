/**
 * Damaged stores (docs/drafts/storage-layout.md §5.5.4): values that fail
 * the envelope, values that pass it but are not the record their key names,
 * removed records and stray keys. The room opens with what is intact, says
 * what it lost, and a sync from a healthy replica restores exactly that.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeKeyPath, encodeKeyPath, MemoryByteStore, MemoryStorageAdapter, toHex, type Bytes, type KeyPath } from '@hearth/protocol'
import { RoomStore } from './index.ts'
import { AUTHORITY, channelLog, corruptValue, snapshotOf, syncRoom, testRoom, writeRoom } from './test-support.ts'

let original: RoomStore
let pristine: MemoryByteStore
let recordKeys: KeyPath[]

/** A copy of a memory "disk". */
async function copyDisk(disk: MemoryByteStore): Promise<MemoryByteStore> {
  const copy = new MemoryByteStore()
  await copy.putBatch(await disk.getRange({ lower: undefined, upper: undefined, limit: undefined, reverse: false }))
  return copy
}

beforeAll(async () => {
  const room = await testRoom('damage', 3, 2)
  pristine = new MemoryByteStore()
  original = await RoomStore.open(new MemoryStorageAdapter({ store: pristine }), room.genesis)
  await writeRoom(original, room, 50)
  const all = await pristine.getRange({ lower: undefined, upper: undefined, limit: undefined, reverse: false })
  recordKeys = all.map((e) => decodeKeyPath(e.key)).filter((k) => k[0] === 'room')
})

const idOf = (key: KeyPath): string => key[key.length - 1] as string

describe('RoomStore with a damaged store', () => {
  it('opens with what is intact, reports what was lost, and a sync restores exactly that', async () => {
    const disk = await copyDisk(pristine)
    const adapter = new MemoryStorageAdapter({ store: disk })
    const events = recordKeys.filter((k) => k[2] === 'ch')
    const entries = recordKeys.filter((k) => k[2] === 'auth')
    const [flipped, truncated, versioned, garbage, misplaced, removed] = [events[3], events[10], events[20], events[25], events[30], events[events.length - 1]]
    const entry = entries[entries.length - 2]
    if (!flipped || !truncated || !versioned || !garbage || !misplaced || !removed || !entry) throw new Error('room too small')
    await corruptValue(disk, flipped, 'flip')
    await corruptValue(disk, truncated, 'truncate')
    await corruptValue(disk, versioned, 'version')
    await corruptValue(disk, entry, 'flip')
    // Passes the envelope, but is not a record / not the record the key names.
    await adapter.save(garbage, new Uint8Array([0xa1, 0x61, 0x76, 0x01]))
    await adapter.save(misplaced, (await adapter.load(events[0] as KeyPath)) as Uint8Array)
    await adapter.remove(removed)
    await adapter.save([...(events[0] as KeyPath).slice(0, 5), 'not-a-lamport', 'x'], new Uint8Array([1]))

    const damaged = await RoomStore.open(adapter, original.room)
    const lost = damaged.damage.lost.map((l) => [toHex(l.id), l.reason])
    expect(lost).toEqual(expect.arrayContaining([
      [idOf(flipped), 'checksum-mismatch'], [idOf(truncated), 'truncated'], [idOf(versioned), 'unknown-version'],
      [idOf(entry), 'checksum-mismatch'], [idOf(garbage), 'malformed'], [idOf(misplaced), 'mismatch']
    ]))
    expect(lost).toHaveLength(6)
    expect(damaged.damage.stray).toBe(1)
    // The entry after the lost one waits for it.
    expect(damaged.authority.size + damaged.authority.pendingCount).toBe(original.authority.size - 1)
    expect(damaged.authority.missingParents().map(toHex)).toEqual([idOf(entry)])
    // Lost records with stored children are asked for by the logs themselves.
    const missing = damaged.channels().flatMap((c) => damaged.channel(c).missingParents().map(toHex))
    expect(missing).toEqual(expect.arrayContaining([idOf(flipped), idOf(truncated)]))

    await syncRoom(original, damaged)
    expect(snapshotOf(damaged)).toEqual(snapshotOf(original))
    expect(damaged.damage).toMatchObject({ lost: [], repaired: 6 })
    expect(adapter.integrity().corrupt).toEqual([])
    const reopened = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), original.room)
    expect(snapshotOf(reopened)).toEqual(snapshotOf(original))
    expect(reopened.damage).toEqual({ lost: [], repaired: 0, refused: 0, stray: 1 })
  })

  it('opens after losing the whole authority log, holding every event until sync brings it back', async () => {
    const disk = await copyDisk(pristine)
    const adapter = new MemoryStorageAdapter({ store: disk })
    await adapter.removeRange(['room', toHex(original.room), 'auth'])
    const damaged = await RoomStore.open(adapter, original.room)
    expect(damaged.authority.size).toBe(0)
    expect(damaged.channels()).toEqual([])
    await syncRoom(original, damaged)
    expect(snapshotOf(damaged)).toEqual(snapshotOf(original))
  })

  it('property: any mix of damage opens, and one sync restores the original', async () => {
    const how = fc.constantFrom('flip', 'truncate', 'version', 'remove', 'garbage')
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.nat({ max: 10_000 }), how), { minLength: 1, maxLength: 12 }),
      async (damage) => {
        const disk = await copyDisk(pristine)
        const adapter = new MemoryStorageAdapter({ store: disk })
        for (const [i, kind] of damage) {
          const key = recordKeys[i % recordKeys.length] as KeyPath
          if (await disk.get(encodeKeyPath(key)) === undefined) continue
          if (kind === 'remove') await adapter.remove(key)
          else if (kind === 'garbage') await adapter.save(key, new Uint8Array([i & 0xff, 0x00]))
          else await corruptValue(disk, key, kind)
        }
        const damaged = await RoomStore.open(adapter, original.room)
        expect(damaged.storedIds(AUTHORITY).length).toBeLessThanOrEqual(original.authority.size)
        await syncRoom(original, damaged)
        expect(snapshotOf(damaged)).toEqual(snapshotOf(original))
        expect(damaged.damage.lost).toEqual([])
        const reopened = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), original.room)
        expect(snapshotOf(reopened)).toEqual(snapshotOf(original))
      }
    ), { numRuns: 25 })
  })

  it('lists a channel whose every stored value is corrupt', async () => {
    const disk = await copyDisk(pristine)
    const channel = original.channels()[1] as Bytes
    const prefix = ['room', toHex(original.room), 'ch', toHex(channel)]
    for (const key of recordKeys.filter((k) => k[3] === prefix[3])) await corruptValue(disk, key, 'flip')
    const damaged = await RoomStore.open(new MemoryStorageAdapter({ store: disk }), original.room)
    expect(damaged.storedIds(channelLog(channel))).toEqual([])
    expect(damaged.damage.lost.length).toBe(original.storedIds(channelLog(channel)).length)
    await syncRoom(original, damaged)
    expect(snapshotOf(damaged)).toEqual(snapshotOf(original))
  })
})
