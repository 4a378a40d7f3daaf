// `hearth mod grant|revoke|ban|unban|kick|timeout|define-role`: sign an authority entry
// (PROTOCOL.md §6). By default the command goes online, syncs the room, asks the log
// (AuthorityLog.check, the same rules every peer applies) so that what peers would refuse is
// refused here with the reason and nothing is signed, then stores and publishes the entry;
// --offline does the same against the local replica only (peers get it on a later sync).

import {
  formatRoomId, formatUserId, MAX_CAPS, ROLE_ID_PATTERN, toHex, type Action
} from '@hearth/protocol'
import { UsageError } from '../errors.ts'
import { capList, parseCaps, parseFutureTime } from './arg-values.ts'
import type { CommandContext, CommandGroup, CommandSpec, OptionSpec, ParsedArgs } from './command.ts'
import { deliveryJson, NOT_SENT_NOTE, sentNote } from './delivery.ts'
import { ONLINE_OPTIONS } from './online.ts'
import { refused } from './refusal.ts'
import { linger, sessionJson } from './room-live.ts'
import { parseUserArg, roomName } from './room-ref.ts'
import { withLiveRoom, withRoom, type LiveRoom, type RoomSession } from './session.ts'

const ROOM_OPTION: OptionSpec = { name: 'room', type: 'string', value: '<room>', help: 'The room (id, id prefix or name; required)' }
const REASON_OPTION: OptionSpec = { name: 'reason', type: 'string', value: '<text>', help: 'Why (one line, up to 256 bytes; peers see it)' }
const OFFLINE_OPTION: OptionSpec = { name: 'offline', type: 'boolean', help: 'Do not go online: sign and store the entry here only (peers get it on a later sync)' }
const ROLE_OPTION: OptionSpec = { name: 'role', type: 'string', value: '<role>', help: 'Role id: owner, mod, or one made with define-role (required)' }

/** Builds the action from the arguments; `describe` words the outcome for people. */
interface ModAction {
  readonly act: Action
  readonly target?: Uint8Array
  readonly describe: string
}

function roleArg(args: ParsedArgs, value: string | undefined = args.string('role')): string {
  if (value === undefined) throw new UsageError('--role <role> is required')
  const role = value.trim().toLowerCase()
  if (!ROLE_ID_PATTERN.test(role)) throw new UsageError(`role ${JSON.stringify(value)} is not a role id (1–32 of a–z, 0–9 and -, not starting with -)`)
  return role
}

function reasonArg(args: ParsedArgs): { reason?: string } {
  const reason = args.string('reason')
  if (reason === undefined || reason === '') return {}
  if (/[\r\n]/.test(reason) || new TextEncoder().encode(reason).length > 256) throw new UsageError('--reason is one line of up to 256 bytes')
  return { reason }
}

function short(key: Uint8Array): string {
  return formatUserId(key).slice(0, 10)
}

/** One moderation subcommand. */
function modCommand(name: string, summary: string, options: readonly OptionSpec[], build: (args: ParsedArgs, now: number) => ModAction, positional = 'user'): CommandSpec {
  return {
    name: `mod ${name}`,
    summary,
    options: [ROOM_OPTION, ...options, OFFLINE_OPTION, ...ONLINE_OPTIONS],
    positionals: [{ name: positional }],
    run: (ctx) => runMod(ctx, build)
  }
}

async function runMod(ctx: CommandContext, build: (args: ParsedArgs, now: number) => ModAction): Promise<void> {
  const room = ctx.args.string('room')
  if (room === undefined) throw new UsageError('--room <room> is required')
  const action = build(ctx.args, ctx.now())
  if (ctx.args.flag('offline')) {
    await withRoom(ctx, room, async (local) => {
      const now = ctx.now()
      check(local, action, now)
      const node = await local.store.postAuthority(local.me.keypair, action.act, now)
      report(ctx, local, action, node.key, now, undefined)
    })
    return
  }
  await withLiveRoom(ctx, room, { stayOnline: false }, async (live) => {
    // Checked after the sync, against the room's rules as its peers have them.
    const now = ctx.now()
    check(live, action, now)
    const node = await live.live.postAuthority(live.me.keypair, action.act, now)
    await linger(live.live)
    report(ctx, live, action, node.key, now, live)
  })
}

function check({ store, me }: RoomSession, action: ModAction, now: number): void {
  const refusal = store.authority.check(me.keypair.publicKey, action.act, now)
  if (refusal !== undefined) throw refused(refusal)
}

function report(ctx: CommandContext, { store }: RoomSession, action: ModAction, entry: string, at: number, live: LiveRoom | undefined): void {
  const peers = live === undefined ? undefined : live.published.last ?? 0
  ctx.out.result(
    {
      event: 'authority', room: formatRoomId(store.room), op: action.act.op,
      ...(action.target !== undefined ? { target: formatUserId(action.target) } : {}),
      act: actJson(action.act), entry, at, ...deliveryJson(peers),
      ...(live !== undefined ? { session: sessionJson(live.live) } : {})
    },
    `${action.describe} in "${roomName(store)}" (entry ${entry.slice(0, 12)}).\n${peers === undefined ? NOT_SENT_NOTE : sentNote(peers)}`
  )
}

