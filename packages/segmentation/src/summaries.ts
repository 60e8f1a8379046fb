import {
  CurrencyMismatchError,
  CurrencySchema,
  type Decimal,
  decimalToMinorUnits,
  IdSchema,
  InstantSchema,
  Money,
  MoneySchema,
  minorUnitsToDecimal,
  type Order,
  parseWith,
  ValidationError,
  type ValidationIssue,
} from '@crmkit/core';
import { z } from 'zod';
import { forEachRow, type Source } from './source';

/**
 * What RFM needs to know about one customer's orders as of a date: how many
 * (frequency), the first and last order, and the net spend (monetary).
 *
 * @example
 * ```ts
 * const s: CustomerSummary = {
 *   customerId: 'c1', frequency: 3, monetary: Money.of('182.40', 'EUR'),
 *   firstOrderAt: new Date('2025-02-01'), lastOrderAt: new Date('2025-12-20'),
 * };
 * ```
 */
export interface CustomerSummary {
  /** The customer. */
  readonly customerId: string;
  /** Orders counted (at least 1). */
  readonly frequency: number;
  /** Net spend: order totals less the refunds known at `asOf`. */
  readonly monetary: Money;
  /** The first counted order. */
  readonly firstOrderAt: Date;
  /** The last counted order (recency is measured from it). */
  readonly lastOrderAt: Date;
}

/**
 * Per-customer order summaries as of one instant, in one currency: the input
 * of {@link scoreRfm}. `customers` is in the order customers were first seen.
 *
 * @example
 * ```ts
 * const summaries: CustomerSummaries = await summarizeOrders(storage.orders.list(), { asOf });
 * summaries.customers.length; // customers with at least one counted order
 * ```
 */
export interface CustomerSummaries {
  /** The instant the summaries describe. */
  readonly asOf: Date;
  /** The currency of every `monetary`; `undefined` only when there are no customers and none was given. */
  readonly currency: string | undefined;
  /** One summary per customer with at least one counted order. */
  readonly customers: readonly CustomerSummary[];
}

/**
 * Options of {@link summarizeOrders}.
 *
 * @example
 * ```ts
 * SummarizeOptionsSchema.parse({ asOf: '2026-01-01', currency: 'EUR' });
 * ```
 */
export const SummarizeOptionsSchema = z
  .object({
    /** Orders placed after this instant, and refunds made after it, are not counted. */
    asOf: InstantSchema,
    /** The currency every order must have; by default the first order's. */
    currency: CurrencySchema.optional(),
  })
  .strict();

/**
 * What {@link SummarizeOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: SummarizeOptions = { asOf: new Date('2026-01-01T00:00:00Z') };
 * ```
 */
export type SummarizeOptions = z.input<typeof SummarizeOptionsSchema>;

/**
 * Summarises orders per customer in one pass, with memory bounded by the
 * number of customers (never by the number of orders): works on arrays and
 * on `storage.orders.list()` streams of any order.
 *
 * Counted orders: placed at or before `asOf` and not `cancelled`. Frequency
 * is the number of counted orders (a fully refunded order still counts as a
 * purchase). Monetary is the sum of `total` less the refunds made at or
 * before `asOf` — core's `netTotal(order)` once every refund is known — and
 * is exact (decimal). All orders must share one currency; another throws
 * `CurrencyMismatchError`.
 *
 * @example
 * ```ts
 * const summaries = await summarizeOrders(storage.orders.list(), { asOf: new Date('2026-01-01T00:00:00Z') });
 * summaries.customers[0]; // { customerId, frequency, monetary, firstOrderAt, lastOrderAt }
 * ```
 */
export async function summarizeOrders(
  orders: Source<Order>,
  options: SummarizeOptions,
): Promise<CustomerSummaries> {
  const { asOf, currency: wanted } = parseWith(SummarizeOptionsSchema, 'summarize options', options);
  const accumulator = new SummaryAccumulator(asOf.getTime(), wanted);
  await forEachRow(orders, 'orders', (order, i) => accumulator.add(order, i));
  return accumulator.finish(asOf);
}

/**
 * Reads per-customer summaries computed elsewhere (a SQL `GROUP BY`, a
 * warehouse export) into {@link CustomerSummaries}, validating every row:
 * amounts as Money or `{ amount, currency }`, dates as ISO strings or Dates.
 * Throws `ValidationError` with the row index in each path.
 *
 * @example
 * ```ts
 * const summaries = customerSummaries(
 *   [{ customerId: 'c1', frequency: 2, monetary: { amount: '80.00', currency: 'EUR' }, lastOrderAt: '2025-12-01' }],
 *   { asOf: '2026-01-01' },
 * );
 * ```
 */
