import { type AmountInput, parseWith, ValidationError, type ValidationIssue } from '@crmkit/core';
import { z } from 'zod';
import { compareIds, quantileScores } from './quantiles';
import { sortedCopy } from './sort';
import { amountToNumber, notAnAmount } from './values';

const Name = z.string().min(1, 'must not be empty');

/**
 * How customers are put into value tiers (tiers are always listed best
 * first):
 *
 * - `quantile`: equal shares by rank of `value` (`ties` as in RFM: `share`
 *   keeps equal values together);
 * - `thresholds`: the first tier whose `min` the value reaches (inclusive);
 *   the last tier has no `min` and takes the rest;
 * - both rank by another item property instead of `value` when given `by`
 *   (say `by: 'clv'` for high / medium / low value by CLV); every customer
 *   must then have it;
 * - `shares`: target shares filled in the order listed, each tier taking the
 *   highest-ranked customers not yet placed by its own criterion `by` (the
 *   item property to rank by, `value` by default), ties by customer id;
 *   counts are the shares of the number of customers rounded by largest
 *   remainder, so they add up exactly. A customer without a value for a
 *   tier's criterion is skipped by it; the last tier takes everyone left.
 *
 * @example
 * ```ts
 * TierSpecSchema.parse({ method: 'thresholds', tiers: [{ name: 'VIP', min: 5000 }, { name: 'ordinary', min: 500 }, { name: 'low' }] });
 * ```
 */
export const TierSpecSchema = z
  .discriminatedUnion('method', [
    z
      .object({
        method: z.literal('quantile'),
        tiers: z.array(Name).min(2, 'needs at least two tiers'),
        ties: z.enum(['share', 'split-by-id']).default('share'),
        by: z.string().min(1).optional(),
      })
      .strict(),
    z
      .object({
        method: z.literal('thresholds'),
        tiers: z
          .array(z.object({ name: Name, min: z.number().finite().optional() }).strict())
          .min(2, 'needs at least two tiers'),
        by: z.string().min(1).optional(),
      })
      .strict(),
    z
      .object({
        method: z.literal('shares'),
        tiers: z
          .array(
            z
              .object({
                name: Name,
                share: z.number().positive('must be greater than 0').max(1, 'must be at most 1'),
                by: z.string().min(1).optional(),
              })
              .strict(),
          )
          .min(1, 'needs at least one tier'),
      })
      .strict(),
  ])
  .superRefine((spec, ctx) => {
    const names = spec.tiers.map((t) => (typeof t === 'string' ? t : t.name));
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i)
        ctx.addIssue({ code: 'custom', path: ['tiers', i], message: 'duplicate tier name' });
    });
    if (spec.method === 'thresholds') {
      spec.tiers.forEach((tier, i) => {
        const last = i === spec.tiers.length - 1;
        if (last && tier.min !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['tiers', i, 'min'],
            message: 'the last tier takes the rest: no min',
          });
        }
        if (!last && tier.min === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['tiers', i, 'min'],
            message: 'required (only the last tier has none)',
          });
        }
        const previous = spec.tiers[i - 1]?.min;
        if (!last && previous !== undefined && tier.min !== undefined && !(tier.min < previous)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tiers', i, 'min'],
            message: 'mins must decrease (best tier first)',
          });
        }
      });
    }
    if (spec.method === 'shares') {
      const total = spec.tiers.reduce((sum, t) => sum + t.share, 0);
      if (Math.abs(total - 1) > 1e-9) {
        ctx.addIssue({ code: 'custom', path: ['tiers'], message: `shares must add up to 1, got ${total}` });
      }
      const last = spec.tiers.length - 1;
      if (spec.tiers[last]?.by !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', last, 'by'],
          message: 'the last tier takes everyone left: no by',
        });
      }
    }
  });

/**
 * What {@link TierSpecSchema} accepts.
 *
 * @example
 * ```ts
 * const spec: TierSpec = { method: 'quantile', tiers: ['high', 'medium', 'low'] };
 * ```
 */
export type TierSpec = z.input<typeof TierSpecSchema>;

/**
 * The portfolio of the handbooks: strategic 10 %, important 20 % by past
 * value, potential 10 % chosen among the rest by `predictedValue` (say,
 * predicted CLV), general the remaining 60 %.
 *
 * @example
 * ```ts
 * assignTiers(customers.map((c) => ({ id: c.id, value: c.spend, predictedValue: c.predictedClv })), PORTFOLIO_TIERS);
 * ```
 */
export const PORTFOLIO_TIERS: TierSpec = {
  method: 'shares',
  tiers: [
    { name: 'strategic', share: 0.1 },
    { name: 'important', share: 0.2 },
    { name: 'potential', share: 0.1, by: 'predictedValue' },
    { name: 'general', share: 0.6 },
  ],
};

