import { describe, expect, it } from 'vitest'
import { WaitingSet } from './waiting-set.ts'

const n = (key: string) => ({ key })

describe('WaitingSet', () => {
  it('hands a record back when the last id it waits for arrives', () => {
    const set = new WaitingSet<{ key: string }>(10)
    expect(set.add(n('c'), new Set(['a', 'b']))).toBe(true)
    expect(set.wanted()).toEqual(['a', 'b'])
    expect(set.arrived('a')).toEqual([])
    expect(set.arrived('b')).toEqual([n('c')])
    expect(set.size).toBe(0)
    expect(set.wanted()).toEqual([])
  })

  it('lets the records that wait on a refused id leave, releasing their other waits', () => {
    const set = new WaitingSet<{ key: string }>(10)
    set.add(n('b'), new Set(['a']))
    set.add(n('d'), new Set(['b', 'x']))
    set.add(n('e'), new Set(['x']))
    expect(set.wanted()).toEqual(['a', 'x'])
    expect(set.refused('a')).toEqual([n('b')])
    // The caller refuses b in turn; d leaves, and x is still wanted by e only.
    expect(set.refused('b')).toEqual([n('d')])
    expect(set.wanted()).toEqual(['x'])
    expect(set.arrived('x')).toEqual([n('e')])
  })

  it('refuses to take more than its limit', () => {
    const set = new WaitingSet<{ key: string }>(1)
    expect(set.add(n('b'), new Set(['a']))).toBe(true)
    expect(set.add(n('c'), new Set(['a']))).toBe(false)
    expect(set.size).toBe(1)
  })
})
