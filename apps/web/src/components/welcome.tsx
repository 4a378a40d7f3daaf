// The main pane before any room is open: what Hearth is, and the onboarding slot.

import type { ReactNode } from 'react'

/** Props of {@link Welcome}. */
export interface WelcomeProps {
  /** Identity onboarding (create / restore / back up); omitted until it exists. */
  onboarding?: ReactNode
}

/** Welcome text plus, when provided, the onboarding flow. */
export function Welcome({ onboarding }: WelcomeProps) {
  return (
    <section className="welcome" aria-labelledby="welcome-heading">
      <h2 id="welcome-heading">Welcome to Hearth</h2>
      <p>
        Hearth is group chat without a server. A room lives on the devices of the people in it: messages travel
        directly between browsers, signed by their authors, and every member checks them independently.
      </p>
      {onboarding === undefined ? (
        <p className="welcome__note">
          This early build is the app shell. It checks that your local Hearth daemon is reachable (see the
          indicator above). Identities and rooms arrive in the next builds.
        </p>
      ) : (
        <div className="onboarding">{onboarding}</div>
      )}
    </section>
  )
}
