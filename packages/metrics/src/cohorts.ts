import { CurrencySchema, Decimal, InstantSchema, Money, type Order, parseWith } from '@crmkit/core';
import { z } from 'zod';
import { bucketing, type CalendarBucket, CalendarOptionsSchema } from './period';
import { checkCurrency, isPurchase, orderRevenue, ordersByCustomer } from './purchases';
import { type Rate, rate } from './rate';
import type { Source } from './source';

/**
 * Options of {@link cohortRetention}: the calendar (`unit`, `timeZone`,
 * `weekStartsOn`), the instant the data ends (`asOf`, exclusive), the
 * currency, and what counts as retained at offset k:
 *
 * - `'ordered'` (default): the customer purchased in bucket k (classic
 *   returning-customer cohorts; a customer can skip a bucket and return).
 * - `'still-active'`: the customer purchased in bucket k or later, so a
 *   cohort's counts never increase from one bucket to the next.
 *
 * @example
 * ```ts
 * CohortOptionsSchema.parse({ unit: 'month', timeZone: 'Europe/Berlin', asOf: '2026-07-01', currency: 'EUR' });
 * ```
 */
export const CohortOptionsSchema = CalendarOptionsSchema.extend({
  asOf: InstantSchema,
  currency: CurrencySchema,
  mode: z.enum(['ordered', 'still-active']).default('ordered'),
}).strict();

/**
 * What {@link CohortOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: CohortOptions = { unit: 'week', asOf: '2026-07-01', currency: 'EUR', mode: 'still-active' };
 * ```
 */
export type CohortOptions = z.input<typeof CohortOptionsSchema>;

/**
 * One acquisition cohort: customers whose first purchase fell in `bucket`,
 * followed bucket by bucket from offset 0 (the acquisition bucket) up to the
 * bucket holding the last instant before `asOf` (which may be partial).
 *
 * @example
 * ```ts
 * const row: CohortRow = matrix[0]!;
 * row.rates[1]?.value; // share of the cohort retained one month later
 * ```
 */
export interface CohortRow {
  /** The acquisition bucket. */
  readonly bucket: CalendarBucket;
  /** Customers acquired in it. */
  readonly size: number;
  /** Retained customers at each offset (`counts[0] === size`). */
  readonly counts: readonly number[];
  /** `counts[k] ÷ size`. */
  readonly rates: readonly Rate[];
  /** The cohort's net revenue in each bucket. */
  readonly revenue: readonly Money[];
  /** `revenue[k] ÷ size`: average revenue per acquired customer in each bucket (exact). */
  readonly revenuePerCustomer: readonly Money[];
}

interface CohortAcc {
  start: Date;
  size: number;
  counts: number[];
  revenue: Decimal[];
}

/**
 * Cohort retention matrix: customers grouped by the week or month of their
 * first purchase (in `timeZone`), with the number and share retained in each
 * later bucket and the average revenue per customer over time. Only
 * purchases before `asOf` count. Rows come oldest cohort first.
 *
 * @example
 * ```ts
 * const rows = await cohortRetention(orders, { unit: 'month', asOf: '2026-04-01', currency: 'EUR' });
 * rows.map((r) => [r.bucket.key, r.size, r.rates.map((x) => x.value)]);
 * // [['2026-01', 120, [1, 0.31, 0.22, 0.2]], ['2026-02', 95, [1, 0.28, 0.25]], ['2026-03', 101, [1]]]
 * ```
 */
export async function cohortRetention(orders: Source<Order>, options: CohortOptions): Promise<CohortRow[]> {
  const resolved = parseWith(CohortOptionsSchema, 'cohort options', options);
  const { currency, mode } = resolved;
  const asOf = resolved.asOf.getTime();
  const buckets = bucketing(resolved);
  const cohorts = new Map<number, CohortAcc>();
  const offsets: number[] = [];
  for await (const group of ordersByCustomer(orders)) {
    let cohort: CohortAcc | undefined;
    offsets.length = 0;
    for (const order of group) {
      const t = order.placedAt.getTime();
      if (t >= asOf) break;
      if (!isPurchase(order)) continue;
      checkCurrency(order, currency);
      const start = buckets.startOf(t);
      if (cohort === undefined) {
        const key = start.getTime();
        cohort = cohorts.get(key);
        if (cohort === undefined) {
          cohort = { start, size: 0, counts: [], revenue: [] };
          cohorts.set(key, cohort);
        }
        cohort.size++;
      }
      const k = buckets.between(cohort.start, start);
      if (offsets[offsets.length - 1] !== k) offsets.push(k);
      cohort.revenue[k] = (cohort.revenue[k] ?? new Decimal(0)).plus(orderRevenue(order));
    }
    if (cohort === undefined) continue;
    if (mode === 'ordered') for (const k of offsets) cohort.counts[k] = (cohort.counts[k] ?? 0) + 1;
    else
      for (let k = 0; k <= offsets[offsets.length - 1]!; k++) cohort.counts[k] = (cohort.counts[k] ?? 0) + 1;
  }
  const last = buckets.startOf(asOf - 1);
  return [...cohorts.values()]
    .sort((a, b) => a.start.getTime() - b.start.getTime())
    .map((c) => {
      const width = buckets.between(c.start, last) + 1;
      const counts = Array.from({ length: width }, (_, k) => c.counts[k] ?? 0);
      const revenue = Array.from({ length: width }, (_, k) => Money.of(c.revenue[k] ?? 0, currency));
      return {
        bucket: buckets.bucket(c.start),
        size: c.size,
        counts,
        rates: counts.map((n) => rate(n, c.size)),
        revenue,
        revenuePerCustomer: revenue.map((r) => r.dividedBy(c.size)),
      };
    });
}
