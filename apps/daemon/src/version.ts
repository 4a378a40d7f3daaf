// The daemon's version, read once from its package.json (the one source of truth).

import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown }

/** Version of @hearth/daemon, e.g. "0.1.0". */
export const VERSION: string = typeof pkg.version === 'string' ? pkg.version : '0.0.0'
