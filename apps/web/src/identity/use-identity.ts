// React binding of the client's IdentityVault: opens it once, exposes the current
// identity, and re-renders after each vault operation.

import { useCallback, useEffect, useState } from 'react'
import type { Identity, IdentityVault } from '@hearth/client'

/** What {@link useIdentity} returns. */
export type IdentityState =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: string }
  | {
      readonly status: 'ready'
      readonly vault: IdentityVault
      readonly identity: Identity | undefined
      /** Run a vault operation, then re-render with the vault's new state. */
      readonly run: <T>(op: (vault: IdentityVault) => Promise<T>) => Promise<T>
    }

/** Open the vault with `open` (once) and track its identity. */
export function useIdentity(open: () => Promise<IdentityVault>): IdentityState {
  const [vault, setVault] = useState<IdentityVault>()
  const [error, setError] = useState<string>()
  const [identity, setIdentity] = useState<Identity>()

  useEffect(() => {
    let cancelled = false
    open().then(
      (v) => {
        if (cancelled) return
        setVault(v)
        setIdentity(v.identity)
      },
      (err: unknown) => {
        if (!cancelled) setError(err instanceof Error ? err.message : String(err))
      }
    )
    return () => {
      cancelled = true
    }
  }, [open])

  const run = useCallback(
    async <T,>(op: (v: IdentityVault) => Promise<T>): Promise<T> => {
      if (!vault) throw new Error('the identity vault is not open yet')
      try {
        return await op(vault)
      } finally {
        setIdentity(vault.identity)
      }
    },
    [vault]
  )

  if (error !== undefined) return { status: 'failed', error }
  if (!vault) return { status: 'loading' }
  return { status: 'ready', vault, identity, run }
}
