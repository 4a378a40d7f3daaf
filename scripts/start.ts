// `npm start`: build the web app, then run `hearth serve` in this process so its URL is
// printed here. Extra arguments go to `hearth serve` (`npm start -- --port 9000`).
// Ctrl-C stops everything and exits 0.

import { runMain } from '@hearth/daemon'
import { buildWeb } from './build-web.ts'

const args = process.argv.slice(2)
const json = args.includes('--json')

// Ctrl-C during the build: stop quietly; the next start rebuilds from scratch.
const cancelBuild = (): void => {
  process.exit(0)
}
process.once('SIGINT', cancelBuild)
process.once('SIGTERM', cancelBuild)

if (!json) console.log('Building the Hearth web app…')
try {
  await buildWeb()
} catch (error) {
  console.error(`Building the web app failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
process.off('SIGINT', cancelBuild)
process.off('SIGTERM', cancelBuild)

const code = await runMain(['serve', ...args])
// Vite may leave worker threads behind after building; do not let them keep us alive.
process.exit(code)
