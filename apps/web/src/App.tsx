// The Hearth app shell: header with the daemon indicator, then four columns — room rail,
// channels, messages, members. Narrow screens turn channels and members into drawers.
// No protocol logic lives here; features plug in as components (see AppProps.onboarding).

import { useCallback, useEffect, useRef, useState, type ReactNode, type Ref } from 'react'
import { DaemonStatusIndicator } from './components/daemon-status.tsx'
import { MembersIcon, MenuIcon } from './components/icons.tsx'
import { RoomRail } from './components/room-rail.tsx'
import { SidePanel } from './components/side-panel.tsx'
import { Welcome } from './components/welcome.tsx'
import { useDaemonStatus, type UseDaemonStatusOptions } from './use-daemon-status.ts'

/** Props of {@link App}. */
export interface AppProps {
  /**
   * The identity onboarding flow, dropped into the main pane, e.g.
   * `<App onboarding={<Onboarding vault={vault} />} />`. Omit it and no onboarding is shown.
   */
  onboarding?: ReactNode
  /** Options for the daemon status check (tests inject `fetch`). */
  daemonStatus?: UseDaemonStatusOptions
}

type Drawer = 'channels' | 'members'

/** The whole application shell. */
export function App({ onboarding, daemonStatus }: AppProps) {
  const { status, recheck } = useDaemonStatus(daemonStatus)
  const [drawer, setDrawer] = useState<Drawer | null>(null)
  const channelsToggle = useRef<HTMLButtonElement>(null)
  const membersToggle = useRef<HTMLButtonElement>(null)

  const closeDrawer = useCallback(() => {
    if (drawer === null) return
    // Return focus to the button that opened the drawer.
    const opener = drawer === 'channels' ? channelsToggle : membersToggle
    opener.current?.focus()
    setDrawer(null)
  }, [drawer])

  useEffect(() => {
    if (drawer === null) return
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') closeDrawer()
    }
    window.addEventListener('keydown', onKey)
    return () => {
      window.removeEventListener('keydown', onKey)
    }
  }, [drawer, closeDrawer])

  const toggle = (which: Drawer): void => {
    setDrawer((open) => (open === which ? null : which))
  }

  return (
    <div className="app" data-drawer={drawer ?? 'none'}>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="app-header">
        <PanelToggle ref={channelsToggle} which="channels" panelId="channel-panel" label="Channels" open={drawer === 'channels'} onToggle={toggle}>
          <MenuIcon />
        </PanelToggle>
        <h1 className="app-title">Hearth</h1>
        <DaemonStatusIndicator status={status} onRecheck={recheck} />
        <PanelToggle ref={membersToggle} which="members" panelId="member-panel" label="Members" open={drawer === 'members'} onToggle={toggle}>
          <MembersIcon />
        </PanelToggle>
      </header>
      <div className="app-body">
        <RoomRail />
        <SidePanel id="channel-panel" title="Channels" className="channel-panel" open={drawer === 'channels'}>
          <p className="muted">No room open.</p>
        </SidePanel>
        <main id="main" className="main-pane" tabIndex={-1}>
          <Welcome onboarding={onboarding} />
        </main>
        <SidePanel id="member-panel" title="Members" className="member-panel" open={drawer === 'members'}>
          <p className="muted">No room open.</p>
        </SidePanel>
        {drawer !== null && <div className="drawer-backdrop" aria-hidden="true" onClick={closeDrawer} />}
      </div>
    </div>
  )
}

/** The header button that opens or closes one side panel as a drawer (narrow screens). */
function PanelToggle(props: {
  ref: Ref<HTMLButtonElement>
  which: Drawer
  panelId: string
  label: string
  open: boolean
  onToggle: (which: Drawer) => void
  children: ReactNode
}) {
  return (
    <button
      ref={props.ref}
      type="button"
      className={`icon-button panel-toggle panel-toggle--${props.which}`}
      aria-controls={props.panelId}
      aria-expanded={props.open}
      onClick={() => {
        props.onToggle(props.which)
      }}
    >
      {props.children}
      <span className="visually-hidden">{props.label}</span>
    </button>
  )
}
