// Settings resolution of `hearth serve`: defaults, precedence, env, config files, ports.

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  configFromEnv,
  DEFAULT_HOST,
  DEFAULT_MAX_ROOMS,
  DEFAULT_PORT,
  DEFAULT_TCP_PORT,
  DEFAULT_WEB_DIR,
  DEFAULT_WS_PORT,
  loadConfigFile,
  parseCount,
  parsePort,
  parseSwitch,
  resolveServeConfig
} from './config.ts'

describe('resolveServeConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const config = resolveServeConfig([{}, {}, {}], '/work')
    expect(config).toEqual({
      host: DEFAULT_HOST,
      port: DEFAULT_PORT,
      dataDir: join(homedir(), '.hearth'),
      webDir: DEFAULT_WEB_DIR,
      p2pHost: DEFAULT_HOST,
      tcpPort: DEFAULT_TCP_PORT,
      wsPort: DEFAULT_WS_PORT,
      listen: [],
      announce: [],
      bootstrap: [],
      iceServers: [],
      archive: [],
      acceptArchiveRequests: true,
      maxRooms: DEFAULT_MAX_ROOMS
    })
    expect(DEFAULT_MAX_ROOMS).toBe(1000)
    expect([DEFAULT_TCP_PORT, DEFAULT_WS_PORT]).toEqual([4001, 4002])
    expect(DEFAULT_WEB_DIR).toMatch(/apps[/\\]web[/\\]dist$/)
  })

  it('takes the first source that sets a value: flags, then env, then file', () => {
    const flags = { port: '1' }
    const env = { port: '2', host: '::1' }
    const file = { port: 3, host: '0.0.0.0', dataDir: '/from/file' }
    expect(resolveServeConfig([flags, env, file], '/work')).toMatchObject({
      port: 1,
      host: '::1',
      dataDir: '/from/file'
    })
  })

  it('resolves relative paths against cwd and expands ~', () => {
    const config = resolveServeConfig([{ dataDir: 'state', webDir: '~/web' }], '/work')
    expect(config.dataDir).toBe('/work/state')
    expect(config.webDir).toBe(join(homedir(), 'web'))
  })

  it('listens for peers on the HTTP host unless --p2p-host says otherwise', () => {
    expect(resolveServeConfig([{ host: '0.0.0.0' }], '/').p2pHost).toBe('0.0.0.0')
    expect(resolveServeConfig([{ host: '0.0.0.0' }, { p2pHost: '127.0.0.1' }], '/').p2pHost).toBe('127.0.0.1')
    expect(() => resolveServeConfig([{ host: 'box.local' }], '/')).toThrow(/--p2p-host/)
    expect(resolveServeConfig([{ host: 'box.local', listen: ['/ip4/0.0.0.0/tcp/1'] }], '/').listen).toEqual(['/ip4/0.0.0.0/tcp/1'])
  })

  it('takes lists whole from the first source that sets them', () => {
    const config = resolveServeConfig([{ bootstrap: ['/dns4/a/tcp/1/p2p/X'] }, { bootstrap: ['/dns4/b/tcp/1/p2p/Y'], announce: ['/dns4/c/tcp/443/wss'] }], '/')
    expect(config.bootstrap).toEqual(['/dns4/a/tcp/1/p2p/X'])
    expect(config.announce).toEqual(['/dns4/c/tcp/443/wss'])
  })

  it.each([
    [{ bootstrap: ['/ip4/1.2.3.4/tcp/4001'] }, /p2p/],
    [{ announce: ['1.2.3.4:4001'] }, /multiaddr/],
    [{ iceServers: ['http://stun.example.org'] }, /stun:/],
    [{ tcpPort: '-1' }, /tcp port/]
  ])('rejects %j', (input, message) => {
    expect(() => resolveServeConfig([input], '/')).toThrow(message)
    expect(() => resolveServeConfig([input], '/')).toThrow(expect.objectContaining({ name: 'ConfigError' }))
  })

  it('turns ICE server URLs into RTCIceServer objects', () => {
    const config = resolveServeConfig([{ iceServers: ['stun:stun.example.org:3478', { urls: 'turn:t.example.org', username: 'u', credential: 'c' }] }], '/')
    expect(config.iceServers).toEqual([{ urls: 'stun:stun.example.org:3478' }, { urls: 'turn:t.example.org', username: 'u', credential: 'c' }])
  })

  it('rejects an empty host', () => {
    expect(() => resolveServeConfig([{ host: ' ' }], '/')).toThrow(expect.objectContaining({ name: 'ConfigError' }))
  })
})

