// Browser entry point and composition root of the web app: the app core (HearthApp) on
// IndexedDB storage (@hearth/store-idb) and the browser libp2p network (./net), mounted
// into the Hearth UI.

import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { HearthApp, type AppNetwork } from '@hearth/client'
import type { Keypair } from '@hearth/protocol'
import { IdbStorageAdapter } from '@hearth/store-idb'
import { App } from './App.tsx'
import './styles.css'

/** The browser's one IndexedDB database for this origin. */
const DATABASE_NAME = 'hearth'

const container = document.getElementById('root')
if (container === null) throw new Error('index.html has no #root element')
const root = createRoot(container)

async function start(): Promise<void> {
  const storage = await IdbStorageAdapter.open(DATABASE_NAME)
  // The network (libp2p: most of the bundle) is its own chunk, loaded once there is an identity:
  // the UI and the rooms stored here show without it.
  const network = async (keypair: Keypair): Promise<AppNetwork> => (await import('./net/browser-network.ts')).startBrowserNetwork(keypair)
  const app = await HearthApp.open({ storage, network, origin: window.location.origin })
  window.addEventListener('pagehide', () => { void app.close() })
  root.render(
    <StrictMode>
      <App app={app} />
    </StrictMode>
  )
}

start().catch((err: unknown) => {
  root.render(
    <div role="alert" className="empty-state">
      <h1>Hearth could not start</h1>
      <p className="error">This browser’s storage could not be opened: {err instanceof Error ? err.message : String(err)}</p>
    </div>
  )
})
