// The identity as `--json` output shows it, shared by the identity and profile commands.

import { hostname } from 'node:os'
import type { Identity } from '@hearth/client'

/** The identity as JSON output shows it. */
export function identityJson(identity: Identity, dataDir: string): Record<string, unknown> {
  const { profile } = identity
  return {
    userId: identity.userId,
    name: profile.name,
    ...(profile.status !== undefined ? { status: profile.status } : {}),
    ...(profile.bio !== undefined ? { about: profile.bio } : {}),
    profileSeq: profile.seq,
    created: identity.created,
    ...(identity.backedUpAt !== undefined ? { backedUpAt: identity.backedUpAt } : {}),
    // No device certificates yet (§3.3): the identity key itself signs on this machine.
    device: { host: hostname(), dataDir, key: 'identity' }
  }
}
