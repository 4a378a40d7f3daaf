/**
 * Size of the web app's production JavaScript: what a browser downloads
 * before Hearth runs. Each bundle is built here, in memory, with the web
 * app's own vite.config.ts (the same settings `npm run build` uses, minus
 * source maps), so the figures are always of the current source; nothing is
 * written to apps/web/dist.
 *
 * Sizes are the sum over the build's JS chunks (lazy ones included), raw and
 * gzip (node:zlib, level 9, each file on its own, as a server sends them).
 * They are deterministic for a given source and lockfile, so BENCH_QUICK
 * changes nothing here.
 *
 * Rows (bytes; the baseline of each is react-dom's row of the same kind):
 * - bundle.react-dom.js.raw / .gzip: react-dom's client (`createRoot`) alone,
 *   the floor of any React app, built with the same config.
 * - bundle.app.js.raw / .gzip: the whole app (apps/web/index.html).
 * - bundle.net.js.raw / .gzip: the browser network alone
 *   (apps/web/src/net/browser-network.ts: libp2p, the Hearth node, the
 *   client's sync responder), whether or not the app imports it yet.
 */
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'
import { build, type Plugin } from 'vite'
import { WEB_ROOT } from '../scripts/build-web.ts'
import type { BenchModule, Row } from './harness.ts'

/** Virtual entry modules, built instead of index.html. */
const ENTRIES: Readonly<Record<string, string>> = {
  // Assigned to a global so the bundler keeps what is imported.
  'react-dom': "import { createRoot } from 'react-dom/client'\nglobalThis.__benchEntry = createRoot\n",
  net: `import { startBrowserNetwork } from ${JSON.stringify(join(WEB_ROOT, 'src/net/browser-network.ts'))}\nglobalThis.__benchEntry = startBrowserNetwork\n`
}

const VIRTUAL_PREFIX = '\0hearth-bench-entry:'

function virtualEntries(): Plugin {
  return {
    name: 'hearth-bench-entries',
    resolveId: (id) => (id.startsWith('hearth-bench-entry:') ? `\0${id}` : undefined),
    load: (id) => (id.startsWith(VIRTUAL_PREFIX) ? ENTRIES[id.slice(VIRTUAL_PREFIX.length)] : undefined)
  }
}

/** JS sizes of one build. */
interface BundleSize {
  readonly raw: number
  readonly gzip: number
  readonly chunks: number
}

/** Build `entry` (a virtual entry's name, or undefined for the app's index.html) in memory and measure its JS. */
async function measure(entry: string | undefined): Promise<BundleSize> {
  const result = await build({
    configFile: join(WEB_ROOT, 'vite.config.ts'),
    logLevel: 'silent',
    ...(entry === undefined ? {} : { plugins: [virtualEntries()] }),
    build: {
      write: false,
      sourcemap: false,
      ...(entry === undefined ? {} : { rolldownOptions: { input: `hearth-bench-entry:${entry}` } })
    }
  })
  const outputs = Array.isArray(result) ? result : [result]
  let raw = 0
  let gzip = 0
  let chunks = 0
  for (const output of outputs) {
    if (!('output' in output)) throw new Error('vite build returned a watcher, not an output')
    for (const file of output.output) {
      if (file.type !== 'chunk') continue
      const bytes = Buffer.from(file.code)
      raw += bytes.length
      gzip += gzipSync(bytes, { level: 9 }).length
      chunks++
    }
  }
  if (chunks === 0) throw new Error(`the ${entry ?? 'app'} build produced no JS`)
  return { raw, gzip, chunks }
}

function rows(name: string, size: BundleSize, baseline?: string): Row[] {
  return (['raw', 'gzip'] as const).map((kind): Row => ({
    id: `bundle.${name}.js.${kind}`,
    value: size[kind],
    unit: 'bytes',
    ...(baseline === undefined ? {} : { baselineId: `bundle.${baseline}.js.${kind}` })
  }))
}

export const bundleBench: BenchModule = {
  name: 'bundle',
  async run(ctx) {
    const out: Row[] = []
    for (const [name, entry] of [['react-dom', 'react-dom'], ['app', undefined], ['net', 'net']] as const) {
      const t0 = performance.now()
      const size = await measure(entry)
      const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`
      ctx.log(`  ${name}: ${kib(size.raw)} raw, ${kib(size.gzip)} gzip in ${size.chunks} chunk(s) (built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`)
      out.push(...rows(name, size, name === 'react-dom' ? undefined : 'react-dom'))
    }
    return out
  }
}
