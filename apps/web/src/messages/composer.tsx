// The message composer: a growing multi-line box (Enter sends, Shift+Enter adds a line,
// ↑ in an empty box edits my last message), the reply banner, and the typing line.
// Disabled, with the reason, when I may not post here.

import { useEffect, useRef, useState, type KeyboardEvent, type SyntheticEvent } from 'react'
import { useApp } from '../app-context.tsx'
import type { Hex, MemberSummary, MessageSummary } from '../hearth-api.ts'
import { errorMessage } from '../identity/error-message.ts'
import { mentionQuery, suggestNames } from './mention-suggest.ts'
import { TypingIndicator } from './typing-indicator.tsx'

/** Props of {@link Composer}. */
export interface ComposerProps {
  readonly room: Hex
  readonly channel: Hex
  readonly channelName: string
  /** Why I cannot post (the box is disabled and shows it); undefined when I can. */
  readonly disabledReason?: string | undefined
  readonly replyTo?: MessageSummary | undefined
  readonly onCancelReply: () => void
  /** ↑ in an empty box: edit my last message. */
  readonly onEditLast?: () => void
  readonly typing: readonly string[]
  /** Members to suggest for @mentions. */
  readonly members?: readonly MemberSummary[]
}

const MAX_ROWS = 10

/** The composer under the message list. */
export function Composer(props: ComposerProps) {
  const { room, channel, channelName, disabledReason, replyTo } = props
  const app = useApp()
  const [text, setText] = useState('')
  const [error, setError] = useState<string>()
  const ref = useRef<HTMLTextAreaElement>(null)
  const label = `Message #${channelName}`
  const [caret, setCaret] = useState(0)
  const [picked, setPicked] = useState(0)
  const [suggestClosed, setSuggestClosed] = useState(false)
  const query = mentionQuery(text, caret)
  const suggestions = query === undefined || suggestClosed ? [] : suggestNames((props.members ?? []).map((m) => m.name), query.query)
  const listId = `mention-list-${channel}`

  const complete = (name: string): void => {
    if (query === undefined) return
    const next = `${text.slice(0, query.start)}@${name} ${text.slice(caret)}`
    const at = query.start + name.length + 2
    setText(next)
    setCaret(at)
    window.requestAnimationFrame(() => { ref.current?.setSelectionRange(at, at) })
  }

  // Replying focuses the box, as in Discord.
  useEffect(() => {
    if (replyTo !== undefined) ref.current?.focus()
  }, [replyTo])

  const send = (): void => {
    const body = text.trim()
    if (body === '' || disabledReason !== undefined) return
    setText('')
    setError(undefined)
    const options = replyTo !== undefined ? { replyTo: replyTo.id } : undefined
    props.onCancelReply()
    app.send(room, channel, body, options).catch((err: unknown) => {
      // Give the text back so nothing typed is lost.
      setText((current) => (current === '' ? body : current))
      setError(errorMessage(err))
    })
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (suggestions.length > 0) {
      const index = Math.min(picked, suggestions.length - 1)
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault()
        setPicked((index + (event.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length)
        return
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        event.preventDefault()
        complete(suggestions[index] ?? '')
        return
      }
      if (event.key === 'Escape') {
        event.preventDefault()
        setSuggestClosed(true)
        return
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      send()
    } else if (event.key === 'Escape' && replyTo !== undefined) {
      event.preventDefault()
      props.onCancelReply()
    } else if (event.key === 'ArrowUp' && text === '' && props.onEditLast !== undefined) {
      event.preventDefault()
      props.onEditLast()
    }
  }

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    send()
  }

  const rows = Math.min(MAX_ROWS, Math.max(1, text.split('\n').length))
  return (
    <form className="composer" onSubmit={submit} aria-label="Send a message">
      {replyTo !== undefined && (
        <div className="composer__reply">
          <span>Replying to <strong>{replyTo.author.name}</strong></span>
          <button type="button" className="icon-button icon-button--tiny" aria-label="Cancel reply" onClick={props.onCancelReply}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      )}
      {suggestions.length > 0 && (
        <ul id={listId} className="mention-list" role="listbox" aria-label="Mention a member">
          {suggestions.map((name, i) => (
            <li key={name} id={`${listId}-${i}`} role="option" aria-selected={i === Math.min(picked, suggestions.length - 1)}
              onMouseDown={(e) => { e.preventDefault(); complete(name) }}>
              @{name}
            </li>
          ))}
        </ul>
      )}
      <div className="composer__box" data-disabled={disabledReason !== undefined}>
        <textarea
          ref={ref}
          className="composer__input"
          aria-label={label}
          aria-describedby={disabledReason !== undefined ? `composer-reason-${channel}` : undefined}
          placeholder={disabledReason ?? label}
          value={text}
          rows={rows}
          disabled={disabledReason !== undefined}
          aria-autocomplete="list"
          aria-controls={suggestions.length > 0 ? listId : undefined}
          aria-activedescendant={suggestions.length > 0 ? `${listId}-${Math.min(picked, suggestions.length - 1)}` : undefined}
          onChange={(e) => {
            setText(e.target.value)
            setCaret(e.target.selectionStart)
            setSuggestClosed(false)
            setPicked(0)
            if (e.target.value !== '') app.typing(room, channel)
          }}
          onSelect={(e) => { setCaret(e.currentTarget.selectionStart) }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="composer__send" disabled={disabledReason !== undefined || text.trim() === ''} aria-label="Send">
          <span aria-hidden="true">➤</span>
        </button>
      </div>
      {disabledReason !== undefined && <p id={`composer-reason-${channel}`} className="composer__reason">{disabledReason}</p>}
      {error !== undefined && <p className="error small" role="alert">Not sent: {error}</p>}
      <TypingIndicator names={props.typing} />
    </form>
  )
}
