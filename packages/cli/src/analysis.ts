import { createChurnAssessor, groupHistories, type ThresholdConfig } from '@crmkit/churn';
import { type CustomerValueSummary, summarizeTransactionStream } from '@crmkit/clv';
import { CurrencySchema, type Order, parseWith, type Storage } from '@crmkit/core';
import { cohortRetention } from '@crmkit/metrics';
import { summarizeOrders } from '@crmkit/segmentation';
import { z } from 'zod';
import { btydColumns, byCustomerId, fitValueModels, shapeAnalysis } from './analysis-report';
import type { AnalysisReport } from './report/schema';

/**
 * The churn levels `crmkit analyze` assigns, as `@crmkit/churn` threshold
 * rules: late against the customer's own rhythm (recency ÷ median
 * inter-purchase interval) or unlikely to still be a customer (BG/NBD
 * P(alive)); the highest level that holds wins.
 *
 * @example
 * ```ts
 * const levels = ANALYZE_CHURN_RULES.rules.map((r) => r.level); // ['watch', 'warning', 'critical', …]
 * ```
 */
export const ANALYZE_CHURN_RULES = {
  rules: [
    { id: 'late', level: 'watch', when: { fact: 'recencyRatio', op: 'gte', value: 2 } },
    { id: 'fading', level: 'watch', when: { fact: 'pAlive', op: 'lt', value: 0.6 } },
    { id: 'very-late', level: 'warning', when: { fact: 'recencyRatio', op: 'gte', value: 3 } },
    { id: 'unlikely-alive', level: 'warning', when: { fact: 'pAlive', op: 'lt', value: 0.4 } },
    { id: 'silent', level: 'critical', when: { fact: 'recencyDays', op: 'gte', value: 270 } },
    { id: 'gone', level: 'critical', when: { fact: 'pAlive', op: 'lt', value: 0.2 } },
  ],
} satisfies ThresholdConfig;

/**
 * What {@link analyzeStorage} needs besides the storage: the file name (for
 * the report), the as-of date, the currency analysed (orders in others are
 * left out and counted), the import's row counts, and the CLV horizon in
 * months (default 12) and yearly discount rate (default 0.1).
 *
 * @example
 * ```ts
 * AnalysisInputSchema.parse({ file: 'orders.csv', asOf: new Date('2026-01-01T00:00:00Z'), currency: 'EUR',
 *   rows: { accepted: 10, rejected: 0 }, otherCurrencyOrders: 0 });
 * ```
 */
export const AnalysisInputSchema = z.object({
  file: z.string(),
  asOf: z.date().refine((d) => Number.isFinite(d.getTime()), 'must be a valid date'),
  currency: CurrencySchema,
  rows: z.object({ accepted: z.number().int().nonnegative(), rejected: z.number().int().nonnegative() }),
  otherCurrencyOrders: z.number().int().nonnegative(),
  horizonMonths: z.number().int().positive().default(12),
  annualDiscountRate: z.number().nonnegative().default(0.1),
});

/**
 * What {@link AnalysisInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: AnalysisInput = { file: 'orders.csv', asOf: new Date('2026-01-01T00:00:00Z'), currency: 'EUR',
 *   rows: { accepted: 10, rejected: 0 }, otherCurrencyOrders: 0 };
 * ```
 */
export type AnalysisInput = z.input<typeof AnalysisInputSchema>;

/**
 * One customer's line in the analysis (`customers.csv` of `crmkit analyze
 * --out`): their summary, RFM scores and segment, value tier, predictions
 * and churn level. Amounts are decimal strings in the analysed currency;
 * model outputs are `null` when CLV could not be estimated.
 *
 * @example
 * ```ts
 * const { customers } = await analyzeStorage(storage, input);
 * customers.filter((c) => c.churnLevel === 'critical' && c.tier === 'strategic');
 * ```
 */
export interface AnalysedCustomer {
  readonly customerId: string;
  readonly orders: number;
  readonly revenue: string;
  readonly firstOrderAt: string;
  readonly lastOrderAt: string;
  readonly recencyDays: number;
  /** RFM scores 1–5 as `r`, `f`, `m` digits, e.g. `'545'`. */
  readonly rfm: string;
  readonly segment: string;
  readonly tier: string;
  /** Expected purchases over the CLV horizon (BG/NBD). */
  readonly expectedPurchases: number | null;
  /** Probability the customer is still active (BG/NBD). */
  readonly pAlive: number | null;
  /** Discounted CLV over the horizon (BG/NBD × Gamma-Gamma), rounded to cents. */
  readonly clv: string | null;
  readonly churnLevel: string;
}

