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

/** A push pin ("pinned", "pin message"). */
export function PinIcon({ size = 16 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false" fill="currentColor">
      <path d="M10.5 1.5l4 4-1.4.6-2.6 2.6.3 3.3-1.3 1.3-2.8-2.8L3 14.2l-1.2-.2-.2-1.2 3.7-3.7-2.8-2.8 1.3-1.3 3.3.3 2.6-2.6z" />
    </svg>
  )
}

/** A bin ("delete"). */
export function TrashIcon({ size = 16 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false" fill="currentColor">
      <path d="M6 1h4l.5 1H14v2H2V2h3.5zM3 5h10l-.8 9.2c-.1.5-.5.8-1 .8H4.8c-.5 0-.9-.3-1-.8zm3 2v6h1V7zm3 0v6h1V7z" />
    </svg>
  )
}

/** A crown (the room's owner). */
export function CrownIcon({ size = 14 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false" fill="#f0b232">
      <path d="M1 4l3.5 3L8 2l3.5 5L15 4l-1.5 9h-11zM2.5 14h11v1.5h-11z" />
    </svg>
  )
}

/** A speaker (voice channels). */
export function SpeakerIcon({ size = 16 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false" fill="currentColor">
      <path d="M2 6h3l4-3.5v11L5 10H2z" />
      <path d="M11 5.5a3.5 3.5 0 010 5M12.5 3.5a6 6 0 010 9" stroke="currentColor" strokeWidth="1.4" fill="none" strokeLinecap="round" />
    </svg>
  )
}
