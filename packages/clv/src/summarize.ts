import {
  AmountSchema,
  type Decimal,
  IdSchema,
  InstantSchema,
  Money,
  parseWith,
  toDecimal,
  ValidationError,
  type ValidationIssue,
} from '@crmkit/core';
import { z } from 'zod';

const DAY_MS = 86_400_000;

/**
 * One transaction: who (`customerId`), when (`date`: a `Date`, an ISO 8601
 * date-time or a `YYYY-MM-DD` date, in UTC) and, for monetary summaries,
 * how much (`amount`: a decimal string, number, `Decimal` or `Money`, ≥ 0).
 *
 * @example
 * ```ts
 * TransactionSchema.parse({ customerId: 'c1', date: '2026-01-05', amount: '19.90' });
 * ```
 */
export const TransactionSchema = z.object({
  customerId: IdSchema,
  date: InstantSchema,
  amount: AmountSchema.optional(),
});

/**
 * What {@link TransactionSchema} accepts.
 *
 * @example
 * ```ts
 * const tx: Transaction = { customerId: 'c1', date: new Date('2026-01-05T10:00:00Z'), amount: 19.9 };
 * ```
 */
export type Transaction = z.input<typeof TransactionSchema>;

/**
 * Options of {@link summarizeTransactions}: `calibrationEnd` (inclusive; later
 * transactions are holdout or ignored), `observationEnd` (optional, ≥
 * calibrationEnd: adds the holdout-period columns), `timeUnit` ('days' or
 * 'weeks' = days ÷ 7) and `monetary: 'mean'` to add the mean value of the
 * repeat purchase days.
 *
 * @example
 * ```ts
 * SummarizeOptionsSchema.parse({ calibrationEnd: '2026-06-30', timeUnit: 'weeks', monetary: 'mean' });
 * ```
 */
export const SummarizeOptionsSchema = z
  .strictObject({
    calibrationEnd: InstantSchema,
    observationEnd: InstantSchema.optional(),
    timeUnit: z.enum(['days', 'weeks']),
    monetary: z.literal('mean').optional(),
  })
  .refine((o) => o.observationEnd === undefined || o.observationEnd >= o.calibrationEnd, {
    path: ['observationEnd'],
    message: 'must not be before calibrationEnd',
  });

/**
 * What {@link SummarizeOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: SummarizeOptions = { calibrationEnd: '2026-06-30', timeUnit: 'days' };
 * ```
 */
export type SummarizeOptions = z.input<typeof SummarizeOptionsSchema>;

/**
 * One customer's summary, ready for {@link fitBgNbd}, {@link fitParetoNbd}
 * and (with `monetary: 'mean'`, for repeat customers) {@link fitGammaGamma}:
 *
 * - `frequency`: distinct purchase days after the first purchase day, up to calibrationEnd;
 * - `recency`: time from the first to the last purchase day;
 * - `T`: time from the first purchase day to calibrationEnd's day;
 * - `monetaryValue` (with `monetary: 'mean'`): mean amount of the repeat purchase
 *   days (a day's amount is the sum of its orders), 0 when frequency is 0;
 * - with `observationEnd`: `holdoutFrequency` (purchase days after calibrationEnd
 *   up to observationEnd), `holdoutDuration`, and with `monetary: 'mean'`
 *   `holdoutMonetaryValue` (mean amount of those days, 0 when none).
 *
 * @example
 * ```ts
 * const row: CustomerSummary = { customerId: 'c1', frequency: 2, recency: 30.43, T: 38.86 };
 * ```
 */
export interface CustomerSummary {
  /** The customer. */
  readonly customerId: string;
  /** Repeat purchase days in the calibration period. */
  readonly frequency: number;
  /** First to last purchase day, in the time unit. */
  readonly recency: number;
  /** First purchase day to the end of calibration, in the time unit. */
  readonly T: number;
  /** Mean amount of the repeat purchase days (with `monetary: 'mean'`). */
  readonly monetaryValue?: number;
  /** Purchase days in the holdout period (with `observationEnd`). */
  readonly holdoutFrequency?: number;
  /** Length of the holdout period, in the time unit (with `observationEnd`). */
  readonly holdoutDuration?: number;
  /** Mean amount of the holdout purchase days (with `observationEnd` and `monetary: 'mean'`). */
  readonly holdoutMonetaryValue?: number;
}

