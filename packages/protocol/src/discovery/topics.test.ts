import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseRoomTopic, roomTopic, roomTopics, ROOM_TOPIC_KINDS } from './topics.ts'
import { roomCid, ROOM_CID_BYTES } from './room-cid.ts'
import { formatRoomId } from '../rooms/room-id.ts'
import { concat, utf8 } from '../bytes.ts'
import { sha256 } from '../crypto/sha256.ts'
import { InvalidArgumentError } from '../errors.ts'
import { expectThrow, testBytes } from '../test-support.ts'

const room = testBytes('topics/room', 32)

describe('room topics', () => {
  it('names four topics per room and parses them back', () => {
    const t = roomTopics(room)
    expect(t.authority).toBe(`hearth/1/room/${formatRoomId(room)}/authority`)
    expect(t.events).toBe(`hearth/1/room/${formatRoomId(room)}/events`)
    expect(t.signals).toBe(`hearth/1/room/${formatRoomId(room)}/signals`)
    expect(t.profiles).toBe(`hearth/1/room/${formatRoomId(room)}/profiles`)
    expect(ROOM_TOPIC_KINDS).toEqual(['authority', 'events', 'signals', 'profiles'])
    for (const kind of ROOM_TOPIC_KINDS) expect(parseRoomTopic(roomTopic(room, kind))).toEqual({ room, kind })
    expectThrow(() => roomTopic(new Uint8Array(31), 'events'), InvalidArgumentError)
  })

  it('parses only the one spelling of a Hearth topic', () => {
    const id = formatRoomId(room)
    for (const t of [`hearth/1/room/${id.toUpperCase()}/events`, `hearth/1/room/${id}/event`, `hearth/1/room/${id}/profile`, `hearth/1/room/${id}/Profiles`, `hearth/1/room/${id}`, `hearth/2/room/${id}/events`, `hearth/1/room/${id}/events/x`, '', 'hearth/1/room/']) {
      expect(parseRoomTopic(t)).toBeUndefined()
    }
    fc.assert(fc.property(fc.string(), (s) => {
      const parsed = parseRoomTopic(s)
      if (parsed) expect(roomTopic(parsed.room, parsed.kind)).toBe(s)
    }))
  })
})

describe('room CID', () => {
  it('is the raw-codec CIDv1 of the tagged block', () => {
    const cid = roomCid(room)
    expect(cid.length).toBe(ROOM_CID_BYTES)
    expect([...cid.subarray(0, 4)]).toEqual([0x01, 0x55, 0x12, 0x20])
    expect(cid.subarray(4)).toEqual(sha256(concat(utf8('hearth/room-cid/v1'), new Uint8Array([0]), room)))
    expect(roomCid(testBytes('topics/other', 32))).not.toEqual(cid)
    expectThrow(() => roomCid(new Uint8Array(33)), InvalidArgumentError)
  })
})
