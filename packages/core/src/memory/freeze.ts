import type { JsonValue } from '../json';

/**
 * Freezes plain objects and arrays, deeply, in place. Class instances are
 * left as they are: `Money` freezes itself and its `Decimal` has no mutating
 * methods; a `Date` cannot be frozen (its time lives in an internal slot).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    Object.freeze(value);
    for (const item of value) if (typeof item === 'object') deepFreeze(item);
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    Object.freeze(value);
    for (const key in value) {
      const child = value[key];
      if (typeof child === 'object') deepFreeze(child);
    }
  }
  return value;
}

/** A deeply frozen copy of a (validated) JSON value, sharing nothing with the caller's. */
export function frozenJsonCopy<T extends JsonValue>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Object.freeze(value.map((item) => frozenJsonCopy(item))) as T;
  // fromEntries defines own properties, so a "__proto__" key stays a plain key
  const copy = Object.fromEntries(Object.entries(value).map(([key, item]) => [key, frozenJsonCopy(item)]));
  return Object.freeze(copy) as T;
}
