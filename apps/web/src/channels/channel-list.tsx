// The room's text channels (Discord's channel sidebar): unread in bold, a mention
// badge, and for members with MANAGE_CHANNELS: create, edit, delete and reorder (buttons,
// or Alt+↑ / Alt+↓ on a focused channel).

import { useState, type KeyboardEvent } from 'react'
import { useApp } from '../app-context.tsx'
import type { ChannelSummary, RoomSnapshot } from '../hearth-api.ts'
import { routeHash } from '../router.ts'
import { ConfirmDialog } from '../ui/confirm-dialog.tsx'
import { useAction } from '../ui/use-action.ts'
import { ChannelDialog } from './channel-dialog.tsx'
import { SpeakerIcon } from '../components/icons.tsx'

/** Props of {@link ChannelList}. */
export interface ChannelListProps {
  readonly room: RoomSnapshot
  readonly current?: string
}

type Editing = { readonly kind: 'create' } | { readonly kind: 'edit'; readonly channel: ChannelSummary } | { readonly kind: 'delete'; readonly channel: ChannelSummary }

/** The channel list of `room`. */
export function ChannelList({ room, current }: ChannelListProps) {
  const app = useApp()
  const [editing, setEditing] = useState<Editing>()
  const move = useAction()
  const manage = room.rights.manageChannels
  const text = [...room.channels].filter((c) => c.kind === 'text').sort((a, b) => a.position - b.position)
  const voice = room.channels.filter((c) => c.kind === 'voice')

  const moveTo = (channel: ChannelSummary, index: number): void => {
    if (index < 0 || index >= text.length) return
    void move.run(() => app.moveChannel(room.id, channel.id, index)).then(() => {
      // Keep focus on the moved channel's link.
      document.getElementById(`channel-link-${channel.id}`)?.focus()
    })
  }

  const onKeyDown = (event: KeyboardEvent, channel: ChannelSummary, index: number): void => {
    if (!manage || !event.altKey) return
    if (event.key === 'ArrowUp') {
      event.preventDefault()
      moveTo(channel, index - 1)
    } else if (event.key === 'ArrowDown') {
      event.preventDefault()
      moveTo(channel, index + 1)
    }
  }

  return (
    <section className="channel-list" aria-labelledby="channel-list-heading">
      <div className="channel-list__head">
        <h3 id="channel-list-heading" className="section-heading">Text channels</h3>
        {manage && (
          <button type="button" className="icon-button" aria-label="Create channel" title="Create channel"
            onClick={() => { setEditing({ kind: 'create' }) }}>
            <span aria-hidden="true">+</span>
          </button>
        )}
      </div>
      {text.length === 0 && <p className="muted small">No channels yet.</p>}
      <ul className="channel-list__items">
        {text.map((channel, index) => (
          <li key={channel.id} className="channel-item" data-active={channel.id === current} data-unread={channel.unread > 0}>
            <a
              id={`channel-link-${channel.id}`}
              className="channel-item__link"
              href={routeHash({ kind: 'room', room: room.id, channel: channel.id })}
              aria-current={channel.id === current ? 'page' : undefined}
              aria-keyshortcuts={manage ? 'Alt+ArrowUp Alt+ArrowDown' : undefined}
              onKeyDown={(e) => { onKeyDown(e, channel, index) }}
            >
              <span className="channel-item__hash" aria-hidden="true">#</span>
              <span className="channel-item__name">{channel.name}</span>
              {channel.unread > 0 && channel.mentions === 0 && <span className="visually-hidden">, unread</span>}
              {channel.mentions > 0 && (
                <span className="badge" aria-label={`${channel.mentions} mention${channel.mentions === 1 ? '' : 's'}`}>
                  {channel.mentions}
                </span>
              )}
            </a>
            {manage && (
              <span className="channel-item__tools">
                <button type="button" className="icon-button icon-button--tiny" aria-label={`Move ${channel.name} up`}
                  disabled={index === 0 || move.busy} onClick={() => { moveTo(channel, index - 1) }}>
                  <span aria-hidden="true">↑</span>
                </button>
                <button type="button" className="icon-button icon-button--tiny" aria-label={`Move ${channel.name} down`}
                  disabled={index === text.length - 1 || move.busy} onClick={() => { moveTo(channel, index + 1) }}>
                  <span aria-hidden="true">↓</span>
                </button>
                <button type="button" className="icon-button icon-button--tiny" aria-label={`Edit channel ${channel.name}`}
                  onClick={() => { setEditing({ kind: 'edit', channel }) }}>
                  <span aria-hidden="true">✎</span>
                </button>
                <button type="button" className="icon-button icon-button--tiny" aria-label={`Delete channel ${channel.name}`}
                  onClick={() => { setEditing({ kind: 'delete', channel }) }}>
                  <span aria-hidden="true">×</span>
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      {move.error !== undefined && <p className="error small" role="alert">{move.error}</p>}
      {voice.length > 0 && (
        <>
          <h3 className="section-heading">Voice channels</h3>
          <ul className="channel-list__items">
            {voice.map((channel) => (
              <li key={channel.id} className="channel-item channel-item--voice">
                <span className="channel-item__link" title="Voice is not available in this build yet">
                  <span className="channel-item__hash"><SpeakerIcon /></span>
                  <span className="channel-item__name">{channel.name}</span>
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {editing?.kind === 'create' && <ChannelDialog room={room} onClose={() => { setEditing(undefined) }} />}
      {editing?.kind === 'edit' && <ChannelDialog room={room} channel={editing.channel} onClose={() => { setEditing(undefined) }} />}
      {editing?.kind === 'delete' && (
        <ConfirmDialog title={`Delete #${editing.channel.name}?`} confirmLabel="Delete channel"
          onConfirm={() => app.deleteChannel(room.id, editing.channel.id)} onClose={() => { setEditing(undefined) }}>
          <p>The channel disappears for everyone. Its messages stay on the devices that have them but can no longer be read here.</p>
        </ConfirmDialog>
      )}
    </section>
  )
}
