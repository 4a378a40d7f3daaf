/**
 * `npm run bench`: run every benchmark module, print one table to stdout and
 * write bench/results.json (an array of {id, value, unit, baselineId?,
 * baseline?, ratio?, spread?}; `baseline` is the baseline row's value in the
 * same run and ratio = value ÷ baseline).
 *
 *   node bench/run.ts              every module
 *   node bench/run.ts crypto       only the named modules
 *   BENCH_QUICK=1 node bench/run.ts   a short smoke run (rough figures)
 *
 * Exits 1 if a module throws or a row is malformed (bad/duplicate id,
 * missing baseline); the rows that were measured are still reported.
 */
import os from 'node:os'
import { authorityBench } from './authority.bench.ts'
import { cryptoBench } from './crypto.bench.ts'
import { syncBench } from './sync.bench.ts'
import { channelBench } from './channel.bench.ts'
import { syncTransferBench } from './sync-transfer.bench.ts'
import { netBench } from './net.bench.ts'
import { bundleBench } from './bundle.bench.ts'
import { createContext, formatTable, resolveBaselines, writeResults, type BenchModule, type Row } from './harness.ts'

/** Every benchmark, in run order. Add new modules here. */
const MODULES: readonly BenchModule[] = [
  cryptoBench,
  authorityBench,
  syncBench,
  channelBench,
  syncTransferBench,
  netBench,
  bundleBench
]

/** Where results go: bench/results.json, or BENCH_RESULTS (the smoke test writes elsewhere). */
const RESULTS_PATH = process.env['BENCH_RESULTS'] ?? new URL('./results.json', import.meta.url)

async function main(): Promise<void> {
  const quick = process.env['BENCH_QUICK'] === '1'
  const only = process.argv.slice(2)
  const unknown = only.filter((name) => !MODULES.some((m) => m.name === name))
  if (unknown.length > 0) {
    console.error(`unknown bench module(s): ${unknown.join(', ')}; known: ${MODULES.map((m) => m.name).join(', ')}`)
    process.exitCode = 2
    return
  }
  const selected = only.length > 0 ? MODULES.filter((m) => only.includes(m.name)) : MODULES

  const log = (message: string): void => { console.error(message) }
  const ctx = createContext(quick, log)
  const cpus = os.cpus()
  const header = `# node ${process.version}, ${os.platform()}/${os.arch()}, ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, load ${os.loadavg()[0]?.toFixed(2) ?? '?'}${quick ? ', BENCH_QUICK (rough figures)' : ''}`

  const rows: Row[] = []
  let failed = false
  const started = performance.now()
  for (const mod of selected) {
    log(`${mod.name}:`)
    const t0 = performance.now()
    try {
      rows.push(...await mod.run(ctx))
    } catch (err) {
      failed = true
      console.error(`bench module ${mod.name} failed:`, err)
    }
    log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
  }

  const { results, problems } = resolveBaselines(rows)
  for (const problem of problems) console.error(`bench: ${problem}`)

  console.log(header)
  console.log(formatTable(results))
  await writeResults(RESULTS_PATH, results)
  log(`wrote ${results.length} results to ${String(RESULTS_PATH)} in ${((performance.now() - started) / 1000).toFixed(1)} s`)

  if (failed || problems.length > 0) process.exitCode = 1
}

await main()
