import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Order, parseOrder, ValidationError } from '@crmkit/core';
import { type Options, Parser } from 'csv-parse';
import { CliError } from './errors';
import type { OrderColumn, OrdersCsvOptions } from './orders-csv';

// The shared plumbing of the two orders readers (readOrdersCsv and the columnar import): the parser
// options, the header, and the one-row validation that words every reject.

const REQUIRED: readonly OrderColumn[] = ['customer_id', 'date', 'amount'];
const OPTIONAL: readonly OrderColumn[] = ['order_id', 'currency', 'channel', 'category'];

const FIELD_OF_PATH: Record<string, OrderColumn> = {
  id: 'order_id',
  customerId: 'customer_id',
  placedAt: 'date',
  currency: 'currency',
  channel: 'channel',
  lines: 'amount',
  total: 'amount',
};

/** One validated row: the order it became, or why it was rejected. */
export type CheckedRow =
  | { readonly ok: true; readonly line: number; readonly order: Order }
  | { readonly ok: false; readonly line: number; readonly reason: string };

/** The csv-parse options both readers use. */
export function csvParseOptions(options: OrdersCsvOptions): Options {
  return {
    delimiter: options.delimiter === 'whitespace' ? [' ', '\t'] : (options.delimiter ?? ','),
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    bom: true,
  };
}

/** Opens a file for reading, or says in one line why it cannot be read. */
export async function openInput(source: string | Readable): Promise<Readable> {
  if (typeof source !== 'string') return source;
  try {
    const info = await stat(source);
    if (!info.isFile()) throw new CliError('CLI_INPUT', `${source} is not a file`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError('CLI_INPUT', `cannot read ${source}: no such file`, { path: source });
  }
  return createReadStream(source, { highWaterMark: 1 << 20 });
}

/** Where each logical column is in the header, or a one-line error naming the missing ones. */
export function headerIndex(
  header: readonly string[],
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

/**
 * Validates one row with core's order schema: the order it is (one line:
 * `sku` = category or `item`, quantity 1, unit price = amount; id `L<line>`
 * without `order_id`), or the reason it is rejected, naming CSV columns.
 */
export function checkRow(
  fields: readonly string[],
  line: number,
  index: ReadonlyMap<OrderColumn, number>,
  currency: string,
): CheckedRow {
  const get = (column: OrderColumn) => {
    const at = index.get(column);
    const value = at === undefined ? undefined : fields[at];
    return value === undefined || value === '' ? undefined : value;
  };
  const customerId = get('customer_id');
  const date = get('date');
  const amount = get('amount');
  const missing = REQUIRED.filter((c) => get(c) === undefined);
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
 * What {@link readCsvRecords} calls for every data record: its fields (in
 * whitespace mode without the empty ones), its line in the file (as
 * csv-parse counts them: the header is line 1) and the bytes read so far.
 */
export type RecordSink = (fields: string[], line: number, bytes: number) => void;

/**
 * csv-parse handing each record to a sink as it is parsed, with the line and
 * byte counters of the parser's documented `info` property at that moment:
 * the same numbers as the `info` option, without an info object per record
 * (which costs more than the parse itself). A sink that throws stops the read.
 */
class SinkParser extends Parser {
  constructor(
    options: Options,
    private readonly sink: (record: string[], line: number, bytes: number) => void,
  ) {
    super(options);
  }

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) return super.push(null, encoding);
    if (this.destroyed) return false;
    try {
      this.sink(record as string[], this.info.lines, this.info.bytes);
    } catch (error) {
      this.destroy(error as Error);
    }
    return true;
  }
}

/**
 * Reads an orders CSV in one streaming pass: the header row through
 * {@link headerIndex}, then every data record to `sink`, synchronously.
 * Throws a {@link CliError} for a missing or empty file or a bad header,
 * and whatever the sink throws.
 */
export async function readCsvRecords(
  source: string | Readable,
  options: OrdersCsvOptions,
  onHeader: (index: Map<OrderColumn, number>) => RecordSink,
): Promise<void> {
  const input = await openInput(source);
  const whitespace = options.delimiter === 'whitespace';
  let sink: RecordSink | undefined;
  const parser = new SinkParser(csvParseOptions(options), (record, line, bytes) => {
    const fields = whitespace ? record.filter((f) => f !== '') : record;
    if (sink === undefined) sink = onHeader(headerIndex(fields, options.columns ?? {}));
    else sink(fields, line, bytes);
  });
  parser.resume();
  await pipeline(input, parser);
  if (sink === undefined) throw new CliError('CLI_INPUT', 'the CSV file is empty (no header row)');
}
