// The Hearth app shell: header (drawer toggles, network and daemon status), then four
// columns — room rail, channels, main pane, members. Narrow screens turn channels and
// members into drawers. What it shows comes from the app core's snapshots and the hash
// route; every action is a HearthAppApi call. No protocol logic lives here.

import { useCallback, useEffect, useRef, useState, type ReactNode, type Ref } from 'react'
import { HearthAppProvider, useAppSnapshot, useRoom } from './app-context.tsx'
import { DaemonStatusIndicator } from './components/daemon-status.tsx'
import { HomeScreen } from './components/home-screen.tsx'
import { MembersIcon, MenuIcon } from './components/icons.tsx'
import { NetworkIndicator } from './components/network-indicator.tsx'
import { RoomRail } from './components/room-rail.tsx'
import { SidePanel } from './components/side-panel.tsx'
import { UserBar } from './components/user-bar.tsx'
import { Welcome } from './components/welcome.tsx'
import type { AppSnapshot, HearthAppApi } from './hearth-api.ts'
import { Onboarding } from './identity/onboarding.tsx'
import { MemberList } from './members/member-list.tsx'
import { CreateRoomDialog } from './rooms/create-room-dialog.tsx'
import { JoinRoomDialog } from './rooms/join-room-dialog.tsx'
import { JoinScreen } from './rooms/join-screen.tsx'
import { RoomMain } from './rooms/room-main.tsx'
import { RoomSidebar } from './rooms/room-sidebar.tsx'
import { navigate, routeHash, useRoute, type Route } from './router.ts'
import { UserSettings } from './settings/user-settings.tsx'
import { useDaemonStatus, type UseDaemonStatusOptions } from './use-daemon-status.ts'

/** Props of {@link App}. */
export interface AppProps {
  /** The app core (the real HearthApp, or a test double). */
  readonly app: HearthAppApi
  /** Options for the daemon status check (tests inject `fetch`). */
  readonly daemonStatus?: UseDaemonStatusOptions
}

type Drawer = 'channels' | 'members'

/** The whole application. */
export function App({ app, daemonStatus }: AppProps) {
  return (
    <HearthAppProvider app={app}>
      <Shell {...(daemonStatus !== undefined ? { daemonStatus } : {})} />
    </HearthAppProvider>
  )
}

