import { CliError } from '../errors';
import type { OrderColumn, OrdersCsvOptions } from '../orders-csv';
import type { ParsedArgs } from '../run';

const DELIMITERS: Record<string, string> = { tab: '\t', comma: ',', semicolon: ';' };
const COLUMNS = new Set<string>([
  'customer_id',
  'date',
  'amount',
  'order_id',
  'currency',
  'channel',
  'category',
]);

/** Reads `--columns`, `--delimiter` and `--currency` into orders CSV options. */
export function ordersCsvOptions(args: ParsedArgs): OrdersCsvOptions {
  const { columns, delimiter, currency } = args.values;
  return {
    ...(typeof columns === 'string' ? { columns: parseColumns(columns) } : {}),
    ...(typeof delimiter === 'string' ? { delimiter: DELIMITERS[delimiter] ?? delimiter } : {}),
    ...(typeof currency === 'string' ? { currency } : {}),
  };
}

function parseColumns(spec: string): Partial<Record<OrderColumn, string>> {
  const columns: Partial<Record<OrderColumn, string>> = {};
  for (const pair of spec.split(',')) {
    const [key, name] = pair.split('=').map((s) => s.trim());
    if (!key || !name || !COLUMNS.has(key)) {
      throw new CliError(
        'CLI_USAGE',
        `--columns expects column=name pairs such as customer_id=cust, got ${JSON.stringify(pair)}`,
      );
    }
    columns[key as OrderColumn] = name;
  }
  return columns;
}
