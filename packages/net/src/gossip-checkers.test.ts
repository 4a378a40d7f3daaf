import { describe, expect, it } from 'vitest'
import { AuthorityRejectedError, ChannelRejectedError, type AddResult, type ChannelAddResult, type EntryNode } from '@hearth/protocol'
import { authorityVerdict, channelVerdict } from './gossip-checkers.ts'

const node = {} as EntryNode
const authority = (r: Partial<AddResult>): AddResult => ({ added: [], invalid: [], missing: [], ...r })
const channel = (r: Partial<ChannelAddResult>): ChannelAddResult => ({ added: [], held: [], quarantined: [], rejected: [], duplicates: 0, missing: [], ...r })

describe('gossip verdicts from log results', () => {
  it('authority: stored is accept, broken is reject, duplicate or waiting is ignore', () => {
    expect(authorityVerdict(authority({ added: [node] }))).toBe('accept')
    expect(authorityVerdict(authority({ invalid: [new AuthorityRejectedError('bad-signature', 'x')] }))).toBe('reject')
    expect(authorityVerdict(authority({ invalid: [new AuthorityRejectedError('duplicate', 'x')] }))).toBe('ignore')
    expect(authorityVerdict(authority({ missing: [new Uint8Array(32)] }))).toBe('ignore')
  })

  it('channel: stored is accept, refused is reject, full waiting sets or held are ignore', () => {
    expect(channelVerdict(channel({ added: [{} as never] }))).toBe('accept')
    expect(channelVerdict(channel({ rejected: [new ChannelRejectedError('bad-signature', 'x')] }))).toBe('reject')
    expect(channelVerdict(channel({ rejected: [new ChannelRejectedError('pending-full', 'x')] }))).toBe('ignore')
    expect(channelVerdict(channel({ held: [{} as never] }))).toBe('ignore')
    expect(channelVerdict(channel({ quarantined: [{} as never] }))).toBe('ignore')
    expect(channelVerdict(channel({ duplicates: 1 }))).toBe('ignore')
  })
})
