import { parseWith } from '@crmkit/core';
import { z } from 'zod';
import type { SpendHistory } from './gamma-gamma';
import type { PurchaseModel } from './model';
import type { RfmRow } from './rows';

/**
 * Options of {@link customerLifetimeValue}: the horizon in `months` (whole,
 * default 12), the `discountRate` per month (default 0.01, about 12.7 % a
 * year), and how many model time units make a month — `timeUnit: 'days'`
 * (30) or `'weeks'` (4.345), as in lifetimes, or an explicit `periodsPerMonth`.
 *
 * @example
 * ```ts
 * ClvOptionsSchema.parse({ months: 12, discountRate: 0.01, timeUnit: 'weeks' });
 * ```
 */
export const ClvOptionsSchema = z
  .strictObject({
    months: z
      .number()
      .int('must be a whole number')
      .positive('must be > 0')
      .max(1200, 'must be <= 1200')
      .optional(),
    discountRate: z.number().min(0, 'must be >= 0').finite('must be finite').optional(),
    timeUnit: z.enum(['days', 'weeks']).optional(),
    periodsPerMonth: z.number().positive('must be > 0').finite('must be finite').optional(),
  })
  .refine((o) => (o.timeUnit === undefined) !== (o.periodsPerMonth === undefined), {
    path: ['timeUnit'],
    message: 'give exactly one of timeUnit and periodsPerMonth',
  });

/**
 * What {@link ClvOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: ClvOptions = { months: 24, timeUnit: 'days' };
 * ```
 */
export type ClvOptions = z.input<typeof ClvOptionsSchema>;

/**
 * What {@link customerLifetimeValue} needs from a spend model (a fitted
 * {@link GammaGammaModel}, or anything predicting a customer's mean spend).
 *
 * @example
 * ```ts
 * const flat: SpendModel = { expectedAverageSpend: () => 25 };
 * ```
 */
export interface SpendModel {
  /** Expected value of this customer's future transactions. */
  expectedAverageSpend(row: SpendHistory): number;
}

/**
 * A customer as {@link customerLifetimeValue} reads them: a purchase-model row
 * plus the mean value of their repeat purchases.
 *
 * @example
 * ```ts
 * const row: ValueRow = { frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 };
 * ```
 */
export type ValueRow = RfmRow & SpendHistory;

const PERIODS_PER_MONTH = { days: 30, weeks: 4.345 } as const;

/**
 * Discounted expected value of a customer's purchases over the next
 * `months`: Σₘ spend · (E[purchases by month m] − E[purchases by month m − 1])
 * / (1 + discountRate)^m, with spend from the spend model and purchases from
 * the purchase model (BG/NBD or Pareto/NBD) — the method of lifetimes'
 * `customer_lifetime_value`. A model quantity in the data's currency, as a
 * plain number. Throws `ValidationError` for bad options or a bad row.
 *
 * @example
 * ```ts
 * customerLifetimeValue(bgNbd, gammaGamma, { frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 }, {
 *   months: 12,
 *   discountRate: 0.01,
 *   timeUnit: 'weeks',
 * });
 * ```
 */
export function customerLifetimeValue(
  purchases: PurchaseModel,
  spend: SpendModel,
  row: ValueRow,
  options: ClvOptions,
): number {
  const parsed = parseWith(ClvOptionsSchema, 'CLV options', options);
  const months = parsed.months ?? 12;
  const rate = parsed.discountRate ?? 0.01;
  const step = parsed.periodsPerMonth ?? PERIODS_PER_MONTH[parsed.timeUnit ?? 'days'];
  const value = spend.expectedAverageSpend(row);
  let total = 0;
  let previous = 0;
  for (let m = 1; m <= months; m++) {
    const cumulative = purchases.expectedPurchases(m * step, row);
    total += (value * (cumulative - previous)) / (1 + rate) ** m;
    previous = cumulative;
  }
  return total;
}
