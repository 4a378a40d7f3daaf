// Turn an error from the vault or the protocol into a sentence for the user.

const friendly: Record<string, string> = {
  WrongPassphraseError: 'That passphrase does not open this backup (or the file was changed).',
  IdentityExistsError: 'This device already has a different identity.',
  RecordTooLargeError: 'That is too long.',
  UnknownRecordTypeError: 'That file is not a Hearth backup.',
  MalformedEncodingError: 'That file is not a Hearth backup.',
  TruncatedInputError: 'That file is not a Hearth backup (it looks cut short).',
  NonCanonicalEncodingError: 'That file is not a Hearth backup.',
  TrailingBytesError: 'That file is not a Hearth backup.'
}

/** A message for `err` that a person can act on. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return friendly[err.name] ?? err.message
  return String(err)
}
