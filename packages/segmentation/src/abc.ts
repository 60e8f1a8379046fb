import {
  type AmountInput,
  type Decimal,
  Money,
  parseWith,
  toDecimal,
  ValidationError,
  type ValidationIssue,
} from '@crmkit/core';
import { z } from 'zod';
import { compareIds } from './quantiles';
import { amountToDecimal, notAnAmount } from './values';

/**
 * ABC classes by cumulative share of value: each class but the last has an
 * `upTo` cumulative share (strictly increasing, below 1); the last takes the
 * rest. Default: A up to 80 %, B up to 95 %, C the rest.
 *
 * @example
 * ```ts
 * AbcOptionsSchema.parse({ classes: [{ name: 'A', upTo: 0.7 }, { name: 'B', upTo: 0.9 }, { name: 'C' }] });
 * ```
 */
export const AbcOptionsSchema = z
  .object({
    classes: z
      .array(
        z
          .object({
            name: z.string().min(1),
            upTo: z.number().gt(0, 'must be greater than 0').lt(1, 'must be below 1').optional(),
          })
          .strict(),
      )
      .min(2, 'needs at least two classes')
      .default([{ name: 'A', upTo: 0.8 }, { name: 'B', upTo: 0.95 }, { name: 'C' }]),
  })
  .strict()
  .superRefine(({ classes }, ctx) => {
    classes.forEach((c, i) => {
      const last = i === classes.length - 1;
      if (last !== (c.upTo === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['classes', i, 'upTo'],
          message: last
            ? 'the last class takes the rest: no upTo'
            : 'required (only the last class has none)',
        });
      }
      const previous = classes[i - 1]?.upTo;
      if (c.upTo !== undefined && previous !== undefined && !(c.upTo > previous)) {
        ctx.addIssue({
          code: 'custom',
          path: ['classes', i, 'upTo'],
          message: 'must increase from class to class',
        });
      }
      if (classes.findIndex((d) => d.name === c.name) !== i) {
        ctx.addIssue({ code: 'custom', path: ['classes', i, 'name'], message: 'duplicate class name' });
      }
    });
  });

/**
 * What {@link AbcOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: AbcOptions = { classes: [{ name: 'A', upTo: 0.5 }, { name: 'B' }] };
 * ```
 */
export type AbcOptions = z.input<typeof AbcOptionsSchema>;

/**
 * One class of an {@link AbcResult}: its members' count and exact total,
 * and their shares of customers and of value.
 *
 * @example
 * ```ts
 * const a: AbcClassReport = result.classes[0]!; // { name: 'A', count: 2, customerShare: 0.2, total, valueShare: 0.82 }
 * ```
 */
export interface AbcClassReport {
  /** The class name. */
  readonly name: string;
  /** The cumulative share it reaches up to (absent for the last class). */
  readonly upTo?: number;
  /** Customers in it. */
  readonly count: number;
  /** Their share of customers. */
  readonly customerShare: number;
  /** Their exact total value. */
  readonly total: Decimal;
  /** Their share of the positive total (0 when there is none). */
  readonly valueShare: number;
}

/**
 * The result of {@link abcClasses}.
 *
 * @example
 * ```ts
 * const result: AbcResult = abcClasses(items);
 * result.assignments.find((a) => a.id === 'c1')?.class; // 'A'
 * ```
 */
export interface AbcResult {
  /** Every class, in order, with counts and totals. */
  readonly classes: readonly AbcClassReport[];
  /** The exact sum of positive values the shares are of. */
  readonly total: Decimal;
  /** The currency, when the values were Money. */
  readonly currency?: string;
  /** One per item, in input order: the class and the cumulative share before it. */
  readonly assignments: readonly {
    readonly id: string;
    readonly class: string;
    /** Share of the total held by the customers ranked above this one. */
    readonly shareBefore: number;
  }[];
}

