// Inline editing of my message: Enter saves, Shift+Enter adds a line, Escape cancels.

import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { errorMessage } from '../identity/error-message.ts'

/** Props of {@link MessageEditor}. */
export interface MessageEditorProps {
  readonly initial: string
  readonly onSave: (text: string) => Promise<void>
  readonly onCancel: () => void
}

/** The edit box that replaces a message's text while editing. */
export function MessageEditor({ initial, onSave, onCancel }: MessageEditorProps) {
  const [text, setText] = useState(initial)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const ref = useRef<HTMLTextAreaElement>(null)
  useEffect(() => {
    const el = ref.current
    if (el === null) return
    el.focus()
    el.setSelectionRange(el.value.length, el.value.length)
  }, [])

  const save = (): void => {
    const trimmed = text.trim()
    if (trimmed === '' || busy) return
    if (trimmed === initial.trim()) {
      onCancel()
      return
    }
    setBusy(true)
    onSave(trimmed).catch((err: unknown) => {
      setError(errorMessage(err))
      setBusy(false)
    })
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      onCancel()
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      save()
    }
  }

  return (
    <div className="message-editor">
      <textarea ref={ref} className="message-editor__input" aria-label="Edit message text" value={text} rows={Math.min(8, text.split('\n').length)}
        onChange={(e) => { setText(e.target.value) }} onKeyDown={onKeyDown} />
      <p className="small muted">
        Escape to <button type="button" className="link-button" onClick={onCancel}>Cancel</button> · Enter to{' '}
        <button type="button" className="link-button" disabled={busy} onClick={save}>Save</button>
      </p>
      {error !== undefined && <p className="error small" role="alert">{error}</p>}
    </div>
  )
}
