import { assessLevel, compileThresholds } from '@crmkit/churn';
import { currencyDigits, Money, minorUnitsToDecimal, parseWith } from '@crmkit/core';
import type { CustomerSummaries, CustomerSummary } from '@crmkit/segmentation';
import { ANALYZE_CHURN_RULES, type AnalysisInput, AnalysisInputSchema } from './analysis';
import {
  type AnalysisParts,
  type BtydColumns,
  compareIds,
  fitValueModels,
  type ValueModels,
} from './analysis-report';
import { CliError } from './errors';
import type { OrderColumns } from './order-columns';

// The columnar route's own part of the analysis (analyzeOrderColumns and crmkit analyze in memory):
// the orders grouped by customer, then one pass over each customer's orders for the RFM summary,
// the BTYD summary, the churn facts (COLUMNAR_CHURN_FACTS) and the cohort.

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
const RECENT_DAYS = 90;
const BASELINE_DAYS = 180;

/**
 * The parts of the analysis of the orders in `source.columns`, which it
 * takes out of `source` once grouped by customer, so that a caller who
 * keeps no other reference lets the per-order columns go.
 */
export function columnarParts(
  source: { columns?: OrderColumns | undefined },
  raw: AnalysisInput,
): AnalysisParts {
  const input = parseWith(AnalysisInputSchema, 'analysis input', raw);
  const { currency } = input;
  if (source.columns === undefined) throw new Error('the order columns were already analysed');
  const grouped = groupByCustomer(source.columns, currency);
  source.columns = undefined;
  const asOf = input.asOf.getTime();
  const digits = currencyDigits(currency) ?? 2;
  const { ids, start, times, units } = grouped;

  // One pass per customer (in id order) over their orders, sorted by time.
  const summaries: CustomerSummary[] = [];
  const btyd = {
    frequency: new Float64Array(ids.length),
    recency: new Float64Array(ids.length),
    T: new Float64Array(ids.length),
    monetaryValue: new Float64Array(ids.length),
  };
  // each analysed customer's orders before asOf: times[churnFrom[k], churnTo[k])
  const churnFrom = new Int32Array(ids.length);
  const churnTo = new Int32Array(ids.length);
  const cohorts = new Map<number, { size: number; counts: number[] }>();
  const calibrationDay = Math.floor(asOf / DAY);
  const lastMonth = monthOf(asOf - 1);
  for (let c = 0; c < ids.length; c++) {
    const from = start[c]!;
    const to = start[c + 1]!;
    let counted = from;
    while (counted < to && times[counted]! <= asOf) counted++;
    if (counted === from) continue;
    const customerId = ids[c]!;
    const first = times[from]!;
    const last = times[counted - 1]!;
    // RFM: orders, net spend, first and last order, up to asOf.
    let spend = 0;
    for (let i = from; i < counted; i++) spend += units[i]!;
    if (!Number.isSafeInteger(spend)) throw beyondSafe(customerId);
    summaries.push({
      customerId,
      frequency: counted - from,
      monetary: Money.of(minorUnitsToDecimal(spend, digits), currency),
      firstOrderAt: new Date(first),
      lastOrderAt: new Date(last),
    });
    btydRow(btyd, summaries.length - 1, customerId, times, units, from, counted, calibrationDay, digits);
    // Churn and cohorts read the orders before asOf.
    let before = counted;
    while (before > from && times[before - 1]! >= asOf) before--;
    churnFrom[summaries.length - 1] = from;
    churnTo[summaries.length - 1] = before;
    if (before > from) addToCohort(cohorts, times, from, before);
  }

  const n = summaries.length;
  const models = fitValueModels(
    {
      frequency: btyd.frequency.subarray(0, n),
      recency: btyd.recency.subarray(0, n),
      T: btyd.T.subarray(0, n),
      monetaryValue: btyd.monetaryValue.subarray(0, n),
    },
    input,
  );
  return {
    input,
    summaries: { asOf: input.asOf, currency, customers: summaries } satisfies CustomerSummaries,
    models,
    churnLevels: churnLevels(times, churnFrom, churnTo, summaries.length, asOf, models),
    cohorts: [...cohorts]
      .sort((a, b) => a[0] - b[0])
      .map(([month, c]) => {
        const width = lastMonth - month + 1;
        return {
          key: monthKey(month),
          size: c.size,
          retention: Array.from({ length: width }, (_, k) => (c.counts[k] ?? 0) / c.size),
        };
      }),
  };
}