export function customerSummaries(rows: readonly unknown[], options: SummarizeOptions): CustomerSummaries {
  const { asOf, currency: wanted } = parseWith(SummarizeOptionsSchema, 'summarize options', options);
  const parsed = parseWith(CustomerSummaryRowsSchema, 'customer summaries', rows);
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  const currency = wanted ?? parsed[0]?.monetary.currency;
  parsed.forEach((row, i) => {
    if (seen.has(row.customerId)) issues.push(issue([i, 'customerId'], 'duplicate customer'));
    seen.add(row.customerId);
    if (row.monetary.currency !== currency) issues.push(issue([i, 'monetary'], `must be in ${currency}`));
    if (row.lastOrderAt > asOf) issues.push(issue([i, 'lastOrderAt'], 'must not be after asOf'));
    if (row.firstOrderAt !== undefined && row.firstOrderAt > row.lastOrderAt) {
      issues.push(issue([i, 'firstOrderAt'], 'must not be after lastOrderAt'));
    }
  });
  if (issues.length > 0) throw new ValidationError('customer summaries', issues);
  return {
    asOf,
    currency,
    customers: parsed.map((row) => ({ ...row, firstOrderAt: row.firstOrderAt ?? row.lastOrderAt })),
  };
}

/**
 * One row of {@link customerSummaries}: `firstOrderAt` defaults to
 * `lastOrderAt` when unknown.
 *
 * @example
 * ```ts
 * CustomerSummaryRowSchema.parse({ customerId: 'c1', frequency: 1, monetary: { amount: '9.90', currency: 'EUR' }, lastOrderAt: '2025-06-01' });
 * ```
 */
export const CustomerSummaryRowSchema = z
  .object({
    customerId: IdSchema,
    frequency: z.number().int('must be a whole number').positive('must be at least 1'),
    monetary: MoneySchema,
    firstOrderAt: InstantSchema.optional(),
    lastOrderAt: InstantSchema,
  })
  .strict();

const CustomerSummaryRowsSchema = z.array(CustomerSummaryRowSchema);

function issue(path: (string | number)[], message: string): ValidationIssue {
  return { path, message, code: 'custom' };
}

/**
 * A summary in columns, what scoring reads: ids, frequencies, first and last
 * order instants (ms), net spend as doubles for ranking, and the exact
 * amount of each customer on demand.
 */
export interface SummaryColumns {
  readonly asOf: Date;
  readonly currency: string | undefined;
  readonly ids: readonly string[];
  readonly frequency: ArrayLike<number>;
  readonly first: ArrayLike<number>;
  readonly last: ArrayLike<number>;
  readonly monetary: Float64Array;
  money(index: number): Money;
}

/** The columns of summaries already built (see {@link SummaryColumns}). */
export function summaryColumns(summaries: CustomerSummaries): SummaryColumns {
  const rows = summaries.customers;
  const monetary = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) monetary[i] = rows[i]!.monetary.amount.toNumber();
  return {
    asOf: summaries.asOf,
    currency: summaries.currency,
    ids: rows.map((r) => r.customerId),
    frequency: rows.map((r) => r.frequency),
    first: rows.map((r) => r.firstOrderAt.getTime()),
    last: rows.map((r) => r.lastOrderAt.getTime()),
    monetary,
    money: (i) => rows[i]!.monetary,
  };
}

/**
 * Accumulates orders per customer in columns (ids → index, typed arrays for
 * dates, counts and net spend in minor units; see `sorted` for streams
 * ordered by customer): the single pass behind
 * {@link summarizeOrders} and `runSegmentation`. Spend is summed exactly as
 * whole minor units; a customer with an amount finer than the currency's
 * minor unit, or beyond 2⁵³ units, is summed in decimal instead.
 */
export class SummaryAccumulator {
  private readonly index = new Map<string, number>();
  private readonly ids: string[] = [];
  /** Customers summed in decimal (see the class comment), created on the first. */
  private exact: Map<number, Decimal> | undefined;
  private first = new Float64Array(1024);
  private last = new Float64Array(1024);
  private counts = new Uint32Array(1024);
  private units = new Float64Array(1024);
  private currency: string | undefined;
  private digits = 2;
  private lastId: string | undefined;
  private lastIndex = 0;
  /**
   * While every new customer id is greater than the last (a stream ordered by
   * customer, as `orders.list({ orderBy: 'customer' })` gives), ids need no
   * hash map: each new id is new, and `ids` stays sorted for lookups.
   */
  private sorted = true;

  constructor(
    private readonly asOf: number,
    currency: string | undefined,
  ) {
    this.currency = currency;
    if (currency !== undefined) this.digits = Money.zero(currency).minorDigits;
  }

