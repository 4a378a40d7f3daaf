// React binding of the app core (HearthAppApi): a provider and hooks that read its
// snapshots with useSyncExternalStore. Every read is cached per change notification, so
// a component re-renders only after the app says something changed, even if a method
// (messages(), auditLog()) builds a new object on each call.

import { createContext, useCallback, useContext, useMemo, useRef, useSyncExternalStore, type ReactNode } from 'react'
import type { AppSnapshot, HearthAppApi, Hex, MessagePage, RoomSnapshot } from './hearth-api.ts'

/** The app plus a change counter, so cached reads know when they are stale. */
interface AppStore {
  readonly app: HearthAppApi
  readonly subscribe: (listener: () => void) => () => void
  /** Bumped before listeners run on every change of the app. */
  readonly version: () => number
}

const AppContext = createContext<AppStore | undefined>(undefined)

function makeStore(app: HearthAppApi): AppStore {
  let version = 0
  const listeners = new Set<() => void>()
  let unsubscribe: (() => void) | undefined
  return {
    app,
    version: () => version,
    subscribe: (listener) => {
      listeners.add(listener)
      unsubscribe ??= app.subscribe(() => {
        version++
        for (const l of [...listeners]) l()
      })
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) {
          unsubscribe?.()
          unsubscribe = undefined
          // Changes while nobody listened are unknown: invalidate every cached read.
          version++
        }
      }
    }
  }
}

/** Makes `app` available to the hooks below. */
export function HearthAppProvider({ app, children }: { readonly app: HearthAppApi; readonly children: ReactNode }) {
  const store = useMemo(() => makeStore(app), [app])
  return <AppContext value={store}>{children}</AppContext>
}

function useStore(): AppStore {
  const store = useContext(AppContext)
  if (store === undefined) throw new Error('useApp: no HearthAppProvider above this component')
  return store
}

/** The app core, for actions. */
export function useApp(): HearthAppApi {
  return useStore().app
}

/**
 * Read `select(app)` and re-render when the app changes. `key` identifies the read
 * (e.g. the room id): a new key reads afresh.
 */
export function useAppRead<T>(select: (app: HearthAppApi) => T, key: string): T {
  const store = useStore()
  const cache = useRef<{ version: number; key: string; value: T } | undefined>(undefined)
  const selectRef = useRef(select)
  selectRef.current = select
  const getSnapshot = useCallback((): T => {
    const version = store.version()
    const hit = cache.current
    if (hit?.version === version && hit.key === key) return hit.value
    const value = selectRef.current(store.app)
    cache.current = { version, key, value }
    return value
  }, [store, key])
  return useSyncExternalStore(store.subscribe, getSnapshot, getSnapshot)
}

/** The whole app's snapshot. */
export function useAppSnapshot(): AppSnapshot {
  return useAppRead((app) => app.snapshot(), 'snapshot')
}

/** An open room's snapshot, or undefined when the room is unknown. */
export function useRoom(id: Hex | undefined): RoomSnapshot | undefined {
  return useAppRead((app) => (id === undefined ? undefined : app.room(id)), `room:${id ?? ''}`)
}

/** The loaded page of a channel. */
export function useMessages(room: Hex, channel: Hex): MessagePage {
  return useAppRead((app) => app.messages(room, channel), `messages:${room}:${channel}`)
}
