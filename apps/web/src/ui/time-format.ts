// Times as people read them in a chat: "10:32", "Today at 10:32", "Yesterday",
// "Friday, 2 January 2026". Uses the browser's locale.

const DAY_MS = 86_400_000

/** "10:32" */
export function formatClock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

/** The full date and time, for tooltips: "Friday, 2 January 2026 at 10:32:05". */
export function formatFull(at: number): string {
  return new Date(at).toLocaleString([], { dateStyle: 'full', timeStyle: 'medium' })
}

/** Local calendar day of `at`, as a comparable key. */
export function dayKey(at: number): string {
  const d = new Date(at)
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`
}

/** A day separator's label: "Today", "Yesterday" or the long date. */
export function formatDay(at: number, now: number = Date.now()): string {
  if (dayKey(at) === dayKey(now)) return 'Today'
  if (dayKey(at) === dayKey(now - DAY_MS)) return 'Yesterday'
  return new Date(at).toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' })
}

/** A message header's time: "Today at 10:32", "Yesterday at 10:32" or "02/01/2026 10:32". */
export function formatStamp(at: number, now: number = Date.now()): string {
  const day = formatDay(at, now)
  if (day === 'Today' || day === 'Yesterday') return `${day} at ${formatClock(at)}`
  return `${new Date(at).toLocaleDateString()} ${formatClock(at)}`
}

/** A duration in words, for timeouts: "5 minutes", "1 hour". */
export function formatDuration(ms: number): string {
  const units: [number, string][] = [[7 * DAY_MS, 'week'], [DAY_MS, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']]
  for (const [size, name] of units) {
    if (ms >= size) {
      const n = Math.round(ms / size)
      return `${n} ${name}${n === 1 ? '' : 's'}`
    }
  }
  return 'a moment'
}
