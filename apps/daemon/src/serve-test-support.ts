// Test helpers for `hearth serve` as a real process on 127.0.0.1 (never imported by product
// code): start a daemon with `--json` on loopback and collect its events, and in-process
// peers that bootstrap to it and join rooms by invite. What a test runs is registered in
// a testbed, so its afterAll can stop everything.

import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { joinRoomByInvite, RoomNotFoundError, serveSyncConversation, type RoomSession, type RoomSessionOptions, type RoomStore } from '@hearth/client'
import { createHearthNode, HEARTH_KAD_PROTOCOL, Libp2pRoomNetwork, loopbackTestConfig, type HearthNode } from '@hearth/net'
import { formatRoomId, MemoryStorageAdapter, type Bytes, type Keypair } from '@hearth/protocol'
import { multiaddr } from '@multiformats/multiaddr'
import type { RoomEvent } from './archiver-report.ts'
import { spawnJsonChild, type JsonChild } from './json-child.ts'
import type { WebFixture } from './test-fixtures.ts'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))

/** A running `hearth serve --json`: its events as they come. */
export interface Daemon {
  readonly proc: JsonChild
  readonly events: Record<string, unknown>[]
  readonly tcp: string
  readonly peerId: string
}

/** A peer in this process: node, room network, session. */
export interface Peer {
  readonly node: HearthNode
  readonly net: Libp2pRoomNetwork
  session?: RoomSession
}

/** Wait until `condition` holds (polling every 100 ms), or fail after `timeoutMs` naming `what`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** SIGTERM: the daemon exits with 0. */
export async function stopDaemon(daemon: Daemon): Promise<void> {
  daemon.proc.child.kill('SIGTERM')
  expect(await daemon.proc.exited, daemon.proc.stderr()).toBe(0)
}

/** The daemon's `room` events for `room`, in order. */
export function roomEvents(daemon: Daemon, room: Bytes): RoomEvent[] {
  return daemon.events.filter((e): e is RoomEvent & Record<string, unknown> => e.event === 'room' && e.room === formatRoomId(room))
}

/** Dial the daemon as a bootstrap peer, and wait until identify says it is a Hearth DHT server (as a client's bootstrap does). */
export async function bootstrapTo(p: Peer, daemon: Daemon): Promise<void> {
  const connection = await p.node.libp2p.dial(multiaddr(daemon.tcp))
  await waitFor('identify names the daemon\'s DHT', async () =>
    (await p.node.libp2p.peerStore.get(connection.remotePeer)).protocols.includes(HEARTH_KAD_PROTOCOL), 10_000)
}

/** Leave the peer's room (if it joined one) and stop its network and node. */
export async function stopPeer(p: Peer): Promise<void> {
  await p.session?.leave()
  await p.net.stop()
  await p.node.stop()
}

/** The text of each message in `channel`, oldest first ('' for one without text). */
export const texts = (store: RoomStore, channel: Bytes): string[] =>
  store.view(channel).messages().map((m) => (m.content !== undefined && 'text' in m.content ? m.content.text : ''))

/** Starts daemons and peers for one test file, and stops them all when it is done. */
export interface ServeTestbed {
  /**
   * Start `hearth serve --json` on loopback ports (HEARTH_TEST_LOOPBACK=1) serving the fixture's
   * web directory from `dataDir`, with `args` added; wait for its `listening` event, then collect
   * every later event.
   */
  readonly startDaemon: (args: readonly string[], dataDir?: string) => Promise<Daemon>
  /** A loopback server node in this process with a room network that answers sync. */
  readonly peer: () => Promise<Peer>
  /**
   * Join by the invite as `identity` (in memory), looking again while the room is not found: a
   * daemon leaves itself out of its DHT answers for about a second after start (libp2p publishes
   * its own addresses debounced by 1 s), as a client that just bootstrapped would find. The
   * session is kept on `p`.
   */
  readonly joinWhenFound: (p: Peer, link: string, identity: Keypair) => Promise<RoomSession>
  /** For afterAll: kill every daemon, stop every peer (one already stopped is fine), remove the fixture. */
  readonly tearDown: () => Promise<void>
}

/**
 * A testbed on `fixture` (read when a daemon starts, so it may be made in beforeAll) whose
 * peers' sessions use `options`.
 */
export function serveTestbed(fixture: () => WebFixture, options: RoomSessionOptions): ServeTestbed {
  const daemons: Daemon[] = []
  const peers: Peer[] = []
  return {
    async startDaemon(args, dataDir = fixture().dataDir) {
      const proc = spawnJsonChild(
        [CLI, 'serve', '--json', '--port', '0', '--tcp-port', '0', '--ws-port', '0', '--data-dir', dataDir, '--web-dir', fixture().webDir, ...args],
        { env: { ...process.env, HEARTH_TEST_LOOPBACK: '1' } }
      )
      const events: Record<string, unknown>[] = []
      const first = await proc.lines.next()
      expect(first.done, proc.stderr()).toBe(false)
      const listening = JSON.parse(first.value as string) as { event: string; peerId: string; multiaddrs: string[] }
      expect(listening.event, proc.stderr()).toBe('listening')
      void (async () => {
        for (let next = await proc.lines.next(); next.done !== true; next = await proc.lines.next()) events.push(JSON.parse(next.value) as Record<string, unknown>)
      })()
      const tcp = listening.multiaddrs.find((addr) => !addr.includes('/ws/'))
      if (tcp === undefined) throw new Error('the daemon listens on no TCP address')
      const daemon = { proc, events, tcp, peerId: listening.peerId }
      daemons.push(daemon)
      return daemon
    },

    async peer() {
      const node = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
      const net = await Libp2pRoomNetwork.start(node, { respond: (stream, replicas) => serveSyncConversation(stream, replicas) })
      const created = { node, net }
      peers.push(created)
      return created
    },

    async joinWhenFound(p, link, identity) {
      let session: RoomSession | undefined
      await waitFor('the room is found', async () => {
        try {
          session = await joinRoomByInvite(link, { network: p.net, adapter: new MemoryStorageAdapter(), identity, at: Date.now(), session: options })
          return true
        } catch (err) {
          if (err instanceof RoomNotFoundError) return false
          throw err
        }
      })
      p.session = session
      return session as RoomSession
    },

    async tearDown() {
      for (const { proc } of daemons) proc.child.kill('SIGKILL')
      await Promise.allSettled(peers.map(stopPeer))
      await fixture().cleanup()
    }
  }
}
