// Archive requests (PROTOCOL.md §10.9) as the daemon sees them: the check of a requested
// invite (parse, signature, expiry) with a reason people can read when it fails, and the
// requests accepted but not joined yet, kept in `<dataDir>/archive-requests.json` so that a
// restart goes on trying (once joined, a room is stored and kept like any other).

import { chmod, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseInvite, verifyInvite, type Invite } from '@hearth/protocol'

/** The file of accepted requests not joined yet, in the data directory. */
export const PENDING_REQUESTS_FILE = 'archive-requests.json'

/** Most pending requests kept in the file (the archiver's room limit applies first). */
const MAX_PENDING = 100_000

/** An accepted request whose room is not stored yet. */
export interface PendingRequest {
  /** The invite link, as received. */
  readonly invite: string
  /** The room id (hex), to find and drop the entry. */
  readonly room: string
  /** Who asked (peer id). */
  readonly peer: string
  /** When it was accepted (Unix ms). */
  readonly at: number
}

/** A requested invite, checked: the invite, or why it is refused. */
export type InviteCheck = { readonly ok: true; readonly invite: Invite } | { readonly ok: false; readonly detail: string }

/** Parse and verify a requested invite at `now` (§4.3): well-formed, not expired, and its signature, if any, valid. */
export async function checkRequestedInvite(link: string, now: number): Promise<InviteCheck> {
  let invite: Invite
  try {
    invite = parseInvite(link)
  } catch (err) {
    return { ok: false, detail: `not a valid invite link: ${messageOf(err)}` }
  }
  try {
    await verifyInvite(invite, now)
  } catch (err) {
    const name = err instanceof Error ? err.name : ''
    if (name === 'ExpiredError') return { ok: false, detail: `the invite expired at ${new Date(invite.expires ?? 0).toISOString()}` }
    if (name === 'InvalidSignatureError') return { ok: false, detail: 'the invite\'s signature does not verify' }
    return { ok: false, detail: `not a valid invite: ${messageOf(err)}` }
  }
  return { ok: true, invite }
}

/** The pending requests of a data directory; every change is written at once (atomically, mode 0600: invites let one join). */
export class PendingRequests {
  readonly #path: string
  readonly #entries = new Map<string, PendingRequest>()
  #writing: Promise<void> = Promise.resolve()

  private constructor(path: string) {
    this.#path = path
  }

  /**
   * Read the file (none: no requests). A file that cannot be read as requests is not fatal:
   * `problem` says why, and the next change overwrites it.
   */
  static async load(dataDir: string): Promise<{ readonly pending: PendingRequests; readonly problem?: string }> {
    const pending = new PendingRequests(join(dataDir, PENDING_REQUESTS_FILE))
    let text: string
    try {
      text = await readFile(pending.#path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { pending }
      return { pending, problem: `cannot read ${pending.#path}: ${messageOf(err)}` }
    }
    try {
      const data = JSON.parse(text) as { v?: unknown; requests?: unknown }
      if (data.v !== 1 || !Array.isArray(data.requests)) throw new Error('expected {"v": 1, "requests": [...]}')
      for (const entry of data.requests.slice(0, MAX_PENDING) as unknown[]) {
        if (isPendingRequest(entry)) pending.#entries.set(entry.room, entry)
      }
    } catch (err) {
      return { pending, problem: `ignoring ${pending.#path}: ${messageOf(err)}` }
    }
    return { pending }
  }

  /** The requests, oldest first. */
  list(): readonly PendingRequest[] {
    return [...this.#entries.values()]
  }

  /** Keep `request` (replacing one for the same room) and write the file. */
  add(request: PendingRequest): Promise<void> {
    this.#entries.delete(request.room)
    this.#entries.set(request.room, request)
    return this.#save()
  }

  /** Forget the request for `room` (hex), if any, and write the file. */
  remove(room: string): Promise<void> {
    if (!this.#entries.delete(room)) return this.#writing
    return this.#save()
  }

  #save(): Promise<void> {
    const body = `${JSON.stringify({ v: 1, requests: this.list() }, null, 2)}\n`
    const write = async (): Promise<void> => {
      const tmp = `${this.#path}.tmp`
      await writeFile(tmp, body, { mode: 0o600 })
      await chmod(tmp, 0o600)
      await rename(tmp, this.#path)
    }
    // One write at a time, in order; a failed write does not stop later ones.
    const next = this.#writing.then(write, write)
    this.#writing = next.catch(() => undefined)
    return next
  }
}

function isPendingRequest(value: unknown): value is PendingRequest {
  if (typeof value !== 'object' || value === null) return false
  const { invite, room, peer, at } = value as Record<string, unknown>
  return typeof invite === 'string' && typeof room === 'string' && /^[0-9a-f]{64}$/.test(room) &&
    typeof peer === 'string' && typeof at === 'number' && Number.isSafeInteger(at)
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
