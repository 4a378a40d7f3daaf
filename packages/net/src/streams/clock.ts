/**
 * Timers for stream timeouts, injected so tests decide when time passes.
 * Structurally the client's `Clock` (packages/client/src/transport/clock.ts):
 * its `systemClock`, `ManualClock` and `neverClock` can be passed as they are,
 * without @hearth/net depending on @hearth/client.
 */

/** A timer that can be cancelled. */
export interface StreamTimer {
  /** Resolves when the time is up (never, once cancelled). */
  readonly promise: Promise<void>
  cancel(): void
}

/** Where timers come from. */
export interface StreamClock {
  after(ms: number): StreamTimer
}

/** Real timers. */
export const realTimeClock: StreamClock = {
  after(ms) {
    let handle: ReturnType<typeof setTimeout> | undefined
    const promise = new Promise<void>((resolve) => {
      handle = setTimeout(resolve, ms)
    })
    return { promise, cancel: () => { clearTimeout(handle) } }
  }
}
