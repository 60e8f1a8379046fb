import type { Readable } from 'node:stream';
import { currencyDigits, decimalToMinorUnits } from '@crmkit/core';
import { checkRow, readCsvRecords } from './csv-input';
import { CliError } from './errors';
import { IdSet } from './id-set';
import type { ImportSummary, RejectedRow } from './import-orders';
import type { OrdersCsvOptions } from './orders-csv';

/**
 * The orders of a CSV held in columns, one entry per order (typed arrays,
 * no object per order), plus what an import reports. Amounts are exact:
 * whole minor units of each order's currency (cents for EUR).
 *
 * @example
 * ```ts
 * const columns: OrderColumns = await importOrderColumns('orders.csv');
 * columns.customerIds[columns.customerOf[0]!]; // the first order's customer
 * ```
 */
export interface OrderColumns extends ImportSummary {
  /** Customer ids by customer index, in the order first seen. */
  readonly customerIds: readonly string[];
  /** Each order's customer index. */
  readonly customerOf: Int32Array;
  /** Each order's time, in milliseconds since the epoch (UTC). */
  readonly placedAt: Float64Array;
  /** Each order's total, in whole minor units of its currency. */
  readonly units: Float64Array;
  /** Each order's currency, as an index into `currencyCodes`. */
  readonly currencyOf: Uint8Array;
  /** The currencies seen, by index. */
  readonly currencyCodes: readonly string[];
}

/**
 * How {@link importOrderColumns} reads and reports.
 *
 * @example
 * ```ts
 * const options: ImportOrderColumnsOptions = { strict: true, onReject: (r) => console.error(r.line, r.reason) };
 * ```
 */
export interface ImportOrderColumnsOptions extends OrdersCsvOptions {
  /** Called for every rejected row, in file order. */
  readonly onReject?: (row: RejectedRow) => void;
  /** Called now and then with the rows read (accepted + rejected) and bytes read so far. */
  readonly onProgress?: (rows: number, bytes: number) => void;
  /** Stop at the first rejected row with a `CLI_INPUT` error (after reporting it). */
  readonly strict?: boolean;
}

const PROGRESS_EVERY = 4096;
const MAX_CURRENCIES = 256;

/**
 * Reads an orders CSV into {@link OrderColumns} in one streaming pass: the
 * fast import behind `crmkit analyze` without `--db`. The rules are
 * `importOrdersCsv`'s: every row is validated as core's order schema would
 * (plain rows by a hand-written check, anything else by the schema itself,
 * which also words every reject), consecutive rows of one `order_id` become
 * one order, and a repeated order id is rejected with its line; rejects are
 * reported in file order. Memory grows with orders as a few typed-array
 * entries each.
 *
 * Amounts must be whole minor units of their currency with sums below 2⁵³
 * units: a file with a finer amount (say `19.999` EUR) or larger sums throws
 * `CliError` `CLI_NOT_COLUMNAR`, and is read with `importOrdersCsv` instead.
 * A missing or empty file or a header without the needed columns throws
 * `CLI_INPUT`, as does the first reject with `strict`.
 *
 * @example
 * ```ts
 * const columns = await importOrderColumns('examples/data/orders.csv', {
 *   onReject: (r) => console.error(`line ${r.line}: ${r.reason}`),
 * });
 * console.log(columns.orders, columns.rejects.length);
 * ```
 */