/** Orders of one currency grouped by customer. */
interface GroupedOrders {
  /** Customer ids in id order. */
  readonly ids: readonly string[];
  /** Customer k's orders are `[start[k], start[k + 1])` of `times` and `units`, sorted by time. */
  readonly start: Int32Array;
  /** Each order's time (milliseconds since the epoch). */
  readonly times: Float64Array;
  /** Each order's total in whole minor units of the currency. */
  readonly units: Float64Array;
}

/** The orders in one currency, grouped by customer in id order (a counting sort), each customer's by time. */
function groupByCustomer(columns: OrderColumns, currencyCode: string): GroupedOrders {
  const currency = columns.currencyCodes.indexOf(currencyCode);
  const { customerIds, customerOf, currencyOf, placedAt } = columns;
  const order = Int32Array.from(customerIds.keys()).sort((a, b) =>
    compareIds(customerIds[a]!, customerIds[b]!),
  );
  const rank = new Int32Array(customerIds.length);
  for (let k = 0; k < order.length; k++) rank[order[k]!] = k;
  const start = new Int32Array(customerIds.length + 1);
  for (let i = 0; i < customerOf.length; i++)
    if (currencyOf[i] === currency) start[rank[customerOf[i]!]! + 1]!++;
  for (let k = 0; k < customerIds.length; k++) start[k + 1]! += start[k]!;
  const times = new Float64Array(start[customerIds.length]!);
  const units = new Float64Array(times.length);
  const next = start.slice(0, customerIds.length);
  for (let i = 0; i < customerOf.length; i++) {
    if (currencyOf[i] !== currency) continue;
    const at = next[rank[customerOf[i]!]!]!++;
    times[at] = placedAt[i]!;
    units[at] = columns.units[i]!;
  }
  for (let k = 0; k < customerIds.length; k++) sortByTime(times, units, start[k]!, start[k + 1]!);
  return { ids: Array.from(order, (i) => customerIds[i]!), start, times, units };
}

/** Insertion sort of `[from, to)` by time, amounts alongside (a customer has few orders, usually in order). */
function sortByTime(times: Float64Array, units: Float64Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const t = times[i]!;
    if (t >= times[i - 1]!) continue;
    const u = units[i]!;
    let j = i - 1;
    for (; j >= from && times[j]! > t; j--) {
      times[j + 1] = times[j]!;
      units[j + 1] = units[j]!;
    }
    times[j + 1] = t;
    units[j + 1] = u;
  }
}

/**
 * `@crmkit/clv`'s summary of one customer's orders `[from, to)` up to the
 * calibration end, in weeks, written to entry `k` of the columns: purchase
 * days (UTC) after the first, first to last purchase day, first purchase
 * day to the end, and the mean amount of the repeat purchase days (exact
 * sum, one decimal division).
 */
function btydRow(
  btyd: BtydColumns,
  k: number,
  customerId: string,
  times: Float64Array,
  units: Float64Array,
  from: number,
  to: number,
  calibrationDay: number,
  digits: number,
): void {
  const firstDay = Math.floor(times[from]! / DAY);
  let day = firstDay;
  let repeatDays = 0;
  let repeatUnits = 0;
  for (let i = from; i < to; i++) {
    const d = Math.floor(times[i]! / DAY);
    if (d === firstDay) continue;
    if (d !== day) {
      repeatDays++;
      day = d;
    }
    repeatUnits += units[i]!;
  }
  if (!Number.isSafeInteger(repeatUnits)) throw beyondSafe(customerId);
  btyd.frequency[k] = repeatDays;
  btyd.recency[k] = (day - firstDay) / 7;
  btyd.T[k] = (calibrationDay - firstDay) / 7;
  // clv divides the exact decimal sum (40 digits) and converts; one double division of the exact
  // integers gives the same double: their quotient is never close enough to a rounding midpoint of
  // doubles for the 40-digit rounding to matter (units and 10^digits × days are below 2^53).
  btyd.monetaryValue[k] = repeatDays === 0 ? 0 : repeatUnits / (10 ** digits * repeatDays);
}

