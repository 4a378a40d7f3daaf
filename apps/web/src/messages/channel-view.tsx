// The main pane of a room: the channel header (name, topic, pinned messages, connection
// status), the message list and the composer. Reply and edit state live here, so the
// composer's ↑ can start editing my last message in the list.

import { useCallback, useEffect, useMemo, useState } from 'react'
import { useApp, useAppSnapshot, useMessages } from '../app-context.tsx'
import type { ChannelSummary, Hex, MessageSummary, RoomSnapshot } from '../hearth-api.ts'
import { ConnectionIndicator } from '../rooms/connection-indicator.tsx'
import { formatClock } from '../ui/time-format.ts'
import { Composer } from './composer.tsx'
import { MessageList } from './message-list.tsx'
import { PinnedDialog } from './pinned-dialog.tsx'
import { PinIcon } from '../components/icons.tsx'

/** Props of {@link ChannelView}. */
export interface ChannelViewProps {
  readonly room: RoomSnapshot
  readonly channel: ChannelSummary
}

/** One channel of an open room. */
export function ChannelView({ room, channel }: ChannelViewProps) {
  const app = useApp()
  const snapshot = useAppSnapshot()
  const page = useMessages(room.id, channel.id)
  const [replyTo, setReplyTo] = useState<MessageSummary>()
  const [editing, setEditing] = useState<Hex>()
  const [pinnedOpen, setPinnedOpen] = useState(false)
  const [jumpTo, setJumpTo] = useState<{ readonly id: Hex }>()

  useEffect(() => {
    app.openChannel(room.id, channel.id)
  }, [app, room.id, channel.id])

  const names = useMemo(() => new Map(room.members.map((m) => [m.key, m.name])), [room.members])
  const nameOf = useCallback((key: Hex) => names.get(key) ?? app.profile(room.id, key).name, [names, app, room.id])
  const me = snapshot.me
  const standing = snapshot.rooms.find((r) => r.id === room.id)?.standing
  const reason = postBlockedReason(room, channel, me?.key, standing)

  const editLast = (): void => {
    const mine = [...page.messages].reverse().find((m) => m.mine && !m.deleted)
    if (mine !== undefined) setEditing(mine.id)
  }

  return (
    <div className="channel-view">
      <header className="channel-header">
        <h2 className="channel-header__name">
          <span aria-hidden="true" className="channel-header__hash">#</span>
          {channel.name}
        </h2>
        {channel.topic !== undefined && channel.topic !== '' && (
          <p className="channel-header__topic" title={channel.topic}>{channel.topic}</p>
        )}
        <div className="channel-header__tools">
          <button type="button" className="icon-button" aria-label="Pinned messages" title="Pinned messages"
            aria-haspopup="dialog" onClick={() => { setPinnedOpen(true) }}>
            <PinIcon size={18} />
          </button>
          <ConnectionIndicator room={room} network={snapshot.network} />
        </div>
      </header>
      {room.warnings.length > 0 && (
        <div className="warning-banner" role="alert">
          {room.warnings.map((w) => <p key={w}>⚠ {w}</p>)}
        </div>
      )}
      <MessageList
        key={`${room.id}/${channel.id}`}
        room={room.id}
        channel={channel.id}
        channelName={channel.name}
        page={page}
        rights={channel.rights}
        nameOf={nameOf}
        myKey={me?.key}
        editing={editing}
        onEdit={setEditing}
        onReply={setReplyTo}
        jumpTo={jumpTo}
      />
      <Composer
        key={`composer-${channel.id}`}
        room={room.id}
        channel={channel.id}
        channelName={channel.name}
        disabledReason={reason}
        replyTo={replyTo}
        onCancelReply={() => { setReplyTo(undefined) }}
        onEditLast={editLast}
        typing={room.typing[channel.id] ?? []}
        members={room.members}
      />
      {pinnedOpen && (
        <PinnedDialog messages={page.messages} hasOlder={page.hasOlder} onClose={() => { setPinnedOpen(false) }}
          onJump={(id) => {
            setPinnedOpen(false)
            setJumpTo({ id })
          }} />
      )}
    </div>
  )
}

/** Why I cannot post in `channel` (undefined when I can), in words. */
export function postBlockedReason(room: RoomSnapshot, channel: ChannelSummary, myKey: Hex | undefined, standing: string | undefined): string | undefined {
  if (channel.rights.post) return undefined
  if (standing === 'banned') return 'You are banned from this room.'
  if (standing === 'kicked') return 'You were removed from this room.'
  if (standing === 'left') return 'You left this room.'
  const mine = room.members.find((m) => m.key === myKey)
  if (mine?.timeoutUntil !== undefined && mine.timeoutUntil > Date.now()) {
    return `You are timed out until ${formatClock(mine.timeoutUntil)}.`
  }
  if (mine === undefined) return 'You are not a member of this room yet.'
  return 'You do not have permission to send messages in this channel.'
}
