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
