import { describe, expect, it } from 'vitest'
import { PendingPool } from './pending-pool.ts'

const n = (key: string) => ({ key })

describe('PendingPool', () => {
  it('hands an item back when its last missing id is released', () => {
    const pool = new PendingPool<{ key: string }>(10)
    expect(pool.park(n('c'), new Set(['a', 'b']))).toBe(true)
    expect(pool.missing().sort()).toEqual(['a', 'b'])
    expect(pool.release('a')).toEqual([])
    expect(pool.release('b')).toEqual([n('c')])
    expect(pool.size).toBe(0)
    expect(pool.missing()).toEqual([])
  })

  it('drops everything that waits on a refused id, however deep', () => {
    const pool = new PendingPool<{ key: string }>(10)
    pool.park(n('b'), new Set(['a']))
    pool.park(n('c'), new Set(['b']))
    pool.park(n('d'), new Set(['c', 'x']))
    pool.park(n('e'), new Set(['x']))
    // b, c and d wait on a (transitively); only e survives, still missing x.
    expect(pool.missing().sort()).toEqual(['a', 'x'])
    expect(pool.dropDependents('a')).toBe(3)
    expect(pool.has('b') || pool.has('c') || pool.has('d')).toBe(false)
    expect(pool.missing()).toEqual(['x'])
    expect(pool.release('x')).toEqual([n('e')])
  })

  it('refuses to park beyond its limit', () => {
    const pool = new PendingPool<{ key: string }>(1)
    expect(pool.park(n('b'), new Set(['a']))).toBe(true)
    expect(pool.park(n('c'), new Set(['a']))).toBe(false)
    expect(pool.size).toBe(1)
  })
})
