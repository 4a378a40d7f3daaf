import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  certifyDevice,
  createRoutingRecord,
  encodeDeviceRecord,
  encodeRoutingRecord,
  keypairFromSeed,
  routingRecordKey,
  sha256,
  utf8
} from '@hearth/protocol'
import { hearthDhtRecordHandlers, hearthSelector, hearthValidator } from './dht-records.ts'
import { InvalidDhtRecordError } from './errors.ts'

const T0 = 1_700_000_000_000
const alice = keypairFromSeed(sha256(utf8('dht-records/alice')))
const laptop = keypairFromSeed(sha256(utf8('dht-records/laptop')))

async function record(seq: number): Promise<Uint8Array> {
  const cert = encodeDeviceRecord(await certifyDevice(alice, laptop.publicKey, { label: '', issued: T0 - 1000 }))
  return encodeRoutingRecord(await createRoutingRecord(alice, { seq, issued: T0, ttl: 60_000, devices: [{ cert, addrs: [], relays: [] }] }))
}

describe('hearth DHT namespace', () => {
  const key = routingRecordKey(alice.publicKey)

  it('accepts a valid routing record at its key, refuses it expired, elsewhere, or under unknown hearth keys', async () => {
    const bytes = await record(1)
    await expect(hearthValidator(() => T0)(key, bytes)).resolves.toBeUndefined()
    await expect(hearthValidator(() => T0 + 60_000)(key, bytes)).rejects.toBeInstanceOf(InvalidDhtRecordError)
    await expect(hearthValidator(() => T0)(routingRecordKey(laptop.publicKey), bytes)).rejects.toBeInstanceOf(InvalidDhtRecordError)
    await expect(hearthValidator(() => T0)(utf8('/hearth/tag/games'), bytes)).rejects.toBeInstanceOf(InvalidDhtRecordError)
    await expect(Promise.resolve(hearthValidator(() => T0)(key, bytes.subarray(1)))).rejects.toMatchObject({ name: 'InvalidDhtRecordError' })
  })

  it('selects the newest record', async () => {
    const records = [await record(1), await record(3), await record(2)]
    expect(await hearthSelector(key, records)).toBe(1)
    const { validators, selectors } = hearthDhtRecordHandlers(() => T0)
    expect(Object.keys(validators)).toEqual(['hearth'])
    expect(Object.keys(selectors)).toEqual(['hearth'])
  })

  it('the validator throws only InvalidDhtRecordError on hostile keys and values', async () => {
    const validate = hearthValidator(() => T0)
    const valid = await record(1)
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(key), fc.uint8Array({ maxLength: 80 })), fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.constant(valid).map((v) => v.subarray(0, v.length - 1))), async (k, v) => {
        await expect(validate(k, v)).rejects.toBeInstanceOf(InvalidDhtRecordError)
      }),
      { numRuns: 200 }
    )
  })
})
