import { Decimal, Money, toDecimal } from '@crmkit/core';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The instant of a Date or an ISO 8601 string (a plain `YYYY-MM-DD` is
 * midnight UTC), in milliseconds; `undefined` for anything else.
 *
 * @example
 * ```ts
 * toInstant('2026-03-01'); // 1772323200000
 * ```
 */
export function toInstant(value: unknown): number | undefined {
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isFinite(t) ? t : undefined;
  }
  if (typeof value === 'string' && ISO_DATE.test(value)) {
    const t = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

const isDecimalLike = (v: unknown) => v instanceof Money || Decimal.isDecimal(v);

/**
 * Compares two fact values exactly: numbers as numbers; Money, decimals and
 * decimal strings as decimals (Money only with Money of the same currency or
 * with plain numbers); Dates and ISO strings as instants; other strings by
 * code units. Returns a negative number, zero or a positive number, or
 * `undefined` when the two cannot be compared (a missing value, mixed
 * currencies, a string with a number that is not a decimal).
 *
 * @example
 * ```ts
 * compareValues(Money.of('100.00', 'EUR'), 100); // 0
 * compareValues('2026-03-01', new Date('2026-02-01')); // > 0
 * ```
 */
export function compareValues(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a instanceof Money || b instanceof Money) {
    if (a instanceof Money && b instanceof Money) {
      return a.currency === b.currency ? a.amount.comparedTo(b.amount) : undefined;
    }
    const x = a instanceof Money ? a.amount : toDecimal(a);
    const y = b instanceof Money ? b.amount : toDecimal(b);
    return x !== undefined && y !== undefined ? x.comparedTo(y) : undefined;
  }
  if (isDecimalLike(a) || isDecimalLike(b) || (typeof a === 'number') !== (typeof b === 'number')) {
    const x = toDecimal(a);
    const y = toDecimal(b);
    if (x !== undefined && y !== undefined) return x.comparedTo(y);
  }
  if (a instanceof Date || b instanceof Date) {
    const x = toInstant(a);
    const y = toInstant(b);
    return x !== undefined && y !== undefined ? x - y : undefined;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    const x = toInstant(a);
    const y = toInstant(b);
    if (x !== undefined && y !== undefined) return x - y;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}

/**
 * Equality in the sense of {@link compareValues} for comparable values, and
 * strict equality otherwise (`null` equals only `null`).
 *
 * @example
 * ```ts
 * equalValues(Money.of('1.50', 'EUR'), '1.5'); // true
 * equalValues('web', 'web'); // true
 * ```
 */
export function equalValues(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') {
    const x = toInstant(a);
    return x !== undefined && x === toInstant(b);
  }
  const order = compareValues(a, b);
  return order === 0;
}
