import { createChurnAssessor, groupHistories, type ThresholdConfig } from '@crmkit/churn';
import {
  type BgNbdModel,
  ClvError,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  type GammaGammaModel,
  summarizeTransactionStream,
} from '@crmkit/clv';
import { CurrencySchema, Decimal, type Order, parseWith, type Storage } from '@crmkit/core';
import { cohortRetention, paretoShare } from '@crmkit/metrics';
import { assignTiers, PORTFOLIO_TIERS, scoreRfm, summarizeOrders } from '@crmkit/segmentation';
import { z } from 'zod';
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

const LEVELS = ['none', 'watch', 'warning', 'critical'] as const;

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
 * What {@link analyzeStorage} returns: the report document and one row per
 * customer.
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
 * Bad input is a `ValidationError` naming the field, before anything is read.
 *
 * @example
 * ```ts
 * const { report } = await analyzeStorage(storage, { file: 'orders.csv', asOf, currency: 'EUR',
 *   rows: { accepted: 120, rejected: 0 }, otherCurrencyOrders: 0 });
 * ```
 */
export async function analyzeStorage(storage: Storage, raw: AnalysisInput): Promise<AnalysisResult> {
  const input = parseWith(AnalysisInputSchema, 'analysis input', raw);
  const { asOf, currency, horizonMonths, annualDiscountRate } = input;
  const orders = (orderBy?: 'customer') =>
    inCurrency(storage.orders.list(orderBy ? { orderBy } : {}), currency);

  const summaries = await summarizeOrders(orders(), { asOf, currency });
  const customers = summaries.customers;
  const zero = new Decimal(0);
  const revenue = customers.reduce((sum, c) => sum.plus(c.monetary.amount), zero);
  const orderCount = customers.reduce((n, c) => n + c.frequency, 0);

  // CLV: BG/NBD on (frequency, recency, T) in weeks, Gamma-Gamma on repeat customers' mean spend.
  const btyd = await summarizeTransactionStream(
    (async function* () {
      for await (const o of orders('customer'))
        yield { customerId: o.customerId, date: o.placedAt, amount: o.total.amount };
    })(),
    { calibrationEnd: asOf, timeUnit: 'weeks', monetary: 'mean' },
  );
  let purchaseModel: BgNbdModel | undefined;
  let spendModel: GammaGammaModel | undefined;
  let note: string | undefined;
  try {
    purchaseModel = fitBgNbd(btyd);
    spendModel = fitGammaGamma(
      btyd
        .filter((r) => r.frequency > 0 && (r.monetaryValue ?? 0) > 0)
        .map((r) => ({ frequency: r.frequency, monetaryValue: r.monetaryValue ?? 0 })),
    );
  } catch (e) {
    if (!(e instanceof ClvError)) throw e;
    note = `CLV not estimated: ${e.message}`;
    purchaseModel = undefined;
    spendModel = undefined;
  }
  const monthlyRate = (1 + annualDiscountRate) ** (1 / 12) - 1;
  const clvOf = new Map<string, number>();
  const predictionOf = new Map<string, { expectedPurchases: number; pAlive: number }>();
  const horizon = (horizonMonths * 52) / 12;
  if (purchaseModel && spendModel) {
    for (const row of btyd) {
      const rfmRow = { frequency: row.frequency, recency: row.recency, T: row.T };
      predictionOf.set(row.customerId, {
        expectedPurchases: purchaseModel.expectedPurchases(horizon, rfmRow),
        pAlive: purchaseModel.probabilityAlive(rfmRow),
      });
      const value = customerLifetimeValue(
        purchaseModel,
        spendModel,
        { frequency: row.frequency, recency: row.recency, T: row.T, monetaryValue: row.monetaryValue ?? 0 },
        { months: horizonMonths, discountRate: monthlyRate, timeUnit: 'weeks' },
      );
      clvOf.set(row.customerId, Number.isFinite(value) ? value : 0);
    }
  }

  // RFM segments and the recency × frequency grid.
  const rfm = scoreRfm(summaries);
  const segmentOf = new Map<string, string>();
  const segmentRevenue = new Map<string, Decimal>();
  const grid = Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);
  const summaryOf = new Map(customers.map((c) => [c.customerId, c]));
  for (const c of rfm.customers) {
    segmentOf.set(c.customerId, c.segment);
    segmentRevenue.set(c.segment, (segmentRevenue.get(c.segment) ?? zero).plus(c.monetary.amount));
    const row = grid[5 - c.r];
    if (row) row[c.f - 1] = (row[c.f - 1] ?? 0) + 1;
  }

  // Value tiers: a portfolio by target shares; "potential" by predicted CLV.
  const tiers = assignTiers(
    customers.map((c) => ({
      id: c.customerId,
      value: c.monetary.amount,
      predictedValue: clvOf.get(c.customerId) ?? 0,
    })),
    PORTFOLIO_TIERS,
  );
  const tierRevenue = new Map<string, Decimal>();
  for (const a of tiers.assignments) {
    tierRevenue.set(
      a.tier,
      (tierRevenue.get(a.tier) ?? zero).plus(summaryOf.get(a.id)?.monetary.amount ?? zero),
    );
  }

  // Churn levels, one customer's history at a time.
  const assess = createChurnAssessor({
    indicators: { asOf, modelTimeUnitDays: 7 },
    thresholds: ANALYZE_CHURN_RULES,
    explain: false,
    ...(purchaseModel ? { model: purchaseModel } : {}),
  });
  const levelCounts = new Map<string, number>();
  const levelOf = new Map<string, string>();
  const bySegment = new Map<string, Map<string, number>>();
  for await (const history of groupHistories({ orders: orders('customer') })) {
    const level = assess(history).level ?? 'none';
    levelOf.set(history.customerId, level);
    levelCounts.set(level, (levelCounts.get(level) ?? 0) + 1);
    const segment = segmentOf.get(history.customerId) ?? 'unscored';
    const counts = bySegment.get(segment) ?? new Map<string, number>();
    counts.set(level, (counts.get(level) ?? 0) + 1);
    bySegment.set(segment, counts);
  }

  const cohorts = await cohortRetention(orders('customer'), {
    unit: 'month',
    timeZone: 'UTC',
    asOf,
    currency,
  });
  const periods = cohorts.reduce((n, c) => Math.max(n, c.rates.length), 0);
  const pareto = paretoShare(
    customers.map((c) => c.monetary),
    0.2,
  );

  const n = customers.length;
  const share = (k: number) => (n === 0 ? 0 : k / n);
  const totalClv = [...clvOf.values()].reduce((a, b) => a + b, 0);
  const tierOf = new Map(tiers.assignments.map((a) => [a.id, a.tier]));
  const rows: AnalysedCustomer[] = rfm.customers.map((c) => {
    const summary = summaryOf.get(c.customerId);
    const prediction = predictionOf.get(c.customerId);
    const clv = clvOf.get(c.customerId);
    return {
      customerId: c.customerId,
      orders: c.frequency,
      revenue: c.monetary.amount.toFixed(2),
      firstOrderAt: summary?.firstOrderAt.toISOString() ?? '',
      lastOrderAt: summary?.lastOrderAt.toISOString() ?? '',
      recencyDays: c.recencyDays,
      rfm: `${c.r}${c.f}${c.m}`,
      segment: c.segment,
      tier: tierOf.get(c.customerId) ?? '',
      expectedPurchases: prediction?.expectedPurchases ?? null,
      pAlive: prediction?.pAlive ?? null,
      clv: clv === undefined ? null : clv.toFixed(2),
      churnLevel: levelOf.get(c.customerId) ?? 'none',
    };
  });
  const report: AnalysisReport = {
    schemaVersion: 1,
    asOf: asOf.toISOString(),
    currency,
    input: { file: input.file, rows: input.rows, otherCurrencyOrders: input.otherCurrencyOrders },
    summary: {
      customers: n,
      orders: orderCount,
      revenue: [{ amount: revenue.toFixed(2), currency }],
      averageOrderValue: orderCount === 0 ? '0.00' : revenue.div(orderCount).toFixed(2),
      repeatCustomerRate: share(customers.filter((c) => c.frequency >= 2).length),
      firstOrderAt: minDate(customers.map((c) => c.firstOrderAt)),
      lastOrderAt: maxDate(customers.map((c) => c.lastOrderAt)),
    },
    rfm: {
      segments: rfm.segments
        .filter((s) => s.count > 0)
        .map((s) => ({
          name: s.name,
          customers: s.count,
          share: s.share,
          revenue: (segmentRevenue.get(s.name) ?? zero).toFixed(2),
        })),
      grid,
    },
    tiers: tiers.tiers.map((t) => ({
      name: t.name,
      customers: t.count,
      share: t.share,
      revenue: (tierRevenue.get(t.name) ?? zero).toFixed(2),
    })),
    clv: {
      horizonMonths,
      annualDiscountRate,
      purchaseModel: purchaseModel
        ? {
            name: 'bg-nbd',
            params: { ...purchaseModel.params },
            logLikelihood: purchaseModel.logLikelihood ?? 0,
          }
        : null,
      spendModel: spendModel
        ? {
            name: 'gamma-gamma',
            params: { ...spendModel.params },
            logLikelihood: spendModel.logLikelihood ?? 0,
          }
        : null,
      total: totalClv.toFixed(2),
      distribution: clvBands([...clvOf.values()]),
      ...(note === undefined ? {} : { note }),
    },
    churn: {
      levels: LEVELS.filter((l) => levelCounts.has(l)).map((level) => ({
        level,
        customers: levelCounts.get(level) ?? 0,
        share: share(levelCounts.get(level) ?? 0),
      })),
      bySegment: rfm.segments
        .filter((s) => bySegment.has(s.name))
        .map((s) => ({ segment: s.name, levels: Object.fromEntries(bySegment.get(s.name) ?? []) })),
    },
    cohorts: {
      periods: Array.from({ length: periods }, (_, i) => i),
      rows: cohorts.map((c) => ({
        cohort: c.bucket.key,
        customers: c.size,
        retention: c.rates.map((r) => r.value ?? 0),
      })),
    },
    pareto: {
      top20Share: pareto.share === null ? 0 : pareto.share.toNumber(),
      curve: paretoCurve(customers.map((c) => c.monetary.amount)),
    },
  };
  return { report, customers: rows };
}

