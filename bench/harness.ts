/**
 * Measuring helpers for `npm run bench`: a throughput meter (warm-up, then
 * several timed rounds, median reported), a duration meter, the table printer
 * and the results writer.
 *
 * Benchmark modules (`bench/*.bench.ts`) export a {@link BenchModule}; run.ts
 * lists them, runs them in order and joins every row to its baseline row.
 */
import { writeFile } from 'node:fs/promises'

/** One measured figure, as a module reports it. */
export interface Row {
  /** Stable dotted id, e.g. `crypto.verify.webcrypto`. Never rename one: results are compared across runs. */
  readonly id: string
  readonly value: number
  /** e.g. `ops/s`, `MB/s`, `ms`, `bytes`. */
  readonly unit: string
  /** Id of the row (measured in the same run) this one is compared against. */
  readonly baselineId?: string
  /** Relative spread of the rounds, (max - min) / median; a noise indicator. */
  readonly spread?: number
}

/** A row joined to its baseline: what results.json holds. */
export interface Result extends Row {
  /** The baseline row's value in this run. */
  readonly baseline?: number
  /** value ÷ baseline. */
  readonly ratio?: number
}

/** How long to measure. */
export interface MeasureOptions {
  /** Time spent running the op before measuring (JIT, caches, key imports). */
  readonly warmupMs: number
  /** Time budget of one round. */
  readonly roundMs: number
  /** Number of rounds; the median round is reported. */
  readonly rounds: number
  /** Optional op budget: a round also ends once it has done this much work. */
  readonly maxUnitsPerRound?: number
}

/** Default options: full runs, or much shorter ones under BENCH_QUICK=1. */
export function defaultOptions(quick: boolean): MeasureOptions {
  return quick
    ? { warmupMs: 20, roundMs: 40, rounds: 3 }
    : { warmupMs: 300, roundMs: 400, rounds: 5 }
}

/**
 * One chunk of work. It returns how many units it did (operations, or
 * megabytes for a MB/s figure), so cheap operations can be looped inside the
 * op and the harness's per-call overhead stays out of the figure. Return a
 * plain number from synchronous ops: they are not awaited.
 */
export type Op = () => number | Promise<number>

/** A throughput measurement. */
export interface Throughput {
  /** Median of the rounds, in units per second. */
  readonly perSecond: number
  /** Every round's units per second, in run order. */
  readonly rounds: readonly number[]
  /** (max - min) / median of the rounds. */
  readonly spread: number
}

