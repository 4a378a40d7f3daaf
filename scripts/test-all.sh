#!/bin/sh
# Every test: Vitest (unit, property, integration), then the browser end-to-end tests.
# Both always run; the exit status is non-zero if either failed. `npm test` runs this inside
# scripts/in-netns.sh, so nothing here can reach beyond 127.0.0.1.
set -u

status=0
vitest run || status=1
node scripts/e2e.ts || status=1
exit "$status"
