/**
 * Test vectors of the discovery records (packages/protocol/test-vectors/routing.json,
 * described in test-vectors/README.md#routingjson): user routing records,
 * their DHT keys and selection, room CIDs, room topic names and signals.
 * Every vector is recomputed from fixed seeds and compared with the committed
 * file; `UPDATE_VECTORS=1 npx vitest run packages/protocol/src/discovery/vectors.test.ts`
 * rewrites it after an intended format change. A second pass reads the file
 * back the way another implementation would.
 */
import { describe, expect, it } from 'vitest'
import { createRoutingRecord, encodeRoutingRecord, routingRecordKey, selectRoutingRecord, validateRoutingRecord, type RoutingRecord } from './routing-record.ts'
import { roomCid } from './room-cid.ts'
import { roomTopics } from './topics.ts'
import { createSignal, encodeSignal, validateSignal } from './signal.ts'
import { certifyDevice, encodeDeviceRecord } from '../identity/device-cert.ts'
import { keypairFromSeed, type Keypair } from '../crypto/ed25519.ts'
import { sha256 } from '../crypto/sha256.ts'
import { encodeRecord, signatureInput, signRecord } from '../records/record.ts'
import { concat, fromHex, fromUtf8, toHex, utf8 } from '../bytes.ts'
import { formatUserId } from '../identity/user-id.ts'
import { formatRoomId } from '../rooms/room-id.ts'
import { ProtocolError } from '../errors.ts'
import { testBytes, testSeed } from '../test-support.ts'

interface FsApi {
  readFileSync(path: URL, encoding: 'utf8'): string
  writeFileSync(path: URL, data: string): void
}
const NODE_FS = 'node:fs'
const fs = (await import(/* @vite-ignore */ NODE_FS)) as FsApi
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
const UPDATE = env['UPDATE_VECTORS'] === '1'
const FILE = new URL('../../test-vectors/routing.json', import.meta.url)
const NOW = 1_700_000_000_000
const HOUR = 3_600_000

function kp(label: string): { seed: string; keypair: Keypair } {
  const seed = testSeed(label)
  return { seed: toHex(seed), keypair: keypairFromSeed(seed) }
}

async function errorOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn()
    return 'valid'
  } catch (err) {
    if (err instanceof ProtocolError) return err.name
    throw err
  }
}