async function runFor(op: Op, budgetMs: number, maxUnits = Infinity): Promise<{ units: number, ms: number }> {
  let units = 0
  const start = performance.now()
  for (;;) {
    const r = op()
    units += typeof r === 'number' ? r : await r
    const ms = performance.now() - start
    if (ms >= budgetMs || units >= maxUnits) return { units, ms }
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function summarize(rounds: readonly number[]): Throughput {
  const perSecond = median(rounds)
  return { perSecond, rounds, spread: perSecond > 0 ? (Math.max(...rounds) - Math.min(...rounds)) / perSecond : 0 }
}

/** Warm up, then measure `op` for `options.rounds` rounds; report the median units/s. */
export async function measureThroughput(op: Op, options: MeasureOptions): Promise<Throughput> {
  const [result] = await measureInterleaved([op], options)
  return result!
}

/**
 * Measure several ops whose figures will be compared: each is warmed up, then
 * the rounds alternate (A B C, A B C, ...), so drift in machine load (a
 * shared 2-core box) hits every op alike and their ratios stay meaningful.
 */
export async function measureInterleaved(ops: readonly Op[], options: MeasureOptions): Promise<Throughput[]> {
  if (options.warmupMs > 0) for (const op of ops) await runFor(op, options.warmupMs)
  const rounds = ops.map((): number[] => [])
  for (let r = 0; r < Math.max(1, options.rounds); r++) {
    for (let i = 0; i < ops.length; i++) {
      const { units, ms } = await runFor(ops[i]!, options.roundMs, options.maxUnitsPerRound)
      rounds[i]!.push((units * 1000) / ms)
    }
  }
  return rounds.map(summarize)
}

/** A duration measurement, for work that is timed whole (a sync, a replay). */
export interface Duration {
  /** Median wall time of one run, in milliseconds. */
  readonly ms: number
  readonly rounds: readonly number[]
  readonly spread: number
}

/**
 * Time `fn` `rounds` times after `warmups` untimed runs; report the median.
 * `setup` runs before each call, outside the timing.
 */
export async function measureDuration(
  fn: () => unknown,
  { rounds, warmups = 1, setup }: { rounds: number, warmups?: number, setup?: () => unknown }
): Promise<Duration> {
  const times: number[] = []
  for (let i = 0; i < warmups + Math.max(1, rounds); i++) {
    await setup?.()
    const start = performance.now()
    await fn()
    const ms = performance.now() - start
    if (i >= warmups) times.push(ms)
  }
  const ms = median(times)
  return { ms, rounds: times, spread: ms > 0 ? (Math.max(...times) - Math.min(...times)) / ms : 0 }
}

/** What run.ts hands every module. */
export interface BenchContext {
  /** BENCH_QUICK=1: a smoke run, figures are rough. */
  readonly quick: boolean
  /** Measurement options for this run (modules may override per measurement). */
  readonly options: MeasureOptions
  /** Progress line on stderr (stdout carries only the table). */
  log(message: string): void
  /**
   * Measure `op` with {@link measureThroughput} and return it as a row
   * (`unit` defaults to `ops/s`), logging progress.
   */
  throughput(id: string, op: Op, extra?: Omit<ThroughputSpec, 'id' | 'op'> & { options?: Partial<MeasureOptions> }): Promise<Row>
  /** Measure several ops with {@link measureInterleaved}; one row each, in order. */
  throughputs(specs: readonly ThroughputSpec[], options?: Partial<MeasureOptions>): Promise<Row[]>
}

/** One op of {@link BenchContext.throughputs}. */
export interface ThroughputSpec {
  readonly id: string
  readonly op: Op
  /** Defaults to `ops/s`. */
  readonly unit?: string
  readonly baselineId?: string
}

/** A benchmark module: run.ts runs every registered one. */
export interface BenchModule {
  /** Short name, also the id prefix of its rows (e.g. `crypto`). */
  readonly name: string
  run(ctx: BenchContext): Promise<Row[]>
}

/** Build the context run.ts passes to modules. */
export function createContext(quick: boolean, log: (message: string) => void): BenchContext {
  const options = defaultOptions(quick)
  const throughputs = async (specs: readonly ThroughputSpec[], overrides?: Partial<MeasureOptions>): Promise<Row[]> => {
    const measured = await measureInterleaved(specs.map((spec) => spec.op), { ...options, ...overrides })
    return specs.map((spec, i): Row => {
      const t = measured[i]!
      const unit = spec.unit ?? 'ops/s'
      log(`  ${spec.id}: ${formatNumber(t.perSecond)} ${unit} (±${formatPercent(t.spread / 2)})`)
      const row: Row = { id: spec.id, value: t.perSecond, unit, spread: t.spread }
      return spec.baselineId === undefined ? row : { ...row, baselineId: spec.baselineId }
    })
  }
  return {
    quick,
    options,
    log,
    throughputs,
    async throughput(id, op, extra = {}) {
      const [row] = await throughputs([{ ...extra, id, op }], extra.options)
      return row!
    }
  }
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)+$/

/**
 * Check ids and join every row to its baseline row. Returns the results and
 * a list of problems (bad or duplicate ids, missing baselines, non-finite values).
 */
export function resolveBaselines(rows: readonly Row[]): { results: Result[], problems: string[] } {
  const problems: string[] = []
  const byId = new Map<string, Row>()
  for (const row of rows) {
    if (!ID_PATTERN.test(row.id)) problems.push(`${row.id}: id is not lowercase dotted (a.b.c)`)
    if (byId.has(row.id)) problems.push(`${row.id}: duplicate id`)
    if (!Number.isFinite(row.value)) problems.push(`${row.id}: value is not finite`)
    byId.set(row.id, row)
  }
  const results = rows.map((row): Result => {
    if (row.baselineId === undefined) return row
    const base = byId.get(row.baselineId)
    if (!base) {
      problems.push(`${row.id}: baseline ${row.baselineId} was not measured`)
      return row
    }
    if (base.unit !== row.unit) problems.push(`${row.id}: unit ${row.unit} differs from baseline's ${base.unit}`)
    return { ...row, baseline: base.value, ratio: row.value / base.value }
  })
  return { results, problems }
}

/** 3 significant digits, thousands grouped: 12,345 / 123 / 12.3 / 0.123. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  const abs = Math.abs(n)
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US')
  if (abs === 0) return '0'
  return Number(n.toPrecision(3)).toLocaleString('en-US', { maximumSignificantDigits: 3 })
}

function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`
}

/** The side-by-side table printed to stdout. */
export function formatTable(results: readonly Result[]): string {
  const header = ['id', 'value', 'unit', 'baseline id', 'baseline', 'ratio', '±']
  const right = [false, true, false, false, true, true, true]
  const body = results.map((r) => [
    r.id,
    formatNumber(r.value),
    r.unit,
    r.baselineId ?? '',
    r.baseline === undefined ? '' : formatNumber(r.baseline),
    r.ratio === undefined ? '' : `${r.ratio.toFixed(r.ratio < 10 ? 2 : 1)}x`,
    r.spread === undefined ? '' : formatPercent(r.spread / 2)
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)))
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')
}

/** Write results.json: an array of {id, value, unit, baselineId?, baseline?, ratio?, spread?}. */
export async function writeResults(path: string | URL, results: readonly Result[]): Promise<void> {
  const rows = results.map((r) => ({
    id: r.id,
    value: r.value,
    unit: r.unit,
    ...(r.baselineId === undefined ? {} : { baselineId: r.baselineId, baseline: r.baseline, ratio: r.ratio }),
    ...(r.spread === undefined ? {} : { spread: r.spread })
  }))
  await writeFile(path, `${JSON.stringify(rows, null, 2)}\n`)
}
