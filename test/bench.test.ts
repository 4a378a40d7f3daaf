// Smoke test of `npm run bench`: a quick run must finish, print its table and write
// well-formed results with same-run baselines. It asserts nothing about speed.

import { spawn } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))

interface Result { id: string; value: number; unit: string; baselineId?: string; baseline?: number; ratio?: number }

it('runs the benchmarks quickly and writes results with baselines from the same run', async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'hearth-bench-')), 'results.json')
  const child = spawn(process.execPath, ['bench/run.ts'], {
    cwd: root,
    env: { ...process.env, BENCH_QUICK: '1', BENCH_RESULTS: out },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  expect(code).toBe(0)
  expect(stdout).toContain('crypto.verify.webcrypto')
  const results = JSON.parse(await readFile(out, 'utf8')) as Result[]
  const ids = new Set(results.map((r) => r.id))
  for (const id of ['crypto.verify.webcrypto', 'crypto.verify.webcrypto-batch', 'crypto.verify.noble', 'crypto.sign.webcrypto', 'crypto.sha256.1mib']) {
    expect(ids.has(id)).toBe(true)
  }
  for (const r of results) {
    expect(r.id).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/)
    expect(Number.isFinite(r.value) && r.value > 0).toBe(true)
    if (r.baselineId !== undefined) {
      expect(ids.has(r.baselineId)).toBe(true)
      expect(r.ratio).toBeCloseTo(r.value / r.baseline!, 6)
    }
  }
}, 60_000)
