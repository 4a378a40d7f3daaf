/**
 * Contract tests for key order, prefix scans, paging and prefix deletion.
 * Expected orders are written out by hand in UTF-8 byte order, which differs
 * from JavaScript's UTF-16 string order for astral characters.
 */
import { expect, it } from 'vitest'
import { keyAfter, type KeyPath } from './key-path.ts'
import type { LoadRangeOptions } from './storage-adapter.ts'
import { allKeys, compareTuples, patternBytes, utf8, type ContractHarness } from './storage-contract-harness.ts'

/** Segments in UTF-8 byte order (the bytes are noted beside each). */
export const ORDERED_SEGMENTS: readonly string[] = [
  '', //            (nothing)
  '\u0000', //      00
  '\u0000\u0000', // 00 00
  '\u0001', //      01
  '\u0002', //      02
  ' ', //           20
  'A', //           41
  'a', //           61
  'a\u0000', //     61 00
  'a\u0001', //     61 01
  'ab', //          61 62
  'a\u007f', //     61 7f
  'b', //           62
  '\u007f', //      7f
  '\u0080', //      c2 80
  'é', //           c3 a9
  '\u07ff', //      df bf
  '\u0800', //      e0 a0 80
  '\ud7ff', //      ed 9f bf
  '\ue000', //      ee 80 80   (UTF-16 sorts this after the astral ones)
  '\ufeff', //      ef bb bf
  '\uffff', //      ef bf bf
  '\u{10000}', //   f0 90 80 80
  '😀', //          f0 9f 98 80
  '\u{10ffff}' //   f4 8f bf bf
]

/** Multi-segment paths in tuple order: a path before its extensions, then by segment. */
const ORDERED_PATHS: readonly KeyPath[] = [
  ['o'],
  ['o', ''],
  ['o', '', ''],
  ['o', '', 'z'],
  ['o', '\u0000'],
  ['o', 'a'],
  ['o', 'a', ''],
  ['o', 'a', '\u0000'],
  ['o', 'a', 'z'],
  ['o', 'a', 'z', 'z'],
  ['o', 'a\u0000'],
  ['o', 'a\u0000', 'z'],
  ['o', 'ab'],
  ['o', '\uffff'],
  ['o', '😀']
]

/** Keys that share a string prefix with ['o'] but not its path prefix. */
const OUTSIDE: readonly KeyPath[] = [['n'], ['o\u0000'], ['o\u0000', 'a'], ['oa'], ['p'], ['\u{10ffff}'], ['', 'o']]

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items]
  let x = seed
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648
    const j = x % (i + 1)
    const a = out[i] as T
    out[i] = out[j] as T
    out[j] = a
  }
  return out
}

const seq = (i: number): string => i.toString(16).padStart(16, '0')
const eventKey = (i: number): KeyPath => ['rooms', 'r1', 'events', seq(i)]
const EVENTS: KeyPath = ['rooms', 'r1', 'events']

