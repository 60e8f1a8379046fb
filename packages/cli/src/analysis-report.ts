import {
  type BgNbdModel,
  ClvError,
  type CustomerValueSummary,
  customerLifetimeValues,
  fitBgNbdColumns,
  fitGammaGammaColumns,
  type GammaGammaModel,
  purchasePredictions,
} from '@crmkit/clv';
import { currencyDigits, Decimal, decimalToMinorUnits, minorUnitsToDecimal } from '@crmkit/core';
import { paretoShare, paretoShareOfMinorUnits } from '@crmkit/metrics';
import { assignTiers, type CustomerSummaries, PORTFOLIO_TIERS, scoreRfm } from '@crmkit/segmentation';
import type { z } from 'zod';
import type { AnalysedCustomer, AnalysisInputSchema, AnalysisResult } from './analysis';
import type { AnalysisReport } from './report/schema';

// The parts of an analysis that both routes share (the storage route of analyzeStorage and the
// columnar route of analyzeOrderColumns): the CLV models and the report. Each route computes the
// per-customer inputs its own way; from here on they are one code, so their reports agree.

/** The validated analysis input. */
export type AnalysisOptions = z.output<typeof AnalysisInputSchema>;

/** The churn levels, lowest first (`none`: no rule fired). */
export const LEVELS = ['none', 'watch', 'warning', 'critical'] as const;

/** BG/NBD and Gamma-Gamma fitted on the summaries, and each customer's predictions (NaN without models). */
export interface ValueModels {
  readonly purchaseModel: BgNbdModel | undefined;
  readonly spendModel: GammaGammaModel | undefined;
  readonly note: string | undefined;
  readonly expectedPurchases: Float64Array;
  readonly pAlive: Float64Array;
  readonly clv: Float64Array;
}

/** What a route computed per customer, every array aligned with `summaries.customers` (in id order). */
export interface AnalysisParts {
  readonly input: AnalysisOptions;
  readonly summaries: CustomerSummaries;
  readonly models: ValueModels;
  readonly churnLevels: readonly string[];
  readonly cohorts: readonly { readonly key: string; readonly size: number; readonly retention: number[] }[];
}

/** Orders summaries by customer id (the order of `orders.list({ orderBy: 'customer' })`). */
export function byCustomerId(summaries: CustomerSummaries): CustomerSummaries {
  const customers = [...summaries.customers].sort((a, b) => compareIds(a.customerId, b.customerId));
  return { ...summaries, customers };
}

/** Compares ids by UTF-16 code units, as the storage streams order them. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The BTYD summaries of the customers (times in weeks), one column per field, in customer id order. */
export interface BtydColumns {
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  readonly monetaryValue: Float64Array;
}

/** {@link BtydColumns} from one summary object per customer. */
export function btydColumns(rows: readonly CustomerValueSummary[]): BtydColumns {
  return {
    frequency: Float64Array.from(rows, (r) => r.frequency),
    recency: Float64Array.from(rows, (r) => r.recency),
    T: Float64Array.from(rows, (r) => r.T),
    monetaryValue: Float64Array.from(rows, (r) => r.monetaryValue),
  };
}

/**
 * Fits BG/NBD on the BTYD summaries (times in weeks) and Gamma-Gamma on the
 * repeat customers' mean spend, then predicts each customer's purchases over
 * the horizon, P(alive) and discounted CLV — over columns, all customers at
 * once (the same figures as the per-customer functions of `@crmkit/clv`).
 */
export function fitValueModels(btyd: BtydColumns, input: AnalysisOptions): ValueModels {
  const n = btyd.frequency.length;
  let expectedPurchases: Float64Array = new Float64Array(n).fill(Number.NaN);
  let pAlive: Float64Array = new Float64Array(n).fill(Number.NaN);
  const clv = new Float64Array(n).fill(Number.NaN);
  let purchaseModel: BgNbdModel | undefined;
  let spendModel: GammaGammaModel | undefined;
  try {
    purchaseModel = fitBgNbdColumns(btyd);
    spendModel = fitGammaGammaColumns(repeatSpend(btyd));
  } catch (e) {
    if (!(e instanceof ClvError)) throw e;
    const note = `CLV not estimated: ${e.message}`;
    return { purchaseModel: undefined, spendModel: undefined, note, expectedPurchases, pAlive, clv };
  }
  const { horizonMonths, annualDiscountRate } = input;
  const options = {
    months: horizonMonths,
    discountRate: (1 + annualDiscountRate) ** (1 / 12) - 1,
    timeUnit: 'weeks',
  } as const;
  const horizon = (horizonMonths * 52) / 12;
  ({ expectedPurchases, probabilityAlive: pAlive } = purchasePredictions(purchaseModel, horizon, btyd));
  const values = customerLifetimeValues(purchaseModel, spendModel, btyd, options);
  for (let i = 0; i < n; i++) clv[i] = Number.isFinite(values[i]!) ? values[i]! : 0;
  return { purchaseModel, spendModel, note: undefined, expectedPurchases, pAlive, clv };
}

