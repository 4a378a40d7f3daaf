/** Test-only: peers serving a BlobStore over in-memory streams, with ways to make them lie, vanish or stall. */
import { decodeBlobMessage, encodeBlobMessage, MemoryStorageAdapter } from '@hearth/protocol'
import { BlobStore } from './blob-store.ts'
import { serveBlobs, type BlobServeEnd } from './blob-server.ts'
import type { BlobPeer } from './blob-fetcher.ts'
import { memoryStreamPair, type MessageStream } from '../transport/message-stream.ts'

/** `size` bytes where byte i is `(7i + seed) mod 251` (as in the protocol's blob vectors). */
export function patternBlob(size: number, seed = 0): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i * 7 + seed) % 251
  return out
}

/** Let every pending promise chain run (the in-memory streams deliver through microtasks). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

/** How a test peer misbehaves. */
export interface PeerBehaviour {
  /** Rewrite each outgoing message (decoded); return undefined to swallow it. */
  readonly rewrite?: (bytes: Uint8Array) => Uint8Array | undefined
  /** Close the stream after sending this many chunk messages. */
  readonly disconnectAfterChunks?: number
}

/** A serving peer and what it did. */
export interface TestPeer {
  readonly peer: BlobPeer
  /** Chunk indices this peer was asked for (over all its chunk-gets). */
  readonly asked: number[]
  /** Chunk messages it sent. */
  readonly sent: number[]
  readonly served: Promise<BlobServeEnd>
}

/** A peer named `id` serving `store` on a fresh stream pair, behaving as told. */
export function servingPeer(id: string, store: BlobStore, behaviour: PeerBehaviour = {}): TestPeer {
  const [client, server] = memoryStreamPair()
  const asked: number[] = []
  const sent: number[] = []
  const wrapped: MessageStream = {
    async receive() {
      const bytes = await server.receive()
      if (bytes !== undefined) {
        try {
          const message = decodeBlobMessage(bytes)
          if (message.type === 'chunk-get') asked.push(...message.chunks)
        } catch {
          // the server reports malformed requests itself
        }
      }
      return bytes
    },
    async send(bytes) {
      const message = decodeBlobMessage(bytes)
      const out = behaviour.rewrite ? behaviour.rewrite(bytes) : bytes
      if (out !== undefined) await server.send(out)
      if (message.type === 'chunk') {
        sent.push(message.index)
        if (behaviour.disconnectAfterChunks !== undefined && sent.length >= behaviour.disconnectAfterChunks) server.close()
      }
    },
    close: () => { server.close() }
  }
  return { peer: { id, stream: client }, asked, sent, served: serveBlobs(store, wrapped) }
}

/** A rewrite that flips one byte of every chunk's data (a peer serving corrupt chunks). */
export function corruptChunks(bytes: Uint8Array): Uint8Array {
  const message = decodeBlobMessage(bytes)
  if (message.type !== 'chunk') return bytes
  const data = message.data.slice()
  data[0] = (data[0] ?? 0) ^ 0xff
  return encodeBlobMessage({ ...message, data })
}

/** A store holding `blob` whole, on a fresh in-memory adapter. */
export async function storeWith(blob: Uint8Array): Promise<BlobStore> {
  const store = new BlobStore(new MemoryStorageAdapter())
  await store.put(blob)
  return store
}
