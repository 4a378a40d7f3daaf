import { describe, expect, it } from 'vitest'
import { ValidationQueue, ValidationQueueFullError } from './validation-queue.ts'

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void
  const promise = new Promise<void>((resolve) => { open = resolve })
  return { promise, open }
}

describe('ValidationQueue', () => {
  it('starts waiting jobs by priority, in arrival order within one priority', async () => {
    const q = new ValidationQueue({ priorities: 3, concurrency: 1 })
    const order: string[] = []
    const g = gate()
    const blocker = q.add(2, async () => { await g.promise; order.push('blocker') })
    const jobs = [
      q.add(1, () => { order.push('event 1'); return Promise.resolve() }),
      q.add(2, () => { order.push('signal'); return Promise.resolve() }),
      q.add(0, () => { order.push('authority 1'); return Promise.resolve() }),
      q.add(1, () => { order.push('event 2'); return Promise.resolve() }),
      q.add(0, () => { order.push('authority 2'); return Promise.resolve() })
    ]
    expect(q.queued).toBe(5)
    g.open()
    await Promise.all([blocker, ...jobs])
    expect(order).toEqual(['blocker', 'authority 1', 'authority 2', 'event 1', 'event 2', 'signal'])
  })

  it('passes results and errors through, and refuses work when full', async () => {
    const q = new ValidationQueue({ priorities: 1, concurrency: 1, maxQueued: 1 })
    const g = gate()
    const running = q.add(0, async () => { await g.promise; return 'done' })
    const waiting = q.add(0, () => Promise.reject(new Error('boom')))
    await expect(q.add(0, () => Promise.resolve(1))).rejects.toBeInstanceOf(ValidationQueueFullError)
    g.open()
    await expect(running).resolves.toBe('done')
    await expect(waiting).rejects.toThrow('boom')
    expect(() => q.add(5, () => Promise.resolve())).toThrow(RangeError)
  })
})