describe('parsePort', () => {
  it.each([
    ['0', 0],
    ['8420', 8420],
    [65535, 65535]
  ])('accepts %j', (input, expected) => {
    expect(parsePort(input)).toBe(expected)
  })

  it.each(['', 'x', '-1', '65536', '80.5', '0x10', ' 1e3'])('rejects %j', (input) => {
    expect(() => parsePort(input)).toThrow(expect.objectContaining({ name: 'ConfigError' }))
  })
})

describe('configFromEnv', () => {
  it('reads HEARTH_* variables and ignores empty ones', () => {
    expect(
      configFromEnv({ HEARTH_HOST: 'h', HEARTH_PORT: '9', HEARTH_DATA_DIR: '', HEARTH_WEB_DIR: 'w', OTHER: 'x' })
    ).toMatchObject({ host: 'h', port: '9', dataDir: undefined, webDir: 'w', bootstrap: undefined })
  })

  it('splits list variables on commas and whitespace', () => {
    expect(
      configFromEnv({
        HEARTH_P2P_HOST: '0.0.0.0',
        HEARTH_TCP_PORT: '1',
        HEARTH_WS_PORT: '2',
        HEARTH_BOOTSTRAP: '/dns4/a/tcp/1/p2p/X, /dns4/b/tcp/1/p2p/Y\n',
        HEARTH_LISTEN: '/ip4/0.0.0.0/tcp/1',
        HEARTH_ANNOUNCE: ' ',
        HEARTH_ICE_SERVERS: 'stun:s.example.org'
      })
    ).toMatchObject({
      p2pHost: '0.0.0.0',
      tcpPort: '1',
      wsPort: '2',
      bootstrap: ['/dns4/a/tcp/1/p2p/X', '/dns4/b/tcp/1/p2p/Y'],
      listen: ['/ip4/0.0.0.0/tcp/1'],
      announce: undefined,
      iceServers: ['stun:s.example.org']
    })
  })
})

describe('archive', () => {
  it('comes from flags (repeatable), HEARTH_ARCHIVE or the file, deduplicated', () => {
    expect(configFromEnv({ HEARTH_ARCHIVE: 'hearth:?room=a, hearth:?room=b' }).archive).toEqual(['hearth:?room=a', 'hearth:?room=b'])
    expect(resolveServeConfig([{ archive: ['x', ' x ', 'y'] }, { archive: ['z'] }], '/').archive).toEqual(['x', 'y'])
    expect(resolveServeConfig([{}, {}, { archive: ['z'] }], '/').archive).toEqual(['z'])
  })
})

