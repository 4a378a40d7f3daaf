// One message, Discord style: avatar, author and time heading a group (grouped
// follow-ups show only their text), a quoted reply, "(edited)", pinned mark, tombstone,
// reaction chips, and a hover / focus action bar (reply, react, edit, pin, delete).

import { useState } from 'react'
import { useApp } from '../app-context.tsx'
import type { Hex, MessageSummary, Rights } from '../hearth-api.ts'
import { ConfirmDialog } from '../ui/confirm-dialog.tsx'
import { formatClock, formatFull, formatStamp } from '../ui/time-format.ts'
import { UserAvatar } from '../ui/user-avatar.tsx'
import { EmojiPicker } from './emoji-picker.tsx'
import { MessageEditor } from './message-editor.tsx'
import { MessageText } from './message-text.tsx'
import { PinIcon, TrashIcon } from '../components/icons.tsx'

/** Props of {@link MessageItem}. */
export interface MessageItemProps {
  readonly room: Hex
  readonly channel: Hex
  readonly message: MessageSummary
  readonly grouped: boolean
  readonly rights: Rights
  /** Names of mentionable keys (room members), to highlight @mentions. */
  readonly nameOf: (key: Hex) => string | undefined
  readonly myKey?: string | undefined
  readonly editing: boolean
  readonly highlighted: boolean
  readonly onReply: (message: MessageSummary) => void
  readonly onEdit: (id: Hex | undefined) => void
  readonly onJump: (id: Hex) => void
  readonly onError: (message: string) => void
}

/** A message row. */
export function MessageItem(props: MessageItemProps) {
  const { room, channel, message, grouped, rights, editing } = props
  const app = useApp()
  const [dialog, setDialog] = useState<'react' | 'delete'>()
  const headingId = `message-${message.id}-author`
  const report = (err: unknown): void => { props.onError(err instanceof Error ? err.message : String(err)) }
  const react = (emoji: string, on: boolean): void => { app.react(room, channel, message.id, emoji, on).catch(report) }
  const showHeader = !grouped
  const live = !message.deleted

  return (
    <article
      id={`message-${message.id}`}
      className="message"
      data-grouped={grouped}
      data-mentions-me={message.mentionsMe}
      data-highlighted={props.highlighted}
      data-deleted={message.deleted}
      aria-labelledby={headingId}
      tabIndex={-1}
    >
      {message.replyTo !== undefined && (
        <button type="button" className="message__reply" aria-label={`Jump to the reply's original message by ${message.replyTo.authorName}`}
          onClick={() => { if (message.replyTo) props.onJump(message.replyTo.id) }}>
          <span aria-hidden="true" className="message__reply-curve" />
          <span className="message__reply-author">@{message.replyTo.authorName}</span>{' '}
          <span className="message__reply-text">{message.replyTo.deleted ? 'Original message was deleted' : message.replyTo.excerpt}</span>
        </button>
      )}
      <div className="message__gutter">
        {showHeader ? (
          <UserAvatar name={message.author.name} url={message.author.avatarUrl} size={40} />
        ) : (
          <time className="message__hover-time" dateTime={new Date(message.at).toISOString()} title={formatFull(message.at)}>
            {formatClock(message.at)}
          </time>
        )}
      </div>
      <div className="message__body">
        <h3 id={headingId} className={showHeader ? 'message__header' : 'visually-hidden'}>
          <span className="message__author">{message.author.name}</span>{' '}
          <time className="message__time" dateTime={new Date(message.at).toISOString()} title={formatFull(message.at)}>
            {formatStamp(message.at)}
          </time>
          {message.pinned && <span className="message__pinned" title="Pinned"> <PinIcon size={12} /><span className="visually-hidden">pinned</span></span>}
        </h3>
        {editing && live ? (
          <MessageEditor
            initial={message.text ?? ''}
            onSave={(text) => app.edit(room, channel, message.id, text).then(() => { props.onEdit(undefined) })}
            onCancel={() => { props.onEdit(undefined) }}
          />
        ) : (
          <div className="message__content">
            {message.deleted ? (
              <span className="message__tombstone">Message deleted</span>
            ) : message.text === undefined ? (
              <span className="message__tombstone">This message cannot be shown.</span>
            ) : (
              <MessageText text={message.text} mentions={message.mentions.map((key) => ({ key, name: props.nameOf(key) ?? '' }))} myKey={props.myKey} />
            )}
            {message.edited !== undefined && live && (
              <span className="message__edited" title={`Edited ${formatFull(message.edited.at)}`}> (edited)</span>
            )}
            {grouped && message.pinned && <span className="message__pinned" title="Pinned"> <PinIcon size={12} /><span className="visually-hidden">pinned</span></span>}
          </div>
        )}
        {message.reactions.length > 0 && live && (
          <ul className="reactions" aria-label="Reactions">
            {message.reactions.map((r) => (
              <li key={r.emoji}>
                <button type="button" className="reaction" aria-pressed={r.mine} disabled={!rights.react}
                  aria-label={`${r.emoji} ${r.count}`} title={r.names.join(', ')}
                  onClick={() => { react(r.emoji, !r.mine) }}>
                  <span aria-hidden="true">{r.emoji}</span> <span aria-hidden="true">{r.count}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {live && !editing && (
        <div className="message__actions" role="toolbar" aria-label="Message actions">
          {rights.post && (
            <button type="button" className="icon-button" aria-label="Reply" title="Reply" onClick={() => { props.onReply(message) }}>
              <span aria-hidden="true">↩</span>
            </button>
          )}
          {rights.react && (
            <button type="button" className="icon-button" aria-label="Add reaction" title="Add reaction" onClick={() => { setDialog('react') }}>
              <span aria-hidden="true">☺</span>
            </button>
          )}
          {message.mine && (
            <button type="button" className="icon-button" aria-label="Edit message" title="Edit" onClick={() => { props.onEdit(message.id) }}>
              <span aria-hidden="true">✎</span>
            </button>
          )}
          {rights.pin && (
            <button type="button" className="icon-button" aria-label={message.pinned ? 'Unpin message' : 'Pin message'} title={message.pinned ? 'Unpin' : 'Pin'}
              onClick={() => { app.pin(room, channel, message.id, !message.pinned).catch(report) }}>
              <PinIcon />
            </button>
          )}
          {message.canDelete && (
            <button type="button" className="icon-button icon-button--danger" aria-label="Delete message" title="Delete" onClick={() => { setDialog('delete') }}>
              <TrashIcon />
            </button>
          )}
        </div>
      )}
      {dialog === 'react' && (
        <EmojiPicker
          onPick={(emoji) => { react(emoji, !message.reactions.some((r) => r.emoji === emoji && r.mine)) }}
          onClose={() => { setDialog(undefined) }}
        />
      )}
      {dialog === 'delete' && (
        <ConfirmDialog title="Delete message?" confirmLabel="Delete" onClose={() => { setDialog(undefined) }}
          onConfirm={() => app.deleteMessage(room, channel, message.id)}>
          <p>Everyone will see “Message deleted” in its place.</p>
          {message.text !== undefined && <blockquote className="quote">{message.text}</blockquote>}
        </ConfirmDialog>
      )}
    </article>
  )
}