/** Contract tests for ordering and ranges. */
export function describeRanges(h: ContractHarness): void {
  it('scans single segments in UTF-8 byte order', async () => {
    expect([...ORDERED_SEGMENTS].sort((a, b) => compareTuples([a], [b]))).toEqual(ORDERED_SEGMENTS)
    const keys = ORDERED_SEGMENTS.map((s): KeyPath => ['s', s])
    await h.adapter.saveBatch(shuffled(keys, 7).map((key) => ({ key, data: utf8(JSON.stringify(key)) })))
    const chunks = await h.adapter.loadRange(['s'])
    expect(chunks.map((c) => c.key)).toEqual(keys)
    for (const chunk of chunks) expect(chunk.data).toEqual(utf8(JSON.stringify(chunk.key)))
    const reversed = await h.adapter.loadRange(['s'], { reverse: true })
    expect(reversed.map((c) => c.key)).toEqual([...keys].reverse())
  })

  it('scans paths in tuple order, including the prefix itself, and nothing outside it', async () => {
    for (const key of shuffled([...ORDERED_PATHS, ...OUTSIDE], 11)) await h.adapter.save(key, utf8('v'))
    expect((await h.adapter.loadRange(['o'])).map((c) => c.key)).toEqual(ORDERED_PATHS)
    expect((await h.adapter.loadRange(['o', 'a'])).map((c) => c.key)).toEqual(ORDERED_PATHS.slice(5, 10))
    const everything = [...ORDERED_PATHS, ...OUTSIDE].sort(compareTuples)
    expect(await allKeys(h.adapter)).toEqual(everything)
  })

  async function seedEvents(): Promise<void> {
    const entries = Array.from({ length: 100 }, (_, i) => ({ key: eventKey(i), data: patternBytes(40, i + 1) }))
    await h.adapter.saveBatch(shuffled(entries, 3))
    // Neighbours that a sloppy prefix scan would pick up.
    for (const key of [['rooms', 'r1'], ['rooms', 'r1', 'eventsX', seq(1)], ['rooms', 'r10', 'events', seq(1)], ['rooms', 'r1', 'event'], ['rooms', 'r1', 'f']]) {
      await h.adapter.save(key, utf8('neighbour'))
    }
  }

  const page = async (options: LoadRangeOptions): Promise<KeyPath[]> => (await h.adapter.loadRange(EVENTS, options)).map((c) => c.key)
  const events = (from: number, to: number): KeyPath[] =>
    from <= to ? Array.from({ length: to - from + 1 }, (_, i) => eventKey(from + i)) : events(to, from).reverse()

  it('pages backwards: the newest 10, then the 10 before a given key', async () => {
    await seedEvents()
    expect(await page({ reverse: true, limit: 10 })).toEqual(events(99, 90))
    expect(await page({ reverse: true, limit: 10, end: eventKey(90) })).toEqual(events(89, 80))
    expect(await page({ reverse: true, limit: 10, end: eventKey(5) })).toEqual(events(4, 0))
    const chunks = await h.adapter.loadRange(EVENTS, { reverse: true, limit: 1 })
    expect(chunks[0]?.data).toEqual(patternBytes(40, 100))
  })

  it('pages forwards with keyAfter until exhausted', async () => {
    await seedEvents()
    const seen: KeyPath[] = []
    let start: KeyPath | undefined
    for (let pages = 0; pages < 20; pages++) {
      const keys = await page(start === undefined ? { limit: 30 } : { limit: 30, start })
      seen.push(...keys)
      const last = keys[keys.length - 1]
      if (keys.length < 30 || last === undefined) break
      start = keyAfter(last)
    }
    expect(seen).toEqual(events(0, 99))
  })

  it('applies start (inclusive) and end (exclusive) in both directions', async () => {
    await seedEvents()
    expect(await page({ start: eventKey(95) })).toEqual(events(95, 99))
    expect(await page({ start: eventKey(10), end: eventKey(20) })).toEqual(events(10, 19))
    expect(await page({ start: eventKey(10), end: eventKey(20), reverse: true })).toEqual(events(19, 10))
    expect(await page({ start: eventKey(10), end: eventKey(20), reverse: true, limit: 3 })).toEqual(events(19, 17))
    expect(await page({ start: eventKey(10), end: eventKey(20), limit: 3 })).toEqual(events(10, 12))
    expect(await page({ start: eventKey(20), end: eventKey(10) })).toEqual([])
    expect(await page({ start: eventKey(20), end: eventKey(20) })).toEqual([])
    expect(await page({ limit: 0 })).toEqual([])
    expect(await page({ limit: 1000 })).toEqual(events(0, 99))
  })

  it('intersects bounds with the prefix, and accepts partial paths as bounds', async () => {
    await seedEvents()
    expect(await page({ start: ['a'], end: ['zzz'] })).toEqual(events(0, 99))
    expect(await page({ start: EVENTS })).toEqual(events(0, 99))
    expect(await page({ end: [...EVENTS, '00000000000000'] })).toEqual([])
    expect(await page({ start: [...EVENTS, '00000000000000'], end: [...EVENTS, '0000000000000010'] })).toEqual(events(0, 15))
    expect(await page({ end: ['a'] })).toEqual([])
    expect(await page({ start: keyAfter(eventKey(99)) })).toEqual([])
  })

  it('removes a prefix without touching siblings that share a string prefix', async () => {
    const keys: KeyPath[] = [['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b', ''], ['a', 'b\u0000'], ['a', 'bc'], ['a', 'a'], ['ab'], ['a\u0000']]
    for (const key of keys) await h.adapter.save(key, utf8('v'))
    await h.adapter.removeRange(['a', 'b'])
    expect(await allKeys(h.adapter)).toEqual([['a'], ['a', 'a'], ['a', 'b\u0000'], ['a', 'bc'], ['a\u0000'], ['ab']])
    await h.adapter.removeRange(['a', 'zzz'])
    expect(await allKeys(h.adapter)).toHaveLength(6)
    await h.adapter.removeRange(['a'])
    expect(await allKeys(h.adapter)).toEqual([['a\u0000'], ['ab']])
    await h.adapter.removeRange([])
    expect(await allKeys(h.adapter)).toEqual([])
  })
}
