// First run: create an identity (display name + picked or generated avatar), or restore
// one from a backup file. Everything it does goes through the app core (HearthAppApi);
// the app's snapshot leaves 'onboarding' once an identity exists.

import { useEffect, useId, useState, type SyntheticEvent } from 'react'
import { randomBytes } from '@hearth/protocol'
import { useApp } from '../app-context.tsx'
import { LIMITS } from '../hearth-api.ts'
import { Avatar } from './avatar.tsx'
import { avatarFromFile, generatedAvatar, type AvatarImage } from './avatar-image.ts'
import { errorMessage } from './error-message.ts'

/** The create-or-restore screen shown until this device has an identity. */
export function Onboarding() {
  const [mode, setMode] = useState<'create' | 'restore'>('create')
  return (
    <section className="onboarding-card" aria-labelledby="onboarding-title">
      <h3 id="onboarding-title">Set up your account</h3>
      <p className="muted">
        Your account is a key pair made on this device. No server holds it, so keep a backup.
      </p>
      <div className="tabs" role="tablist" aria-label="Get started">
        <button type="button" role="tab" aria-selected={mode === 'create'} onClick={() => { setMode('create') }}>
          Create an identity
        </button>
        <button type="button" role="tab" aria-selected={mode === 'restore'} onClick={() => { setMode('restore') }}>
          Restore from backup
        </button>
      </div>
      {mode === 'create' ? <CreateForm /> : <RestoreForm />}
    </section>
  )
}

function CreateForm() {
  const app = useApp()
  const nameId = useId()
  const fileId = useId()
  const [name, setName] = useState('')
  const [avatar, setAvatar] = useState<AvatarImage>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()

  const shuffle = (): void => {
    generatedAvatar(randomBytes(8)).then(setAvatar, (err: unknown) => { setError(errorMessage(err)) })
  }
  useEffect(shuffle, [])

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    app.createIdentity({ name: name.trim(), ...(avatar ? { avatar } : {}) }).catch((err: unknown) => {
      setError(errorMessage(err))
      setBusy(false)
    })
  }

  return (
    <form className="stack" onSubmit={submit} aria-label="Create an identity">
      <div className="avatar-picker">
        <Avatar name={name || '?'} image={avatar} size={72} />
        <div className="stack-tight">
          <button type="button" className="secondary" onClick={shuffle}>Generate another avatar</button>
          <label className="file-button" htmlFor={fileId}>Pick an image…</label>
          <input
            id={fileId}
            className="visually-hidden"
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif"
            onChange={(e) => {
              const file = e.target.files?.[0]
              if (file) avatarFromFile(file).then(setAvatar, (err: unknown) => { setError(errorMessage(err)) })
            }}
          />
        </div>
      </div>
      <label htmlFor={nameId}>Display name</label>
      <input
        id={nameId}
        value={name}
        maxLength={LIMITS.profileName}
        required
        autoComplete="nickname"
        onChange={(e) => { setName(e.target.value) }}
      />
      {error !== undefined && <p role="alert" className="error">{error}</p>}
      <button type="submit" disabled={busy || name.trim() === ''}>{busy ? 'Creating…' : 'Create identity'}</button>
    </form>
  )
}

function RestoreForm() {
  const app = useApp()
  const fileId = useId()
  const passId = useId()
  const [file, setFile] = useState<File>()
  const [passphrase, setPassphrase] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    if (!file) return
    setBusy(true)
    setError(undefined)
    file.arrayBuffer()
      .then((buf) => app.restoreIdentity(new Uint8Array(buf), passphrase))
      .catch((err: unknown) => {
        setError(errorMessage(err))
        setBusy(false)
      })
  }

  return (
    <form className="stack" onSubmit={submit} aria-label="Restore from backup">
      <label htmlFor={fileId}>Backup file (.hearthkey)</label>
      <input id={fileId} type="file" accept=".hearthkey,application/octet-stream" required
        onChange={(e) => { setFile(e.target.files?.[0]) }} />
      <label htmlFor={passId}>Passphrase</label>
      <input id={passId} type="password" value={passphrase} required autoComplete="current-password"
        onChange={(e) => { setPassphrase(e.target.value) }} />
      {error !== undefined && <p role="alert" className="error">{error}</p>}
      <button type="submit" disabled={busy || !file || passphrase === ''}>{busy ? 'Restoring…' : 'Restore identity'}</button>
    </form>
  )
}
