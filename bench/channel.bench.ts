/** Placeholder: filled in by the work on issue #4. */
import type { BenchModule } from './harness.ts'

export const channelBench: BenchModule = {
  name: 'channel',
  run: () => Promise.resolve([])
}
