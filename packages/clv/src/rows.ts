import { ValidationError, type ValidationIssue } from '@crmkit/core';
import { z } from 'zod';

const count = z.number().int('must be a whole number').min(0, 'must be >= 0');
const duration = z.number().min(0, 'must be >= 0').finite('must be finite');
const weight = z.number().positive('must be > 0').finite('must be finite').optional();

/**
 * One customer's purchase history as the BG/NBD and Pareto/NBD models read it
 * (continuous time, in one time unit throughout): `frequency` repeat
 * purchases (x), `recency` the time of the last one since the first purchase
 * (tₓ, 0 when x = 0), `T` the time from the first purchase to the end of the
 * calibration period, and an optional `weight` — the number of customers
 * sharing this history. Other fields (an id, a monetary value) are allowed
 * and ignored.
 *
 * @example
 * ```ts
 * RfmRowSchema.parse({ frequency: 2, recency: 30.43, T: 38.86 });
 * ```
 */
export const RfmRowSchema = z
  .object({ frequency: count, recency: duration, T: duration, weight })
  .superRefine((row, ctx) => {
    if (row.recency > row.T) ctx.addIssue({ code: 'custom', path: ['recency'], message: 'must be <= T' });
    if (row.frequency === 0 && row.recency !== 0)
      ctx.addIssue({ code: 'custom', path: ['recency'], message: 'must be 0 when frequency is 0' });
  });

/**
 * What {@link RfmRowSchema} accepts.
 *
 * @example
 * ```ts
 * const row: RfmRow = { frequency: 2, recency: 30.43, T: 38.86 };
 * ```
 */
export type RfmRow = z.input<typeof RfmRowSchema>;

/**
 * A repeat customer's spend as the Gamma-Gamma model reads it: `frequency`
 * repeat purchases (≥ 1) and `monetaryValue`, their mean value (> 0), with
 * an optional `weight`.
 *
 * @example
 * ```ts
 * SpendRowSchema.parse({ frequency: 2, monetaryValue: 22.35 });
 * ```
 */
export const SpendRowSchema = z.object({
  frequency: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be >= 1 (fit the spend model on repeat customers only)'),
  monetaryValue: z.number().positive('must be > 0').finite('must be finite'),
  weight,
});

/**
 * What {@link SpendRowSchema} accepts.
 *
 * @example
 * ```ts
 * const row: SpendRow = { frequency: 2, monetaryValue: 22.35 };
 * ```
 */
export type SpendRow = z.input<typeof SpendRowSchema>;

/**
 * A customer in discrete time, as the BG/BB model reads it: out of `n`
 * transaction opportunities after the first, `frequency` had a transaction,
 * the last of them at opportunity `recency` (0 when none), with an optional
 * `weight` (donations data come as such a weighted table).
 *
 * @example
 * ```ts
 * BgBbRowSchema.parse({ frequency: 3, recency: 5, n: 6, weight: 225 });
 * ```
 */
export const BgBbRowSchema = z
  .object({ frequency: count, recency: count, n: count, weight })
  .superRefine((row, ctx) => {
    if (row.recency > row.n) ctx.addIssue({ code: 'custom', path: ['recency'], message: 'must be <= n' });
    if (row.frequency > row.recency)
      ctx.addIssue({ code: 'custom', path: ['frequency'], message: 'must be <= recency' });
    if (row.frequency === 0 && row.recency !== 0)
      ctx.addIssue({ code: 'custom', path: ['recency'], message: 'must be 0 when frequency is 0' });
  });

/**
 * What {@link BgBbRowSchema} accepts.
 *
 * @example
 * ```ts
 * const row: BgBbRow = { frequency: 3, recency: 5, n: 6 };
 * ```
 */
