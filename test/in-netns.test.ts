// scripts/in-netns.sh: the command sees only loopback (up), keeps its environment, and the
// fallback without namespaces warns locally but fails under CI.

import { execFile, execFileSync } from 'node:child_process'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const SCRIPT = fileURLToPath(new URL('../scripts/in-netns.sh', import.meta.url))
const run = promisify(execFile)

/** Environment for a fresh (not nested) run of the wrapper. */
function freshEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  delete env.HEARTH_IN_NETNS
  return env
}

function canUnshare(): boolean {
  try {
    const flags = process.getuid?.() === 0 ? '-n' : '-rn'
    execFileSync('unshare', [flags, 'true'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('in-netns.sh', () => {
  it.skipIf(!canUnshare())('runs the command with only loopback, up, and the same environment', async () => {
    // /proc/self/net is per network namespace (unlike /sys/class/net, which shows sysfs's).
    const probe = `tail -n +3 /proc/self/net/dev | cut -d: -f1 | tr -d ' ' | tr '\\n' ' '; echo
ip -o link show lo; echo "$HEARTH_PROBE"; command -v node`
    const { stdout } = await run('sh', [SCRIPT, 'sh', '-c', probe], { env: freshEnv({ HEARTH_PROBE: 'kept' }) })
    const [interfaces, lo, probeVar, node] = stdout.trim().split('\n')
    expect(interfaces?.trim()).toBe('lo')
    expect(lo).toMatch(/<[^>]*\bUP\b[^>]*>/)
    expect(probeVar).toBe('kept')
    expect(node).toBe(execFileSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).trim())
  })

  it('without a namespace: warns and runs locally, fails under CI', async () => {
    const fakeBin = await mkdtemp(join(tmpdir(), 'hearth-netns-test-'))
    try {
      // An `ip` that cannot bring loopback up makes every namespace attempt fail.
      await writeFile(join(fakeBin, 'ip'), '#!/bin/sh\nexit 1\n')
      await chmod(join(fakeBin, 'ip'), 0o755)
      const PATH = `${fakeBin}:${process.env.PATH ?? ''}`
      const local = await run('sh', [SCRIPT, 'echo', 'ran'], { env: freshEnv({ PATH, CI: 'false' }) })
      expect(local.stdout).toBe('ran\n')
      expect(local.stderr).toContain('WITHOUT network isolation')
      await expect(run('sh', [SCRIPT, 'echo', 'ran'], { env: freshEnv({ PATH, CI: 'true' }) })).rejects.toMatchObject({
        code: 1,
        stdout: ''
      })
    } finally {
      await rm(fakeBin, { recursive: true, force: true })
    }
  })
})
