import type { Readable } from 'node:stream';
import type { Order } from '@crmkit/core';
import { parse } from 'csv-parse';
import { checkRow, csvParseOptions, headerIndex, openInput } from './csv-input';
import { CliError } from './errors';

export { normaliseDate } from './csv-input';

/**
 * The logical columns of an orders CSV. `customer_id`, `date` and `amount`
 * are required; the others are optional.
 *
 * @example
 * ```ts
 * const col: OrderColumn = 'customer_id';
 * ```
 */
export type OrderColumn =
  | 'customer_id'
  | 'date'
  | 'amount'
  | 'order_id'
  | 'currency'
  | 'channel'
  | 'category';

/**
 * How to read an orders CSV.
 *
 * @example
 * ```ts
 * const options: OrdersCsvOptions = { columns: { customer_id: 'cust', amount: 'value' }, delimiter: ';' };
 * ```
 */
export interface OrdersCsvOptions {
  /** Header names to use for the logical columns, e.g. `{ customer_id: 'cust' }`. */
  readonly columns?: Partial<Record<OrderColumn, string>>;
  /** Field separator: `,` (default), `;`, `\t`, or `whitespace` (runs of spaces and tabs). */
  readonly delimiter?: string;
  /** Currency of rows without a `currency` column (default `EUR`). */
  readonly currency?: string;
}

/**
 * One data row of the CSV: the order it became, or why it was rejected.
 * `line` is the 1-based line number in the file (the header is line 1);
 * `bytes` is how much of the input has been read up to this row.
 *
 * @example
 * ```ts
 * for await (const row of readOrdersCsv('orders.csv')) if (!row.ok) console.error(row.line, row.reason);
 * ```
 */
export type OrdersCsvRow =
  | { readonly ok: true; readonly line: number; readonly bytes: number; readonly order: Order }
  | { readonly ok: false; readonly line: number; readonly bytes: number; readonly reason: string };

/**
 * Streams an orders CSV (`customer_id,date,amount` plus optional
 * `order_id,currency,channel,category`), validating every row with core's
 * order schema. Rows are yielded one at a time, so files of any size are read
 * with bounded memory; a bad row is yielded as a reject with its line number
 * and reason, never dropped silently. A missing or empty file, or a header
 * without the needed columns, throws a {@link CliError}.
 *
 * Each row becomes an order with one line (`sku` = category or `item`,
 * quantity 1, unit price = amount); rows without `order_id` get the id
 * `L<line>`. Dates may be ISO (`2026-03-01`, `2026-03-01T10:00:00Z`) or
 * `YYYYMMDD`.
 *
 * @example
 * ```ts
 * for await (const row of readOrdersCsv('examples/data/orders.csv')) {
 *   if (row.ok) await storage.orders.create(row.order);
 * }
 * ```
 */
export async function* readOrdersCsv(
  source: string | Readable,
  options: OrdersCsvOptions = {},
): AsyncGenerator<OrdersCsvRow> {
  const input = await openInput(source);
  const whitespace = options.delimiter === 'whitespace';
  const parser = input.pipe(parse({ ...csvParseOptions(options), info: true }));
  let index: Map<OrderColumn, number> | undefined;
  const currency = options.currency ?? 'EUR';
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number; bytes: number };
  }>) {
    const fields = whitespace ? record.filter((f) => f !== '') : record;
    if (index === undefined) {
      index = headerIndex(fields, options.columns ?? {});
      continue;
    }
    yield { ...checkRow(fields, info.lines, index, currency), bytes: info.bytes };
  }
  if (index === undefined) throw new CliError('CLI_INPUT', 'the CSV file is empty (no header row)');
}
