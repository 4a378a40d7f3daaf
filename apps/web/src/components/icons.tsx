// Inline SVG icons (no icon font or emoji: those depend on fonts the machine may lack).
// Decorative only; the buttons that use them carry their own text labels.

/** Three horizontal bars ("show channels"). */
export function MenuIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d="M3 5h14M3 10h14M3 15h14" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  )
}

/** Two people ("show members"). */
export function MembersIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" focusable="false" fill="currentColor">
      <circle cx="7" cy="6.5" r="3" />
      <path d="M1.5 17c0-3.3 2.5-5.5 5.5-5.5s5.5 2.2 5.5 5.5z" />
      <circle cx="14" cy="7.5" r="2.5" opacity="0.75" />
      <path d="M13.8 11.6c2.7.2 4.7 2.2 4.7 5.4h-4.4c0-2-.2-3.8-1.4-5.2z" opacity="0.75" />
    </svg>
  )
}