/**
 * Each customer's churn level: `@crmkit/churn`'s order indicators (the
 * {@link COLUMNAR_CHURN_FACTS}, computed as `computeIndicators` does, with
 * P(alive) from the fitted BG/NBD model in weeks) judged by
 * `ANALYZE_CHURN_RULES` through `assessLevel`.
 */
function churnLevels(
  times: Float64Array,
  froms: Int32Array,
  tos: Int32Array,
  n: number,
  asOf: number,
  models: ValueModels,
): string[] {
  const thresholds = compileThresholds(ANALYZE_CHURN_RULES);
  const model = models.purchaseModel;
  const recentStart = asOf - RECENT_DAYS * DAY;
  const baselineStart = recentStart - BASELINE_DAYS * DAY;
  let gaps = new Float64Array(64);
  const levels = new Array<string>(n);
  for (let k = 0; k < n; k++) {
    const from = froms[k]!;
    const to = tos[k]!;
    const count = to - from;
    const facts: Record<string, number> = { orders: count };
    let recent = 0;
    let baseline = 0;
    for (let i = from; i < to; i++) {
      const t = times[i]!;
      if (t >= recentStart) recent++;
      else if (t >= baselineStart) baseline++;
    }
    if (count > 0) {
      const first = times[from]!;
      const last = times[to - 1]!;
      facts['tenureDays'] = round4((asOf - first) / DAY);
      const recency = round4((asOf - last) / DAY);
      facts['recencyDays'] = recency;
      if (count >= 2) {
        if (gaps.length < count) gaps = new Float64Array(count * 2);
        for (let i = 1; i < count; i++) gaps[i - 1] = times[from + i]! - times[from + i - 1]!;
        const median = round4(medianOf(gaps.subarray(0, count - 1)) / DAY);
        facts['medianIntervalDays'] = median;
        if (median > 0) facts['recencyRatio'] = round4(recency / median);
      }
      if (model !== undefined) {
        const row = { frequency: count - 1, recency: (last - first) / WEEK, T: (asOf - first) / WEEK };
        const pAlive = model.probabilityAlive(row);
        if (Number.isFinite(pAlive)) facts['pAlive'] = round4(pAlive);
      }
    }
    facts['recentOrders'] = recent;
    facts['baselineOrders'] = baseline;
    if (baseline > 0)
      facts['frequencyDropPct'] = round4((1 - (recent * BASELINE_DAYS) / (baseline * RECENT_DAYS)) * 100);
    levels[k] = assessLevel(thresholds, facts, { explain: false }).level ?? 'none';
  }
  return levels;
}

function medianOf(values: Float64Array): number {
  values.sort();
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** Adds one customer (orders `times[from, to)`, before asOf) to the cohort of their first order's month. */
function addToCohort(
  cohorts: Map<number, { size: number; counts: number[] }>,
  times: Float64Array,
  from: number,
  to: number,
): void {
  const month = monthOf(times[from]!);
  let cohort = cohorts.get(month);
  if (cohort === undefined) {
    cohort = { size: 0, counts: [] };
    cohorts.set(month, cohort);
  }
  cohort.size++;
  let previous = -1;
  for (let i = from; i < to; i++) {
    const k = monthOf(times[i]!) - month;
    if (k === previous) continue;
    cohort.counts[k] = (cohort.counts[k] ?? 0) + 1;
    previous = k;
  }
}

/** Months since year 0 of a UTC instant (`year × 12 + month`), from the day number (no Date per order). */
function monthOf(t: number): number {
  // Howard Hinnant's civil_from_days
  const z = Math.floor(t / DAY) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 12 + m - 1;
}

function monthKey(month: number): string {
  return `${String(Math.floor(month / 12)).padStart(4, '0')}-${String((month % 12) + 1).padStart(2, '0')}`;
}

function beyondSafe(customerId: string): CliError {
  return new CliError(
    'CLI_NOT_COLUMNAR',
    `the orders cannot be held in columns exactly: customer ${customerId} spent beyond 2^53 minor units`,
  );
}
