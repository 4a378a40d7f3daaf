// Builds apps/web with Vite's programmatic API, using the app's own vite.config.ts, so
// `npm start`, `npm run build` and the e2e tests all produce the same bundle.

import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type LogLevel } from 'vite'

/** Root of the web app (apps/web). */
export const WEB_ROOT = fileURLToPath(new URL('../apps/web/', import.meta.url))

/** Where `npm run build` and `npm start` put the production build. */
export const WEB_DIST = join(WEB_ROOT, 'dist')

/** Options of {@link buildWeb}. */
export interface BuildWebOptions {
  /** Output directory. @default apps/web/dist */
  outDir?: string
  /** Vite's log level. @default 'warn' */
  logLevel?: LogLevel
}

/** Build the web app for production and return the output directory. */
export async function buildWeb(options: BuildWebOptions = {}): Promise<string> {
  const outDir = options.outDir ?? WEB_DIST
  await build({
    configFile: join(WEB_ROOT, 'vite.config.ts'),
    logLevel: options.logLevel ?? 'warn',
    build: { outDir, emptyOutDir: true }
  })
  return outDir
}