export type BgBbRow = z.input<typeof BgBbRowSchema>;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isDuration = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isWeight = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v > 0);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Fast checks equivalent to the schemas above (the schemas word the errors). */
export const rowChecks = {
  rfm: (row: unknown): boolean =>
    isObject(row) &&
    isCount(row.frequency) &&
    isDuration(row.recency) &&
    isDuration(row.T) &&
    isWeight(row.weight) &&
    row.recency <= row.T &&
    (row.frequency > 0 || row.recency === 0),
  spend: (row: unknown): boolean =>
    isObject(row) &&
    isCount(row.frequency) &&
    row.frequency >= 1 &&
    isDuration(row.monetaryValue) &&
    row.monetaryValue > 0 &&
    isWeight(row.weight),
  bgbb: (row: unknown): boolean =>
    isObject(row) &&
    isCount(row.frequency) &&
    isCount(row.recency) &&
    isCount(row.n) &&
    isWeight(row.weight) &&
    row.recency <= row.n &&
    row.frequency <= row.recency &&
    (row.frequency > 0 || row.recency === 0),
} as const;

const MAX_ISSUES = 100;

/**
 * Checks every row with a fast predicate and, for the rows that fail, lets
 * the schema word the issues (path: row index, then field). Throws
 * `ValidationError` naming `what` when any row is bad or there is none.
 */
export function validateRows(
  rows: unknown,
  schema: z.ZodType,
  isValid: (row: unknown) => boolean,
  what: string,
): void {
  if (!Array.isArray(rows)) {
    throw new ValidationError(what, [
      { path: [], message: 'must be an array of rows', code: 'invalid_type' },
    ]);
  }
  if (rows.length === 0) {
    throw new ValidationError(what, [
      { path: [], message: 'must contain at least one row', code: 'too_small' },
    ]);
  }
  const issues: ValidationIssue[] = [];
  for (let i = 0; i < rows.length && issues.length < MAX_ISSUES; i++) {
    const row: unknown = rows[i];
    if (isValid(row)) continue;
    const parsed = schema.safeParse(row);
    if (parsed.success) {
      issues.push({ path: [i], message: 'is not a valid row', code: 'custom' });
      continue;
    }
    for (const issue of parsed.error.issues) {
      issues.push({
        path: [i, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
        message: issue.message,
        code: issue.code,
      });
    }
  }
  if (issues.length > 0) throw new ValidationError(what, issues);
}

/**
 * Many rows as columns: one array per field, entry `i` of each being row
 * `i` (typed arrays or plain number arrays), with an optional `weight`
 * column (1 when absent).
 *
 * @example
 * ```ts
 * const columns: RowColumns<'frequency' | 'monetaryValue'> = {
 *   frequency: Float64Array.of(2, 1),
 *   monetaryValue: Float64Array.of(22.35, 14.9),
 * };
 * ```
 */
export type RowColumns<K extends string> = { readonly [F in K]: ArrayLike<number> } & {
  readonly weight?: ArrayLike<number> | undefined;
};

/**
 * Checks columns in one pass: every named column (and `weight`, when given)
 * an array of the first one's length, and every row `isValid` (a reused
 * object per row); the schema words the issues of a bad row, with paths
 * `[field, index]`. Throws `ValidationError` naming `what`; returns the
 * number of rows.
 */
export function validateColumns<K extends string>(
  columns: unknown,
  names: readonly K[],
  schema: z.ZodType,
  isValid: (row: unknown) => boolean,
  what: string,
  allowEmpty = false,
): number {
  if (typeof columns !== 'object' || columns === null)
    throw new ValidationError(what, [
      { path: [], message: 'must be an object of columns', code: 'invalid_type' },
    ]);
  const given = columns as Record<string, ArrayLike<number> | undefined>;
  const all: string[] = given['weight'] === undefined ? [...names] : [...names, 'weight'];
  const n = given[names[0]!]?.length;
  const issues: ValidationIssue[] = [];
  for (const name of all) {
    const column = given[name];
    if (column === null || typeof column !== 'object' || typeof column.length !== 'number')
      issues.push({ path: [name], message: 'must be an array of numbers', code: 'invalid_type' });
    else if (column.length !== n)
      issues.push({ path: [name], message: `must have ${n} entries, as ${names[0]} has`, code: 'custom' });
  }
  if (issues.length === 0 && n === 0 && !allowEmpty)
    issues.push({ path: [names[0]!], message: 'must contain at least one row', code: 'too_small' });
  if (issues.length > 0) throw new ValidationError(what, issues);
  const arrays = all.map((name) => given[name]!);
  const row: Record<string, number> = Object.fromEntries(all.map((name) => [name, 0]));
  for (let i = 0; i < n! && issues.length < MAX_ISSUES; i++) {
    for (let c = 0; c < all.length; c++) row[all[c]!] = arrays[c]![i]!;
    if (isValid(row)) continue;
    const parsed = schema.safeParse({ ...row });
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      const path = [String(issue.path[0] ?? 'row'), i];
      // an intersection of schemas may word one problem twice
      if (
        !issues.some(
          (known) => known.path[0] === path[0] && known.path[1] === i && known.message === issue.message,
        )
      )
        issues.push({ path, message: issue.message, code: issue.code });
    }
    if (parsed.success) issues.push({ path: ['row', i], message: 'is not a valid row', code: 'custom' });
  }
  if (issues.length > 0) throw new ValidationError(what, issues);
  return n!;
}