export async function importOrderColumns(
  source: string | Readable,
  options: ImportOrderColumnsOptions = {},
): Promise<OrderColumns> {
  const defaultCurrency = options.currency ?? 'EUR';
  const rejects: RejectedRow[] = [];
  const customerIndex = new Map<string, number>();
  const customerIds: string[] = [];
  const currencyIndex = new Map<string, number>();
  const currencyCodes: string[] = [];
  const digitsOf: number[] = [];
  const ordersPerCurrency: number[] = [];
  let customerOf = new Int32Array(1 << 16);
  let placedAt = new Float64Array(1 << 16);
  let units = new Float64Array(1 << 16);
  let currencyOf = new Uint8Array(1 << 16);
  let orders = 0;
  let acceptedRows = 0;
  let rows = 0;
  let bytesRead = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;

  const reject = (line: number, reason: string) => {
    const row = { line, reason };
    rejects.push(row);
    options.onReject?.(row);
    if (options.strict === true)
      throw new CliError('CLI_INPUT', `line ${line} rejected and --strict is set; nothing imported`);
  };
  const currencyOfCode = (code: string): number => {
    let at = currencyIndex.get(code);
    if (at === undefined) {
      at = currencyCodes.length;
      if (at === MAX_CURRENCIES) throw notColumnar(`more than ${MAX_CURRENCIES} currencies`);
      currencyIndex.set(code, at);
      currencyCodes.push(code);
      digitsOf.push(currencyDigits(code) ?? 2);
      ordersPerCurrency.push(0);
    }
    return at;
  };
  const grow = () => {
    const size = customerOf.length * 2;
    customerOf = grown(customerOf, new Int32Array(size));
    placedAt = grown(placedAt, new Float64Array(size));
    units = grown(units, new Float64Array(size));
    currencyOf = grown(currencyOf, new Uint8Array(size));
  };
  // Exports often list a customer's orders together: the last customer needs no hash lookup.
  let lastCustomerId = '';
  let lastCustomer = -1;
  const append = (customerId: string, t: number, amount: number, currency: number) => {
    if (orders === customerOf.length) grow();
    let customer = customerId === lastCustomerId ? lastCustomer : customerIndex.get(customerId);
    if (customer === undefined) {
      customer = customerIds.length;
      customerIndex.set(customerId, customer);
      customerIds.push(customerId);
    }
    lastCustomerId = customerId;
    lastCustomer = customer;
    customerOf[orders] = customer;
    placedAt[orders] = t;
    units[orders] = amount;
    currencyOf[orders] = currency;
    ordersPerCurrency[currency]!++;
    if (t < first) first = t;
    if (t > last) last = t;
    return orders++;
  };

  // The order being read (its rows may continue on the next lines) when the file has order ids.
  const seenIds = new IdSet();
  let pendingId: string | undefined;
  let pendingCustomer = '';
  let pendingTime = 0;
  let pendingCurrency = 0;
  let pendingSlot = -1;
  let pendingReject: string | undefined;

  await readCsvRecords(source, options, (index) => {
    const at = (column: Parameters<typeof index.get>[0]) => index.get(column) ?? -1;
    const iCustomer = at('customer_id');
    const iDate = at('date');
    const iAmount = at('amount');
    const iOrder = at('order_id');
    const iCurrency = at('currency');
    const withIds = iOrder >= 0;
    return (fields, line, bytes) => {
      bytesRead = bytes;
      if (++rows % PROGRESS_EVERY === 0) options.onProgress?.(rows, bytes);
      const customer = fields[iCustomer];
      const date = fields[iDate];
      const amount = fields[iAmount];
      const orderId = withIds ? fields[iOrder] || undefined : undefined;
      let currency = currencyIndex.get((iCurrency >= 0 && fields[iCurrency]) || defaultCurrency);
      let customerId = customer ?? '';
      let id = orderId;
      const plain =
        currency !== undefined &&
        isPlainId(customerId) &&
        (orderId === undefined || isPlainId(orderId)) &&
        date !== undefined &&
        amount !== undefined;
      let t = plain ? dayTime(date) : Number.NaN;
      let amountUnits = Number.isNaN(t) ? -1 : plainUnits(amount!, digitsOf[currency!]!);
      if (amountUnits < 0 || currency === undefined) {
        const row = checkRow(fields, line, index, defaultCurrency);
        if (!row.ok) return reject(line, row.reason);
        const { order } = row;
        customerId = order.customerId;
        id = order.id;
        t = order.placedAt.getTime();
        currency = currencyOfCode(order.currency);
        const exact = decimalToMinorUnits(order.total.amount, digitsOf[currency]!);
        if (exact === undefined)
          throw notColumnar(
            `line ${line}: amount ${order.total.amount.toString()} is finer than a minor unit`,
          );
        amountUnits = exact;
      }
      if (!withIds) {
        append(customerId, t, amountUnits, currency);
        acceptedRows++;
        return;
      }
      id ??= `L${line}`;
      if (
        id === pendingId &&
        customerId === pendingCustomer &&
        t === pendingTime &&
        currency === pendingCurrency
      ) {
        // another line of the order on the previous row(s)
        if (pendingReject !== undefined) return reject(line, pendingReject);
        const sum = units[pendingSlot]! + amountUnits;
        if (!Number.isSafeInteger(sum)) throw notColumnar(`line ${line}: an order total beyond 2^53 units`);
        units[pendingSlot] = sum;
        acceptedRows++;
        return;
      }
      pendingId = id;
      pendingCustomer = customerId;
      pendingTime = t;
      pendingCurrency = currency;
      if (!seenIds.add(id)) {
        pendingReject = `order_id: ${JSON.stringify(id)} already exists`;
        return reject(line, pendingReject);
      }
      pendingReject = undefined;
      pendingSlot = append(customerId, t, amountUnits, currency);
      acceptedRows++;
    };
  });
  options.onProgress?.(rows, bytesRead);

  const columns: OrderColumns = {
    acceptedRows,
    orders,
    rejects,
    currencies: new Map(currencyCodes.map((code, i) => [code, ordersPerCurrency[i] ?? 0])),
    firstOrderAt: orders === 0 ? undefined : new Date(first),
    lastOrderAt: orders === 0 ? undefined : new Date(last),
    customerIds,
    customerOf: customerOf.subarray(0, orders),
    placedAt: placedAt.subarray(0, orders),
    units: units.subarray(0, orders),
    currencyOf: currencyOf.subarray(0, orders),
    currencyCodes,
  };
  // The row closure above may outlive this call (the parser keeps it), and with it this scope:
  // let go of the id set and the arrays here, so that only the returned columns hold memory.
  seenIds.clear();
  customerIndex.clear();
  customerOf = new Int32Array(0);
  placedAt = new Float64Array(0);
  units = new Float64Array(0);
  currencyOf = new Uint8Array(0);
  return columns;
}

