// Reading and writing `.hearthkey` backup files and their passphrase for the CLI. The
// passphrase comes from a file or HEARTH_PASSPHRASE, never from a flag: a flag's value is
// visible to every user of the machine in the process list and lands in shell history.

import { open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { CliIo } from '../cli.ts'
import { UsageError } from '../errors.ts'
import type { ParsedArgs } from './command.ts'
import { FileError } from './errors.ts'

/** Largest file read as a backup (real ones are under 80 KiB). */
const MAX_BACKUP_FILE_BYTES = 1 << 20

/** Option declarations shared by export and import. */
export const PASSPHRASE_OPTIONS = [
  { name: 'passphrase-file', type: 'string', value: '<file>', help: 'Read the passphrase from this file (its first line); or set HEARTH_PASSPHRASE' },
  // Declared only to answer it with advice instead of "unknown option".
  { name: 'passphrase', type: 'string', value: '<text>', help: 'Not accepted: use --passphrase-file or HEARTH_PASSPHRASE' }
] as const

/** The passphrase from --passphrase-file or HEARTH_PASSPHRASE. */
export async function readPassphrase(args: ParsedArgs, io: CliIo): Promise<string> {
  if (args.string('passphrase') !== undefined) {
    throw new UsageError('--passphrase is not accepted (its value would show in the process list and shell history): use --passphrase-file <file> or the HEARTH_PASSPHRASE environment variable')
  }
  const path = args.string('passphrase-file')
  if (path !== undefined) {
    let text: string
    try {
      text = await readFile(resolve(io.cwd, path), 'utf8')
    } catch (error) {
      throw new FileError(`cannot read the passphrase file ${path}: ${describeFsError(error)}`)
    }
    // The first line, so `echo secret > file` works; nothing else is trimmed (spaces may matter).
    const line = text.split(/\r?\n/)[0] ?? ''
    if (line === '') throw new FileError(`the passphrase file ${path} is empty`)
    return line
  }
  const env = io.env.HEARTH_PASSPHRASE
  if (env !== undefined && env !== '') return env
  throw new UsageError('a passphrase is needed: pass --passphrase-file <file> or set HEARTH_PASSPHRASE')
}

/** Read a backup file's bytes. */
export async function readBackupFile(path: string, io: CliIo): Promise<Uint8Array> {
  let bytes: Uint8Array
  try {
    const file = await open(resolve(io.cwd, path), 'r')
    try {
      const info = await file.stat()
      if (!info.isFile()) throw new FileError(`${path} is not a file`)
      if (info.size > MAX_BACKUP_FILE_BYTES) throw new FileError(`${path} is not a Hearth backup file (too large)`)
      bytes = new Uint8Array(await file.readFile())
    } finally {
      await file.close()
    }
  } catch (error) {
    if (error instanceof FileError) throw error
    throw new FileError(`cannot read ${path}: ${describeFsError(error)}`)
  }
  return bytes
}

/**
 * Prepare the output file before the backup is made, so an unwritable path fails before
 * the vault records a backup. The file is written beside the target and renamed over it,
 * so a failure never leaves a half-written or truncated backup. Refuses to overwrite an
 * existing file unless `force`. Mode 0600.
 */
export async function openBackupOutput(path: string, force: boolean, io: CliIo): Promise<{ path: string; write: (data: Uint8Array) => Promise<void>; abandon: () => Promise<void> }> {
  const absolute = resolve(io.cwd, path)
  const existing = await stat(absolute).catch(() => undefined)
  if (existing?.isDirectory() === true) throw new FileError(`${path} is a directory`)
  if (existing !== undefined && !force) throw new FileError(`${path} exists; pass --force to overwrite it`)
  const temporary = `${absolute}.${process.pid}.partial`
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(temporary, 'wx', 0o600)
  } catch (error) {
    throw new FileError(`cannot write ${path}: ${describeFsError(error)}`)
  }
  const abandon = async (): Promise<void> => {
    await handle.close().catch(() => undefined)
    await unlink(temporary).catch(() => undefined)
  }
  return {
    path: absolute,
    write: async (data) => {
      try {
        await handle.writeFile(data)
        await handle.sync()
        await handle.close()
        await rename(temporary, absolute)
      } catch (error) {
        await abandon()
        throw new FileError(`cannot write ${path}: ${describeFsError(error)}`)
      }
    },
    abandon
  }
}

/** A file system error's message without the stack or the errno prefix noise. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown }).code
  if (code === 'ENOENT') return 'no such file or directory'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  if (code === 'EISDIR') return 'it is a directory'
  return error instanceof Error ? error.message : String(error)
}
