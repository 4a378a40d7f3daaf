// The account area: onboarding until an identity exists, then the user's profile card
// with a backup reminder, backup export and profile editing.

import { useId, useState, type SyntheticEvent } from 'react'
import type { Identity, IdentityVault } from '@hearth/client'
import { Avatar } from './avatar.tsx'
import { BackupForm } from './backup-form.tsx'
import { Onboarding } from './onboarding.tsx'
import { errorMessage } from './error-message.ts'
import type { IdentityState } from './use-identity.ts'

type Run = <T>(op: (vault: IdentityVault) => Promise<T>) => Promise<T>

/** Onboarding, or the profile of this device's identity. */
export function IdentityPanel({ state }: { readonly state: IdentityState }) {
  if (state.status === 'loading') return <p role="status">Opening your identity…</p>
  if (state.status === 'failed') {
    return <p role="alert" className="error">Your identity could not be loaded from this browser: {state.error}</p>
  }
  if (!state.identity) return <Onboarding run={state.run} />
  return <ProfileCard identity={state.identity} needsBackup={state.vault.needsBackup} run={state.run} />
}

function ProfileCard({ identity, needsBackup, run }: { identity: Identity; needsBackup: boolean; run: Run }) {
  const [panel, setPanel] = useState<'none' | 'backup' | 'edit'>('none')
  const [copied, setCopied] = useState(false)
  const { profile } = identity
  const fileName = `hearth-${profile.name.replace(/[^\p{L}\p{N}_-]+/gu, '-').slice(0, 32)}-${identity.userId.slice(0, 8)}.hearthkey`
  return (
    <section className="profile-card" aria-labelledby="profile-name">
      {needsBackup && panel !== 'backup' && (
        <div className="banner" role="status">
          <span>Your account lives only in this browser. Save a backup so you can't lose it.</span>
          <button type="button" onClick={() => { setPanel('backup') }}>Back up now</button>
        </div>
      )}
      <div className="profile-head">
        <Avatar name={profile.name} image={profile.avatar} size={72} />
        <div>
          <h3 id="profile-name">{profile.name}</h3>
          {profile.status !== undefined && <p className="muted">{profile.status}</p>}
          <p className="user-id">
            <code title={identity.userId}>{identity.userId}</code>{' '}
            <button type="button" className="link-button" onClick={() => {
              navigator.clipboard.writeText(identity.userId).then(() => { setCopied(true) }, () => { setCopied(false) })
            }}>{copied ? 'Copied' : 'Copy user id'}</button>
          </p>
        </div>
      </div>
      <div className="row">
        <button type="button" className="secondary" aria-expanded={panel === 'edit'}
          onClick={() => { setPanel(panel === 'edit' ? 'none' : 'edit') }}>Edit profile</button>
        <button type="button" className="secondary" aria-expanded={panel === 'backup'}
          onClick={() => { setPanel(panel === 'backup' ? 'none' : 'backup') }}>Export backup</button>
      </div>
      {panel === 'backup' && <BackupForm run={run} fileName={fileName} />}
      {panel === 'edit' && <EditProfile identity={identity} run={run} onDone={() => { setPanel('none') }} />}
    </section>
  )
}

function EditProfile({ identity, run, onDone }: { identity: Identity; run: Run; onDone: () => void }) {
  const nameId = useId()
  const statusId = useId()
  const bioId = useId()
  const { profile } = identity
  const [name, setName] = useState(profile.name)
  const [status, setStatus] = useState(profile.status ?? '')
  const [bio, setBio] = useState(profile.bio ?? '')
  const [error, setError] = useState<string>()
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault()
    const fields = {
      name: name.trim(),
      ...(status.trim() !== '' ? { status: status.trim() } : {}),
      ...(bio.trim() !== '' ? { bio: bio.trim() } : {}),
      ...(profile.avatar ? { avatar: profile.avatar } : {})
    }
    run((vault) => vault.updateProfile(fields)).then(onDone, (err: unknown) => { setError(errorMessage(err)) })
  }
  return (
    <form className="stack" onSubmit={submit} aria-label="Edit profile">
      <label htmlFor={nameId}>Display name</label>
      <input id={nameId} value={name} maxLength={64} required onChange={(e) => { setName(e.target.value) }} />
      <label htmlFor={statusId}>Status</label>
      <input id={statusId} value={status} maxLength={128} onChange={(e) => { setStatus(e.target.value) }} />
      <label htmlFor={bioId}>About me</label>
      <textarea id={bioId} value={bio} maxLength={1024} rows={3} onChange={(e) => { setBio(e.target.value) }} />
      {error !== undefined && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={name.trim() === ''}>Save profile</button>
    </form>
  )
}
