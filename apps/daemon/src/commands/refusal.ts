// The authority log's refusals (PROTOCOL.md §6.5), worded for the person at the keyboard:
// the log speaks of "the author"; the CLI's user is that author. The reason code is kept.

import type { AuthorityRejectedError } from '@hearth/protocol'
import { NotPermittedError } from './errors.ts'

/** The log's refusal, worded for the person at the keyboard; the reason code stays as is. */
export function refused(error: AuthorityRejectedError): NotPermittedError {
  const detail = error.message.slice(error.reason.length + 2)
    .replace(/^authors cannot do this to themselves/, 'you cannot do this to yourself')
    .replace(/^nobody can grant themselves/, 'you cannot grant yourself')
    .replace(/\bauthor is\b/g, 'you are')
    .replace(/\bthe author\b/g, 'you')
    .replace(/\bauthor\b/g, 'you')
  return new NotPermittedError(error.reason, `refused by the room's rules (${error.reason}): ${detail}`)
}