async function* inCurrency(orders: AsyncIterable<Order>, currency: string): AsyncGenerator<Order> {
  for await (const order of orders) if (order.currency === currency) yield order;
}

// Loops, not Math.min(...spread): a million arguments overflow the stack.
function minDate(dates: readonly Date[]): string | null {
  let min = Number.POSITIVE_INFINITY;
  for (const d of dates) min = Math.min(min, d.getTime());
  return dates.length === 0 ? null : new Date(min).toISOString();
}

function maxDate(dates: readonly Date[]): string | null {
  let max = Number.NEGATIVE_INFINITY;
  for (const d of dates) max = Math.max(max, d.getTime());
  return dates.length === 0 ? null : new Date(max).toISOString();
}

/** Bands of predicted CLV with round edges (0, 10, 25, 50, 100, 250, …). */
function clvBands(values: readonly number[]): AnalysisReport['clv']['distribution'] {
  if (values.length === 0) return [];
  let max = 0;
  for (const v of values) max = Math.max(max, v);
  const edges = [0];
  for (let scale = 10; edges.at(-1)! <= max; scale *= 10) edges.push(scale, scale * 2.5, scale * 5);
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const v of values) {
    let i = 0;
    while (i < counts.length - 1 && v >= edges[i + 1]!) i++;
    counts[i]!++;
  }
  const last = counts.findLastIndex((c) => c > 0);
  return counts
    .slice(0, last + 1)
    .map((customers, i) => ({ from: String(edges[i]), to: String(edges[i + 1]), customers }));
}

/** Share of revenue from the best k % of customers, at 5 % steps. */
function paretoCurve(amounts: readonly Decimal[]): AnalysisReport['pareto']['curve'] {
  const sorted = amounts.map((a) => a.toNumber()).sort((a, b) => b - a);
  const total = sorted.reduce((a, b) => a + Math.max(0, b), 0);
  const curve = [{ customerShare: 0, revenueShare: 0 }];
  if (sorted.length === 0 || total <= 0) return [...curve, { customerShare: 1, revenueShare: 1 }];
  let cumulative = 0;
  let taken = 0;
  for (let step = 1; step <= 20; step++) {
    const upTo = Math.round((sorted.length * step) / 20);
    for (; taken < upTo; taken++) cumulative += Math.max(0, sorted[taken] ?? 0);
    curve.push({ customerShare: step / 20, revenueShare: Math.min(1, cumulative / total) });
  }
  return curve;
}
