// @mention completion in the composer: the partial `@name` before the caret and the
// members it could mean. The app core turns `@Name` into a mention when sending.

/** The `@query` being typed at `caret`, with where it starts; undefined when none. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | undefined {
  const before = text.slice(0, caret)
  const match = /(^|\s)@([^\s@]{0,32})$/u.exec(before)
  if (match === null) return undefined
  const query = match[2] ?? ''
  return { start: caret - query.length - 1, query }
}

/** Up to `max` names starting with `query` (case-insensitive), then those containing it. */
export function suggestNames(names: readonly string[], query: string, max = 8): string[] {
  const q = query.toLowerCase()
  const unique = [...new Set(names)].filter((n) => n.trim() !== '')
  const starts = unique.filter((n) => n.toLowerCase().startsWith(q))
  const contains = unique.filter((n) => !n.toLowerCase().startsWith(q) && n.toLowerCase().includes(q))
  return [...starts, ...contains].slice(0, max)
}
