import { type Order, parseWith } from '@crmkit/core';
import { type PeriodOptions, PeriodOptionsSchema } from './kpis';
import { isPurchase, ordersByCustomer } from './purchases';
import { invalid, type Source } from './source';

const DAY = 86_400_000;

/**
 * Gaps between consecutive purchases, in days (fractional).
 *
 * @example
 * ```ts
 * const s: IntervalStats = { gaps: 2, meanDays: 15, medianDays: 15 };
 * ```
 */
export interface IntervalStats {
  /** Number of gaps measured. */
  readonly gaps: number;
  /** Mean gap in days, `null` without gaps. */
  readonly meanDays: number | null;
  /** Median gap in days (mean of the two middle gaps for an even count), `null` without gaps. */
  readonly medianDays: number | null;
}

/**
 * The whole population's inter-purchase intervals: over all gaps, and over
 * each customer's own mean gap.
 *
 * @example
 * ```ts
 * const s: PopulationIntervals = { customers: 2, gaps: 3, meanDays: 20, medianDays: 20, customerMeanDays: { gaps: 2, meanDays: 22.5, medianDays: 22.5 } };
 * ```
 */
export interface PopulationIntervals extends IntervalStats {
  /** Customers with at least one gap. */
  readonly customers: number;
  /** Statistics of the per-customer mean gaps (each customer weighs the same). */
  readonly customerMeanDays: IntervalStats;
}

function stats(values: number[]): IntervalStats {
  if (values.length === 0) return { gaps: 0, meanDays: null, medianDays: null };
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  let sum = 0;
  for (const v of values) sum += v;
  return { gaps: values.length, meanDays: sum / values.length, medianDays: median };
}

/**
 * One customer's inter-purchase interval: the gaps between consecutive
 * purchase dates (sorted first), their mean and median in days.
 *
 * @example
 * ```ts
 * purchaseIntervals([new Date('2026-01-01'), new Date('2026-01-11'), new Date('2026-02-10')]);
 * // { gaps: 2, meanDays: 20, medianDays: 20 }
 * ```
 */
export function purchaseIntervals(dates: readonly Date[]): IntervalStats {
  const times = dates
    .map((d, i) => {
      const t = d instanceof Date ? d.getTime() : Number.NaN;
      if (!Number.isFinite(t)) invalid('purchase dates', [i], 'must be a valid Date');
      return t;
    })
    .sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push((times[i]! - times[i - 1]!) / DAY);
  return stats(gaps);
}

/**
 * Inter-purchase intervals of a customer base: every gap whose later purchase
 * falls in the period (the earlier one may be before it), as mean and median
 * over all gaps and over each customer's mean gap. Only purchases count.
 *
 * @example
 * ```ts
 * const s = await interPurchaseInterval(orders, { period: { start: '2026-01-01', end: '2027-01-01' } });
 * s.medianDays; // e.g. 34.5
 * ```
 */
export async function interPurchaseInterval(
  orders: Source<Order>,
  options: PeriodOptions,
): Promise<PopulationIntervals> {
  const { period } = parseWith(PeriodOptionsSchema, 'period options', options);
  const start = period.start.getTime();
  const end = period.end.getTime();
  const gaps: number[] = [];
  const means: number[] = [];
  for await (const group of ordersByCustomer(orders)) {
    let previous: number | undefined;
    let sum = 0;
    let n = 0;
    for (const order of group) {
      if (!isPurchase(order)) continue;
      const t = order.placedAt.getTime();
      if (t >= end) break;
      if (previous !== undefined && t >= start) {
        const gap = (t - previous) / DAY;
        gaps.push(gap);
        sum += gap;
        n++;
      }
      previous = t;
    }
    if (n > 0) means.push(sum / n);
  }
  return { ...stats(gaps), customers: means.length, customerMeanDays: stats(means) };
}
