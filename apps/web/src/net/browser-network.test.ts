// startBrowserNetwork on Node against a real server node on loopback (run inside the
// loopback-only namespace, as `npm test` does): the config is fetched and parsed, the daemon
// is dialled and counted, the peer cache and the node key land in (fake) IndexedDB, and a
// failed start leaves nothing behind. Browser↔browser WebRTC is covered by the e2e test.

import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHearthNode, handleArchiveRequests, loopbackTestConfig, type HearthNode } from '@hearth/net'
import { keypairFromSeed } from '@hearth/protocol'
import { startBrowserNetwork } from './browser-network.ts'
import { IdbPeerCache } from './idb-peer-cache.ts'
import { openNetDatabase } from './net-database.ts'

const identity = keypairFromSeed(new Uint8Array(32).fill(9))
let daemon: HearthNode
let bootstrap: string[]

beforeAll(async () => {
  daemon = await createHearthNode({ ...loopbackTestConfig(), profile: 'server' })
  bootstrap = daemon.libp2p.getMultiaddrs().map((a) => a.toString()).filter((a) => a.includes('/ws/'))
  // The daemon's side of §10.9, as the archiver answers.
  await handleArchiveRequests(daemon, (invite) =>
    Promise.resolve(invite.endsWith('/keep') ? { status: 'archiving' as const } : { status: 'refused' as const, detail: 'not this room' }))
})

afterAll(async () => {
  await daemon.stop()
})

/** A fetch that answers /hearth-config.json like `hearth serve`. */
const daemonFetch = (): typeof fetch => () =>
  Promise.resolve(Response.json({ version: '0.1.0', daemon: { startedAt: new Date().toISOString() }, bootstrap, iceServers: [] }))

const waitFor = async (check: () => boolean, ms = 10_000): Promise<void> => {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('startBrowserNetwork', () => {
  it('bootstraps from the daemon config, reports it, and keeps its key and peer cache', async () => {
    const indexedDB = new IDBFactory()
    const network = await startBrowserNetwork(identity, { fetch: daemonFetch(), storage: { indexedDB } })
    let changes = 0
    const unsubscribe = network.onChange(() => { changes++ })
    const daemonId = daemon.libp2p.peerId.toString()

    await waitFor(() => network.summary().bootstrapConnected === 1)
    expect(network.summary()).toMatchObject({ peers: 1, direct: 1, relayed: 0, bootstrapConnected: 1, bootstrapConfigured: 1 })
    expect(changes).toBeGreaterThan(0)
    unsubscribe()
    expect(network.isArchiver(daemonId)).toBe(true)
    expect(network.isArchiver(network.peerId)).toBe(false)
    expect(network.inviteAddresses().slice(0, bootstrap.length)).toEqual(bootstrap)
    expect(network.persistentKey).toBe(true)

    const other = '12D3KooWPVSyTTPSPbm9zqz3RjFqvCt5DaFkXWKSGtnqwkDoBD4k'
    expect(network.addArchiver('/ip4/127.0.0.1/tcp/9/ws')).toBe(false)
    expect(network.addArchiver(`/dns4/example.org/tcp/443/wss/p2p/${other}`)).toBe(true)
    expect(network.isArchiver(other)).toBe(true)

    expect(await network.requestArchive('https://example.org/#/join/keep')).toEqual([{ peer: daemonId, status: 'archiving' }])
    expect(await network.requestArchive('https://example.org/#/join/other')).toEqual([{ peer: daemonId, status: 'refused', message: 'not this room' }])

    const peerId = network.peerId
    await network.stop()
    await network.stop()

    // Stopping saved the daemon's address; the next start finds the same key.
    const db = await openNetDatabase({ indexedDB })
    expect(await new IdbPeerCache(db).load()).toContain(bootstrap[0])
    db.close()
    const again = await startBrowserNetwork(identity, { fetch: daemonFetch(), storage: { indexedDB } })
    expect(again.peerId).toBe(peerId)
    await again.stop()
  })

  it('rejects when the daemon is unreachable or the node cannot start, leaving the key free; reports an absent daemon', async () => {
    const indexedDB = new IDBFactory()
    const unreachable: typeof fetch = () => Promise.reject(new TypeError('fetch failed'))
    await expect(startBrowserNetwork(identity, { fetch: unreachable, storage: { indexedDB } })).rejects.toMatchObject({ name: 'DaemonUnreachableError' })

    // A bad bootstrap address fails the node's start: the key must be released for the next try.
    const config = { version: '0.1.0', startedAt: new Date(), bootstrap: ['not a multiaddr'], iceServers: [] }
    await expect(startBrowserNetwork(identity, { config, storage: { indexedDB } })).rejects.toThrow()
    // A second configured daemon that is not there: asked, and reported unreachable rather than rejecting.
    const absent = '12D3KooWPVSyTTPSPbm9zqz3RjFqvCt5DaFkXWKSGtnqwkDoBD4k'
    const network = await startBrowserNetwork(identity, { config: { ...config, bootstrap: [...bootstrap, `/ip4/127.0.0.1/tcp/1/ws/p2p/${absent}`] }, storage: { indexedDB } })
    expect(network.persistentKey).toBe(true)
    expect(network.summary().bootstrapConfigured).toBe(2)
    // Asked at once: the daemons are dialable by peer id from the start.
    const answers = await network.requestArchive('https://example.org/#/join/keep')
    expect(answers.map((a) => [a.peer, a.status])).toEqual([[daemon.libp2p.peerId.toString(), 'archiving'], [absent, 'unreachable']])
    expect(answers[1]?.message).toBeTruthy()
    await network.stop()
  })
})
