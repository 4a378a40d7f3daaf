// Create a channel, or edit one's name and topic.

import { useId, useState, type SyntheticEvent } from 'react'
import { useApp } from '../app-context.tsx'
import { LIMITS, type ChannelSummary, type RoomSnapshot } from '../hearth-api.ts'
import { navigate } from '../router.ts'
import { Dialog } from '../ui/dialog.tsx'
import { useAction } from '../ui/use-action.ts'

/** Props of {@link ChannelDialog}; without `channel` it creates one. */
export interface ChannelDialogProps {
  readonly room: RoomSnapshot
  readonly channel?: ChannelSummary
  readonly onClose: () => void
}

/** The create / edit channel dialog. */
export function ChannelDialog({ room, channel, onClose }: ChannelDialogProps) {
  const app = useApp()
  const nameId = useId()
  const topicId = useId()
  const [name, setName] = useState(channel?.name ?? '')
  const [topic, setTopic] = useState(channel?.topic ?? '')
  const action = useAction()

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    const fields = { name: name.trim(), ...(topic.trim() !== '' || channel?.topic !== undefined ? { topic: topic.trim() } : {}) }
    void action.run(async () => {
      if (channel === undefined) {
        const id = await app.createChannel(room.id, fields)
        onClose()
        navigate({ kind: 'room', room: room.id, channel: id })
      } else {
        await app.updateChannel(room.id, channel.id, fields)
        onClose()
      }
    })
  }

  const title = channel === undefined ? 'Create channel' : `Edit #${channel.name}`
  return (
    <Dialog title={title} onClose={onClose}>
      <form className="stack" onSubmit={submit} aria-label={title}>
        <label htmlFor={nameId}>Channel name</label>
        <input id={nameId} value={name} maxLength={LIMITS.channelName} required data-autofocus onChange={(e) => { setName(e.target.value) }} />
        <label htmlFor={topicId}>Topic (optional)</label>
        <input id={topicId} value={topic} maxLength={LIMITS.channelTopic} onChange={(e) => { setTopic(e.target.value) }} />
        {action.error !== undefined && <p className="error" role="alert">{action.error}</p>}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>Cancel</button>
          <button type="submit" disabled={action.busy || name.trim() === ''}>{channel === undefined ? 'Create' : 'Save'}</button>
        </div>
      </form>
    </Dialog>
  )
}
