import { defineConfig } from 'vitest/config'

// One Vitest run covers unit, property and multi-node tests of every workspace.
// Browser end-to-end tests are driven by Playwright through `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/src/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', '**/node_modules/**'],
    setupFiles: ['test/support/fast-check-setup.ts'],
    testTimeout: 30_000
  }
})
