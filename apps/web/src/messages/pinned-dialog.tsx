// The pinned messages of the channel (among those loaded), each with a jump button.

import type { Hex, MessageSummary } from '../hearth-api.ts'
import { Dialog } from '../ui/dialog.tsx'
import { formatStamp } from '../ui/time-format.ts'
import { UserAvatar } from '../ui/user-avatar.tsx'

/** Props of {@link PinnedDialog}. */
export interface PinnedDialogProps {
  readonly messages: readonly MessageSummary[]
  readonly hasOlder: boolean
  readonly onJump: (id: Hex) => void
  readonly onClose: () => void
}

/** The pinned-messages view. */
export function PinnedDialog({ messages, hasOlder, onJump, onClose }: PinnedDialogProps) {
  const pinned = messages.filter((m) => m.pinned && !m.deleted)
  return (
    <Dialog title="Pinned messages" onClose={onClose} className="dialog--wide">
      {pinned.length === 0 ? (
        <p className="muted">No pinned messages{hasOlder ? ' among the loaded ones' : ' in this channel yet'}.</p>
      ) : (
        <ul className="pinned-list">
          {pinned.map((m) => (
            <li key={m.id} className="pinned-list__item">
              <UserAvatar name={m.author.name} url={m.author.avatarUrl} size={32} />
              <div className="pinned-list__body">
                <p className="pinned-list__head"><strong>{m.author.name}</strong> <span className="muted small">{formatStamp(m.at)}</span></p>
                <p className="pinned-list__text">{m.text}</p>
              </div>
              <button type="button" className="button button--small" aria-label={`Jump to message by ${m.author.name}`}
                onClick={() => { onJump(m.id) }}>Jump</button>
            </li>
          ))}
        </ul>
      )}
      {hasOlder && pinned.length > 0 && <p className="muted small">Older pinned messages appear as you load older history.</p>}
    </Dialog>
  )
}