interface Customer {
  readonly id: string;
  /** Purchase day → that day's total amount (null without amounts), up to calibrationEnd and after it. */
  readonly calibration: Map<number, Decimal | null>;
  readonly holdout: Map<number, Decimal | null>;
}

function dayOf(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS);
}

function amountOf(value: unknown): Decimal | undefined {
  if (value instanceof Money) return value.amount;
  return toDecimal(value);
}

function meanOf(amounts: readonly Decimal[]): number {
  if (amounts.length === 0) return 0;
  let sum = amounts[0]!;
  for (let i = 1; i < amounts.length; i++) sum = sum.plus(amounts[i]!);
  return sum.dividedBy(amounts.length).toNumber();
}

/**
 * A {@link CustomerSummary} with its mean spend, as `summarizeTransactions`
 * returns it with `monetary: 'mean'`: ready for {@link fitGammaGamma} and
 * {@link customerLifetimeValue}.
 *
 * @example
 * ```ts
 * const row: CustomerValueSummary = { customerId: 'c1', frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 };
 * ```
 */
export type CustomerValueSummary = CustomerSummary & { readonly monetaryValue: number };

/**
 * Turns transactions into one summary row per customer (first-seen order),
 * the input of the purchase and spend models, as {@link CustomerSummary}
 * describes. Several orders on one UTC day are one purchase day (their
 * amounts add up). Transactions after `observationEnd` (or after
 * `calibrationEnd` without it) are ignored, as are customers whose first
 * purchase is after `calibrationEnd`. Amounts are summed and averaged as
 * decimals; the result is a plain number for the models.
 *
 * Throws `ValidationError` naming the option, or the transaction's index
 * and field (`[3, 'date']`), that is invalid; `amount` is required with
 * `monetary: 'mean'` and must be ≥ 0.
 *
 * @example
 * ```ts
 * summarizeTransactions(
 *   [
 *     { customerId: 'c1', date: '2026-01-01', amount: '10' },
 *     { customerId: 'c1', date: '2026-01-08', amount: '20' },
 *     { customerId: 'c1', date: '2026-01-08', amount: '5' },
 *   ],
 *   { calibrationEnd: '2026-01-15', timeUnit: 'weeks', monetary: 'mean' },
 * ); // [{ customerId: 'c1', frequency: 1, recency: 1, T: 2, monetaryValue: 25 }]
 * ```
 */
export function summarizeTransactions(
  transactions: Iterable<Transaction>,
  options: SummarizeOptions & { readonly monetary: 'mean' },
): CustomerValueSummary[];
/**
 * {@link summarizeTransactions} without `monetary`: no `monetaryValue` in the rows.
 *
 * @example
 * ```ts
 * summarizeTransactions(orders, { calibrationEnd: '2026-06-30', timeUnit: 'days' });
 * ```
 */
export function summarizeTransactions(
  transactions: Iterable<Transaction>,
  options: SummarizeOptions,
): CustomerSummary[];
export function summarizeTransactions(
  transactions: Iterable<Transaction>,
  options: SummarizeOptions,
): CustomerSummary[] {
  const summary = createSummary(options);
  if (transactions === null || typeof transactions !== 'object' || !(Symbol.iterator in transactions)) {
    throw notIterable();
  }
  for (const tx of transactions) summary.add(tx);
  return summary.finish();
}

/**
 * {@link summarizeTransactions} over an async stream of transactions (a
 * storage read, a CSV parser), in one pass: memory grows with the number of
 * customers and purchase days, not with the number of transactions.
 *
 * @example
 * ```ts
 * async function* transactions() {
 *   for await (const order of storage.orders.list()) {
 *     yield { customerId: order.customerId, date: order.placedAt, amount: order.total };
 *   }
 * }
 * const rows = await summarizeTransactionStream(transactions(), { calibrationEnd: '2026-06-30', timeUnit: 'weeks' });
 * ```
 */
