/**
 * The installed @libp2p/webrtc carries Hearth's patch (patches/, applied by
 * `patch-package` on install; docs/decisions/0008): without it about 6% of
 * WebRTC dials through a relay hang until the dial times out (the dialer
 * waits for an `open` event of the init channel that the listener may have
 * closed already). If an upgrade makes the patch fail to apply, this says so.
 */
import { readFile } from 'node:fs/promises'
import { expect, it } from 'vitest'

it('the WebRTC initiator waits for open or close of the init channel', async () => {
  // The package's entry is dist/src/index.js; the patched module sits beside it.
  const source = await readFile(new URL('./private-to-private/initiate-connection.js', import.meta.resolve('@libp2p/webrtc')), 'utf8')
  expect(source).toContain("await pEvent(channel, ['open', 'close'], {")
  expect(source).not.toMatch(/await pEvent\(channel, 'open', \{/)
})
