/**
 * A small priority queue for gossip validation jobs (docs/drafts/network.md
 * §10.4.2). GossipSub validates incoming messages concurrently; this queue
 * runs at most `concurrency` checks at once and always starts the waiting job
 * of the highest priority first (0 = authority, then events, then signals),
 * so authority entries that arrive in a burst with channel events are judged
 * before the events that depend on them. Jobs of one priority run in arrival
 * order. The queue is bounded: past `maxQueued` waiting jobs, new ones are
 * refused at once (the caller answers 'ignore').
 */

interface Job<T> {
  readonly run: () => Promise<T>
  readonly resolve: (value: T) => void
  readonly reject: (reason: unknown) => void
}

/** Thrown (as a rejection) when the queue is full. */
export class ValidationQueueFullError extends Error {
  override readonly name = 'ValidationQueueFullError'
}

/** Runs async jobs by priority with bounded concurrency. */
export class ValidationQueue {
  readonly #levels: Job<unknown>[][]
  readonly #concurrency: number
  readonly #maxQueued: number
  #running = 0
  #queued = 0

  constructor(opts: { priorities: number; concurrency?: number; maxQueued?: number }) {
    this.#levels = Array.from({ length: opts.priorities }, () => [])
    this.#concurrency = opts.concurrency ?? 4
    this.#maxQueued = opts.maxQueued ?? 4096
  }

  /** Jobs waiting (not running). */
  get queued(): number {
    return this.#queued
  }

  /** Run `job` at `priority` (0 is first) when a slot is free. */
  add<T>(priority: number, job: () => Promise<T>): Promise<T> {
    const level = this.#levels[priority]
    if (level === undefined) throw new RangeError(`no priority ${priority}`)
    if (this.#queued >= this.#maxQueued) return Promise.reject(new ValidationQueueFullError('validation queue is full'))
    return new Promise<T>((resolve, reject) => {
      level.push({ run: job, resolve, reject } as Job<unknown>)
      this.#queued++
      this.#pump()
    })
  }

  #pump(): void {
    while (this.#running < this.#concurrency) {
      const job = this.#levels.find((l) => l.length > 0)?.shift()
      if (job === undefined) return
      this.#queued--
      this.#running++
      job.run()
        .then(job.resolve, job.reject)
        .finally(() => {
          this.#running--
          this.#pump()
        })
    }
  }
}