function Shell({ daemonStatus }: { daemonStatus?: UseDaemonStatusOptions }) {
  const snapshot = useAppSnapshot()
  const route = useRoute()
  const { status, recheck } = useDaemonStatus(daemonStatus)
  const [drawer, setDrawer] = useState<Drawer | null>(null)
  const [dialog, setDialog] = useState<'create' | 'join'>()
  /** "Back up now" opens the backup form on the home screen's profile card. */
  const [backupOpen, setBackupOpen] = useState(false)
  const channelsToggle = useRef<HTMLButtonElement>(null)
  const membersToggle = useRef<HTMLButtonElement>(null)
  const ready = snapshot.status === 'ready'
  const roomId = ready && route.kind === 'room' ? route.room : undefined
  const room = useRoom(roomId)

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

  // A new route closes the drawers (picking a channel in the drawer navigates).
  const hash = routeHash(route)
  useEffect(() => {
    setDrawer(null)
  }, [hash])

  const toggle = (which: Drawer): void => {
    setDrawer((open) => (open === which ? null : which))
  }

  const inRoom = roomId !== undefined
  return (
    <div className="app" data-drawer={drawer ?? 'none'} data-layout={inRoom ? 'room' : 'home'}>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="app-header">
        <PanelToggle ref={channelsToggle} which="channels" panelId="channel-panel" label="Channels" open={drawer === 'channels'} onToggle={toggle}>
          <MenuIcon />
        </PanelToggle>
        <h1 className="app-title">Hearth</h1>
        {ready && <NetworkIndicator network={snapshot.network} />}
        <DaemonStatusIndicator status={status} onRecheck={recheck} />
        <PanelToggle ref={membersToggle} which="members" panelId="member-panel" label="Members" open={drawer === 'members'} onToggle={toggle}>
          <MembersIcon />
        </PanelToggle>
      </header>
      <div className="app-body">
        <RoomRail
          rooms={ready ? snapshot.rooms : []}
          {...(roomId !== undefined ? { current: roomId } : {})}
          home={route.kind === 'home'}
          onCreate={() => { setDialog('create') }}
          onJoin={() => { setDialog('join') }}
          disabled={!ready}
        />
        <SidePanel id="channel-panel" title={room?.name ?? (inRoom ? 'Room' : 'Hearth')} label="Channels" className="channel-panel" open={drawer === 'channels'}>
          <div className="channel-panel__scroll">
            {room !== undefined ? (
              <RoomSidebar room={room} channel={route.kind === 'room' ? route.channel : undefined} />
            ) : (
              <p className="muted">{ready ? (inRoom ? 'Room not open.' : 'Pick a room on the left, or create one.') : 'No room open.'}</p>
            )}
          </div>
          {ready && snapshot.me !== undefined && <UserBar me={snapshot.me} />}
        </SidePanel>
        <main id="main" className={`main-pane ${inRoom ? 'main-pane--room' : ''}`} tabIndex={-1}>
          {ready && snapshot.me?.needsBackup === true && route.kind !== 'settings' && !backupOpen && (
            <BackupReminder onBackUp={() => { setBackupOpen(true); navigate({ kind: 'home' }) }} />
          )}
          <MainContent snapshot={snapshot} route={route} backupOpen={backupOpen}
            onCreate={() => { setDialog('create') }} onJoin={() => { setDialog('join') }} />
        </main>
        <SidePanel id="member-panel" title="Members" className="member-panel" open={drawer === 'members'}>
          {room !== undefined ? <MemberList room={room} /> : <p className="muted">Open a room to see its members.</p>}
        </SidePanel>
        {drawer !== null && <div className="drawer-backdrop" aria-hidden="true" onClick={closeDrawer} />}
      </div>
      {dialog === 'create' && <CreateRoomDialog onClose={() => { setDialog(undefined) }} />}
      {dialog === 'join' && <JoinRoomDialog onClose={() => { setDialog(undefined) }} />}
    </div>
  )
}

function MainContent({ snapshot, route, backupOpen, onCreate, onJoin }: {
  snapshot: AppSnapshot
  route: Route
  backupOpen: boolean
  onCreate: () => void
  onJoin: () => void
}) {
  const room = useRoom(snapshot.status === 'ready' && route.kind === 'room' ? route.room : undefined)
  switch (snapshot.status) {
    case 'loading':
      return <p role="status" className="loading">Opening Hearth…</p>
    case 'failed':
      return (
        <div role="alert" className="empty-state">
          <h2>Hearth could not start</h2>
          <p className="error">{snapshot.error ?? 'Something went wrong while opening this browser’s storage.'}</p>
        </div>
      )
    case 'onboarding':
      return (
        <Welcome
          onboarding={<Onboarding />}
          note={route.kind === 'join' ? 'Set up your account first; then you can join the room you were invited to.' : undefined}
        />
      )
    case 'ready':
      break
  }
  switch (route.kind) {
    case 'join':
      return <JoinScreen link={window.location.href} />
    case 'settings':
      return snapshot.me !== undefined ? <UserSettings me={snapshot.me} /> : null
    case 'room':
      return <RoomMain roomId={route.room} room={room} channel={route.channel} snapshot={snapshot} />
    case 'home':
      return <HomeScreen snapshot={snapshot} onCreate={onCreate} onJoin={onJoin} backupOpen={backupOpen} />
  }
}

function BackupReminder({ onBackUp }: { onBackUp: () => void }) {
  const [dismissed, setDismissed] = useState(false)
  if (dismissed) return null
  return (
    <div className="banner backup-reminder" role="status">
      <span>Your account lives only in this browser. Save a backup so you can't lose it.</span>
      <span className="row-tight">
        <button type="button" className="button button--small button--primary" onClick={onBackUp}>Back up now</button>
        <button type="button" className="button button--small" onClick={() => { setDismissed(true) }}>Later</button>
      </span>
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
