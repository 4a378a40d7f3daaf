// "Are you sure?" for destructive actions (delete a message or channel, leave a room).

import type { ReactNode } from 'react'
import { Dialog } from './dialog.tsx'
import { useAction } from './use-action.ts'

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  readonly title: string
  readonly children: ReactNode
  /** The confirm button's label, e.g. "Delete". */
  readonly confirmLabel: string
  readonly onConfirm: () => Promise<unknown>
  readonly onClose: () => void
}

/** A dialog with Cancel (focused first, so Enter does not destroy by accident) and a danger button. */
export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const action = useAction()
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="dialog__body">{children}</div>
      {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
      <div className="dialog__actions">
        <button type="button" className="button" data-autofocus onClick={onClose}>Cancel</button>
        <button
          type="button"
          className="button button--danger"
          disabled={action.busy}
          onClick={() => {
            void action.run(onConfirm).then((ok) => { if (ok) onClose() })
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  )
}
