// My user id, in full, with a button that copies it (on the home screen's profile card and
// in user settings).

import { useState } from 'react'
import { copyText } from '../ui/clipboard.ts'

/** The user id line; the button says "Copied" once the id is on the clipboard. */
export function UserIdLine({ userId }: { readonly userId: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <p className="user-id">
      <code title={userId}>{userId}</code>{' '}
      <button type="button" className="link-button" onClick={() => { void copyText(userId).then(setCopied) }}>
        {copied ? 'Copied' : 'Copy user id'}
      </button>
    </p>
  )
}
