import { Decimal, DecimalSchema, type Money, MoneySchema, parseWith } from '@crmkit/core';
import { z } from 'zod';
import { retentionClv } from './clv';

const share = DecimalSchema.refine(
  (d) => d.greaterThanOrEqualTo(0) && d.lessThanOrEqualTo(1),
  'must be from 0 to 1',
);

/**
 * Inputs of {@link simulateWhatIf}: the current yearly KPIs of a customer
 * base and the change to try. Churn and repurchase changes are in percentage
 * points (`churnPoints: -1` lowers churn from 20 % to 19 %); the CAC change
 * is in percent (`cacPercent: -20`).
 *
 * @example
 * ```ts
 * WhatIfInputSchema.parse({
 *   current: { customers: 1000, averageOrderValue: Money.of(50, 'EUR'), purchasesPerYear: 4, grossMargin: '0.3',
 *     retentionRate: '0.8', repurchaseRate: '0.4', cac: Money.of(60, 'EUR'), discountRate: '0.1' },
 *   change: { churnPoints: -1 },
 * });
 * ```
 */
export const WhatIfInputSchema = z
  .object({
    current: z
      .object({
        customers: z.number().int().nonnegative(),
        averageOrderValue: MoneySchema,
        purchasesPerYear: DecimalSchema.refine((d) => !d.isNegative(), 'must not be negative'),
        grossMargin: share,
        retentionRate: share,
        repurchaseRate: share.refine((d) => d.isPositive() && !d.isZero(), 'must be greater than 0'),
        cac: MoneySchema,
        discountRate: DecimalSchema.refine((d) => !d.isNegative(), 'must not be negative'),
      })
      .strict(),
    change: z
      .object({
        churnPoints: z.number().finite().default(0),
        repurchasePoints: z.number().finite().default(0),
        cacPercent: z.number().finite().min(-100).default(0),
      })
      .strict(),
  })
  .strict();

/**
 * What {@link WhatIfInputSchema} accepts.
 *
 * @example
 * ```ts
 * const change: WhatIfInput['change'] = { repurchasePoints: 1, cacPercent: -20 };
 * ```
 */
export type WhatIfInput = z.input<typeof WhatIfInputSchema>;

/**
 * The projected yearly figures of a scenario.
 *
 * @example
 * ```ts
 * const p: WhatIfProjection = result.scenario;
 * p.ltvToCac?.toFixed(2);
 * ```
 */
export interface WhatIfProjection {
  /** Yearly retention used. */
  readonly retentionRate: Decimal;
  /** Repurchase rate used. */
  readonly repurchaseRate: Decimal;
  /** Purchases per customer per year used. */
  readonly purchasesPerYear: Decimal;
  /** CAC used. */
  readonly cac: Money;
  /** Margin per customer per year: `AOV × purchases per year × gross margin`. */
  readonly marginPerYear: Money;
  /** Retention-based CLV: `margin × r ÷ (1 + d − r)`. */
  readonly clv: Money;
  /** `clv ÷ cac`, `null` when CAC is zero. */
  readonly ltvToCac: Decimal | null;
  /** Next year's revenue from today's customers: `customers × r × AOV × purchases per year`. */
  readonly revenue: Money;
}

function project(
  current: z.output<typeof WhatIfInputSchema>['current'],
  retention: Decimal,
  repurchase: Decimal,
  cac: Money,
): WhatIfProjection {
  const purchasesPerYear = current.purchasesPerYear.times(repurchase).dividedBy(current.repurchaseRate);
  const marginPerYear = current.averageOrderValue.times(purchasesPerYear).times(current.grossMargin);
  const clv = retentionClv({ margin: marginPerYear, retention, discountRate: current.discountRate });
  return {
    retentionRate: retention,
    repurchaseRate: repurchase,
    purchasesPerYear,
    cac,
    marginPerYear,
    clv,
    ltvToCac: cac.isZero() ? null : clv.ratio(cac),
    revenue: current.averageOrderValue.times(purchasesPerYear).times(retention).times(current.customers),
  };
}

const clamp = (d: Decimal): Decimal => Decimal.max(0, Decimal.min(1, d));

/**
 * A what-if simulator: projects CLV, LTV:CAC and next year's revenue for the
 * current KPIs and for a changed scenario, with the assumptions spelled out
 * in `assumptions`. Rates are clamped to 0–1 after the change.
 *
 * @example
 * ```ts
 * const r = simulateWhatIf({
 *   current: { customers: 1000, averageOrderValue: Money.of(50, 'EUR'), purchasesPerYear: 4, grossMargin: '0.3',
 *     retentionRate: '0.8', repurchaseRate: '0.4', cac: Money.of(60, 'EUR'), discountRate: '0.1' },
 *   change: { churnPoints: -1, cacPercent: -20 },
 * });
 * r.current.clv.round().toString(); // '160 EUR'
 * r.scenario.ltvToCac?.toFixed(2); // '3.49'
 * ```
 */
export function simulateWhatIf(input: WhatIfInput): {
  readonly current: WhatIfProjection;
  readonly scenario: WhatIfProjection;
  readonly assumptions: readonly string[];
} {
  const { current, change } = parseWith(WhatIfInputSchema, 'what-if input', input);
  const retention = clamp(current.retentionRate.minus(change.churnPoints / 100));
  const repurchase = clamp(current.repurchaseRate.plus(change.repurchasePoints / 100));
  const cac = current.cac.times(1 + change.cacPercent / 100);
  return {
    current: project(current, current.retentionRate, current.repurchaseRate, current.cac),
    scenario: project(current, retention, repurchase, cac),
    assumptions: [
      'churn = 1 − retention, both yearly; a churn change of p points moves retention by −p points',
      'purchases per year scale in proportion to the repurchase rate',
      'AOV, gross margin and the discount rate do not change',
      'CLV = yearly margin × r ÷ (1 + d − r): margin earned at the end of each year a customer stays',
      "revenue = next year's revenue from today's customers: customers × r × AOV × purchases per year",
      'LTV:CAC = CLV ÷ CAC; the CAC change applies to new customers only and does not move revenue',
    ],
  };
}
