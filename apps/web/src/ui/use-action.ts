// Run an app action from a button or form: tracks `busy` and the error message a
// person reads (the app core throws errors with readable messages).

import { useCallback, useEffect, useRef, useState } from 'react'
import { errorMessage } from '../identity/error-message.ts'

/** What {@link useAction} returns. */
export interface Action {
  readonly busy: boolean
  readonly error: string | undefined
  /** Run `op`; resolves true when it succeeded. Never rejects. */
  readonly run: (op: () => Promise<unknown>) => Promise<boolean>
  readonly clearError: () => void
}

/** Busy and error state for one kind of action. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => { mounted.current = false }
  }, [])
  const run = useCallback(async (op: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true)
    setError(undefined)
    try {
      await op()
      return true
    } catch (err) {
      if (mounted.current) setError(errorMessage(err))
      return false
    } finally {
      if (mounted.current) setBusy(false)
    }
  }, [])
  const clearError = useCallback(() => { setError(undefined) }, [])
  return { busy, error, run, clearError }
}
