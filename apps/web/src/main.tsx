// Browser entry point and composition root of the web app: the identity vault on
// IndexedDB (through @hearth/store-idb), mounted into the Hearth shell. The network
// and rooms are wired here as their layers land.

import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { IdentityVault } from '@hearth/client'
import { IdbStorageAdapter } from '@hearth/store-idb'
import { App } from './App.tsx'
import { IdentityPanel } from './identity/identity-panel.tsx'
import { useIdentity } from './identity/use-identity.ts'
import './styles.css'

/** The browser's one IndexedDB database for this origin. */
const DATABASE_NAME = 'hearth'

let vault: Promise<IdentityVault> | undefined
function openVault(): Promise<IdentityVault> {
  vault ??= IdbStorageAdapter.open(DATABASE_NAME).then((storage) => IdentityVault.open({ storage }))
  return vault
}

function Root() {
  const identity = useIdentity(openVault)
  return <App onboarding={<IdentityPanel state={identity} />} />
}

const container = document.getElementById('root')
if (container === null) throw new Error('index.html has no #root element')

createRoot(container).render(
  <StrictMode>
    <Root />
  </StrictMode>
)