/** The action as JSON: byte fields in their text forms. */
function actJson(act: Action): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(act)) out[key] = value instanceof Uint8Array ? (value.length === 32 ? formatUserId(value) : toHex(value)) : value
  return out
}

const commands: CommandSpec[] = [
  modCommand('grant', 'Give a member a role', [ROLE_OPTION], (args) => {
    const target = parseUserArg(args.required('user'))
    const role = roleArg(args)
    return { act: { op: 'grant', target, role }, target, describe: `Granted ${role} to ${short(target)}` }
  }),
  modCommand('revoke', 'Take a role from a member (or drop one of your own)', [ROLE_OPTION], (args) => {
    const target = parseUserArg(args.required('user'))
    const role = roleArg(args)
    return { act: { op: 'revoke', target, role }, target, describe: `Revoked ${role} from ${short(target)}` }
  }),
  modCommand('ban', 'Ban someone: removes them and refuses their records from now on', [REASON_OPTION], (args) => {
    const target = parseUserArg(args.required('user'))
    return { act: { op: 'ban', target, ...reasonArg(args) }, target, describe: `Banned ${short(target)}` }
  }),
  modCommand('unban', 'Lift a ban', [], (args) => {
    const target = parseUserArg(args.required('user'))
    return { act: { op: 'unban', target }, target, describe: `Lifted the ban on ${short(target)}` }
  }),
  modCommand('kick', 'Remove a member (they may join again)', [REASON_OPTION], (args) => {
    const target = parseUserArg(args.required('user'))
    return { act: { op: 'kick', target, ...reasonArg(args) }, target, describe: `Kicked ${short(target)}` }
  }),
  modCommand('timeout', 'Stop a member posting, reacting and speaking for a while', [
    { name: 'for', type: 'string', value: '<duration>', help: 'How long: 10m, 1h, 1d…' },
    { name: 'until', type: 'string', value: '<time>', help: 'Until a date/time, e.g. 2030-01-31T12:00:00Z' },
    { name: 'clear', type: 'boolean', help: 'End a timeout now' },
    REASON_OPTION
  ], (args, now) => {
    const target = parseUserArg(args.required('user'))
    const given = ['for', 'until'].filter((name) => args.string(name) !== undefined).length + (args.flag('clear') ? 1 : 0)
    if (given !== 1) throw new UsageError('give exactly one of --for <duration>, --until <time> or --clear')
    const forText = args.string('for')
    const untilText = args.string('until')
    const until = args.flag('clear') ? 0 : forText !== undefined ? parseFutureTime(forText, 'for', now) : parseFutureTime(untilText ?? '', 'until', now)
    return {
      act: { op: 'timeout', target, until, ...reasonArg(args) },
      target,
      describe: until === 0 ? `Ended the timeout of ${short(target)}` : `Timed out ${short(target)} until ${new Date(until).toISOString()}`
    }
  }),
  modCommand('define-role', 'Define or change a custom role', [
    { name: 'name', type: 'string', value: '<name>', help: 'Display name (default: the role id)' },
    { name: 'caps', type: 'string', value: '<list>', help: `Capabilities, comma-separated (required): ${capList()}; or all/none` },
    { name: 'rank', type: 'string', value: '<1-999>', help: 'Rank: lower outranks higher; mod is 100, members 1000 (default 500)' }
  ], (args) => {
    const role = roleArg(args, args.positional('role'))
    const capsText = args.string('caps')
    if (capsText === undefined) throw new UsageError('--caps <list> is required (e.g. --caps post,react,pin)')
    const caps = parseCaps(capsText, 'caps')
    if (caps > MAX_CAPS) throw new UsageError('--caps is out of range')
    const rankText = args.string('rank') ?? '500'
    const rank = /^\d{1,3}$/.test(rankText.trim()) ? Number(rankText) : Number.NaN
    if (!(rank >= 1 && rank <= 999)) throw new UsageError(`--rank must be a whole number from 1 to 999, got ${JSON.stringify(rankText)}`)
    const name = args.string('name') ?? role
    if (name.trim() === '' || /[\r\n]/.test(name) || new TextEncoder().encode(name).length > 64) throw new UsageError('--name is one line of 1 to 64 bytes')
    return { act: { op: 'define-role', role, name, caps, rank }, describe: `Defined role ${role} (rank ${rank})` }
  }, 'role')
]

/** `hearth mod …` */
export const modGroup: CommandGroup = {
  name: 'mod',
  summary: 'Moderation and roles, checked against the room\'s rules and signed by you',
  commands
}
