// "Alice is typing…" under the composer, from the room's typing signals.

/** The sentence for the people typing now ('' when nobody). */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return ''
  if (names.length === 1) return `${names[0] ?? ''} is typing…`
  if (names.length === 2) return `${names[0] ?? ''} and ${names[1] ?? ''} are typing…`
  if (names.length === 3) return `${names[0] ?? ''}, ${names[1] ?? ''} and ${names[2] ?? ''} are typing…`
  return 'Several people are typing…'
}

/** A polite live line; keeps its height when empty so the layout does not jump. */
export function TypingIndicator({ names }: { readonly names: readonly string[] }) {
  return (
    <div className="typing" aria-live="polite">
      {names.length > 0 && <span className="typing__dots" aria-hidden="true"><i /><i /><i /></span>}
      <span>{typingText(names)}</span>
    </div>
  )
}