/**
 * High / medium / low value: thirds by rank of `value`. To classify by CLV,
 * pass CLV as the value, or rank by another property with
 * `{ ...VALUE_CLASSES, by: 'clv' }`.
 *
 * @example
 * ```ts
 * assignTiers(clvs.map(({ id, clv }) => ({ id, value: clv })), VALUE_CLASSES);
 * ```
 */
export const VALUE_CLASSES: Extract<TierSpec, { method: 'quantile' }> = {
  method: 'quantile',
  tiers: ['high', 'medium', 'low'],
};

/**
 * VIP / potential / ordinary: the top 10 % by `value` are VIP, the next 20 %
 * by `predictedValue` among the rest are potential, everyone else is
 * ordinary.
 *
 * @example
 * ```ts
 * assignTiers(items, VIP_CLASSES);
 * ```
 */
export const VIP_CLASSES: TierSpec = {
  method: 'shares',
  tiers: [
    { name: 'VIP', share: 0.1 },
    { name: 'potential', share: 0.2, by: 'predictedValue' },
    { name: 'ordinary', share: 0.7 },
  ],
};

/**
 * One customer to tier: an id, the value tiers rank by, and any other
 * criteria a `shares` tier names in `by`.
 *
 * @example
 * ```ts
 * const item: TierItem = { id: 'c1', value: Money.of('1200', 'EUR'), predictedValue: 900 };
 * ```
 */
export interface TierItem {
  /** The customer. */
  readonly id: string;
  /** Past value (spend, profit, CLV…). */
  readonly value: AmountInput;
  /** Other criteria, by name. */
  readonly [criterion: string]: unknown;
}

/**
 * A customer's tier, with the value it was placed by and, for `shares`
 * tiers other than the last (which takes everyone left), the rank by the
 * tier's criterion when the tier was filled: 1 + the number of customers
 * still to place with a strictly higher value (equal values share a rank).
 *
 * @example
 * ```ts
 * const a: TierAssignment = { id: 'c1', tier: 'strategic', value: 1200, rank: 1 };
 * ```
 */
export interface TierAssignment {
  /** The customer. */
  readonly id: string;
  /** The tier's name. */
  readonly tier: string;
  /** The customer's `value` exactly as given (Money stays Money). */
  readonly value: AmountInput;
  /** `shares` tiers but the last: 1 + customers still to place ranking strictly higher by the tier's criterion. */
  readonly rank?: number;
}

/**
 * One tier of a {@link TierResult}: who and how many are in it and the range
 * of values it covers — the reason a customer is in it.
 *
 * @example
 * ```ts
 * const t: TierReport = result.tiers[0]!; // { name: 'strategic', count: 10, share: 0.1, criterion: 'value', min: 880, max: 2400, target: 10 }
 * ```
 */
export interface TierReport {
  /** The tier's name. */
  readonly name: string;
  /** Customers in it. */
  readonly count: number;
  /** Their share of all customers. */
  readonly share: number;
  /** What it was filled by: `value`, or a `shares` tier's `by`. */
  readonly criterion: string;
  /** Smallest criterion value in the tier (`null` when empty). */
  readonly min: number | null;
  /** Largest criterion value in the tier (`null` when empty). */
  readonly max: number | null;
  /** `thresholds`: the tier's inclusive lower bound. */
  readonly threshold?: number;
  /** `shares`: how many the share asked for. */
  readonly target?: number;
}

/**
 * The result of {@link assignTiers}.
 *
 * @example
 * ```ts
 * const result: TierResult = assignTiers(items, PORTFOLIO_TIERS);
 * result.tiers.map((t) => `${t.name}: ${t.count}`);
 * ```
 */
export interface TierResult {
  /** The spec as parsed. */
  readonly spec: z.output<typeof TierSpecSchema>;
  /** Every tier, best first. */
  readonly tiers: readonly TierReport[];
  /** One per item, in input order. */
  readonly assignments: readonly TierAssignment[];
}

/**
 * Puts customers into value tiers by quantile, fixed thresholds or target
 * shares (see {@link TierSpecSchema} for the exact rules). Deterministic
 * for any input order. Bad specs and items throw `ValidationError` with
 * paths (`['tiers', 2, 'min']`, `[17, 'value']`).
 *
 * @example
 * ```ts
 * const result = assignTiers(
 *   [{ id: 'a', value: 900 }, { id: 'b', value: 40 }, { id: 'c', value: 300 }],
 *   { method: 'thresholds', tiers: [{ name: 'VIP', min: 500 }, { name: 'ordinary', min: 100 }, { name: 'low' }] },
 * );
 * result.assignments.map((a) => a.tier); // ['VIP', 'low', 'ordinary']
 * ```
 */
