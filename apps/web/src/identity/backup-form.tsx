// Export a passphrase-encrypted backup of the identity as a .hearthkey file download.

import { useId, useState, type SyntheticEvent } from 'react'
import { MIN_PASSPHRASE_LENGTH } from '@hearth/protocol'
import { errorMessage } from './error-message.ts'

/** Props of {@link BackupForm}. */
export interface BackupFormProps {
  /** Encrypt the identity with the passphrase (HearthAppApi.exportBackup). */
  readonly exportBackup: (passphrase: string) => Promise<Uint8Array>
  readonly fileName: string
  readonly onDone?: () => void
}

/** Ask for a passphrase twice, encrypt, and download the backup file. */
export function BackupForm({ exportBackup, fileName, onDone }: BackupFormProps) {
  const passId = useId()
  const againId = useId()
  const [passphrase, setPassphrase] = useState('')
  const [again, setAgain] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const [saved, setSaved] = useState(false)

  const tooShort = Array.from(passphrase.normalize('NFC')).length < MIN_PASSPHRASE_LENGTH
  const mismatch = again !== '' && again !== passphrase

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    exportBackup(passphrase).then(
      (file) => {
        const url = URL.createObjectURL(new Blob([file.slice()], { type: 'application/octet-stream' }))
        const a = document.createElement('a')
        a.href = url
        a.download = fileName
        document.body.append(a)
        a.click()
        a.remove()
        setTimeout(() => { URL.revokeObjectURL(url) }, 10_000)
        setSaved(true)
        setBusy(false)
        setPassphrase('')
        setAgain('')
        onDone?.()
      },
      (err: unknown) => {
        setError(errorMessage(err))
        setBusy(false)
      }
    )
  }

  return (
    <form className="stack" onSubmit={submit} aria-label="Export a backup">
      <p className="muted">
        The file is encrypted with this passphrase. Without both, nobody can restore your account — not even you.
      </p>
      <label htmlFor={passId}>Passphrase (at least {MIN_PASSPHRASE_LENGTH} characters)</label>
      <input id={passId} type="password" value={passphrase} autoComplete="new-password"
        onChange={(e) => { setPassphrase(e.target.value); setSaved(false) }} />
      <label htmlFor={againId}>Passphrase again</label>
      <input id={againId} type="password" value={again} autoComplete="new-password" aria-invalid={mismatch}
        onChange={(e) => { setAgain(e.target.value) }} />
      {mismatch && <p className="error" role="alert">The passphrases differ.</p>}
      {error !== undefined && <p className="error" role="alert">{error}</p>}
      {saved && <p className="success" role="status">Backup saved as {fileName}.</p>}
      <button type="submit" disabled={busy || tooShort || again !== passphrase}>
        {busy ? 'Encrypting…' : 'Download backup'}
      </button>
    </form>
  )
}
