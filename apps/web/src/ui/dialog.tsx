// A modal dialog: labelled by its title, traps Tab inside, closes on Escape or a click
// on the backdrop, and gives focus back to whatever opened it. Rendered in a portal on
// <body> so it sits above the shell's columns and drawers.

import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react'
import { createPortal } from 'react-dom'

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/** Props of {@link Dialog}. */
export interface DialogProps {
  readonly title: string
  readonly onClose: () => void
  readonly children: ReactNode
  /** Extra class for sizing (`dialog--wide`). */
  readonly className?: string
  /** Hide the title visually (it still names the dialog). */
  readonly hideTitle?: boolean
}

/** The focusable elements inside `root`, in tab order. */
export function focusableIn(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[inert]'))
}

/** A modal dialog. Focus goes to the first `[data-autofocus]` element, else the first control. */
export function Dialog({ title, onClose, children, className, hideTitle }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null)
  const titleId = useId()
  const onCloseRef = useRef(onClose)
  onCloseRef.current = onClose

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    const root = ref.current
    if (root !== null) {
      const first = root.querySelector<HTMLElement>('[data-autofocus]') ?? focusableIn(root)[0] ?? root
      first.focus()
    }
    return () => {
      // Give focus back to the opener once the dialog is gone (if it still exists).
      if (opener?.isConnected === true) opener.focus()
    }
  }, [])

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'Escape') {
      event.stopPropagation()
      event.preventDefault()
      onCloseRef.current()
      return
    }
    if (event.key !== 'Tab' || ref.current === null) return
    const items = focusableIn(ref.current)
    const first = items[0]
    const last = items[items.length - 1]
    if (first === undefined || last === undefined) {
      event.preventDefault()
      return
    }
    const active = document.activeElement
    if (event.shiftKey && (active === first || active === ref.current)) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && active === last) {
      event.preventDefault()
      first.focus()
    }
  }

  return createPortal(
    <div className="dialog-backdrop" onMouseDown={(event) => { if (event.target === event.currentTarget) onClose() }}>
      <div
        ref={ref}
        className={`dialog ${className ?? ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <div className="dialog__head">
          <h2 id={titleId} className={hideTitle === true ? 'visually-hidden' : 'dialog__title'}>{title}</h2>
          <button type="button" className="icon-button dialog__close" aria-label="Close" onClick={onClose}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
        {children}
      </div>
    </div>,
    document.body
  )
}