/** The repeat customers with a positive mean spend, on whom Gamma-Gamma is fitted. */
function repeatSpend(btyd: BtydColumns): { frequency: Float64Array; monetaryValue: Float64Array } {
  let count = 0;
  for (let i = 0; i < btyd.frequency.length; i++)
    if (btyd.frequency[i]! > 0 && btyd.monetaryValue[i]! > 0) count++;
  const frequency = new Float64Array(count);
  const monetaryValue = new Float64Array(count);
  for (let i = 0, k = 0; i < btyd.frequency.length; i++) {
    if (!(btyd.frequency[i]! > 0 && btyd.monetaryValue[i]! > 0)) continue;
    frequency[k] = btyd.frequency[i]!;
    monetaryValue[k++] = btyd.monetaryValue[i]!;
  }
  return { frequency, monetaryValue };
}

/**
 * The report and the customer rows from the parts: RFM segments and grid
 * (`@crmkit/segmentation`), value tiers by target shares with "potential" by
 * predicted CLV, churn levels by segment, cohorts, and the Pareto share
 * (`@crmkit/metrics`) and curve.
 */
export function shapeAnalysis(parts: AnalysisParts): AnalysisResult {
  const { input, summaries, models, churnLevels, cohorts } = parts;
  const { asOf, currency, horizonMonths, annualDiscountRate } = input;
  const customers = summaries.customers;
  const n = customers.length;
  const zero = new Decimal(0);
  // Each customer's revenue in whole minor units when every amount has them (sums of them stay exact
  // below 2^53), so that the sums below take no decimal per customer; otherwise decimals throughout.
  const digits = currencyDigits(currency) ?? 2;
  const units = minorUnitsOf(customers, digits);
  const sumOf = (indexes: Iterable<number>) => exactSum(indexes, customers, units, digits);
  let orderCount = 0;
  let repeatCustomers = 0;
  for (const c of customers) {
    orderCount += c.frequency;
    if (c.frequency >= 2) repeatCustomers++;
  }
  const revenue = sumOf(customers.keys());

  // RFM segments and the recency × frequency grid.
  const rfm = scoreRfm(summaries);
  const segmentMembers = new Map<string, number[]>();
  const grid = Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);
  rfm.customers.forEach((c, i) => {
    const members = segmentMembers.get(c.segment);
    if (members === undefined) segmentMembers.set(c.segment, [i]);
    else members.push(i);
    const row = grid[5 - c.r];
    if (row) row[c.f - 1] = (row[c.f - 1] ?? 0) + 1;
  });
  const segmentRevenue = new Map([...segmentMembers].map(([segment, m]) => [segment, sumOf(m)] as const));

  // Value tiers: a portfolio by target shares; "potential" by predicted CLV. Tiers rank by the
  // amounts' doubles, so they are given as numbers (the revenue below stays exact).
  const { clv } = models;
  // (units / 10^digits is the double nearest the amount, as Decimal#toNumber gives)
  const values =
    units === undefined
      ? Float64Array.from(customers, (c) => c.monetary.amount.toNumber())
      : units.map((u) => u / 10 ** digits);
  const tiers = assignTiers(
    customers.map((c, i) => ({
      id: c.customerId,
      value: values[i]!,
      predictedValue: Number.isNaN(clv[i]!) ? 0 : clv[i]!,
    })),
    PORTFOLIO_TIERS,
  );
  const tierMembers = new Map<string, number[]>();
  tiers.assignments.forEach((a, i) => {
    const members = tierMembers.get(a.tier);
    if (members === undefined) tierMembers.set(a.tier, [i]);
    else members.push(i);
  });
  const tierRevenue = new Map([...tierMembers].map(([tier, m]) => [tier, sumOf(m)] as const));

  // Churn levels, overall and by segment, counted in customer id order.
  const levelCounts = new Map<string, number>();
  const bySegment = new Map<string, Map<string, number>>();
  for (let i = 0; i < n; i++) {
    const level = churnLevels[i]!;
    levelCounts.set(level, (levelCounts.get(level) ?? 0) + 1);
    const segment = rfm.customers[i]!.segment;
    const counts = bySegment.get(segment) ?? new Map<string, number>();
    counts.set(level, (counts.get(level) ?? 0) + 1);
    bySegment.set(segment, counts);
  }

  // Largest first: paretoShare sorts the amounts again, and an ordered array costs it one pass.
  const byValue = Int32Array.from(customers.keys()).sort((a, b) => values[b]! - values[a]!);
  const pareto =
    units === undefined
      ? paretoShare(
          Array.from(byValue, (i) => customers[i]!.monetary),
          0.2,
        )
      : paretoShareOfMinorUnits(units, currency, 0.2);
  const periods = cohorts.reduce((k, c) => Math.max(k, c.retention.length), 0);
  const share = (k: number) => (n === 0 ? 0 : k / n);
  const estimated = models.purchaseModel !== undefined && models.spendModel !== undefined;
  let totalClv = 0;
  if (estimated) for (let i = 0; i < n; i++) totalClv += clv[i]!;
  const iso = isoStrings();
  const rows: AnalysedCustomer[] = rfm.customers.map((c, i) => {
    const summary = customers[i]!;
    return {
      customerId: c.customerId,
      orders: c.frequency,
      revenue: fixed2(c.monetary.amount),
      firstOrderAt: iso(summary.firstOrderAt),
      lastOrderAt: iso(summary.lastOrderAt),
      recencyDays: c.recencyDays,
      rfm: `${c.r}${c.f}${c.m}`,
      segment: c.segment,
      tier: tiers.assignments[i]!.tier,
      expectedPurchases: estimated ? models.expectedPurchases[i]! : null,
      pAlive: estimated ? models.pAlive[i]! : null,
      clv: estimated ? clv[i]!.toFixed(2) : null,
      churnLevel: churnLevels[i]!,
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
      repeatCustomerRate: share(repeatCustomers),
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
      purchaseModel: models.purchaseModel
        ? {
            name: 'bg-nbd',
            params: { ...models.purchaseModel.params },
            logLikelihood: models.purchaseModel.logLikelihood ?? 0,
          }
        : null,
      spendModel: models.spendModel
        ? {
            name: 'gamma-gamma',
            params: { ...models.spendModel.params },
            logLikelihood: models.spendModel.logLikelihood ?? 0,
          }
        : null,
      total: totalClv.toFixed(2),
      distribution: estimated ? clvBands(clv) : [],
      ...(models.note === undefined ? {} : { note: models.note }),
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
      rows: cohorts.map((c) => ({ cohort: c.key, customers: c.size, retention: c.retention })),
    },
    pareto: {
      top20Share: pareto.share === null ? 0 : pareto.share.toNumber(),
      curve: paretoCurve(Float64Array.from(byValue, (i) => values[i]!)),
    },
  };
  return { report, customers: rows };
}