/** Copies validated columns and compresses them (weight 1 when there is no weight column). */
export function compressRowColumns<K extends string>(
  columns: RowColumns<K>,
  names: readonly K[],
): Compressed {
  const n = columns[names[0]!].length;
  const weights =
    columns.weight === undefined ? new Float64Array(n).fill(1) : Float64Array.from(columns.weight);
  return compressColumns(
    names.map((name) => Float64Array.from(columns[name])),
    weights,
  );
}

/** Columns of distinct rows with their summed weights. */
export interface Compressed {
  /** One Float64Array per input column, `size` entries each. */
  readonly columns: Float64Array[];
  readonly weights: Float64Array;
  readonly size: number;
  /** Sum of all weights (the number of customers). */
  readonly total: number;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

function hashOf(columns: readonly Float64Array[], i: number): number {
  let h = 0x811c9dc5;
  for (const column of columns) {
    bits[0] = column[i]! + 0; // +0 folds -0 into 0
    h = Math.imul(h ^ words[0]!, 0x01000193);
    h = Math.imul(h ^ words[1]!, 0x01000193);
  }
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * Merges rows whose columns are all equal, adding up their weights, with an
 * open-addressing hash table (linear time). Keeps first-seen order.
 */
export function compressColumns(columns: readonly Float64Array[], weights: Float64Array): Compressed {
  const length = weights.length;
  let capacity = 16;
  while (capacity < length * 2) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity).fill(-1);
  const outColumns = columns.map(() => new Float64Array(length));
  const outWeights = new Float64Array(length);
  let size = 0;
  let total = 0;
  for (let i = 0; i < length; i++) {
    total += weights[i]!;
    let slot = hashOf(columns, i) & mask;
    for (;;) {
      const at = slots[slot]!;
      if (at === -1) {
        slots[slot] = size;
        for (let c = 0; c < columns.length; c++) outColumns[c]![size] = columns[c]![i]!;
        outWeights[size] = weights[i]!;
        size++;
        break;
      }
      let same = true;
      for (let c = 0; c < columns.length; c++) {
        if (outColumns[c]![at] !== columns[c]![i]) {
          same = false;
          break;
        }
      }
      if (same) {
        outWeights[at] = outWeights[at]! + weights[i]!;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return {
    columns: outColumns.map((column) => column.slice(0, size)),
    weights: outWeights.slice(0, size),
    size,
    total,
  };
}

/** Reads named numeric fields of rows into columns (weight 1 when absent) and compresses them. */
export function columnsOf<K extends string>(
  rows: readonly Readonly<Record<K, number> & { weight?: number | undefined }>[],
  fields: readonly K[],
): Compressed {
  const columns = fields.map(() => new Float64Array(rows.length));
  const weights = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    for (let c = 0; c < fields.length; c++) columns[c]![i] = row[fields[c]!];
    weights[i] = row.weight ?? 1;
  }
  return compressColumns(columns, weights);
}

/** Distinct values of a column and, for each entry, the index of its value. */
export function indexValues(values: Float64Array): { unique: Float64Array; index: Int32Array } {
  const map = new Map<number, number>();
  const unique: number[] = [];
  const index = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let at = map.get(v);
    if (at === undefined) {
      at = unique.length;
      map.set(v, at);
      unique.push(v);
    }
    index[i] = at;
  }
  return { unique: Float64Array.from(unique), index };
}
