import type { Readable } from 'node:stream';
import { AlreadyExistsError, type Order, parseOrder, type Storage, ValidationError } from '@crmkit/core';
import { type OrdersCsvOptions, readOrdersCsv } from './orders-csv';

/**
 * A row the import did not store, with its 1-based line in the file.
 *
 * @example
 * ```ts
 * const reject: RejectedRow = { line: 7, reason: 'amount: must not be negative' };
 * ```
 */
export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

/**
 * How {@link importOrdersCsv} stores the rows and reports on them.
 *
 * @example
 * ```ts
 * const options: ImportOrdersOptions = { batchSize: 5000, onReject: (r) => console.error(r.line, r.reason) };
 * ```
 */
export interface ImportOrdersOptions extends OrdersCsvOptions {
  /** Orders written per `createMany` (default 5000). */
  readonly batchSize?: number;
  /** Called for every rejected row, in file order. */
  readonly onReject?: (row: RejectedRow) => void;
  /** Called after every row read with the rows (accepted + rejected) and bytes read so far. */
  readonly onProgress?: (rows: number, bytes: number) => void;
}

/**
 * What an import stored: counts, orders by currency and the period covered.
 *
 * @example
 * ```ts
 * const { orders, currencies } = await importOrdersCsv('orders.csv', storage);
 * ```
 */
export interface ImportSummary {
  /** Rows stored (a multi-line order counts each of its rows). */
  readonly acceptedRows: number;
  /** Orders stored. */
  readonly orders: number;
  readonly rejects: readonly RejectedRow[];
  /** Orders stored per currency. */
  readonly currencies: ReadonlyMap<string, number>;
  readonly firstOrderAt: Date | undefined;
  readonly lastOrderAt: Date | undefined;
}

interface Pending {
  order: Order;
  lines: number[];
}

/**
 * Streams an orders CSV into `storage.orders`, in batches. Consecutive rows
 * with the same `order_id` (one row per order line, as many shop exports
 * have them) become one order with several lines. A row that fails
 * validation, or whose order id is already stored, is rejected with its line
 * number and reason; every other row is stored, so nothing valid is dropped.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage();
 * const summary = await importOrdersCsv('examples/data/orders.csv', storage);
 * console.log(summary.orders, summary.rejects.length);
 * ```
 */
export async function importOrdersCsv(
  source: string | Readable,
  storage: Storage,
  options: ImportOrdersOptions = {},
): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 5000;
  const rejects: RejectedRow[] = [];
  const currencies = new Map<string, number>();
  let acceptedRows = 0;
  let orders = 0;
  let first: Date | undefined;
  let last: Date | undefined;
  let batch: Pending[] = [];
  let pending: Pending | undefined;
  let rows = 0;

  const reject = (row: RejectedRow) => {
    rejects.push(row);
    options.onReject?.(row);
  };
  const stored = (entry: Pending) => {
    acceptedRows += entry.lines.length;
    orders++;
    const { currency, placedAt } = entry.order;
    currencies.set(currency, (currencies.get(currency) ?? 0) + 1);
    if (first === undefined || placedAt < first) first = placedAt;
    if (last === undefined || placedAt > last) last = placedAt;
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const entries = batch;
    batch = [];
    try {
      await storage.orders.createMany(entries.map((e) => e.order));
      for (const entry of entries) stored(entry);
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
      // Some id is taken (a repeated order_id, or a database that already holds
      // the file): store the batch row by row to reject only the duplicates.
      for (const entry of entries) {
        try {
          await storage.orders.create(entry.order);
          stored(entry);
        } catch (error) {
          if (!(error instanceof AlreadyExistsError)) throw error;
          for (const line of entry.lines) {
            reject({ line, reason: `order_id: ${JSON.stringify(entry.order.id)} already exists` });
          }
        }
      }
    }
  };
  const settle = async () => {
    if (pending === undefined) return;
    batch.push(pending);
    pending = undefined;
    if (batch.length >= batchSize) await flush();
  };

  for await (const row of readOrdersCsv(source, options)) {
    options.onProgress?.(++rows, row.bytes);
    if (!row.ok) {
      reject({ line: row.line, reason: row.reason });
      continue;
    }
    const merged =
      pending && continues(pending.order, row.order) ? mergeLines(pending.order, row.order) : undefined;
    if (pending && merged) {
      pending = { order: merged, lines: [...pending.lines, row.line] };
      continue;
    }
    await settle();
    pending = { order: row.order, lines: [row.line] };
  }
  await settle();
  await flush();
  return { acceptedRows, orders, rejects, currencies, firstOrderAt: first, lastOrderAt: last };
}

function continues(order: Order, next: Order): boolean {
  return (
    order.id === next.id &&
    order.customerId === next.customerId &&
    order.currency === next.currency &&
    order.placedAt.getTime() === next.placedAt.getTime()
  );
}

function mergeLines(order: Order, next: Order): Order | undefined {
  try {
    const { total: _total, ...rest } = order;
    return parseOrder({ ...rest, lines: [...order.lines, ...next.lines] });
  } catch (e) {
    if (e instanceof ValidationError) return undefined;
    throw e;
  }
}
