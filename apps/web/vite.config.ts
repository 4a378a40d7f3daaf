// Vite config of the Hearth web app. `npm run build` writes apps/web/dist, which
// `hearth serve` serves. In `vite` dev mode, /hearth-config.json is proxied to a local
// daemon on its default port so the status indicator works there too.

import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2023',
    sourcemap: true
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/hearth-config.json': 'http://127.0.0.1:8420' }
  }
})
