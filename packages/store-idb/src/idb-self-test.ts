/**
 * A self-contained smoke test of `IdbStorageAdapter` that a real browser page
 * can run (e.g. from Playwright: `await page.evaluate(() => runIdbSelfTest())`
 * on a page that bundles this package). It checks what fake-indexeddb cannot
 * vouch for: that the browser's own IndexedDB orders our binary keys exactly
 * as the key encoding requires, pages in reverse, commits batches, persists
 * across reopen and clears ranges. It deletes its database afterwards.
 */
import { compareKeyBytes, encodeKeyPath, keyAfter, type KeyPath } from '@hearth/protocol'
import { IdbStorageAdapter } from './idb-storage-adapter.ts'

/** Outcome of {@link runIdbSelfTest}. */
export interface IdbSelfTestResult {
  readonly ok: boolean
  /** One line per failed check. */
  readonly failures: readonly string[]
}

/** Options of {@link runIdbSelfTest}. */
export interface IdbSelfTestOptions {
  /** @default globalThis.indexedDB */
  readonly indexedDB?: IDBFactory
  /** Database to create and delete. @default 'hearth-idb-self-test' */
  readonly name?: string
}

// Segments whose UTF-8 byte order differs from JavaScript's UTF-16 order, plus the escaped bytes.
const SEGMENTS = ['', '\u0000', '\u0001', '\u0002', 'a', 'a\u0000', 'ab', 'é', '\ue000', '\uffff', '😀', '\u{10ffff}']

function deleteDatabase(factory: IDBFactory, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.deleteDatabase(name)
    request.onsuccess = () => {
      resolve()
    }
    request.onerror = () => {
      reject(request.error ?? new Error(`deleteDatabase(${name}) failed`))
    }
  })
}

/** Run the smoke test; never throws (failures are listed in the result). */
export async function runIdbSelfTest(options: IdbSelfTestOptions = {}): Promise<IdbSelfTestResult> {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB
  const name = options.name ?? 'hearth-idb-self-test'
  const failures: string[] = []
  const check = (label: string, actual: unknown, expected: unknown): void => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) failures.push(`${label}: got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`)
  }
  if (factory === undefined) return { ok: false, failures: ['IndexedDB is not available'] }
  try {
    await deleteDatabase(factory, name)
    let adapter = await IdbStorageAdapter.open(name, { indexedDB: factory })
    const keys = SEGMENTS.flatMap((s): KeyPath[] => [['t', s], ['t', s, 'x']])
    const expected = [...keys].sort((a, b) => compareKeyBytes(encodeKeyPath(a), encodeKeyPath(b)))
    await adapter.saveBatch([...keys].reverse().map((key, i) => ({ key, data: new Uint8Array([i]) })))
    await adapter.save(['t\u0000'], new Uint8Array([1]))
    check('order', (await adapter.loadRange(['t'])).map((c) => c.key), expected)
    check('reverse page', (await adapter.loadRange(['t'], { reverse: true, limit: 3 })).map((c) => c.key), expected.slice(-3).reverse())
    const first = expected[0] ?? ['t']
    check('forward page', (await adapter.loadRange(['t'], { start: keyAfter(first), limit: 2 })).map((c) => c.key), expected.slice(1, 3))
    await adapter.close()
    adapter = await IdbStorageAdapter.open(name, { indexedDB: factory })
    check('after reopen', (await adapter.loadRange([])).length, keys.length + 1)
    await adapter.removeRange(['t'])
    check('after removeRange', (await adapter.loadRange([])).map((c) => c.key), [['t\u0000']])
    check('integrity', adapter.integrity().corrupt.length, 0)
    await adapter.close()
    await deleteDatabase(factory, name)
  } catch (error) {
    failures.push(`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`)
  }
  return { ok: failures.length === 0, failures }
}
