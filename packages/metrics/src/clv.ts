import {
  CurrencySchema,
  Decimal,
  DecimalSchema,
  InstantSchema,
  Money,
  MoneySchema,
  type Order,
  parseWith,
} from '@crmkit/core';
import { z } from 'zod';
import { checkCurrency, isPurchase, orderCost, orderRevenue } from './purchases';
import type { Source } from './source';

/**
 * Options of {@link historicalClv}: the currency and the instant up to which
 * (exclusive) margin is counted.
 *
 * @example
 * ```ts
 * HistoricalClvOptionsSchema.parse({ currency: 'EUR', asOf: '2026-07-01' });
 * ```
 */
export const HistoricalClvOptionsSchema = z
  .object({ currency: CurrencySchema, asOf: InstantSchema })
  .strict();

/**
 * What {@link HistoricalClvOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: HistoricalClvOptions = { currency: 'EUR', asOf: '2026-07-01' };
 * ```
 */
export type HistoricalClvOptions = z.input<typeof HistoricalClvOptionsSchema>;

/**
 * Historical CLV: the gross margin a customer has brought to date,
 * `Σ (net revenue − cost of goods)` over their purchases before `asOf`. Pass
 * one customer's orders (or a segment's, for its total).
 *
 * @example
 * ```ts
 * (await historicalClv(ordersOfC1, { currency: 'EUR', asOf: '2026-07-01' })).toString(); // e.g. '212.4 EUR'
 * ```
 */
export async function historicalClv(orders: Source<Order>, options: HistoricalClvOptions): Promise<Money> {
  const { currency, asOf } = parseWith(HistoricalClvOptionsSchema, 'historical CLV options', options);
  let margin = new Decimal(0);
  for await (const order of orders) {
    if (order.placedAt.getTime() >= asOf.getTime() || !isPurchase(order)) continue;
    checkCurrency(order, currency);
    margin = margin.plus(orderRevenue(order)).minus(orderCost(order).cost);
  }
  return Money.of(margin, currency);
}

const share = DecimalSchema.refine(
  (d) => d.greaterThanOrEqualTo(0) && d.lessThanOrEqualTo(1),
  'must be from 0 to 1',
);
const nonNegative = DecimalSchema.refine((d) => !d.isNegative(), 'must not be negative');

/**
 * Inputs of {@link simpleClv}: AOV, purchases per year, gross margin share
 * (0–1) and expected lifespan in years.
 *
 * @example
 * ```ts
 * SimpleClvInputSchema.parse({ averageOrderValue: Money.of(50, 'EUR'), purchasesPerYear: 4, grossMargin: '0.3', lifespanYears: 3 });
 * ```
 */
export const SimpleClvInputSchema = z
  .object({
    averageOrderValue: MoneySchema,
    purchasesPerYear: nonNegative,
    grossMargin: share,
    lifespanYears: nonNegative,
  })
  .strict();

/**
 * What {@link SimpleClvInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: SimpleClvInput = { averageOrderValue: Money.of(50, 'EUR'), purchasesPerYear: 4, grossMargin: 0.3, lifespanYears: 3 };
 * ```
 */
export type SimpleClvInput = z.input<typeof SimpleClvInputSchema>;

/**
 * The simple CLV formula: `AOV × purchases per year × gross margin ×
 * lifespan in years`, exact.
 *
 * @example
 * ```ts
 * simpleClv({ averageOrderValue: Money.of(50, 'EUR'), purchasesPerYear: 4, grossMargin: '0.3', lifespanYears: 3 }).toString(); // '180 EUR'
 * ```
 */
export function simpleClv(input: SimpleClvInput): Money {
  const v = parseWith(SimpleClvInputSchema, 'simple CLV input', input);
  return v.averageOrderValue.times(v.purchasesPerYear).times(v.grossMargin).times(v.lifespanYears);
}

/**
 * Inputs of {@link retentionClv}: the margin per customer per period, the
 * retention rate per period `r` (0–1), the discount rate per period `d`
 * (≥ 0) and, for the finite form, the number of periods.
 *
 * @example
 * ```ts
 * RetentionClvInputSchema.parse({ margin: Money.of(100, 'EUR'), retention: '0.8', discountRate: '0.1', periods: 5 });
 * ```
 */
export const RetentionClvInputSchema = z
  .object({
    margin: MoneySchema,
    retention: share,
    discountRate: nonNegative,
    periods: z.number().int().positive().optional(),
  })
  .strict()
  .refine((v) => v.periods !== undefined || v.retention.lessThan(v.discountRate.plus(1)), {
    message: 'retention 1 with discount rate 0 has no finite value; give periods',
    path: ['retention'],
  });

/**
 * What {@link RetentionClvInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: RetentionClvInput = { margin: Money.of(100, 'EUR'), retention: 0.8, discountRate: 0.1 };
 * ```
 */
export type RetentionClvInput = z.input<typeof RetentionClvInputSchema>;

/**
 * The retention-based CLV with a discount rate, margin earned at the end of
 * each period a customer stays: `m × r ÷ (1 + d − r)` for an unlimited
 * horizon, and `m × Σₜ₌₁ⁿ (r ÷ (1 + d))ᵗ` over `periods = n`. Exact to
 * 40 significant digits.
 *
 * @example
 * ```ts
 * retentionClv({ margin: Money.of(100, 'EUR'), retention: '0.8', discountRate: '0.1' }).round().toString(); // '266.67 EUR'
 * retentionClv({ margin: Money.of(100, 'EUR'), retention: '0.5', discountRate: 0, periods: 2 }).toString(); // '75 EUR'
 * ```
 */
export function retentionClv(input: RetentionClvInput): Money {
  const {
    margin,
    retention: r,
    discountRate: d,
    periods,
  } = parseWith(RetentionClvInputSchema, 'retention CLV input', input);
  if (periods === undefined) return margin.times(r.dividedBy(d.plus(1).minus(r)));
  const q = r.dividedBy(d.plus(1));
  let factor = new Decimal(0);
  let power = new Decimal(1);
  for (let t = 1; t <= periods; t++) {
    power = power.times(q);
    factor = factor.plus(power);
  }
  return margin.times(factor);
}
