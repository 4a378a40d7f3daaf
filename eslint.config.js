// Lint: typescript-eslint strict type-checked everywhere, plus the layer
// boundaries of docs/ARCHITECTURE.md (protocol is pure: no I/O, no libp2p,
// no node:*, no DOM storage, no clocks or timers).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const noIoImports = {
  patterns: [
    { group: ['node:*'], message: 'packages/protocol is pure: no node:* modules.' },
    { group: ['libp2p', '@libp2p/*', '@chainsafe/*', '@multiformats/*'], message: 'packages/protocol must not import libp2p; that lives in packages/net.' },
    { group: ['idb', 'fake-indexeddb', 'react', 'react-dom'], message: 'packages/protocol does no storage or UI.' },
    { group: ['@hearth/*'], message: 'packages/protocol imports nothing of ours.' }
  ],
  paths: ['fs', 'path', 'os', 'net', 'http', 'https', 'crypto', 'child_process', 'worker_threads'].map((name) => ({
    name,
    message: 'packages/protocol is pure: no Node built-ins.'
  }))
}

const noIoGlobals = [
  'indexedDB', 'localStorage', 'sessionStorage', 'fetch', 'XMLHttpRequest', 'WebSocket',
  'RTCPeerConnection', 'setTimeout', 'setInterval', 'setImmediate', 'process', 'document', 'window'
].map((name) => ({ name, message: 'packages/protocol is pure: no I/O, timers or host globals.' }))

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/dist-types/**', 'test-results/**', 'coverage/**', 'eslint.config.js']
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname
      }
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    files: ['packages/protocol/src/**/*.ts'],
    ignores: ['packages/protocol/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', noIoImports],
      'no-restricted-globals': ['error', ...noIoGlobals],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'packages/protocol takes time as an argument.' },
        { object: 'Math', property: 'random', message: 'packages/protocol takes randomness from crypto.getRandomValues or as an argument.' }
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'packages/protocol takes time as an argument.' }
      ]
    }
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off'
    }
  }
)