describe('archive requests', () => {
  it('are accepted unless switched off by flag, HEARTH_ACCEPT_ARCHIVE_REQUESTS or the file', () => {
    expect(configFromEnv({ HEARTH_ACCEPT_ARCHIVE_REQUESTS: 'off', HEARTH_MAX_ROOMS: '12' })).toMatchObject({ acceptArchiveRequests: 'off', maxRooms: '12' })
    expect(resolveServeConfig([{ acceptArchiveRequests: 'off' }, { acceptArchiveRequests: 'on' }], '/')).toMatchObject({ acceptArchiveRequests: false })
    expect(resolveServeConfig([{}, { acceptArchiveRequests: 'No' }], '/').acceptArchiveRequests).toBe(false)
    expect(resolveServeConfig([{}, {}, { acceptArchiveRequests: false, maxRooms: 5 }], '/')).toMatchObject({ acceptArchiveRequests: false, maxRooms: 5 })
    expect(resolveServeConfig([{ maxRooms: '7' }, { maxRooms: 9 }], '/').maxRooms).toBe(7)
  })

  it.each([[true, true], ['on', true], ['YES', true], ['1', true], [false, false], ['off', false], ['False', false], [' 0 ', false]] as const)('parseSwitch(%j) is %j', (input, expected) => {
    expect(parseSwitch(input, 'x')).toBe(expected)
  })

  it.each(['', 'maybe', 'onn', '2'])('parseSwitch rejects %j', (input) => {
    expect(() => parseSwitch(input, 'accept archive requests')).toThrow(expect.objectContaining({ name: 'ConfigError', message: expect.stringMatching(/on or off/) as unknown }))
  })

  it.each(['0', '-1', '1.5', 'x', '', '1000001', 0])('rejects max rooms %j', (input) => {
    expect(() => resolveServeConfig([{ maxRooms: input }], '/')).toThrow(expect.objectContaining({ name: 'ConfigError', message: expect.stringMatching(/max rooms/) as unknown }))
  })

  it('parseCount takes whole numbers in range', () => {
    expect(parseCount('1', 'n', 1, 3)).toBe(1)
    expect(parseCount(3, 'n', 1, 3)).toBe(3)
    expect(() => parseCount(2.5, 'n', 1, 3)).toThrow(/whole number/)
  })
})

describe('loadConfigFile', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-config-test-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const write = async (content: string): Promise<string> => {
    const path = join(dir, 'hearth.json')
    await writeFile(path, content)
    return path
  }

  it('reads settings and resolves paths relative to the file', async () => {
    const path = await write(JSON.stringify({ host: '127.0.0.1', port: 9000, dataDir: 'state', webDir: '/abs/web' }))
    expect(await loadConfigFile(path)).toMatchObject({
      host: '127.0.0.1',
      port: 9000,
      dataDir: join(dir, 'state'),
      webDir: '/abs/web'
    })
  })

  it('reads the network settings', async () => {
    const settings = {
      p2pHost: '0.0.0.0',
      tcpPort: 4101,
      wsPort: '4102',
      listen: ['/ip4/0.0.0.0/tcp/4101'],
      announce: ['/dns4/hearth.example.org/tcp/443/wss'],
      bootstrap: ['/dns4/b.example.org/tcp/4001/p2p/X'],
      iceServers: ['stun:s.example.org', { urls: 'turn:t.example.org', username: 'u', credential: 'c' }],
      archive: ['hearth:?room=abc'],
      acceptArchiveRequests: false,
      maxRooms: 50
    }
    expect(await loadConfigFile(await write(JSON.stringify(settings)))).toMatchObject(settings)
  })

  it.each([
    ['not json', '{port:'],
    ['not an object', '[1]'],
    ['an unknown key', '{"prot": 1}'],
    ['a non-string path', '{"dataDir": 5}'],
    ['a non-number port', '{"port": true}'],
    ['a non-list bootstrap', '{"bootstrap": "/ip4/1.2.3.4/tcp/1/p2p/X"}'],
    ['a non-string listen address', '{"listen": [1]}'],
    ['a non-list archive', '{"archive": "hearth:?room=abc"}'],
    ['a non-boolean acceptArchiveRequests', '{"acceptArchiveRequests": [true]}'],
    ['a non-number maxRooms', '{"maxRooms": null}'],
    ['an ICE server with unknown fields', '{"iceServers": [{"urls": "stun:x", "extra": 1}]}']
  ])('rejects %s', async (_label, content) => {
    const path = await write(content)
    await expect(loadConfigFile(path)).rejects.toMatchObject({ name: 'ConfigError' })
  })

  it('rejects a missing file', async () => {
    await expect(loadConfigFile(join(dir, 'missing.json'))).rejects.toMatchObject({ name: 'ConfigError' })
  })
})
