/**
 * Archive requests from the browser (PROTOCOL.md §10.9): hand each always-on
 * daemon (bootstrap peer) an invite link over `/hearth/archive/1.0.0` and
 * collect one answer per daemon, in the app contract's terms. A daemon that
 * gives no valid answer (not reachable, timed out, hung up, garbled) is
 * `unreachable`, with the reason as its message; only an invite that no
 * daemon could accept (a local bug: the app made it) rejects.
 */
import type { ArchiveAnswer } from '@hearth/client'
import { ArchiveRequestError, requestArchive as askDaemon, type HearthNode } from '@hearth/net'

/** Ask every daemon in `peers` (peer ids) to archive the room of `invite`; one answer each, in order. */
export function requestArchive(node: HearthNode, peers: Iterable<string>, invite: string): Promise<readonly ArchiveAnswer[]> {
  return Promise.all([...peers].map(async (peer): Promise<ArchiveAnswer> => {
    try {
      const decision = await askDaemon(node, peer, invite)
      return { peer, status: decision.status, ...(decision.detail !== undefined ? { message: decision.detail } : {}) }
    } catch (error) {
      if (error instanceof ArchiveRequestError) return { peer, status: 'unreachable', message: error.message }
      throw error
    }
  }))
}
