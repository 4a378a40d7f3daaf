/** Placeholder: filled in by the work on issue #4. */
import type { BenchModule } from './harness.ts'

export const syncTransferBench: BenchModule = {
  name: 'sync-transfer',
  run: () => Promise.resolve([])
}
