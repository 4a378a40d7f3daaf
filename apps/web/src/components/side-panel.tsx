// A labelled side column (channels on the left, members on the right). On narrow screens the
// same element becomes a drawer; it takes focus when opened so keyboard users land inside it.

import { useEffect, useRef, type ReactNode } from 'react'

/** Props of {@link SidePanel}. */
export interface SidePanelProps {
  id: string
  title: string
  className: string
  /** The region's accessible name when it differs from the visible title (the channel column is "Channels" whatever room it shows). */
  label?: string
  /** True while shown as a drawer on a narrow screen. */
  open: boolean
  children: ReactNode
}

/** An `<aside>` with a heading, focusable as a drawer. */
export function SidePanel({ id, title, label, className, open, children }: SidePanelProps) {
  const ref = useRef<HTMLElement>(null)
  useEffect(() => {
    if (open) ref.current?.focus()
  }, [open])
  return (
    <aside id={id} ref={ref} className={`side-panel ${className}`} data-open={open}
      {...(label !== undefined ? { 'aria-label': label } : { 'aria-labelledby': `${id}-heading` })} tabIndex={-1}>
      <h2 id={`${id}-heading`} className="side-panel__heading">
        {title}
      </h2>
      {children}
    </aside>
  )
}
