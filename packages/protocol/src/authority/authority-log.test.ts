import { describe, expect, it } from 'vitest'
import { createGenesis, generateKeypair, toHex, type Keypair } from '../index.ts'
import { AuthorityLog, AuthorityRejectedError, Cap, MOD, auditLog, channelCaps, listChannels, memberView } from './index.ts'

async function room(policy: 'open' | 'invite' = 'open'): Promise<{ owner: Keypair; log: AuthorityLog }> {
  const owner = generateKeypair()
  const genesis = await createGenesis(owner, { name: 'Test room', created: 1000, policy: { join: policy, discoverable: 'unlisted' } })
  return { owner, log: new AuthorityLog(genesis) }
}

describe('AuthorityLog basics', () => {
  it('lets members join, grants and revokes roles, and refuses a revoked moderator', async () => {
    const { owner, log } = await room()
    const b = generateKeypair()
    const c = generateKeypair()
    const channel = new Uint8Array(16).fill(7)
    await log.author(owner, { op: 'channel-create', channel, name: 'general', kind: 'text', position: 0 }, 2000)
    await log.author(b, { op: 'join' }, 2001)
    await log.author(c, { op: 'join' }, 2002)
    await log.author(owner, { op: 'grant', target: b.publicKey, role: MOD }, 2003)
    expect(memberView(log.state, b.publicKey)?.roles.map((r) => r.id)).toEqual(['mod', 'member'])
    await log.author(b, { op: 'timeout', target: c.publicKey, until: 9000 }, 2004)
    expect(channelCaps(log.state, c.publicKey, channel, 5000) & Cap.POST).toBe(0)
    expect(channelCaps(log.state, c.publicKey, channel, 9000) & Cap.POST).toBe(Cap.POST)
    await log.author(owner, { op: 'revoke', target: b.publicKey, role: MOD }, 2005)
    await expect(log.author(b, { op: 'ban', target: c.publicKey }, 2006)).rejects.toMatchObject({ reason: 'missing-capability' })
    await expect(log.author(b, { op: 'grant', target: b.publicKey, role: MOD }, 2006)).rejects.toBeInstanceOf(AuthorityRejectedError)
    expect(listChannels(log.state).map((ch) => ch.name)).toEqual(['general'])
    expect(auditLog(log.entries).every((r) => r.status === 'accepted')).toBe(true)

    // Any peer replaying the same entries in any order gets the same state.
    const replica = new AuthorityLog(log.genesis)
    const bytes = log.entries.map((e) => e.node.bytes).reverse()
    const result = await replica.add(bytes)
    expect(result.invalid).toEqual([])
    expect(replica.entries.map((e) => e.node.key)).toEqual(log.entries.map((e) => e.node.key))
    expect([...replica.state.members.keys()].sort()).toEqual([...log.state.members.keys()].sort())
  })

  it('refuses forged, duplicate and mis-stamped entries without changing state', async () => {
    const { owner, log } = await room()
    const node = await log.author(owner, { op: 'set-meta', name: 'Renamed', tags: [] }, 10)
    const forged = Uint8Array.from(node.bytes)
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1
    const other = new AuthorityLog(log.genesis)
    const r = await other.add([forged, node.bytes, node.bytes])
    expect(r.invalid.map((e) => (e instanceof AuthorityRejectedError ? e.reason : e.name))).toEqual(['duplicate', 'bad-signature'])
    expect(other.state.meta.name).toBe('Renamed')
    expect(toHex(other.entries[0]!.node.id)).toBe(toHex(node.id))
  })
})
