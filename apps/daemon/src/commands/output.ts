// Output of the headless-client commands: human-readable lines, or with --json exactly one
// JSON object per line on stdout (errors included), so scripts never parse prose.

import type { CliIo } from '../cli.ts'

/** Writes a command's results and errors. */
export class CommandOutput {
  readonly #io: CliIo
  readonly json: boolean

  constructor(io: CliIo, json: boolean) {
    this.#io = io
    this.json = json
  }

  /** One result: `event` as a JSON line, or `text` for people. */
  result(event: Record<string, unknown>, text: string): void {
    this.#io.stdout(this.json ? JSON.stringify(event) : text)
  }

  /** A note for people (stderr, so it never mixes with output meant for pipes); silent with --json. */
  note(text: string): void {
    if (!this.json) this.#io.stderr(text)
  }

  /** Report a failure: the error's name, its stable reason code if it has one, and its message. */
  error(error: Error, message: string, hint: string | undefined): void {
    if (this.json) {
      const reason = (error as { reason?: unknown }).reason
      this.#io.stdout(JSON.stringify({ event: 'error', error: error.name, ...(typeof reason === 'string' ? { reason } : {}), message }))
    } else {
      this.#io.stderr(`hearth: ${message}`)
      if (hint !== undefined) this.#io.stderr(hint)
    }
  }
}
