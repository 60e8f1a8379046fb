import { forEachRow as eachRow, isRowSource, type RowSource, ValidationError } from '@crmkit/core';

/**
 * Where a batch computation reads its rows from: an array or any iterable,
 * or an async iterable such as a storage port's `list()` stream — or its
 * `pages()`, which saves an await per row (core's `RowSource`). Every
 * function taking a `Source` reads it exactly once, front to back.
 *
 * @example
 * ```ts
 * const fromArray: Source<Order> = orders;
 * const fromStorage: Source<Order> = storage.orders.pages({ orderBy: 'customer' });
 * ```
 */
export type Source<T> = RowSource<T>;

/**
 * Calls `visit` for every row, without a microtask per row when the source
 * is synchronous. Throws `ValidationError` (named `what`) when `source` is
 * not a source at all.
 */
export async function forEachRow<T>(
  source: Source<T>,
  what: string,
  visit: (row: T, index: number) => void,
): Promise<void> {
  if (!isSource(source)) throw notASource(what, []);
  await eachRow(source, visit);
}

/** The error for a value that is not a {@link Source}, at `path`. */
export function notASource(what: string, path: readonly (string | number)[]): ValidationError {
  return new ValidationError(what, [
    { path, message: 'must be an array, an iterable or an async iterable', code: 'invalid_type' },
  ]);
}

/** True when the value can be read as a {@link Source}. */
export const isSource = isRowSource;
