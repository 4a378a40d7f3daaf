// Bad input to the headless-client commands, run in-process through runCli: every case is
// a clear one-line error (or one JSON error object) and a non-zero exit, never a stack trace;
// and every command answers --help.

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatUserId, generateKeypair } from '@hearth/protocol'
import { EXIT, runCli, type CliIo } from '../cli.ts'

let root: string
let home: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-hostile-'))
  home = join(root, 'home')
  expect(await run(['identity', 'new', '--name', 'Eve', '--data-dir', home])).toMatchObject({ code: EXIT.ok })
  expect(await run(['room', 'create', 'Lobby', '--data-dir', home])).toMatchObject({ code: EXIT.ok })
  await mkdir(join(root, 'broken'))
  await writeFile(join(root, 'broken', 'hearth.sqlite'), 'this is not a database at all, just text'.repeat(50))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

async function run(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { env, cwd: root, stdout: (l) => out.push(l), stderr: (l) => err.push(l), stop: new AbortController().signal }
  const code = await runCli(args, io)
  return { code, out, err }
}

describe('hostile input', () => {
  const user = formatUserId(generateKeypair().publicKey)
  it.each([
    [['identity'], EXIT.usage, /needs a command/],
    [['identity', 'bogus'], EXIT.usage, /unknown command "identity bogus"/],
    [['identity', 'new'], EXIT.usage, /--name <name> is required/],
    [['identity', 'new', '--name', 'x'.repeat(65), '--force', '--data-dir', 'home'], EXIT.usage, /name/],
    [['identity', 'show', '--data-dir', 'nowhere'], EXIT.failure, /no Hearth identity in .*nowhere/],
    [['identity', 'show', '--data-dir', 'broken'], EXIT.failure, /not a database|not a Hearth store/],
    [['identity', 'export', '--data-dir', 'home', '--out', 'x.hearthkey'], EXIT.usage, /a passphrase is needed/],
    [['identity', 'import', 'missing.hearthkey', '--data-dir', 'home'], EXIT.failure, /cannot read missing\.hearthkey/],
    [['identity', 'show', '--data-dir', 'home', '--bogus'], EXIT.usage, /Unknown option '--bogus'/],
    [['room', 'create', '', '--data-dir', 'home'], EXIT.usage, /room name is one line/],
    [['room', 'invite', 'Nope', '--data-dir', 'home'], EXIT.failure, /no room "Nope" is stored here/],
    [['room', 'invite', 'Lobby', '--expires', 'soon', '--data-dir', 'home'], EXIT.usage, /not a duration/],
    [['room', 'invite', 'Lobby', '--max-uses', '-3', '--data-dir', 'home'], EXIT.usage, /max-uses/],
    [['room', 'invite', 'Lobby', '--base-url', 'ftp://x', '--data-dir', 'home'], EXIT.usage, /--base-url/],
    [['room', 'invite', 'Lobby', '--peer', 'not a multiaddr', '--data-dir', 'home'], EXIT.usage, /peer hint/],
    [['send', 'Lobby', 'general', '--data-dir', 'home'], EXIT.usage, /missing <text>/],
    [['send', 'Lobby', 'nochannel', 'hi', '--data-dir', 'home'], EXIT.failure, /no channel "nochannel" \(channels: #general\)/],
    [['send', 'Lobby', 'general', 'x'.repeat(4001), '--data-dir', 'home'], EXIT.usage, /longer than 4000 bytes/],
    [['send', 'Lobby', 'general', 'hi', '--wait', 'soon', '--data-dir', 'home'], EXIT.usage, /--wait "soon" is not a duration/],
    [['send', 'Lobby', 'general', 'hi', '--bootstrap', '/ip4/127.0.0.1/tcp/1', '--data-dir', 'home'], EXIT.usage, /must end in \/p2p\//],
    [['room', 'join', 'https://example.org/not-an-invite', '--data-dir', 'home'], EXIT.usage, /not a valid invite/],
    [['read', 'Lobby', 'general', '--limit', 'many', '--data-dir', 'home'], EXIT.usage, /--limit/],
    [['read', 'Lobby', 'general', '--before', 'abcdef', '--data-dir', 'home'], EXIT.failure, /no message abcdef/],
    [['mod', 'ban', user, '--data-dir', 'home'], EXIT.usage, /--room <room> is required/],
    [['mod', 'ban', '--room', 'Lobby', 'not-a-user', '--data-dir', 'home'], EXIT.usage, /is not a user id/],
    [['mod', 'grant', '--room', 'Lobby', user, '--role', 'Bad Role', '--data-dir', 'home'], EXIT.usage, /not a role id/],
    [['mod', 'timeout', '--room', 'Lobby', user, '--data-dir', 'home'], EXIT.usage, /exactly one of/],
    [['mod', 'timeout', '--room', 'Lobby', user, '--until', '2001-01-01', '--data-dir', 'home'], EXIT.usage, /in the past/],
    [['mod', 'define-role', 'x', '--room', 'Lobby', '--caps', 'fly', '--data-dir', 'home'], EXIT.usage, /unknown capability "fly"/],
    [['mod', 'define-role', 'x', '--room', 'Lobby', '--caps', 'post', '--rank', '0', '--data-dir', 'home'], EXIT.usage, /--rank/]
  ])('%j exits %i with a clear message', async (args, code, message) => {
    const result = await run(args)
    expect(result.code).toBe(code)
    expect(result.err[0]).toMatch(/^hearth: /)
    expect(result.err.join('\n')).toMatch(message)
    expect(result.err.join('\n')).not.toMatch(/\n\s+at /)
    const json = await run([...args, '--json'])
    expect(json.code).toBe(code)
    const event = JSON.parse(json.out.at(-1)!) as { event: string; error: string; message: string }
    expect(event.event).toBe('error')
    expect(event.error).toMatch(/Error$/)
    expect(event.message).toMatch(message)
  })

  it.each([
    ['identity', 'new'], ['identity', 'show'], ['identity', 'export'], ['identity', 'import'], ['profile', 'set'],
    ['room', 'create'], ['room', 'list'], ['room', 'invite'], ['room', 'join'], ['send'], ['read'], ['tail'],
    ['mod', 'grant'], ['mod', 'revoke'], ['mod', 'ban'], ['mod', 'unban'], ['mod', 'kick'], ['mod', 'timeout'], ['mod', 'define-role']
  ])('hearth %s %s --help', async (...names) => {
    const result = await run([...names, '--help'])
    expect(result.code).toBe(EXIT.ok)
    expect(result.out.join('\n')).toContain(`Usage: hearth ${names.join(' ')}`)
    expect(result.out.join('\n')).toContain('--json')
  })

  it.each([[['help', 'room']], [['--help', 'mod']], [['room', '--help']]])('%j shows the group help', async (args) => {
    const result = await run(args)
    expect(result.code).toBe(EXIT.ok)
    expect(result.out.join('\n')).toMatch(/Usage: hearth (room|mod) <command>/)
  })
})
