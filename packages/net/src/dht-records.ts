/**
 * kad-dht validators and selectors for the `hearth` key namespace
 * (docs/drafts/network.md §10.3). kad-dht picks a validator by the first path
 * segment of a record key (`/hearth/…` → `hearth`); inside it, this module
 * dispatches on the second segment. Only `/hearth/user/<user id>` (user
 * routing records) exists so far; any other `/hearth/…` key is refused, so a
 * DHT node never stores a Hearth record it cannot check.
 *
 * Every DHT node runs the validator before storing a PUT and on every record
 * a GET returns, and the selector picks the newest of the valid ones, so a
 * forged, expired or older record is refused on every node.
 */
import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import { HEARTH_DHT_NAMESPACE, ProtocolError, selectRoutingRecord, validateRoutingRecord } from '@hearth/protocol'
import { InvalidDhtRecordError } from './errors.ts'

const USER_PREFIX = `/${HEARTH_DHT_NAMESPACE}/user/`

function keyText(key: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(key)
}

/**
 * The `hearth` namespace validator. `now` is the clock (injectable for tests).
 * Throws {@link InvalidDhtRecordError} (kad-dht drops the record) with the
 * protocol error as `cause`.
 */
export function hearthValidator(now: () => number = Date.now): ValidateFn {
  return async (key, value) => {
    const text = keyText(key)
    if (!text.startsWith(USER_PREFIX)) throw new InvalidDhtRecordError(`no Hearth record type for key ${text.slice(0, 80)}`)
    try {
      await validateRoutingRecord(value, key, now())
    } catch (err) {
      if (err instanceof ProtocolError) throw new InvalidDhtRecordError(`routing record refused: ${err.message}`, { cause: err })
      throw err
    }
  }
}

/** The `hearth` namespace selector: newest routing record wins (protocol `selectRoutingRecord`). */
export const hearthSelector: SelectFn = (key, records) => {
  if (!keyText(key).startsWith(USER_PREFIX)) return 0
  return selectRoutingRecord(records)
}

/** The `validators` and `selectors` maps to hand to kad-dht. */
export function hearthDhtRecordHandlers(now?: () => number): { validators: Record<string, ValidateFn>; selectors: Record<string, SelectFn> } {
  return {
    validators: { [HEARTH_DHT_NAMESPACE]: hearthValidator(now) },
    selectors: { [HEARTH_DHT_NAMESPACE]: hearthSelector }
  }
}