function grown<T extends Int32Array | Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function notColumnar(why: string): CliError {
  return new CliError('CLI_NOT_COLUMNAR', `the orders cannot be held in columns exactly: ${why}`);
}

/**
 * An id core's `IdSchema` accepts for sure: 1–200 characters that start and
 * end with printable ASCII (anything else goes through the schema).
 */
function isPlainId(text: string): boolean {
  const n = text.length;
  if (n === 0 || n > 200) return false;
  const a = text.charCodeAt(0);
  const b = text.charCodeAt(n - 1);
  return a > 32 && a < 127 && b > 32 && b < 127;
}

/**
 * The UTC midnight of a `YYYY-MM-DD` or `YYYYMMDD` calendar date (a year
 * from 100 on), or NaN for anything else (including impossible dates, which
 * the schema then rejects): exactly the instants the schema gives.
 */
function dayTime(text: string): number {
  let y: number;
  let m: number;
  let d: number;
  if (text.length === 10) {
    if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return Number.NaN;
    y = digits(text, 0, 4);
    m = digits(text, 5, 7);
    d = digits(text, 8, 10);
  } else if (text.length === 8) {
    y = digits(text, 0, 4);
    m = digits(text, 4, 6);
    d = digits(text, 6, 8);
  } else return Number.NaN;
  if (!(y >= 100 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m))) return Number.NaN;
  return Date.UTC(y, m - 1, d);
}

/** The number written by the ASCII digits `text[from, to)`, or NaN. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    n = n * 10 + c;
  }
  return n;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const POW10 = [1, 10, 100, 1000, 10_000];

/**
 * A plain non-negative decimal (`123`, `19.9`, `19.90`, `7.`) as whole
 * `scale`-decimal units, or -1 for anything else: signs, exponents, more
 * decimals than the currency has, more than 15 digits (the schema decides
 * those).
 */
function plainUnits(text: string, scale: number): number {
  const n = text.length;
  if (n === 0 || n > 16) return -1;
  let units = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) break;
    if (c < 48 || c > 57) return -1;
    units = units * 10 + (c - 48);
  }
  const decimals = i === n ? 0 : n - i - 1;
  if (i === 0 || decimals > scale || i + decimals > 15) return -1;
  for (let j = i + 1; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) return -1;
    units = units * 10 + (c - 48);
  }
  // fewer than 16 digits are exact in a double, and so is the product while it stays safe
  const scaled = units * POW10[scale - decimals]!;
  return scaled <= Number.MAX_SAFE_INTEGER ? scaled : -1;
}