export function assignTiers(items: readonly TierItem[], spec: TierSpec): TierResult {
  const parsed = parseWith(TierSpecSchema, 'tier spec', spec);
  const { ids, values } = readItems(items);
  return tierColumns(
    ids,
    values,
    (name) => readCriterion(items, name),
    parsed,
    (i, name) => [i, name],
    (i) => items[i]!.value,
  );
}

/**
 * {@link assignTiers} over columns: ids, the values, a reader of each
 * other criterion as numbers (NaN where a customer has none), and the path
 * naming a customer's missing criterion in errors, and the exact value
 * each assignment reports (the double by default).
 */
export function tierColumns(
  ids: readonly string[],
  values: Float64Array,
  criterion: (name: string) => Float64Array,
  parsed: z.output<typeof TierSpecSchema>,
  missing: (index: number, name: string) => ValidationIssue['path'],
  valueAt: (index: number) => AmountInput = (index) => values[index]!,
): TierResult {
  const n = ids.length;
  const tierOf = new Int32Array(n);
  const rank = parsed.method === 'shares' ? new Int32Array(n) : undefined;
  let criteria: string[];
  let criterionValues: Float64Array[];
  const extra: { threshold?: number; target?: number }[] = [];
  if (parsed.method === 'quantile') {
    const ranked = rankedBy(parsed.by, values, criterion, missing);
    const bins = parsed.tiers.length;
    const scores = quantileScores(ranked, bins, parsed.ties, true, ids);
    for (let i = 0; i < n; i++) tierOf[i] = bins - scores[i]!;
    criteria = parsed.tiers.map(() => parsed.by ?? 'value');
    criterionValues = parsed.tiers.map(() => ranked);
  } else if (parsed.method === 'thresholds') {
    const ranked = rankedBy(parsed.by, values, criterion, missing);
    const mins = parsed.tiers.map((t) => t.min ?? Number.NEGATIVE_INFINITY);
    for (let i = 0; i < n; i++) tierOf[i] = mins.findIndex((min) => ranked[i]! >= min);
    criteria = parsed.tiers.map(() => parsed.by ?? 'value');
    criterionValues = parsed.tiers.map(() => ranked);
    parsed.tiers.forEach((t, i) => {
      extra[i] = t.min === undefined ? {} : { threshold: t.min };
    });
  } else {
    criteria = parsed.tiers.map((t) => t.by ?? 'value');
    const read = new Map<string, Float64Array>([['value', values]]);
    criterionValues = criteria.map((name) => {
      let column = read.get(name);
      if (column === undefined) {
        column = criterion(name);
        read.set(name, column);
      }
      return column;
    });
    const targets = largestRemainder(
      parsed.tiers.map((t) => t.share),
      n,
    );
    fillShares(ids, criterionValues, targets, tierOf, rank!);
    targets.forEach((target, i) => {
      extra[i] = { target };
    });
  }
  const names = parsed.tiers.map((t) => (typeof t === 'string' ? t : t.name));
  const assignments: TierAssignment[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const tier = names[tierOf[i]!]!;
    assignments[i] =
      rank === undefined || rank[i] === 0
        ? { id: ids[i]!, tier, value: valueAt(i) }
        : { id: ids[i]!, tier, value: valueAt(i), rank: rank[i]! };
  }
  const k = names.length;
  const counts = new Array<number>(k).fill(0);
  const mins = new Array<number>(k).fill(Number.POSITIVE_INFINITY);
  const maxes = new Array<number>(k).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    const t = tierOf[i]!;
    const v = criterionValues[t]![i]!;
    counts[t]!++;
    if (v < mins[t]!) mins[t] = v;
    if (v > maxes[t]!) maxes[t] = v;
  }
  const tiers = names.map((name, t) => ({
    name,
    count: counts[t]!,
    share: n === 0 ? 0 : counts[t]! / n,
    criterion: criteria[t]!,
    min: counts[t] === 0 ? null : mins[t]!,
    max: counts[t] === 0 ? null : maxes[t]!,
    ...extra[t],
  }));
  return { spec: parsed, tiers, assignments };
}

/** The column a `quantile` or `thresholds` spec ranks by; every customer must have it. */
function rankedBy(
  by: string | undefined,
  values: Float64Array,
  criterion: (name: string) => Float64Array,
  missing: (index: number, name: string) => ValidationIssue['path'],
): Float64Array {
  if (by === undefined || by === 'value') return values;
  const column = criterion(by);
  const issues: ValidationIssue[] = [];
  for (let i = 0; i < column.length && issues.length < 20; i++) {
    if (Number.isNaN(column[i]!)) {
      issues.push({
        path: missing(i, by),
        message: `required: the tiers rank by ${by}`,
        code: 'invalid_type',
      });
    }
  }
  if (issues.length > 0) throw new ValidationError('tier items', issues);
  return column;
}

