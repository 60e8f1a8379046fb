import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { type Order, parseOrder, ValidationError } from '@crmkit/core';
import { parse } from 'csv-parse';
import { CliError } from './errors';

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

const REQUIRED: readonly OrderColumn[] = ['customer_id', 'date', 'amount'];
const OPTIONAL: readonly OrderColumn[] = ['order_id', 'currency', 'channel', 'category'];

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

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const FIELD_OF_PATH: Record<string, OrderColumn> = {
  id: 'order_id',
  customerId: 'customer_id',
  placedAt: 'date',
  currency: 'currency',
  channel: 'channel',
  lines: 'amount',
  total: 'amount',
};

/**
 * Turns `YYYYMMDD` into `YYYY-MM-DD`; leaves ISO dates as they are.
 *
 * @example
 * ```ts
 * normaliseDate('19970101'); // '1997-01-01'
 * ```
 */
export function normaliseDate(text: string): string {
  return /^\d{8}$/.test(text) ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}` : text;
}

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
  const input = typeof source === 'string' ? await openFile(source) : source;
  const whitespace = options.delimiter === 'whitespace';
  const parser = input.pipe(
    parse({
      delimiter: whitespace ? [' ', '\t'] : (options.delimiter ?? ','),
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      bom: true,
    }),
  );
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
    yield { ...toRow(fields, info.lines, index, currency), bytes: info.bytes };
  }
  if (index === undefined) throw new CliError('CLI_INPUT', 'the CSV file is empty (no header row)');
}

async function openFile(path: string): Promise<Readable> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError('CLI_INPUT', `${path} is not a file`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError('CLI_INPUT', `cannot read ${path}: no such file`, { path });
  }
  return createReadStream(path);
}

function headerIndex(
  header: string[],
  names: Partial<Record<OrderColumn, string>>,
): Map<OrderColumn, number> {
  const position = new Map(header.map((name, i) => [name.trim().toLowerCase(), i] as const));
  const index = new Map<OrderColumn, number>();
  const missing: string[] = [];
  for (const column of [...REQUIRED, ...OPTIONAL]) {
    const name = (names[column] ?? column).toLowerCase();
    const at = position.get(name);
    if (at !== undefined) index.set(column, at);
    else if (REQUIRED.includes(column))
      missing.push(names[column] === undefined ? column : `${name} (${column})`);
  }
  if (missing.length > 0) {
    throw new CliError(
      'CLI_INPUT',
      `the CSV header lacks ${missing.join(', ')}; found ${header.join(',') || 'nothing'} (map names with --columns customer_id=...,date=...,amount=...)`,
      { missing },
    );
  }
  return index;
}

function toRow(
  fields: string[],
  line: number,
  index: Map<OrderColumn, number>,
  currency: string,
): DistributiveOmit<OrdersCsvRow, 'bytes'> {
  const get = (column: OrderColumn) => {
    const at = index.get(column);
    const value = at === undefined ? undefined : fields[at];
    return value === undefined || value === '' ? undefined : value;
  };
  const customerId = get('customer_id');
  const date = get('date');
  const amount = get('amount');
  const missing = (['customer_id', 'date', 'amount'] as const).filter((c) => get(c) === undefined);
  if (missing.length > 0) return { ok: false, line, reason: `missing ${missing.join(', ')}` };
  const category = get('category');
  const channel = get('channel');
  try {
    const order = parseOrder({
      id: get('order_id') ?? `L${line}`,
      customerId,
      placedAt: normaliseDate(date!),
      currency: get('currency') ?? currency,
      lines: [{ sku: category ?? 'item', ...(category ? { category } : {}), quantity: 1, unitPrice: amount }],
      ...(channel ? { channel } : {}),
    });
    return { ok: true, line, order };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const reason = e.issues
      .map((issue) => {
        const column = FIELD_OF_PATH[String(issue.path[0])] ?? String(issue.path[0]);
        return `${column}: ${issue.message}`;
      })
      .join('; ');
    return { ok: false, line, reason };
  }
}
