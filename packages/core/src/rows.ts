/**
 * Rows read once, front to back: an array or any iterable, or an async
 * iterable such as a storage port's `list()` stream. Either may deliver its
 * rows in pages — arrays of rows, as a port's `pages()` does — which saves
 * an await per row on async streams. Rows are records (objects), so an array
 * in the stream is always a page.
 *
 * @example
 * ```ts
 * const fromArray: RowSource<Order> = orders;
 * const oneByOne: RowSource<Order> = storage.orders.list({ orderBy: 'customer' });
 * const paged: RowSource<Order> = storage.orders.pages({ orderBy: 'customer' });
 * ```
 */
export type RowSource<T> = Iterable<T | readonly T[]> | AsyncIterable<T | readonly T[]>;

/**
 * True when the value can be read as a {@link RowSource} (it is iterable or
 * async iterable).
 *
 * @example
 * ```ts
 * isRowSource([]); // true
 * isRowSource({ orders: [] }); // false
 * ```
 */
export function isRowSource(value: unknown): value is RowSource<unknown> {
  return (
    typeof value === 'object' && value !== null && (Symbol.iterator in value || Symbol.asyncIterator in value)
  );
}

/**
 * Calls `visit` for every row of a {@link RowSource}, pages opened, with the
 * row's position. A synchronous source is read without any microtask; an
 * async one with one await per item (per page when it is paged).
 *
 * @example
 * ```ts
 * let total = 0;
 * await forEachRow(storage.orders.pages(), (order) => { total += order.lines.length; });
 * ```
 */
export async function forEachRow<T>(
  source: RowSource<T>,
  visit: (row: T, index: number) => void,
): Promise<void> {
  let index = 0;
  const take = (item: T | readonly T[]) => {
    if (Array.isArray(item)) for (const row of item as readonly T[]) visit(row, index++);
    else visit(item as T, index++);
  };
  if (Symbol.iterator in source) for (const item of source) take(item);
  else for await (const item of source) take(item);
}
