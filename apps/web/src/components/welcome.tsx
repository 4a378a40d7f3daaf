// The main pane before an identity exists: what Hearth is, and the onboarding flow.

import type { ReactNode } from 'react'

/** Props of {@link Welcome}. */
export interface WelcomeProps {
  /** Identity onboarding (create / restore). */
  readonly onboarding: ReactNode
  /** A note above the onboarding (e.g. "then you can join the room you were invited to"). */
  readonly note?: string | undefined
}

/** The heading (id `welcome-heading`, for the section's aria-labelledby) and what Hearth is. */
export function WelcomeIntro() {
  return (
    <>
      <h2 id="welcome-heading">Welcome to Hearth</h2>
      <p>
        Hearth is group chat without a server. A room lives on the devices of the people in it: messages travel
        directly between browsers, signed by their authors, and every member checks them independently.
      </p>
    </>
  )
}

/** Welcome text plus the onboarding flow. */
export function Welcome({ onboarding, note }: WelcomeProps) {
  return (
    <section className="welcome" aria-labelledby="welcome-heading">
      <WelcomeIntro />
      {note !== undefined && <p className="welcome__note">{note}</p>}
      <div className="onboarding">{onboarding}</div>
    </section>
  )
}
