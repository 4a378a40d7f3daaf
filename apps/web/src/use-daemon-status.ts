// React hook that keeps the daemon connection state fresh: checks on mount, every
// `intervalMs`, and when asked (the "Check again" button).

import { useCallback, useEffect, useState } from 'react'
import { fetchDaemonConfig, type DaemonConfig } from './daemon-config.ts'

/** Connection state of the local daemon, as shown by the status indicator. */
export type DaemonStatus =
  | { kind: 'checking' }
  | { kind: 'connected'; config: DaemonConfig }
  | { kind: 'unreachable'; reason: string }

/** Options of {@link useDaemonStatus}. */
export interface UseDaemonStatusOptions {
  /** How often to re-check. @default 15000 */
  intervalMs?: number
  /** Injected for tests. */
  fetch?: typeof fetch
}

/** Current daemon status and a function to check again now. */
export function useDaemonStatus(options: UseDaemonStatusOptions = {}): { status: DaemonStatus; recheck: () => void } {
  const { intervalMs = 15_000, fetch: fetchImpl } = options
  const [status, setStatus] = useState<DaemonStatus>({ kind: 'checking' })
  const [generation, setGeneration] = useState(0)

  useEffect(() => {
    const controller = new AbortController()
    const check = (): void => {
      fetchDaemonConfig({ signal: controller.signal, ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }) }).then(
        (config) => {
          setStatus({ kind: 'connected', config })
        },
        (error: unknown) => {
          if (controller.signal.aborted) return
          setStatus({ kind: 'unreachable', reason: error instanceof Error ? error.message : String(error) })
        }
      )
    }
    check()
    const timer = setInterval(check, intervalMs)
    return () => {
      controller.abort()
      clearInterval(timer)
    }
  }, [generation, intervalMs, fetchImpl])

  const recheck = useCallback(() => {
    setStatus({ kind: 'checking' })
    setGeneration((n) => n + 1)
  }, [])

  return { status, recheck }
}
