// Where e2e tests save screenshots (test-results/ is gitignored).

import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'

/** test-results/e2e at the repository root. */
export const E2E_RESULTS_DIR = fileURLToPath(new URL('../../../test-results/e2e/', import.meta.url))

/** Save a full-page PNG as test-results/e2e/<name>.png and return its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(E2E_RESULTS_DIR, { recursive: true })
  const path = join(E2E_RESULTS_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
