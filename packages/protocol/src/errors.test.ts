import { describe, expect, it } from 'vitest'
import * as errors from './errors.ts'
import { ProtocolError, SchemaError } from './errors.ts'

describe('typed errors', () => {
  // The two abstract bases are not thrown themselves.
  const classes = Object.entries(errors).filter(([name]) => name !== 'ProtocolError' && name !== 'ReasonedProtocolError')

  it('exports the documented classes', () => {
    expect(classes.map(([name]) => name).sort()).toEqual([
      'ChallengeMismatchError', 'ExpiredError', 'InvalidArgumentError', 'InvalidCertificateError', 'InvalidInviteError',
      'InvalidKeyError', 'InvalidSignatureError', 'MalformedEncodingError', 'NonCanonicalEncodingError', 'RecordTooLargeError',
      'RoomIdMismatchError', 'SchemaError', 'TrailingBytesError', 'TruncatedInputError', 'UnknownRecordTypeError',
      'UnknownVersionError', 'WrongPassphraseError'
    ])
  })

  it.each(classes)('%s is a ProtocolError whose name and code are its class name', (name, Class) => {
    const err = name === 'SchemaError' ? new SchemaError('a.b', 'broken') : new (Class as new (m: string) => ProtocolError)('broken')
    expect(err).toBeInstanceOf(ProtocolError)
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe(name)
    expect(err.code).toBe(name)
    expect(err.message).toContain('broken')
    expect(String(err)).toContain(name)
  })

  it('SchemaError names its field', () => {
    const err = new SchemaError('avatar.mime', 'expected one of image/png')
    expect(err.field).toBe('avatar.mime')
    expect(err.message).toBe('avatar.mime: expected one of image/png')
  })
})

describe('ReasonedProtocolError', () => {
  it('carries its reason and leads its message with it', () => {
    class Sample extends errors.ReasonedProtocolError<'too-big' | 'too-small'> {
      override readonly name = 'Sample'
    }
    const err = new Sample('too-big', 'over the limit')
    expect(err).toBeInstanceOf(ProtocolError)
    expect(err.reason).toBe('too-big')
    expect(err.message).toBe('too-big: over the limit')
    expect(err.code).toBe('Sample')
  })
})