/**
 * What {@link analyzeStorage} and `analyzeOrderColumns` return: the
 * report document and one row per customer, in customer id order.
 *
 * @example
 * ```ts
 * const { report, customers } = await analyzeStorage(storage, input);
 * console.log(report.summary.customers === customers.length); // true
 * ```
 */
export interface AnalysisResult {
  readonly report: AnalysisReport;
  readonly customers: readonly AnalysedCustomer[];
}

/**
 * Runs the whole analysis over the orders in `storage`, in the
 * `input.currency`: summaries, RFM segments and grid, value tiers, CLV
 * (BG/NBD + Gamma-Gamma fitted on the data), churn levels by segment,
 * monthly cohort retention and the Pareto curve. Each part comes from its
 * package (`@crmkit/segmentation`, `@crmkit/clv`, `@crmkit/churn`,
 * `@crmkit/metrics`); this function only wires them and shapes the report.
 * The analysed customers are those with an order up to `asOf`; churn levels
 * are counted over them. Bad input is a `ValidationError` naming the field,
 * before anything is read. For a CSV analysed in memory,
 * `analyzeOrderColumns` gives the same result much faster.
 *
 * @example
 * ```ts
 * const { report } = await analyzeStorage(storage, { file: 'orders.csv', asOf, currency: 'EUR',
 *   rows: { accepted: 120, rejected: 0 }, otherCurrencyOrders: 0 });
 * ```
 */
export async function analyzeStorage(storage: Storage, raw: AnalysisInput): Promise<AnalysisResult> {
  const input = parseWith(AnalysisInputSchema, 'analysis input', raw);
  const { asOf, currency } = input;
  const orders = (orderBy?: 'customer') =>
    inCurrency(storage.orders.list(orderBy ? { orderBy } : {}), currency);

  const summaries = byCustomerId(await summarizeOrders(orders(), { asOf, currency }));
  const customers = summaries.customers;

  // CLV: BG/NBD on (frequency, recency, T) in weeks, Gamma-Gamma on repeat customers' mean spend.
  // with monetary: 'mean' every row has its monetaryValue
  const btyd = (await summarizeTransactionStream(
    (async function* () {
      for await (const o of orders('customer'))
        yield { customerId: o.customerId, date: o.placedAt, amount: o.total.amount };
    })(),
    { calibrationEnd: asOf, timeUnit: 'weeks', monetary: 'mean' },
  )) as CustomerValueSummary[];
  // Both list the customers with an order up to asOf, by id.
  if (btyd.length !== customers.length || btyd.some((r, i) => r.customerId !== customers[i]!.customerId))
    throw new Error('the order summaries and the CLV summaries list different customers');
  const models = fitValueModels(btydColumns(btyd), input);

  // Churn levels of the analysed customers, one customer's history at a time.
  const assess = createChurnAssessor({
    indicators: { asOf, modelTimeUnitDays: 7 },
    thresholds: ANALYZE_CHURN_RULES,
    explain: false,
    ...(models.purchaseModel ? { model: models.purchaseModel } : {}),
  });
  const levelOf = new Map<string, string>();
  for await (const history of groupHistories({ orders: orders('customer') }))
    levelOf.set(history.customerId, assess(history).level ?? 'none');

  const cohorts = await cohortRetention(orders('customer'), {
    unit: 'month',
    timeZone: 'UTC',
    asOf,
    currency,
  });
  return shapeAnalysis({
    input,
    summaries,
    models,
    churnLevels: customers.map((c) => levelOf.get(c.customerId) ?? 'none'),
    cohorts: cohorts.map((c) => ({
      key: c.bucket.key,
      size: c.size,
      retention: c.rates.map((r) => r.value ?? 0),
    })),
  });
}

async function* inCurrency(orders: AsyncIterable<Order>, currency: string): AsyncGenerator<Order> {
  for await (const order of orders) if (order.currency === currency) yield order;
}
