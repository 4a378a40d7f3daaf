// Audit lines read as sentences.

import { describe, expect, it } from 'vitest'
import { Cap } from '@hearth/protocol'
import { describeAction, describeStatus, type AuditNames } from './audit-line.ts'

const bob = new Uint8Array(32).fill(2)
const channel = new Uint8Array(16).fill(3)
const names: AuditNames = {
  person: (key) => (key === '02'.repeat(32) ? 'Bob' : 'someone'),
  channel: (id) => (id === '03'.repeat(16) ? 'general' : undefined),
  role: (id) => (id === 'mod' ? 'Moderator' : undefined)
}

describe('describeAction', () => {
  it('says who did what to whom, with the reason', () => {
    expect(describeAction('Alice', { op: 'ban', target: bob, reason: 'spam' }, names)).toBe('Alice banned Bob: spam')
    expect(describeAction('Alice', { op: 'kick', target: bob }, names)).toBe('Alice kicked Bob')
    expect(describeAction('Alice', { op: 'grant', target: bob, role: 'mod' }, names)).toBe('Alice gave Bob the role Moderator')
    expect(describeAction('Alice', { op: 'channel-delete', channel }, names)).toBe('Alice deleted #general')
    expect(describeAction('Alice', { op: 'define-role', role: 'helper', name: 'Helper', caps: Cap.PIN, rank: 500 }, names))
      .toBe('Alice defined the role Helper (rank 500: Pin messages)')
    expect(describeAction('Bob', { op: 'join' }, names)).toBe('Bob joined')
  })

  it('words refusals', () => {
    expect(describeStatus('accepted')).toBe('accepted')
    expect(describeStatus('missing-capability')).toBe('refused (missing capability)')
  })
})
