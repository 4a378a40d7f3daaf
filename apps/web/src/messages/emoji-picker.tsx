// The small reaction picker: a grid of common emojis in a dialog. Arrow keys move
// between them, Enter or a click picks one, Escape closes.

import { useRef, type KeyboardEvent } from 'react'
import { Dialog } from '../ui/dialog.tsx'
import { COMMON_EMOJIS } from './emoji.ts'

const COLUMNS = 6

/** Props of {@link EmojiPicker}. */
export interface EmojiPickerProps {
  readonly onPick: (emoji: string) => void
  readonly onClose: () => void
}

/** Pick a reaction. */
export function EmojiPicker({ onPick, onClose }: EmojiPickerProps) {
  const grid = useRef<HTMLDivElement>(null)
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const buttons = [...(grid.current?.querySelectorAll('button') ?? [])]
    const index = buttons.findIndex((b) => b === document.activeElement)
    if (index < 0) return
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[event.key]
    if (step === undefined) return
    event.preventDefault()
    buttons[Math.min(buttons.length - 1, Math.max(0, index + step))]?.focus()
  }
  return (
    <Dialog title="Add a reaction" onClose={onClose} className="dialog--picker">
      <div ref={grid} className="emoji-grid" role="group" aria-label="Emojis" onKeyDown={onKeyDown}>
        {COMMON_EMOJIS.map(([emoji, name], i) => (
          <button key={emoji} type="button" className="emoji-grid__item" aria-label={`${emoji} ${name}`} title={name}
            data-autofocus={i === 0 ? true : undefined}
            onClick={() => { onPick(emoji); onClose() }}>
            <span aria-hidden="true">{emoji}</span>
          </button>
        ))}
      </div>
    </Dialog>
  )
}