/** Each customer's revenue in whole minor units, or undefined when one is finer or beyond 2^53 units. */
function minorUnitsOf(customers: CustomerSummaries['customers'], digits: number): Float64Array | undefined {
  const units = new Float64Array(customers.length);
  let magnitude = 0;
  for (let i = 0; i < customers.length; i++) {
    const u = decimalToMinorUnits(customers[i]!.monetary.amount, digits);
    if (u === undefined) return undefined;
    units[i] = u;
    magnitude += Math.abs(u);
  }
  return magnitude <= Number.MAX_SAFE_INTEGER ? units : undefined;
}

/** The exact revenue of some customers: from their minor units when known, else their decimals. */
function exactSum(
  indexes: Iterable<number>,
  customers: CustomerSummaries['customers'],
  units: Float64Array | undefined,
  digits: number,
): Decimal {
  if (units !== undefined) {
    let sum = 0;
    for (const i of indexes) sum += units[i]!;
    return minorUnitsToDecimal(sum, digits);
  }
  let sum = new Decimal(0);
  for (const i of indexes) sum = sum.plus(customers[i]!.monetary.amount);
  return sum;
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
function clvBands(values: Float64Array): AnalysisReport['clv']['distribution'] {
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

/** `amount.toFixed(2)`, from whole cents when the amount has them (a million customers' worth). */
function fixed2(amount: Decimal): string {
  const cents = decimalToMinorUnits(amount, 2);
  if (cents === undefined || Object.is(cents, -0)) return amount.toFixed(2);
  const abs = Math.abs(cents);
  const fraction = abs % 100;
  return `${cents < 0 ? '-' : ''}${(abs - fraction) / 100}.${fraction < 10 ? '0' : ''}${fraction}`;
}

/** `Date#toISOString`, remembered per instant (orders fall on a few hundred distinct days). */
function isoStrings(): (date: Date) => string {
  const known = new Map<number, string>();
  return (date) => {
    const t = date.getTime();
    let text = known.get(t);
    if (text === undefined) {
      text = date.toISOString();
      if (known.size < 100_000) known.set(t, text);
    }
    return text;
  };
}

/** Share of revenue from the best k % of customers, at 5 % steps, from the amounts largest first. */
function paretoCurve(sorted: Float64Array): AnalysisReport['pareto']['curve'] {
  let total = 0;
  for (const v of sorted) total += Math.max(0, v);
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
