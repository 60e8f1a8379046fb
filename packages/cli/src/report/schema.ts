import { z } from 'zod';

const count = z.number().int().nonnegative();
const share = z.number().min(0).max(1);
/** A decimal amount as a string, exact (money never travels as a float). */
const amount = z.string().regex(/^-?\d+(\.\d+)?$/);

const MoneyJsonSchema = z.object({ amount, currency: z.string().length(3) });

/**
 * The schema of the document `crmkit analyze --json` prints (and `--out`
 * writes as `report.json`). Version 1. Amounts are decimal strings in the
 * report's `currency`; shares are fractions in [0, 1]; instants are ISO 8601
 * UTC strings.
 *
 * @example
 * ```ts
 * const report = AnalysisReportSchema.parse(JSON.parse(stdout));
 * console.log(report.summary.customers, report.rfm.segments[0]?.name);
 * ```
 */
export const AnalysisReportSchema = z.object({
  schemaVersion: z.literal(1),
  /** The date the analysis is "as of" (recency, T and churn are measured to it). */
  asOf: z.string(),
  /** The currency every amount below is in (the most used one; orders in others are reported). */
  currency: z.string().length(3),
  input: z.object({
    file: z.string(),
    rows: z.object({ accepted: count, rejected: count }),
    /** Orders in other currencies than `currency`, left out of the value analyses. */
    otherCurrencyOrders: count,
  }),
  summary: z.object({
    customers: count,
    orders: count,
    revenue: z.array(MoneyJsonSchema),
    averageOrderValue: amount,
    repeatCustomerRate: share,
    firstOrderAt: z.string().nullable(),
    lastOrderAt: z.string().nullable(),
  }),
  rfm: z.object({
    segments: z.array(z.object({ name: z.string(), customers: count, share, revenue: amount })),
    /** Customers by recency score (rows, 5 = most recent) and frequency score (columns). */
    grid: z.array(z.array(count)),
  }),
  tiers: z.array(z.object({ name: z.string(), customers: count, share, revenue: amount })),
  clv: z.object({
    horizonMonths: z.number().int().positive(),
    annualDiscountRate: z.number().nonnegative(),
    purchaseModel: z
      .object({
        name: z.literal('bg-nbd'),
        params: z.record(z.string(), z.number()),
        logLikelihood: z.number(),
      })
      .nullable(),
    spendModel: z
      .object({
        name: z.literal('gamma-gamma'),
        params: z.record(z.string(), z.number()),
        logLikelihood: z.number(),
      })
      .nullable(),
    total: amount,
    /** Customers by predicted CLV band. */
    distribution: z.array(z.object({ from: amount, to: amount, customers: count })),
    /** Why CLV could not be estimated, when `purchaseModel` is null. */
    note: z.string().optional(),
  }),
  churn: z.object({
    levels: z.array(z.object({ level: z.string(), customers: count, share })),
    /** Customers by RFM segment and churn level. */
    bySegment: z.array(z.object({ segment: z.string(), levels: z.record(z.string(), count) })),
  }),
  cohorts: z.object({
    /** Months since the cohort's first order, 0 first. */
    periods: z.array(z.number().int().nonnegative()),
    rows: z.array(z.object({ cohort: z.string(), customers: count, retention: z.array(share) })),
  }),
  pareto: z.object({
    /** The share of revenue from the top 20 % of customers. */
    top20Share: share,
    /** The Lorenz-style curve: top `customerShare` of customers bring `revenueShare` of revenue. */
    curve: z.array(z.object({ customerShare: share, revenueShare: share })),
  }),
});

/**
 * The document `crmkit analyze --json` prints; see {@link AnalysisReportSchema}.
 *
 * @example
 * ```ts
 * const top: AnalysisReport['rfm']['segments'][number] | undefined = report.rfm.segments[0];
 * ```
 */
export type AnalysisReport = z.infer<typeof AnalysisReportSchema>;
