// The channel's messages as a virtualised list, newest at the bottom. It opens at the
// "NEW" marker (or the bottom), stays pinned to the bottom while new messages arrive if
// the reader is there, loads older history when scrolled to the top while keeping what
// is on screen in place, and can scroll to a replied-to message.

import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { useApp } from '../app-context.tsx'
import type { Hex, MessagePage, MessageSummary, Rights } from '../hearth-api.ts'
import { formatDay } from '../ui/time-format.ts'
import { MessageItem } from './message-item.tsx'
import { messageRows, type MessageRow } from './message-rows.ts'

/** Within this many pixels of an edge counts as "at" it. */
const EDGE_PX = 48

/** Props of {@link MessageList}. */
export interface MessageListProps {
  readonly room: Hex
  readonly channel: Hex
  readonly channelName: string
  readonly page: MessagePage
  readonly rights: Rights
  readonly nameOf: (key: Hex) => string | undefined
  readonly myKey?: string | undefined
  readonly editing: Hex | undefined
  readonly onEdit: (id: Hex | undefined) => void
  readonly onReply: (message: MessageSummary) => void
  /** Scroll to this message (a new object each time it is asked). */
  readonly jumpTo?: { readonly id: Hex } | undefined
}

function estimate(row: MessageRow | undefined): number {
  if (row === undefined) return 80
  if (row.kind === 'day') return 40
  if (row.kind === 'unread') return 24
  let size = row.grouped ? 26 : 62
  if (row.message.reactions.length > 0) size += 32
  if (row.message.replyTo !== undefined) size += 22
  return size
}