async function generate(): Promise<unknown> {
  const alice = kp('vectors/alice')
  const laptop = kp('vectors/laptop')
  const phone = kp('vectors/phone')
  const mallory = kp('vectors/mallory')
  const laptopCert = encodeDeviceRecord(await certifyDevice(alice.keypair, laptop.keypair.publicKey, { label: 'Laptop', issued: NOW - HOUR }))
  const phoneCert = encodeDeviceRecord(await certifyDevice(alice.keypair, phone.keypair.publicKey, { label: 'Phone', issued: NOW - HOUR, expires: NOW + HOUR }))
  const addr = fromHex('047f000001060fa1') // /ip4/127.0.0.1/tcp/4001
  const relay = fromHex('047f000001060fa2') // /ip4/127.0.0.1/tcp/4002
  const key = routingRecordKey(alice.keypair.publicKey)
  const made: Record<string, RoutingRecord> = {
    'one device': await createRoutingRecord(alice.keypair, { seq: 1, issued: NOW, ttl: HOUR, devices: [{ cert: laptopCert, addrs: [addr], relays: [] }] }),
    'two devices, relay': await createRoutingRecord(alice.keypair, {
      seq: 2, issued: NOW, ttl: HOUR,
      devices: [{ cert: laptopCert, addrs: [addr], relays: [] }, { cert: phoneCert, addrs: [], relays: [relay] }]
    })
  }
  const valid = Object.entries(made).map(([name, r]) => ({
    name,
    identitySeed: alice.seed,
    userId: formatUserId(r.user),
    dhtKey: fromUtf8(key),
    seq: r.seq,
    issued: r.issued,
    expires: r.expires,
    devices: r.devices.map((d) => ({ cert: toHex(d.cert), peer: toHex(d.peer), addrs: d.addrs.map(toHex), relays: d.relays.map(toHex) })),
    signatureInput: toHex(signatureInput(r)),
    signature: toHex(r.sig),
    encoding: toHex(encodeRoutingRecord(r))
  }))
  const base = made['one device']!
  const { sig: _sig, ...unsigned } = base
  const resign = async (body: object, by: Keypair = alice.keypair): Promise<Uint8Array> => encodeRecord(await signRecord(by, body))
  const invalidInputs: [string, Uint8Array, string, number][] = [
    ['expired', encodeRoutingRecord(base), fromUtf8(key), NOW + HOUR],
    ['issued too far in the future', encodeRoutingRecord(base), fromUtf8(key), NOW - HOUR],
    ['signed by another key', await resign(unsigned, mallory.keypair), fromUtf8(key), NOW],
    ['changed after signing', encodeRecord({ ...base, seq: 9 }), fromUtf8(key), NOW],
    ['under another user key', encodeRoutingRecord(base), fromUtf8(routingRecordKey(mallory.keypair.publicKey)), NOW],
    ['peer id of another key', await resign({ ...unsigned, devices: [{ ...base.devices[0], peer: concat(fromHex('002408011220'), phone.keypair.publicKey) }] }), fromUtf8(key), NOW],
    ['certificate of another identity', await resign({ ...unsigned, devices: [{ ...base.devices[0], cert: encodeDeviceRecord(await certifyDevice(mallory.keypair, laptop.keypair.publicKey, { label: '', issued: NOW - HOUR })) }] }), fromUtf8(key), NOW],
    ['lifetime over one day', await resign({ ...unsigned, expires: NOW + 86_400_001 }), fromUtf8(key), NOW],
    ['unknown field', await resign({ ...unsigned, extra: 1 }), fromUtf8(key), NOW]
  ]
  const invalid = []
  for (const [name, bytes, dhtKey, now] of invalidInputs) {
    invalid.push({ name, encoding: toHex(bytes), dhtKey, now, error: await errorOf(() => validateRoutingRecord(bytes, utf8(dhtKey), now)) })
  }
  const encodings = Object.values(made).map(encodeRoutingRecord)
  const select = [
    { records: encodings.map(toHex), winner: selectRoutingRecord(encodings) },
    { records: [...encodings].reverse().map(toHex), winner: selectRoutingRecord([...encodings].reverse()) }
  ]
  const rooms = ['room-a', 'room-b'].map((label) => {
    const room = testBytes(`vectors/${label}`, 32)
    return { roomId: toHex(room), roomIdText: formatRoomId(room), roomCid: toHex(roomCid(room)), topics: roomTopics(room) }
  })
  const room = testBytes('vectors/room-a', 32)
  const typing = await createSignal({ room, identity: alice.keypair, body: { kind: 'typing', channel: testBytes('vectors/channel', 16) }, at: NOW })
  const presence = await createSignal({ room, identity: alice.keypair.publicKey, device: { keypair: phone.keypair, cert: phoneCert }, body: { kind: 'presence', status: 'online' }, at: NOW })
  const signals = []
  for (const [name, s, now] of [['typing by identity', typing, NOW], ['presence by device', presence, NOW + 1000], ['stale', typing, NOW + 30_001], ['from the future', typing, NOW - 5001]] as const) {
    const bytes = encodeSignal(s)
    signals.push({ name, signatureInput: toHex(signatureInput(s)), encoding: toHex(bytes), room: toHex(room), now, result: await errorOf(() => validateSignal(bytes, room, now)) })
  }
  return {
    description: 'Routing records, room CIDs, room topics and signals (docs/drafts/network.md, PROTOCOL.md §10): see README.md#routingjson',
    valid: valid.map((v) => ({ ...v, now: NOW, result: 'valid' })),
    invalid,
    select,
    rooms,
    signals
  }
}

describe('discovery test vectors', () => {
  it('match the committed file byte for byte', async () => {
    const text = `${JSON.stringify(await generate(), null, 2)}\n`
    if (UPDATE) fs.writeFileSync(FILE, text)
    expect(fs.readFileSync(FILE, 'utf8')).toBe(text)
  })

  it('check as an independent implementation would', async () => {
    const file = JSON.parse(fs.readFileSync(FILE, 'utf8')) as {
      valid: { dhtKey: string; encoding: string; now: number; signatureInput: string }[]
      invalid: { dhtKey: string; encoding: string; now: number; error: string }[]
      select: { records: string[]; winner: number }[]
      rooms: { roomId: string; roomCid: string; roomIdText: string; topics: Record<string, string> }[]
    }
    for (const v of file.valid) await expect(validateRoutingRecord(fromHex(v.encoding), utf8(v.dhtKey), v.now)).resolves.toBeDefined()
    for (const v of file.invalid) expect(await errorOf(() => validateRoutingRecord(fromHex(v.encoding), utf8(v.dhtKey), v.now))).toBe(v.error)
    for (const s of file.select) expect(selectRoutingRecord(s.records.map(fromHex))).toBe(s.winner)
    for (const r of file.rooms) {
      const digest = sha256(concat(utf8('hearth/room-cid/v1'), new Uint8Array([0]), fromHex(r.roomId)))
      expect(r.roomCid).toBe(`01551220${toHex(digest)}`)
      expect(r.topics['events']).toBe(`hearth/1/room/${r.roomIdText}/events`)
      expect(r.topics['profiles']).toBe(`hearth/1/room/${r.roomIdText}/profiles`)
    }
  })
})
