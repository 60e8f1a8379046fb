import { parseWith, ValidationError } from '@crmkit/core';
import { BgNbdModel, bgNbdConditionalTerm, bgNbdProbabilityAlive } from './bg-nbd';
import { type ClvOptions, ClvOptionsSchema, type SpendModel, type ValueRow } from './clv';
import { GammaGammaModel, SpendHistorySchema } from './gamma-gamma';
import type { PurchaseModel } from './model';
import { RfmRowSchema, rowChecks, validateColumns } from './rows';

/**
 * Many customers at once, one array per field, entry `i` of each being
 * customer `i` (the fields of {@link ValueRow}): what
 * {@link customerLifetimeValues} and {@link purchasePredictions} read
 * instead of one object per customer. Typed arrays (`Float64Array`) or
 * plain number arrays; `monetaryValue` is needed by
 * {@link customerLifetimeValues} only.
 *
 * @example
 * ```ts
 * const columns: ValueColumns = {
 *   frequency: Float64Array.of(2, 0),
 *   recency: Float64Array.of(30.43, 0),
 *   T: Float64Array.of(38.86, 20),
 *   monetaryValue: Float64Array.of(22.35, 0),
 * };
 * ```
 */
export interface ValueColumns {
  /** Repeat purchases (x), whole numbers ≥ 0. */
  readonly frequency: ArrayLike<number>;
  /** Time of the last purchase since the first (tₓ), 0 when x = 0, ≤ T. */
  readonly recency: ArrayLike<number>;
  /** Time from the first purchase to the end of the calibration period. */
  readonly T: ArrayLike<number>;
  /** Mean value of the repeat purchases (0 when x = 0, > 0 otherwise). */
  readonly monetaryValue?: ArrayLike<number> | undefined;
}

const PERIODS_PER_MONTH = { days: 30, weeks: 4.345 } as const;

/**
 * {@link customerLifetimeValue} for every customer of `columns` in one call,
 * entry `i` equal to `customerLifetimeValue(purchases, spend, row i, options)`
 * (the same doubles): the options are checked once and the columns in one
 * pass, with no object per customer. For a {@link BgNbdModel} the
 * conditional expectations, which depend on a customer's frequency and `T`
 * only, are computed once per distinct pair; other purchase models are
 * asked per customer. Throws `ValidationError` for bad options, and for bad
 * entries with paths `[field, index]` (`['recency', 12]`).
 *
 * @example
 * ```ts
 * const values = customerLifetimeValues(bgNbd, gammaGamma, {
 *   frequency: [2, 0],
 *   recency: [30.43, 0],
 *   T: [38.86, 20],
 *   monetaryValue: [22.35, 0],
 * }, { months: 12, discountRate: 0.01, timeUnit: 'weeks' });
 * values[0]; // = customerLifetimeValue(bgNbd, gammaGamma, { frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 }, …)
 * ```
 */
export function customerLifetimeValues(
  purchases: PurchaseModel,
  spend: SpendModel,
  columns: ValueColumns,
  options: ClvOptions,
): Float64Array {
  const parsed = parseWith(ClvOptionsSchema, 'CLV options', options);
  const n = checkColumns(columns, true, 'CLV columns');
  const months = parsed.months ?? 12;
  const rate = parsed.discountRate ?? 0.01;
  const step = parsed.periodsPerMonth ?? PERIODS_PER_MONTH[parsed.timeUnit ?? 'days'];
  const { frequency, recency, T } = columns;
  const monetaryValue = columns.monetaryValue!;
  const values = spendValues(spend, frequency, monetaryValue, n);
  const out = new Float64Array(n);
  const discount = new Float64Array(months + 1);
  for (let m = 1; m <= months; m++) discount[m] = (1 + rate) ** m;
  if (purchases instanceof BgNbdModel) {
    const terms = conditionalTerms(purchases, frequency, T, (m) => m * step, months);
    for (let i = 0; i < n; i++) {
      const alive = bgNbdProbabilityAlive(purchases.params, frequency[i]!, recency[i]!, T[i]!);
      const term = terms(i);
      const value = values[i]!;
      let total = 0;
      let previous = 0;
      for (let m = 1; m <= months; m++) {
        const cumulative = term[m - 1]! * alive;
        total += (value * (cumulative - previous)) / discount[m]!;
        previous = cumulative;
      }
      out[i] = total;
    }
    return out;
  }
  const row = { frequency: 0, recency: 0, T: 0 };
  for (let i = 0; i < n; i++) {
    row.frequency = frequency[i]!;
    row.recency = recency[i]!;
    row.T = T[i]!;
    const value = values[i]!;
    let total = 0;
    let previous = 0;
    for (let m = 1; m <= months; m++) {
      const cumulative = purchases.expectedPurchases(m * step, row);
      total += (value * (cumulative - previous)) / discount[m]!;
      previous = cumulative;
    }
    out[i] = total;
  }
  return out;
}

