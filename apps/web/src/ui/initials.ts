// Initials for a room or person without an image: "Book Club" → "BC".

/** Up to two initials of `name` (first letters of the first two words), upper-cased. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter((w) => w !== '')
  const letters = words.slice(0, 2).map((w) => Array.from(w)[0] ?? '')
  return letters.join('').toUpperCase() || '?'
}
