/**
 * `Verified<T>`: a record whose signature (and every other check its module
 * defines) has passed. Only the module that checks a record type can make
 * one, so code that needs a checked record cannot be handed an unchecked one.
 */
declare const verifiedBrand: unique symbol

/** A `T` that has passed verification. */
export type Verified<T> = T & { readonly [verifiedBrand]: true }

/**
 * Brand a value as verified. Only record modules call this, right after their
 * checks pass; everything else receives `Verified<T>` from them.
 */
export function markVerified<T extends object>(value: T): Verified<T> {
  return Object.freeze(value) as Verified<T>
}
