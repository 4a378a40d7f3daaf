import { describe, expect, it } from 'vitest'
import { createGenesis, generateKeypair, genesisId, signAuthorityEntry, toHex } from '../index.ts'
import { AuthorityLog, MOD, memberView } from './index.ts'

describe('AuthorityLog.stateAt (the state at a causal point)', () => {
  it('replays only the named heads and their ancestors', async () => {
    const owner = generateKeypair()
    const b = generateKeypair()
    const c = generateKeypair()
    const genesis = await createGenesis(owner, { name: 'points', created: 1 })
    const log = new AuthorityLog(genesis)
    const root = genesisId(genesis)
    const joinB = await log.author(b, { op: 'join' }, 2)
    const grant = await log.author(owner, { op: 'grant', target: b.publicKey, role: MOD }, 3)
    // A branch that did not see the grant: C joins on the join of B only.
    const joinC = await signAuthorityEntry(c, { room: genesis.room, parents: [joinB.id], lamport: 2, at: 4, act: { op: 'join' } })
    expect((await log.addNodes([joinC])).invalid).toEqual([])

    expect(log.stateAt([root])?.members.has(toHex(b.publicKey))).toBe(false)
    expect(memberView(log.stateAt([joinB.id])!, b.publicKey)?.roles.map((r) => r.id)).toEqual(['member'])
    expect(memberView(log.stateAt([grant.id])!, b.publicKey)?.roles.map((r) => r.id)).toEqual(['mod', 'member'])
    const atC = log.stateAt([joinC.id])!
    expect(atC.members.has(toHex(c.publicKey))).toBe(true)
    expect(memberView(atC, b.publicKey)?.roles.map((r) => r.id)).toEqual(['member'])
    const both = log.stateAt([joinC.id, grant.id])!
    expect(both.members.size).toBe(3)
    expect(memberView(both, b.publicKey)?.roles.map((r) => r.id)).toEqual(['mod', 'member'])
    // The current state is the point of all heads.
    expect([...both.members.keys()].sort()).toEqual([...log.state.members.keys()].sort())
  })

  it('is undefined for a head it does not hold, and recomputed after the log changes', async () => {
    const owner = generateKeypair()
    const genesis = await createGenesis(owner, { name: 'points', created: 1 })
    const log = new AuthorityLog(genesis)
    expect(log.stateAt([new Uint8Array(32).fill(9)])).toBeUndefined()
    const meta = await log.author(owner, { op: 'set-meta', name: 'One', tags: [] }, 2)
    expect(log.stateAt([meta.id])?.meta.name).toBe('One')
    const again = await log.author(owner, { op: 'set-meta', name: 'Two', tags: [] }, 3)
    expect(log.stateAt([meta.id])?.meta.name).toBe('One')
    expect(log.stateAt([again.id])?.meta.name).toBe('Two')
  })
})
