#!/bin/sh
# Run a command inside a fresh network namespace where only loopback exists and is up, so
# tests cannot reach (or leak WebRTC/libp2p candidates onto) any real network.
#
#   sh scripts/in-netns.sh <command> [args...]
#
# As root: `unshare -n`; otherwise a user namespace too: `unshare -rn`. If no namespace can
# be made, CI=true fails; elsewhere it warns and runs the command unisolated. The environment
# (PATH with node_modules/.bin first, CI, CHROMIUM_PATH, ...) passes through unchanged.
set -eu

if [ "$#" -eq 0 ]; then
  echo "usage: sh scripts/in-netns.sh <command> [args...]" >&2
  exit 2
fi

# Already isolated (a nested call): just run it.
if [ "${HEARTH_IN_NETNS:-}" = 1 ]; then
  exec "$@"
fi

# The inner script brings loopback up, then replaces itself with the command.
inner='ip link set lo up || exit 97; exec "$@"'

if command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    flags=-n
  else
    flags=-rn
  fi
  # Probe first, so a refusal (no privileges, seccomp, nested container) can fall back.
  if unshare $flags sh -c "$inner" in-netns true 2>/dev/null; then
    export HEARTH_IN_NETNS=1
    exec unshare $flags sh -c "$inner" in-netns "$@"
  fi
fi

case "${CI:-}" in
  true | 1)
    echo "in-netns: cannot create a loopback-only network namespace (need unshare + ip, and root or" >&2
    echo "in-netns: unprivileged user namespaces). CI never runs networked tests without isolation." >&2
    exit 1
    ;;
esac
echo "in-netns: WARNING: cannot create a network namespace; running WITHOUT network isolation." >&2
echo "in-netns: tests use only 127.0.0.1, but WebRTC may see your other interfaces." >&2
exec "$@"