/** The scrollable message log of one channel (mount one per channel: key it by channel id). */
export function MessageList(props: MessageListProps) {
  const { room, channel, page } = props
  const app = useApp()
  const scroller = useRef<HTMLDivElement>(null)
  const rows = useMemo(() => messageRows(page.messages, page.firstUnread), [page.messages, page.firstUnread])
  const [highlight, setHighlight] = useState<Hex>()
  const [note, setNote] = useState<string>()
  const atBottom = useRef(page.firstUnread === undefined)
  const loadingOlder = useRef(false)
  /** Distance from the bottom to restore after older messages were prepended. */
  const restoreFromBottom = useRef<number | undefined>(undefined)
  const firstKey = rows[0]?.key

  // Index 0 is the list's head: "beginning of the channel" or the older-history loader.
  const virtualizer = useVirtualizer({
    count: rows.length + 1,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => estimate(i === 0 ? undefined : rows[i - 1]),
    getItemKey: (i) => (i === 0 ? 'head' : (rows[i - 1]?.key ?? i)),
    overscan: 10,
    initialRect: { width: 800, height: 600 }
  })

  const scrollToBottom = useCallback(() => {
    const el = scroller.current
    if (el !== null) el.scrollTop = el.scrollHeight
  }, [])

  // Open at the unread marker, else at the bottom.
  const unreadIndex = rows.findIndex((r) => r.kind === 'unread')
  const opened = useRef(false)
  useLayoutEffect(() => {
    if (opened.current || rows.length === 0) return
    opened.current = true
    if (unreadIndex >= 0) virtualizer.scrollToIndex(unreadIndex + 1, { align: 'start' })
    else scrollToBottom()
  }, [rows.length, unreadIndex, virtualizer, scrollToBottom])

  const totalSize = virtualizer.getTotalSize()
  const shownFirstKey = useRef(firstKey)
  useLayoutEffect(() => {
    const el = scroller.current
    if (el === null) return
    const prepended = firstKey !== shownFirstKey.current
    shownFirstKey.current = firstKey
    if (prepended && restoreFromBottom.current !== undefined) {
      // Older messages were prepended: keep the same content under the reader's eyes.
      el.scrollTop = el.scrollHeight - restoreFromBottom.current
      restoreFromBottom.current = undefined
    } else if (atBottom.current) {
      scrollToBottom()
    }
  }, [totalSize, rows.length, firstKey, scrollToBottom])

  // Reading what arrives while at the bottom.
  const lastId = page.messages[page.messages.length - 1]?.id
  useEffect(() => {
    if (atBottom.current && lastId !== undefined && document.visibilityState !== 'hidden') app.markRead(room, channel)
  }, [app, room, channel, lastId])

  const loadOlder = useCallback(() => {
    const el = scroller.current
    if (!page.hasOlder || loadingOlder.current || el === null) return
    loadingOlder.current = true
    restoreFromBottom.current = el.scrollHeight - el.scrollTop
    app.loadOlder(room, channel).then(
      () => {
        loadingOlder.current = false
        // Consumed by the layout effect when the page grew; drop it if it did not.
        window.requestAnimationFrame(() => { restoreFromBottom.current = undefined })
      },
      (err: unknown) => {
        loadingOlder.current = false
        restoreFromBottom.current = undefined
        setNote(err instanceof Error ? err.message : String(err))
      }
    )
  }, [app, room, channel, page.hasOlder])

  const onScroll = (): void => {
    const el = scroller.current
    if (el === null) return
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE_PX
    if (bottom && !atBottom.current) app.markRead(room, channel)
    atBottom.current = bottom
    if (el.scrollTop < EDGE_PX * 4) loadOlder()
  }

  const jump = useCallback((id: Hex) => {
    const index = rows.findIndex((r) => r.kind === 'message' && r.message.id === id)
    if (index < 0) {
      setNote('The original message is not loaded. Scroll up to load older messages.')
      return
    }
    setNote(undefined)
    atBottom.current = false
    virtualizer.scrollToIndex(index + 1, { align: 'center' })
    setHighlight(id)
    window.setTimeout(() => {
      document.getElementById(`message-${id}`)?.focus()
    }, 50)
  }, [rows, virtualizer])

  // Only a new request jumps, not a new `jump` after the rows changed.
  const { jumpTo } = props
  const jumpRef = useRef(jump)
  jumpRef.current = jump
  useEffect(() => {
    if (jumpTo !== undefined) jumpRef.current(jumpTo.id)
  }, [jumpTo])

  useEffect(() => {
    if (highlight === undefined) return
    const timer = window.setTimeout(() => { setHighlight(undefined) }, 2000)
    return () => { window.clearTimeout(timer) }
  }, [highlight])

  const items = virtualizer.getVirtualItems()
  return (
    <div className="message-list-wrap">
      <div ref={scroller} className="message-list" role="log" aria-label={`Messages in #${props.channelName}`} tabIndex={0} onScroll={onScroll}>
        <div className="message-list__inner" style={{ height: totalSize }}>
          <div className="message-list__window" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
            {items.map((item) => {
              const row = item.index === 0 ? undefined : rows[item.index - 1]
              return (
                <div key={item.key} data-index={item.index} ref={virtualizer.measureElement}>
                  {row === undefined ? (
                    <ListHead hasOlder={page.hasOlder} channelName={props.channelName} onLoad={loadOlder} />
                  ) : (
                    <Row row={row} props={props} highlight={highlight} onJump={jump} onError={setNote} />
                  )}
                </div>
              )
            })}
          </div>
        </div>
      </div>
      {note !== undefined && (
        <p className="message-list__note" role="status">
          {note} <button type="button" className="link-button" onClick={() => { setNote(undefined) }}>Dismiss</button>
        </p>
      )}
    </div>
  )
}

function ListHead({ hasOlder, channelName, onLoad }: { hasOlder: boolean; channelName: string; onLoad: () => void }) {
  if (hasOlder) {
    return (
      <div className="message-list__head">
        <button type="button" className="link-button" onClick={onLoad}>Load older messages</button>
      </div>
    )
  }
  return (
    <div className="message-list__head message-list__head--start">
      <h3>Welcome to #{channelName}!</h3>
      <p className="muted">This is the start of the #{channelName} channel.</p>
    </div>
  )
}

function Row({ row, props, highlight, onJump, onError }: {
  row: MessageRow
  props: MessageListProps
  highlight: Hex | undefined
  onJump: (id: Hex) => void
  onError: (message: string) => void
}) {
  if (row.kind === 'day') {
    return (
      <div className="day-separator" role="separator" aria-label={formatDay(row.at)}>
        <span aria-hidden="true">{formatDay(row.at)}</span>
      </div>
    )
  }
  if (row.kind === 'unread') {
    return (
      <div className="unread-marker" role="separator" aria-label="New messages">
        <span aria-hidden="true">NEW</span>
      </div>
    )
  }
  return (
    <MessageItem
      room={props.room}
      channel={props.channel}
      message={row.message}
      grouped={row.grouped}
      rights={props.rights}
      nameOf={props.nameOf}
      myKey={props.myKey}
      editing={props.editing === row.message.id}
      highlighted={highlight === row.message.id}
      onReply={props.onReply}
      onEdit={props.onEdit}
      onJump={onJump}
      onError={onError}
    />
  )
}