/** Splits `total` by shares into whole counts that add up to `total` (largest remainder, earlier first). */
export function largestRemainder(shares: readonly number[], total: number): number[] {
  const exact = shares.map((s) => s * total);
  const counts = exact.map((e) => Math.floor(e + 1e-9));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => ({ i, rest: e - Math.floor(e + 1e-9) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i]!++;
    left--;
  }
  return counts;
}

/**
 * Fills each tier with its target count of the best customers not yet
 * placed by the tier's criterion (the last tier takes everyone left). A
 * tier's cut-off value is found by sorting the candidates' values (without
 * comparisons, so it stays fast at millions of customers); only customers
 * tied at the cut-off are ordered by id.
 */
function fillShares(
  ids: readonly string[],
  criterionValues: readonly Float64Array[],
  targets: readonly number[],
  tierOf: Int32Array,
  rank: Int32Array,
): void {
  const n = ids.length;
  tierOf.fill(-1);
  const last = targets.length - 1;
  const candidates = new Int32Array(n);
  let sorted: Float64Array = new Float64Array(0);
  for (let t = 0; t < last; t++) {
    const values = criterionValues[t]!;
    let m = 0;
    for (let i = 0; i < n; i++) if (tierOf[i] === -1 && !Number.isNaN(values[i]!)) candidates[m++] = i;
    if (t > 0 && criterionValues[t - 1] === values && sorted.length >= m) {
      // same criterion as the tier above, which took the largest values: the rest are already sorted
      sorted = sorted.subarray(0, m);
    } else {
      const chosen = new Float64Array(m);
      for (let c = 0; c < m; c++) chosen[c] = values[candidates[c]!]!;
      sorted = sortedCopy(chosen);
    }
    const take = Math.min(targets[t]!, m);
    if (take === 0) continue;
    const cutoff = sorted[m - take]!;
    const atCutoff: number[] = [];
    for (let c = 0; c < m; c++) {
      const i = candidates[c]!;
      if (values[i]! > cutoff) tierOf[i] = t;
      else if (values[i] === cutoff) atCutoff.push(i);
    }
    const above = m - upperBound(sorted, cutoff);
    atCutoff.sort((a, b) => compareIds(ids[a]!, ids[b]!));
    for (let c = 0; c < take - above; c++) tierOf[atCutoff[c]!] = t;
    for (let c = 0; c < m; c++) {
      const i = candidates[c]!;
      if (tierOf[i] === t) rank[i] = 1 + m - upperBound(sorted, values[i]!);
    }
  }
  for (let i = 0; i < n; i++) if (tierOf[i] === -1) tierOf[i] = last;
}

/** The number of sorted values not above `value`. */
function upperBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function readItems(items: readonly TierItem[]): { ids: string[]; values: Float64Array } {
  if (!Array.isArray(items)) {
    throw new ValidationError('tier items', [
      { path: [], message: 'must be an array', code: 'invalid_type' },
    ]);
  }
  const issues: ValidationIssue[] = [];
  const ids: string[] = new Array(items.length);
  const values = new Float64Array(items.length);
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (issues.length >= 20) return;
    const id = item?.id;
    if (typeof id !== 'string' || id.length === 0) {
      issues.push({ path: [i, 'id'], message: 'must be a non-empty string', code: 'invalid_type' });
    } else if (seen.has(id)) {
      issues.push({ path: [i, 'id'], message: 'duplicate id', code: 'custom' });
    }
    seen.add(id);
    const value = amountToNumber(item?.value);
    if (value === undefined) issues.push(notAnAmount([i, 'value']));
    ids[i] = id;
    values[i] = value ?? 0;
  });
  if (issues.length > 0) throw new ValidationError('tier items', issues);
  return { ids, values };
}

/** A `by` criterion as numbers; NaN marks a customer without it. */
function readCriterion(items: readonly TierItem[], name: string): Float64Array {
  const values = new Float64Array(items.length);
  const issues: ValidationIssue[] = [];
  items.forEach((item, i) => {
    const raw = item[name];
    if (raw === undefined || raw === null) {
      values[i] = Number.NaN;
      return;
    }
    const value = amountToNumber(raw);
    if (value === undefined) issues.push(notAnAmount([i, name]));
    values[i] = value ?? Number.NaN;
  });
  if (issues.length > 0) throw new ValidationError('tier items', issues.slice(0, 20));
  return values;
}
