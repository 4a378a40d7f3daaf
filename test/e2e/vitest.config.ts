import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Browser end-to-end tests: the real daemon plus Chromium driven by playwright-core.
// Run through `npm run test:e2e` (scripts/e2e.ts), which finds Chromium and builds the app.
// Files run one after another: each starts a daemon on a fixed port and a browser.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000
  }
})
