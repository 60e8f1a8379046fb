import { Money, ValidationError } from '@crmkit/core';

/**
 * Where records come from: an array (or any iterable) in memory, or an async
 * iterable such as a storage port's `list()` stream. Every function that reads
 * a source reads it once, front to back.
 *
 * @example
 * ```ts
 * const fromMemory: Source<Order> = orders;
 * const fromStorage: Source<Order> = storage.orders.list({ orderBy: 'customer' });
 * ```
 */
export type Source<T> = Iterable<T> | AsyncIterable<T>;

/** Throws a ValidationError with one issue (internal). */
export function invalid(what: string, path: readonly (string | number)[], message: string): never {
  throw new ValidationError(what, [{ path, message, code: 'custom' }]);
}

/** Throws a ValidationError unless `value` is Money (internal). */
export function checkMoney(what: string, path: readonly (string | number)[], value: unknown): void {
  if (!Money.isMoney(value)) invalid(what, path, 'must be Money');
}
