/**
 * Time for request timeouts (sync and blobs), injected so tests are
 * deterministic: `systemClock` uses real timers, `ManualClock` fires only
 * when a test advances it, `neverClock` never fires (for in-process streams
 * that cannot lose a message).
 */

/** A timer that can be cancelled. */
export interface Timer {
  /** Resolves when the time is up (never, once cancelled). */
  readonly promise: Promise<void>
  cancel(): void
}

/** Where timers come from. */
export interface Clock {
  /** A timer firing `ms` milliseconds from now. */
  after(ms: number): Timer
}

/** Real timers (`setTimeout`). */
export const systemClock: Clock = {
  after(ms) {
    let handle: ReturnType<typeof setTimeout> | undefined
    const promise = new Promise<void>((resolve) => {
      handle = setTimeout(resolve, ms)
    })
    return { promise, cancel: () => { clearTimeout(handle) } }
  }
}

/** `promise`'s value, or `'timeout'` if `clock` reaches `ms` first (the timer is cancelled either way). */
export async function withTimeout<T>(promise: Promise<T>, clock: Clock, ms: number): Promise<T | 'timeout'> {
  const timer = clock.after(ms)
  try {
    return await Promise.race([promise, timer.promise.then(() => 'timeout' as const)])
  } finally {
    timer.cancel()
  }
}

/** Timers that never fire. */
export const neverClock: Clock = {
  after: () => ({ promise: new Promise<void>(() => undefined), cancel: () => undefined })
}

interface Pending {
  readonly at: number
  readonly fire: () => void
}

/** A clock that moves only when told to: `advance(ms)` fires every timer due by then, in order. */
export class ManualClock implements Clock {
  #now = 0
  #timers = new Set<Pending>()

  /** Milliseconds advanced so far. */
  get now(): number {
    return this.#now
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#timers.size
  }

  after(ms: number): Timer {
    let timer: Pending | undefined
    const promise = new Promise<void>((resolve) => {
      timer = { at: this.#now + ms, fire: resolve }
      this.#timers.add(timer)
    })
    return { promise, cancel: () => { if (timer) this.#timers.delete(timer) } }
  }

  /** Move time forward by `ms` and fire the timers that are due. */
  advance(ms: number): void {
    this.#now += ms
    const due = [...this.#timers].filter((t) => t.at <= this.#now).sort((a, b) => a.at - b.at)
    for (const timer of due) {
      this.#timers.delete(timer)
      timer.fire()
    }
  }
}