/**
 * ABC / Pareto classes by cumulative share of value (revenue, profit):
 * customers ranked by value, highest first (ties by id); class A is the
 * smallest group of top customers whose value reaches at least `upTo` of
 * the total (so the customer who crosses 80 % is in A), B the next group up
 * to its share, the last class the rest. Shares are of the sum of positive
 * values, exactly (decimal); customers with zero or negative value (a loss)
 * always fall in the last class.
 *
 * @example
 * ```ts
 * const result = abcClasses([
 *   { id: 'a', value: 500 }, { id: 'b', value: 300 }, { id: 'c', value: 150 }, { id: 'd', value: 50 },
 * ]);
 * result.assignments.map((x) => x.class); // ['A', 'A', 'B', 'C']
 * ```
 */
export function abcClasses(
  items: readonly { readonly id: string; readonly value: AmountInput }[],
  options: AbcOptions = {},
): AbcResult {
  const { classes } = parseWith(AbcOptionsSchema, 'ABC options', options);
  const { ids, values, currency } = readValues(items);
  const n = ids.length;
  const zero = toDecimal(0)!;
  const total = values.reduce((sum, v) => (v.isPositive() && !v.isZero() ? sum.plus(v) : sum), zero);
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => values[b]!.comparedTo(values[a]!) || compareIds(ids[a]!, ids[b]!),
  );
  const classOf = new Int32Array(n);
  const shareBefore = new Float64Array(n);
  const last = classes.length - 1;
  let cumulative = zero;
  let current = 0;
  for (const i of order) {
    const value = values[i]!;
    const positive = value.isPositive() && !value.isZero();
    while (
      current < last &&
      total.isPositive() &&
      cumulative.greaterThanOrEqualTo(total.times(classes[current]!.upTo!))
    ) {
      current++;
    }
    classOf[i] = positive ? current : last;
    shareBefore[i] = total.isZero() ? 0 : cumulative.dividedBy(total).toNumber();
    if (positive) cumulative = cumulative.plus(value);
  }
  const reports: AbcClassReport[] = classes.map((c, k) => {
    let count = 0;
    let sum = zero;
    for (let i = 0; i < n; i++) {
      if (classOf[i] !== k) continue;
      count++;
      sum = sum.plus(values[i]!);
    }
    const positiveSum = sum.isPositive() ? sum : zero;
    return {
      name: c.name,
      ...(c.upTo === undefined ? {} : { upTo: c.upTo }),
      count,
      customerShare: n === 0 ? 0 : count / n,
      total: sum,
      valueShare: total.isZero() ? 0 : positiveSum.dividedBy(total).toNumber(),
    };
  });
  return {
    classes: reports,
    total,
    ...(currency === undefined ? {} : { currency }),
    assignments: ids.map((id, i) => ({
      id,
      class: classes[classOf[i]!]!.name,
      shareBefore: shareBefore[i]!,
    })),
  };
}

function readValues(items: readonly { readonly id: string; readonly value: AmountInput }[]) {
  if (!Array.isArray(items)) {
    throw new ValidationError('ABC items', [{ path: [], message: 'must be an array', code: 'invalid_type' }]);
  }
  const issues: ValidationIssue[] = [];
  const ids: string[] = [];
  const values: Decimal[] = [];
  let currency: string | undefined;
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (typeof item?.id !== 'string' || item.id.length === 0) {
      issues.push({ path: [i, 'id'], message: 'must be a non-empty string', code: 'invalid_type' });
    } else if (seen.has(item.id)) issues.push({ path: [i, 'id'], message: 'duplicate id', code: 'custom' });
    seen.add(item?.id);
    if (item?.value instanceof Money) {
      currency ??= item.value.currency;
      if (item.value.currency !== currency) {
        issues.push({ path: [i, 'value'], message: `must be in ${currency} like the first`, code: 'custom' });
      }
    }
    const value = amountToDecimal(item?.value);
    if (value === undefined) issues.push(notAnAmount([i, 'value']));
    ids.push(item?.id);
    values.push(value ?? toDecimal(0)!);
  });
  if (issues.length > 0) throw new ValidationError('ABC items', issues.slice(0, 20));
  return { ids, values, currency };
}