  /** Counts one order; `index` (its position in the stream) names it in errors. */
  add(order: Order, index: number): void {
    const id = order?.customerId;
    const placedAt = order?.placedAt;
    const total = order?.total;
    if (typeof id !== 'string' || !(placedAt instanceof Date) || !(total instanceof Money)) {
      throw notAnOrder(index);
    }
    if (order.status === 'cancelled') return;
    const placed = placedAt.getTime();
    if (placed > this.asOf) return;
    if (order.currency !== this.currency) this.adopt(order);
    let i: number;
    if (id === this.lastId) {
      i = this.lastIndex;
      if (placed < this.first[i]!) this.first[i] = placed;
      if (placed > this.last[i]!) this.last[i] = placed;
    } else {
      i = this.customer(id, placed);
      this.lastId = id;
      this.lastIndex = i;
    }
    this.counts[i]!++;
    const refunds = order.refunds;
    if (!Array.isArray(refunds)) throw notAnOrder(index);
    // the order's net amount in minor units: one exact integer sum per order, decimals only as a fallback
    let net = decimalToMinorUnits(total.amount, this.digits);
    for (let r = 0; r < refunds.length; r++) {
      const refund = refunds[r]!;
      if (!(refund?.refundedAt instanceof Date) || !(refund.amount instanceof Money)) throw notAnOrder(index);
      if (refund.refundedAt.getTime() > this.asOf) continue;
      const units = net === undefined ? undefined : decimalToMinorUnits(refund.amount.amount, this.digits);
      net = units === undefined ? undefined : (net as number) - units;
      if (net !== undefined && !Number.isSafeInteger(net)) net = undefined;
    }
    const sum = net === undefined ? Number.NaN : this.units[i]! + net;
    if (Number.isSafeInteger(sum) && (this.exact === undefined || !this.exact.has(i))) this.units[i] = sum;
    else this.creditExactly(i, order);
  }

  /** Takes the first order's currency, or throws for an order in another one. */
  private adopt(order: Order): void {
    if (this.currency !== undefined) {
      throw new CurrencyMismatchError(this.currency, order.currency, `summarise order ${order.id} with`);
    }
    this.currency = order.currency;
    this.digits = order.total.minorDigits;
  }

  /** The column index of a customer other than the last one, added (first = last = `placed`) if new. */
  private customer(id: string, placed: number): number {
    let i: number | undefined;
    if (!this.sorted || (this.lastId !== undefined && id <= this.lastId)) {
      if (this.sorted) this.indexAll();
      i = this.index.get(id);
    }
    if (i === undefined) {
      i = this.ids.length;
      if (!this.sorted) this.index.set(id, i);
      this.ids.push(id);
      if (i === this.counts.length) this.grow();
      this.first[i] = placed;
      this.last[i] = placed;
    } else {
      if (placed < this.first[i]!) this.first[i] = placed;
      if (placed > this.last[i]!) this.last[i] = placed;
    }
    return i;
  }

  /** Credits an order's net amount to a customer in decimal (see the class comment). */
  private creditExactly(i: number, order: Order): void {
    this.exact ??= new Map();
    let exact = this.exact.get(i) ?? minorUnitsToDecimal(this.units[i]!, this.digits);
    exact = exact.plus(order.total.amount);
    for (const refund of order.refunds) {
      if (refund.refundedAt.getTime() <= this.asOf) exact = exact.minus(refund.amount.amount);
    }
    this.exact.set(i, exact);
  }

  /** The position of a customer in the columns, if seen. */
  indexOf(customerId: string): number | undefined {
    if (!this.sorted) return this.index.get(customerId);
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid]! < customerId) lo = mid + 1;
      else hi = mid;
    }
    return this.ids[lo] === customerId ? lo : undefined;
  }

  /** Leaves sorted mode: the stream is not ordered by customer, so look customers up by id from now on. */
  private indexAll(): void {
    this.sorted = false;
    this.ids.forEach((id, i) => {
      this.index.set(id, i);
    });
  }

  /** The customers seen, in first-seen order, as columns. */
  columns(asOf: Date): SummaryColumns {
    const n = this.ids.length;
    const scale = 10 ** this.digits;
    const monetary = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const exact = this.exact?.get(i);
      monetary[i] = exact === undefined ? this.units[i]! / scale : exact.toNumber();
    }
    return {
      asOf,
      currency: this.currency,
      ids: this.ids,
      frequency: this.counts.subarray(0, n),
      first: this.first.subarray(0, n),
      last: this.last.subarray(0, n),
      monetary,
      money: (i) => this.money(i),
    };
  }

  /** The summaries of every customer seen, in first-seen order. */
  finish(asOf: Date): CustomerSummaries {
    const customers: CustomerSummary[] = new Array(this.ids.length);
    for (let i = 0; i < this.ids.length; i++) {
      customers[i] = {
        customerId: this.ids[i]!,
        frequency: this.counts[i]!,
        monetary: this.money(i),
        firstOrderAt: new Date(this.first[i]!),
        lastOrderAt: new Date(this.last[i]!),
      };
    }
    return { asOf, currency: this.currency, customers };
  }

  private money(i: number): Money {
    const exact = this.exact?.get(i);
    if (exact !== undefined) return Money.of(exact, this.currency!);
    // integer units times a power of ten: exact, and the cheapest way to a Decimal
    return Money.of(minorUnitsToDecimal(this.units[i]!, this.digits), this.currency!);
  }

  private grow(): void {
    const size = this.counts.length * 2;
    this.first = resized(this.first, new Float64Array(size));
    this.last = resized(this.last, new Float64Array(size));
    this.units = resized(this.units, new Float64Array(size));
    this.counts = resized(this.counts, new Uint32Array(size));
  }
}

function resized<T extends Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function notAnOrder(index: number): ValidationError {
  return new ValidationError('orders', [
    {
      path: [index],
      message:
        'must be a parsed Order (customerId, placedAt as Date, total and refunds as Money; see parseOrder)',
      code: 'invalid_type',
    },
  ]);
}
