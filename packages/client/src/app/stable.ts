/**
 * Identity-preserving rebuilds: a snapshot rebuilt after a change that
 * equals (as JSON) the one handed out before is that same object, so a UI
 * comparing by identity re-renders only what really changed.
 */
export class Stable {
  readonly #kept = new Map<string, { json: string; value: unknown }>()

  /** `next`, or the value kept under `key` when it is equal to `next`. */
  keep<T>(key: string, next: T): T {
    const json = JSON.stringify(next)
    const kept = this.#kept.get(key)
    if (kept !== undefined && kept.json === json) return kept.value as T
    this.#kept.set(key, { json, value: next })
    return next
  }
}