export async function summarizeTransactionStream(
  transactions: AsyncIterable<Transaction> | Iterable<Transaction>,
  options: SummarizeOptions,
): Promise<CustomerSummary[]> {
  const summary = createSummary(options);
  if (
    transactions === null ||
    typeof transactions !== 'object' ||
    !(Symbol.asyncIterator in transactions || Symbol.iterator in transactions)
  ) {
    throw notIterable();
  }
  for await (const tx of transactions) summary.add(tx);
  return summary.finish();
}

function notIterable(): ValidationError {
  return new ValidationError('transactions', [
    { path: [], message: 'must be an iterable of transactions', code: 'invalid_type' },
  ]);
}

/** One pass over transactions: `add` each, then `finish` (which throws if any was invalid). */
function createSummary(options: SummarizeOptions) {
  const { calibrationEnd, observationEnd, timeUnit, monetary } = parseWith(
    SummarizeOptionsSchema,
    'summarize options',
    options,
  );
  const withAmounts = monetary === 'mean';
  const calibrationTime = calibrationEnd.getTime();
  const end = (observationEnd ?? calibrationEnd).getTime();
  const calibrationDay = dayOf(calibrationEnd);
  const customers = new Map<string, Customer>();
  const issues: ValidationIssue[] = [];
  let index = 0;

  const add = (tx: unknown) => {
    const i = index++;
    const parsed = TransactionSchema.safeParse(tx);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({
          path: [i, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
          message: issue.message,
          code: issue.code,
        });
      }
      return;
    }
    const { customerId, date, amount } = parsed.data;
    let value: Decimal | null = null;
    if (withAmounts) {
      const decimal = amount === undefined ? undefined : amountOf(amount);
      if (decimal === undefined) {
        issues.push({ path: [i, 'amount'], message: "is required with monetary: 'mean'", code: 'custom' });
        return;
      }
      if (decimal.isNegative()) {
        issues.push({ path: [i, 'amount'], message: 'must be >= 0', code: 'too_small' });
        return;
      }
      value = decimal;
    }
    const time = date.getTime();
    if (issues.length > 0 || time > end) return;
    let customer = customers.get(customerId);
    if (customer === undefined) {
      customer = { id: customerId, calibration: new Map(), holdout: new Map() };
      customers.set(customerId, customer);
    }
    const days = time <= calibrationTime ? customer.calibration : customer.holdout;
    const day = dayOf(date);
    const previous = days.get(day);
    days.set(day, value === null ? null : previous ? previous.plus(value) : value);
  };

  const finish = (): CustomerSummary[] => {
    if (issues.length > 0) throw new ValidationError('transactions', issues.slice(0, 100));
    const unit = timeUnit === 'weeks' ? 7 : 1;
    const holdoutDuration =
      observationEnd === undefined ? undefined : (dayOf(observationEnd) - calibrationDay) / unit;
    const rows: CustomerSummary[] = [];
    for (const customer of customers.values()) {
      if (customer.calibration.size === 0) continue;
      const calibration = [...customer.calibration].sort((x, y) => x[0] - y[0]);
      const first = calibration[0]![0];
      const last = calibration[calibration.length - 1]![0];
      const holdout = [...customer.holdout.values()];
      rows.push({
        customerId: customer.id,
        frequency: calibration.length - 1,
        recency: (last - first) / unit,
        T: (calibrationDay - first) / unit,
        ...(withAmounts ? { monetaryValue: meanOf(calibration.slice(1).map((d) => d[1]!)) } : {}),
        ...(holdoutDuration === undefined
          ? {}
          : {
              holdoutFrequency: holdout.length,
              holdoutDuration,
              ...(withAmounts ? { holdoutMonetaryValue: meanOf(holdout.map((d) => d!)) } : {}),
            }),
      });
    }
    return rows;
  };
  return { add, finish };
}