/**
 * `model.expectedPurchases(t, row i)` and `model.probabilityAlive(row i)`
 * for every customer of `columns` in one call, the same doubles as the
 * per-customer methods: `t` and the columns are checked once, and for a
 * {@link BgNbdModel} the conditional expectation is computed once per
 * distinct frequency and `T`. Throws `ValidationError` for a bad `t`, and
 * for bad entries with paths `[field, index]`.
 *
 * @example
 * ```ts
 * const { expectedPurchases, probabilityAlive } = purchasePredictions(bgNbd, 52, {
 *   frequency: [2, 0],
 *   recency: [30.43, 0],
 *   T: [38.86, 20],
 * });
 * probabilityAlive[1]; // 1: no repeat purchase yet
 * ```
 */
export function purchasePredictions(
  model: PurchaseModel,
  t: number,
  columns: ValueColumns,
): { readonly expectedPurchases: Float64Array; readonly probabilityAlive: Float64Array } {
  if (!(typeof t === 'number' && Number.isFinite(t) && t >= 0)) {
    throw new ValidationError('purchase predictions', [
      { path: ['t'], message: 'must be a finite number >= 0', code: 'custom' },
    ]);
  }
  const n = checkColumns(columns, false, 'purchase prediction columns');
  const { frequency, recency, T } = columns;
  const expectedPurchases = new Float64Array(n);
  const probabilityAlive = new Float64Array(n);
  if (model instanceof BgNbdModel) {
    const terms = conditionalTerms(model, frequency, T, () => t, 1);
    for (let i = 0; i < n; i++) {
      const alive = bgNbdProbabilityAlive(model.params, frequency[i]!, recency[i]!, T[i]!);
      probabilityAlive[i] = alive;
      expectedPurchases[i] = terms(i)[0]! * alive;
    }
    return { expectedPurchases, probabilityAlive };
  }
  const row = { frequency: 0, recency: 0, T: 0 };
  for (let i = 0; i < n; i++) {
    row.frequency = frequency[i]!;
    row.recency = recency[i]!;
    row.T = T[i]!;
    expectedPurchases[i] = model.expectedPurchases(t, row);
    probabilityAlive[i] = model.probabilityAlive(row);
  }
  return { expectedPurchases, probabilityAlive };
}

/**
 * BG/NBD's conditional expectations at the horizons `horizon(1..count)` of
 * each customer, computed once per distinct (frequency, T) and shared.
 */
function conditionalTerms(
  model: BgNbdModel,
  frequency: ArrayLike<number>,
  T: ArrayLike<number>,
  horizon: (k: number) => number,
  count: number,
): (i: number) => Float64Array {
  const known = new Map<number, Map<number, Float64Array>>();
  return (i) => {
    const x = frequency[i]!;
    const t = T[i]! + 0;
    let byT = known.get(x);
    if (byT === undefined) {
      byT = new Map();
      known.set(x, byT);
    }
    let terms = byT.get(t);
    if (terms === undefined) {
      terms = new Float64Array(count);
      for (let k = 1; k <= count; k++) terms[k - 1] = bgNbdConditionalTerm(model.params, horizon(k), x, t);
      byT.set(t, terms);
    }
    return terms;
  };
}

/** Each customer's expected spend per purchase (Gamma-Gamma's formula straight from its parameters). */
function spendValues(
  spend: SpendModel,
  frequency: ArrayLike<number>,
  monetaryValue: ArrayLike<number>,
  n: number,
): Float64Array {
  const values = new Float64Array(n);
  if (spend instanceof GammaGammaModel && n > 0) {
    // the model's own check (q > 1) and wording, once
    spend.expectedAverageSpend({ frequency: 0, monetaryValue: 0 });
    const { p, q, v } = spend.params;
    for (let i = 0; i < n; i++) {
      const x = frequency[i]!;
      values[i] = x === 0 ? (p * v) / (q - 1) : (p * (v + x * monetaryValue[i]!)) / (p * x + q - 1);
    }
    return values;
  }
  const row = { frequency: 0, monetaryValue: 0 };
  for (let i = 0; i < n; i++) {
    row.frequency = frequency[i]!;
    row.monetaryValue = monetaryValue[i]!;
    values[i] = spend.expectedAverageSpend(row);
  }
  return values;
}

// What the predictions read of a customer: a purchase-model row, plus a spend history for CLV.
const ValueRowSchema = RfmRowSchema.and(SpendHistorySchema);
const isValueRow = (row: unknown) =>
  rowChecks.rfm(row) && spendOk((row as ValueRow).frequency, (row as ValueRow).monetaryValue);

/** Checks the columns in one pass; returns the number of customers. */
function checkColumns(columns: ValueColumns, withSpend: boolean, what: string): number {
  return withSpend
    ? validateColumns(columns, VALUE_FIELDS, ValueRowSchema, isValueRow, what, true)
    : validateColumns(columns, RFM_FIELDS, RfmRowSchema, rowChecks.rfm, what, true);
}

const RFM_FIELDS = ['frequency', 'recency', 'T'] as const;
const VALUE_FIELDS = ['frequency', 'recency', 'T', 'monetaryValue'] as const;

function spendOk(x: number, m: number): boolean {
  return Number.isFinite(m) && (x === 0 ? m >= 0 : m > 0);
}
