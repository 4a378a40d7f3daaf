// Global setup of the e2e run: finds Chromium and makes sure a production build of the web
// app exists, then hands both paths to the tests through Vitest's provide/inject.

import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import { buildWeb } from '../../scripts/build-web.ts'
import { findChromium } from './harness/find-chromium.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Directory of the built web app the daemon serves. */
    webDir: string
    /** Chromium executable. */
    chromiumPath: string
  }
}

/** Where the e2e build goes when scripts/e2e.ts has not built one already. */
const E2E_WEB_DIR = fileURLToPath(new URL('../../test-results/e2e/web', import.meta.url))

export default async function setup(project: TestProject): Promise<void> {
  const found = findChromium()
  if (found === undefined) {
    throw new Error('No Chromium found: set CHROMIUM_PATH or `apt-get install chromium` (run via `npm run test:e2e`).')
  }
  const prebuilt = process.env.HEARTH_E2E_WEB_DIR
  const webDir = prebuilt !== undefined && prebuilt !== '' ? prebuilt : await buildWeb({ outDir: E2E_WEB_DIR })
  project.provide('webDir', webDir)
  project.provide('chromiumPath', found.path)
}
