/**
 * Field checks for decoded records (PROTOCOL.md §1.2).
 *
 * A record schema is a plain object of checks; `struct` rejects missing
 * required fields and any key it does not know, so a signed record can never
 * smuggle fields past a peer that ignores them. Every failure is a
 * {@link SchemaError} naming the field, or {@link RecordTooLargeError}.
 */
import { RecordTooLargeError, SchemaError } from '../errors.ts'
import { compareBytes, utf8, type Bytes } from '../bytes.ts'
import { MAX_SAFE_UINT } from './cbor.ts'

/** Checks an unknown value at `path` and returns it typed, or throws. */
export type Check<T> = ((value: unknown, path: string) => T) & { readonly optional?: boolean }

/** The type a check produces. */
export type Checked<C> = C extends Check<infer T> ? T : never

type Shape = Readonly<Record<string, Check<unknown>>>
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S]
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>
/** The object type a struct shape produces. */
export type StructOf<S extends Shape> = { readonly [K in RequiredKeys<S>]: Checked<S[K]> } & {
  readonly [K in OptionalKeys<S>]?: Exclude<Checked<S[K]>, undefined>
}

/** An unsigned integer in [min, max] (max at most 2^53 − 1). */
export function uint(min = 0, max = MAX_SAFE_UINT): Check<number> {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new SchemaError(path, 'expected an unsigned integer')
    }
    if (value < min || value > max) throw new SchemaError(path, `must be between ${min} and ${max}`)
    return value
  }
}

/**
 * A byte string of exactly `length` bytes, or between `min` and `max`. The
 * value is returned as is, not copied: decoded byte strings are already
 * fresh copies of the input (cborg slices them).
 */
export function bytes(length: number | { min?: number; max: number }): Check<Bytes> {
  const min = typeof length === 'number' ? length : (length.min ?? 0)
  const max = typeof length === 'number' ? length : length.max
  return (value, path) => {
    if (!(value instanceof Uint8Array)) throw new SchemaError(path, 'expected bytes')
    if (value.length > max && min !== max) {
      throw new RecordTooLargeError(`${path}: ${value.length} bytes; the limit is ${max}`)
    }
    if (value.length < min || value.length > max) {
      throw new SchemaError(path, min === max ? `expected exactly ${min} bytes` : `expected ${min}–${max} bytes`)
    }
    // Decoded byte strings are fresh copies on their own ArrayBuffer (cborg slices them).
    return value as Bytes
  }
}

/**
 * A text string of at most `maxBytes` UTF-8 bytes. With `singleLine`, control
 * characters (C0, DEL, C1, line/paragraph separators) are refused; otherwise
 * only tab and newline among them are allowed. Lone surrogates (text with no
 * UTF-8 form) are always refused.
 */
export function text(maxBytes: number, opts: { min?: number; singleLine?: boolean } = {}): Check<string> {
  const min = opts.min ?? 0
  // Control characters are exactly what this check looks for.
  // eslint-disable-next-line no-control-regex
  const forbidden = opts.singleLine ? /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u : /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u
  return (value, path) => {
    if (typeof value !== 'string') throw new SchemaError(path, 'expected text')
    // A UTF-16 unit is 1–3 UTF-8 bytes: most strings are within limits without encoding them.
    const size = value.length * 3 <= maxBytes && value.length >= min ? min : utf8(value).length
    if (size > maxBytes) throw new RecordTooLargeError(`${path}: ${size} bytes; the limit is ${maxBytes}`)
    if (size < min) throw new SchemaError(path, min === 1 ? 'must not be empty' : `must be at least ${min} bytes`)
    if (forbidden.test(value)) throw new SchemaError(path, 'contains control characters')
    if (/\p{Cs}/u.test(value)) throw new SchemaError(path, 'is not well-formed Unicode (lone surrogate)')
    return value
  }
}

/** Exactly the given value. */
export function literal<const T extends string | number | boolean>(expected: T): Check<T> {
  return (value, path) => {
    if (value !== expected) throw new SchemaError(path, `expected ${JSON.stringify(expected)}`)
    return expected
  }
}

/** One of the listed strings. */
export function oneOf<const T extends string>(...allowed: readonly T[]): Check<T> {
  return (value, path) => {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      throw new SchemaError(path, `expected one of ${allowed.join(', ')}`)
    }
    return value as T
  }
}

/** A field that may be absent. */
export function optional<T>(check: Check<T>): Check<T | undefined> & { readonly optional: true } {
  const wrapped = (value: unknown, path: string): T | undefined => (value === undefined ? undefined : check(value, path))
  return Object.assign(wrapped, { optional: true as const })
}

/** An array of at most `maxItems` items, each passing `item`. */
export function array<T>(item: Check<T>, maxItems: number): Check<readonly T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) throw new SchemaError(path, 'expected an array')
    if (value.length > maxItems) throw new RecordTooLargeError(`${path}: ${value.length} items; the limit is ${maxItems}`)
    return value.map((v: unknown, i) => item(v, `${path}[${i}]`))
  }
}

/** A map with exactly the shape's keys (optional ones may be missing); unknown keys are refused. */
export function struct<S extends Shape>(shape: S): Check<StructOf<S>> {
  return (value, path) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
      throw new SchemaError(path || '(record)', 'expected a map')
    }
    const record = value as Record<string, unknown>
    for (const key of Object.keys(record)) {
      if (!Object.hasOwn(shape, key)) throw new SchemaError(join(path, key), 'unknown field')
    }
    const out: Record<string, unknown> = {}
    for (const [key, check] of Object.entries(shape)) {
      const field = Object.hasOwn(record, key) ? record[key] : undefined
      if (field === undefined && check.optional !== true) throw new SchemaError(join(path, key), 'missing')
      const checked = check(field, join(path, key))
      if (checked !== undefined) out[key] = checked
    }
    return out as StructOf<S>
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}

/**
 * A set of `min`–`max` byte strings of `length` bytes, written as an array
 * in strictly ascending byte order, so each set has one spelling.
 */
export function byteSet(length: number, min: number, max: number, what: string): Check<readonly Bytes[]> {
  return (value, path) => {
    const list = array(bytes(length), max)(value, path)
    if (list.length < min) throw new SchemaError(path, `names at least ${min} ${what}`)
    for (let i = 1; i < list.length; i++) {
      if (compareBytes(list[i - 1] as Bytes, list[i] as Bytes) >= 0) {
        throw new SchemaError(path, `${what} must be in strictly ascending byte order`)
      }
    }
    return list
  }
}

/**
 * A map discriminated by the text field `tag`: `shapes[value[tag]]` gives
 * the other fields. An unknown or missing tag is a {@link SchemaError} on
 * that field. The caller types the result (a union over the shapes).
 */
export function taggedUnion(tag: string, shapes: Readonly<Record<string, Shape>>, what: string): Check<Record<string, unknown>> {
  const checks = new Map(Object.entries(shapes).map(([name, shape]) => [name, struct({ [tag]: literal(name), ...shape })]))
  return (value, path) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
      throw new SchemaError(path || '(record)', 'expected a map')
    }
    const name = (value as Record<string, unknown>)[tag]
    const check = typeof name === 'string' ? checks.get(name) : undefined
    if (!check) {
      throw new SchemaError(join(path, tag), `unknown ${what} ${typeof name === 'string' ? JSON.stringify(name.slice(0, 40)) : typeof name}`)
    }
    return check(value, path)
  }
}
