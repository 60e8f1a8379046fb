import { Decimal, type JsonValue, Money, ValidationError } from '@crmkit/core';

/**
 * Turns an event payload into JSON for the outbox: `Date`, `Money` and
 * `Decimal` values become tagged objects (`{ $date }`, `{ $money }`,
 * `{ $decimal }`) that {@link decodePayload} turns back. Plain objects and
 * arrays are walked; `undefined` properties are dropped. Anything else that is
 * not JSON (functions, class instances, non-finite numbers) is refused with a
 * `ValidationError` naming its path, so an event that cannot survive a
 * restart is never accepted.
 *
 * @example
 * ```ts
 * encodePayload({ at: new Date('2026-01-01T00:00:00Z') }); // { at: { $date: '2026-01-01T00:00:00.000Z' } }
 * ```
 */
export function encodePayload(value: unknown): JsonValue {
  return encode(value, []);
}

function refuse(path: (string | number)[], message: string): never {
  throw new ValidationError('event payload', [{ path: ['data', ...path], message, code: 'invalid_type' }]);
}

function encode(value: unknown, path: (string | number)[]): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) refuse(path, `${value} is not a finite number`);
    return value;
  }
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value instanceof Money)
    return { $money: { amount: value.amount.toString(), currency: value.currency } };
  if (Decimal.isDecimal(value)) return { $decimal: (value as Decimal).toString() };
  if (Array.isArray(value)) return value.map((item, i) => encode(item, [...path, i]));
  if (typeof value === 'object' && isPlain(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = encode(item, [...path, key]);
    }
    return out;
  }
  return refuse(path, `${typeof value} values cannot be stored in an event`);
}

/**
 * Reverses {@link encodePayload}.
 *
 * @example
 * ```ts
 * decodePayload({ total: { $money: { amount: '9.5', currency: 'EUR' } } }); // { total: Money 9.5 EUR }
 * ```
 */
export function decodePayload(value: JsonValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodePayload);
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const tagged = value.$date ?? value.$money ?? value.$decimal;
    if (typeof value.$date === 'string') return new Date(value.$date);
    if (typeof value.$decimal === 'string') return new Decimal(value.$decimal);
    if (tagged !== undefined && tagged !== null && typeof tagged === 'object' && !Array.isArray(tagged)) {
      const { amount, currency } = tagged;
      if (typeof amount === 'string' && typeof currency === 'string') return Money.of(amount, currency);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = decodePayload(item);
  return out;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
