// Home (#/): what Hearth is, my rooms, and the two ways in — create or join a room.

import type { AppSnapshot } from '../hearth-api.ts'
import { routeHash } from '../router.ts'
import { ProfileCard } from './profile-card.tsx'
import { WelcomeIntro } from './welcome.tsx'

/** Props of {@link HomeScreen}. */
export interface HomeScreenProps {
  readonly snapshot: AppSnapshot
  readonly onCreate: () => void
  readonly onJoin: () => void
  /** Open the backup form at once (the reminder's "Back up now"). */
  readonly backupOpen?: boolean
}

/** The home screen. */
export function HomeScreen({ snapshot, onCreate, onJoin, backupOpen = false }: HomeScreenProps) {
  return (
    <section className="welcome" aria-labelledby="welcome-heading">
      <WelcomeIntro />
      <div className="row">
        <button type="button" className="button button--primary" onClick={onCreate}>Create a room</button>
        <button type="button" className="button" onClick={onJoin}>Join with an invite</button>
      </div>
      {snapshot.me !== undefined && <ProfileCard key={backupOpen ? 'backup' : 'card'} me={snapshot.me} backupOpen={backupOpen} />}
      {snapshot.rooms.length > 0 && (
        <>
          <h3 className="section-heading">Your rooms</h3>
          <ul className="home-rooms">
            {snapshot.rooms.map((r) => (
              <li key={r.id}>
                <a href={routeHash({ kind: 'room', room: r.id })}>{r.name}</a>
                {r.unread > 0 && <span className="muted small"> · {r.unread} unread</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
