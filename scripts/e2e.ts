// `npm run test:e2e`: browser end-to-end tests. Finds Chromium (CHROMIUM_PATH, Debian's
// /usr/bin/chromium, Playwright's own), builds the web app once, then runs Vitest on
// test/e2e. Without a browser: a failure under CI=true, a visible skip otherwise.
// Extra arguments go to Vitest (`npm run test:e2e -- shell`).

import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findChromium } from '../test/e2e/harness/find-chromium.ts'
import { buildWeb } from './build-web.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const E2E_WEB_DIR = join(ROOT, 'test-results', 'e2e', 'web')
const inCi = process.env.CI === 'true' || process.env.CI === '1'

let found
try {
  found = findChromium()
} catch (error) {
  console.error(`e2e: ${(error as Error).message}`)
  process.exit(1)
}
if (found === undefined) {
  const how = "Install Debian's chromium (apt-get install chromium), set CHROMIUM_PATH, or run `npx playwright-core install chromium`."
  if (inCi) {
    console.error(`e2e: FAILED: no Chromium found, and browser tests are never skipped under CI. ${how}`)
    process.exit(1)
  }
  console.log(`e2e: browser tests SKIPPED: no Chromium found. ${how}`)
  process.exit(0)
}
console.log(`e2e: Chromium ${found.path} (${found.source}); building the web app…`)
await buildWeb({ outDir: E2E_WEB_DIR })

const require = createRequire(import.meta.url)
const vitestPkgPath = require.resolve('vitest/package.json')
const vitestPkg = JSON.parse(readFileSync(vitestPkgPath, 'utf8')) as { bin: Record<string, string> }
const vitestBin = join(dirname(vitestPkgPath), vitestPkg.bin.vitest ?? 'vitest.mjs')

const child = spawn(process.execPath, [vitestBin, 'run', '--config', 'test/e2e/vitest.config.ts', ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, CHROMIUM_PATH: found.path, HEARTH_E2E_WEB_DIR: E2E_WEB_DIR }
})
const forward = (signal: NodeJS.Signals): void => {
  child.kill(signal)
}
process.on('SIGINT', forward)
process.on('SIGTERM', forward)
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal === null ? 1 : 128 + 2))
})
