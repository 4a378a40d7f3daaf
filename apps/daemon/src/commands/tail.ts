// `hearth tail <room> <channel>`: stay online in a room and print the channel's new messages
// as they arrive (by gossip or sync), one line each (one JSON object each with --json), until
// Ctrl-C or SIGTERM. While it runs, this data directory serves the room to its peers, so it
// is also how a headless client keeps a room reachable for people joining by invite.

import { formatRoomId, toHex, type ChannelState } from '@hearth/protocol'
import type { CommandSpec } from './command.ts'
import { messageJson, messageLine } from './messages.ts'
import { ONLINE_OPTIONS } from './online.ts'
import { sessionJson, sessionText } from './room-live.ts'
import { resolveChannelRef, roomName } from './room-ref.ts'
import { withLiveRoom, type LiveRoom } from './session.ts'

export const tailCommand: CommandSpec = {
  name: 'tail',
  summary: 'Stay online in a room and print a channel\'s new messages as they arrive, until Ctrl-C',
  description: [
    'Goes online, syncs the room, then prints each new message of <channel> (with --json one',
    '"message" object per line, after one "online" object with this client\'s peer id and',
    'addresses). While it runs, peers can sync the room from you. Ctrl-C or SIGTERM stops it',
    '(exit 0). Messages already stored here are not printed: see "hearth read".'
  ].join('\n'),
  options: [...ONLINE_OPTIONS],
  positionals: [{ name: 'room' }, { name: 'channel' }],
  async run(ctx) {
    const stop = ctx.io.stop
    await withLiveRoom(ctx, ctx.args.required('room'), { stayOnline: true }, async (live) => {
      const channel = resolveChannelRef(live.store, ctx.args.required('channel'))
      await live.store.loadChannel(channel.id)
      const seen = new Set(live.store.view(channel.id).messages().map((m) => m.key))
      ctx.out.result(
        {
          event: 'online', room: formatRoomId(live.store.room), channel: { id: toHex(channel.id), name: channel.name },
          peerId: live.online.peerId, multiaddrs: live.online.multiaddrs(), session: sessionJson(live.live)
        },
        `Following #${channel.name} of "${roomName(live.store)}". ${sessionText(live.live)} Ctrl-C to stop.`
      )
      const print = (): void => { printNew(live, channel, seen, (event, text) => { ctx.out.result(event, text) }) }
      const off = live.live.on('stored', (notice) => {
        if (notice.log.kind === 'channel' && toHex(notice.log.channel) === toHex(channel.id)) print()
      })
      // Sessions report errors as state; a peer-less room is still followed (peers may come).
      const offError = live.live.on('error', (error) => { ctx.out.note(`(${error.message})`) })
      try {
        await new Promise<void>((done) => {
          if (stop.aborted) done()
          else stop.addEventListener('abort', () => { done() }, { once: true })
        })
      } finally {
        off()
        offError()
      }
      ctx.out.result({ event: 'stopped', signal: String(stop.reason ?? 'stop') }, 'Stopped.')
    })
  }
}

/** Print the channel's messages not printed yet, oldest first. */
function printNew(live: LiveRoom, channel: ChannelState, seen: Set<string>, emit: (event: Record<string, unknown>, text: string) => void): void {
  const fresh = live.store.view(channel.id).messages().filter((m) => !seen.has(m.key))
  for (const message of fresh) {
    seen.add(message.key)
    emit(
      { event: 'message', room: formatRoomId(live.store.room), channel: toHex(channel.id), ...messageJson(message) },
      messageLine(message, live.me)
    )
  }
}
