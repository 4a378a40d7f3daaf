// Settings resolution of `hearth serve`: defaults, precedence, env, config files, ports.

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  configFromEnv,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_WEB_DIR,
  loadConfigFile,
  parsePort,
  resolveServeConfig
} from './config.ts'

describe('resolveServeConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const config = resolveServeConfig([{}, {}, {}], '/work')
    expect(config).toEqual({
      host: DEFAULT_HOST,
      port: DEFAULT_PORT,
      dataDir: join(homedir(), '.hearth'),
      webDir: DEFAULT_WEB_DIR
    })
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
    ).toEqual({ host: 'h', port: '9', dataDir: undefined, webDir: 'w' })
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
    expect(await loadConfigFile(path)).toEqual({
      host: '127.0.0.1',
      port: 9000,
      dataDir: join(dir, 'state'),
      webDir: '/abs/web'
    })
  })

  it.each([
    ['not json', '{port:'],
    ['not an object', '[1]'],
    ['an unknown key', '{"prot": 1}'],
    ['a non-string path', '{"dataDir": 5}'],
    ['a non-number port', '{"port": true}']
  ])('rejects %s', async (_label, content) => {
    const path = await write(content)
    await expect(loadConfigFile(path)).rejects.toMatchObject({ name: 'ConfigError' })
  })

  it('rejects a missing file', async () => {
    await expect(loadConfigFile(join(dir, 'missing.json'))).rejects.toMatchObject({ name: 'ConfigError' })
  })
})
