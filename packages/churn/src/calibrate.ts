import { z } from 'zod';
import { ChurnConfigError, ChurnInputError, parseConfig } from './errors';

/** Scores closer than this are ties (which go to the threshold warning fewer customers). */
const EPSILON = 1e-12;

/**
 * The value of a percentile `p` (0–100) of some past indicator values, by
 * linear interpolation between the closest ranks (the common "type 7"
 * definition, as in spreadsheets and NumPy). Missing values (`undefined`,
 * `null`) are skipped.
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 50); // 2.5
 * percentile([10, 20, 30, 40, 50], 90); // 46
 * ```
 */
export function percentile(values: Iterable<number | null | undefined>, p: number): number {
  return percentiles(values, [p])[0]!;
}

/**
 * Several percentiles of the same values at once (one sort).
 *
 * @example
 * ```ts
 * percentiles([5, 1, 4, 2, 3], [0, 50, 100]); // [1, 3, 5]
 * ```
 */
export function percentiles(values: Iterable<number | null | undefined>, ps: readonly number[]): number[] {
  const sorted: number[] = [];
  let i = 0;
  for (const v of values) {
    if (v !== undefined && v !== null) {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new ChurnInputError(['values', i], 'must be a finite number');
      sorted.push(v);
    }
    i++;
  }
  const issues = ps.flatMap((p, j) =>
    typeof p === 'number' && p >= 0 && p <= 100
      ? []
      : [{ path: ['percentiles', j], message: 'must be in [0, 100]', code: 'custom' }],
  );
  if (issues.length > 0) throw new ChurnConfigError('percentiles', issues);
  if (sorted.length === 0) throw new ChurnInputError(['values'], 'needs at least one value');
  sorted.sort((a, b) => a - b);
  return ps.map((p) => {
    const h = ((sorted.length - 1) * p) / 100;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
  });
}

/**
 * Options of {@link calibrateThreshold}: which side of the threshold warns
 * (`gte`: values at or above it, the default; `lte`: at or below), what to
 * maximise (`'f1'`, or the best recall at a precision of at least
 * `recallAtPrecision`), and optionally the fact name for the ready-made
 * condition.
 *
 * @example
 * ```ts
 * CalibrationOptionsSchema.parse({ direction: 'lte', objective: { recallAtPrecision: 0.8 }, fact: 'pAlive' });
 * ```
 */
export const CalibrationOptionsSchema = z
  .object({
    direction: z.enum(['gte', 'lte']).default('gte'),
    objective: z
      .union([
        z.literal('f1'),
        z.object({ recallAtPrecision: z.number().gt(0, 'must be > 0').max(1, 'must be <= 1') }).strict(),
      ])
      .default('f1'),
    fact: z.string().min(1).optional(),
  })
  .strict();

/**
 * What {@link CalibrationOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: CalibrationOptions = { objective: 'f1', fact: 'recencyRatio' };
 * ```
 */
export type CalibrationOptions = z.input<typeof CalibrationOptionsSchema>;

/**
 * One past observation: an indicator value (absent values never warn) and
 * whether the customer actually churned.
 *
 * @example
 * ```ts
 * const s: CalibrationSample = { value: 3.2, churned: true };
 * ```
 */
export interface CalibrationSample {
  /** The indicator's value then. */
  readonly value: number | null | undefined;
  /** Whether they churned afterwards. */
  readonly churned: boolean;
}

/**
 * The confusion counts of a warning against what happened, and the scores.
 *
 * @example
 * ```ts
 * const c: Confusion = { tp: 8, fp: 2, fn: 4, tn: 86, precision: 0.8, recall: 0.667, f1: 0.727 };
 * ```
 */
export interface Confusion {
  /** Warned and churned. */
  readonly tp: number;
  /** Warned, stayed. */
  readonly fp: number;
  /** Not warned, churned. */
  readonly fn: number;
  /** Not warned, stayed. */
  readonly tn: number;
  /** tp / (tp + fp); 0 when nobody was warned. */
  readonly precision: number;
  /** tp / (tp + fn); 0 when nobody churned. */
  readonly recall: number;
  /** Harmonic mean of precision and recall (0 when both are 0). */
  readonly f1: number;
}

/**
 * The chosen threshold, its scores on the samples, and a ready condition.
 *
 * @example
 * ```ts
 * const result: CalibrationResult = calibrateThreshold(samples, { fact: 'recencyRatio' })!;
 * result.condition; // { fact: 'recencyRatio', op: 'gte', value: 3 }
 * ```
 */
export interface CalibrationResult extends Confusion {
  /** The threshold value (one of the observed values). */
  readonly threshold: number;
  /** Which side warns. */
  readonly direction: 'gte' | 'lte';
  /** How many samples it warns. */
  readonly warned: number;
  /** `{ fact, op, value }`, for a threshold rule (with `fact` from the options, else `'value'`). */
  readonly condition: { fact: string; op: 'gte' | 'lte'; value: number };
}

/**
 * Chooses the threshold of one indicator from history: every observed value
 * is a candidate; the one that maximises F1, or (with
 * `{ recallAtPrecision: p }`) the one with the highest recall among those
 * whose precision is at least `p`, wins. Ties go to the threshold that warns
 * fewer customers. Returns `undefined` when no candidate reaches the
 * required precision (or no value is present).
 *
 * @example
 * ```ts
 * calibrateThreshold(
 *   [{ value: 1, churned: false }, { value: 2, churned: false }, { value: 3, churned: true }, { value: 4, churned: true }],
 *   { fact: 'recencyRatio' },
 * )?.condition; // { fact: 'recencyRatio', op: 'gte', value: 3 }
 * ```
 */
export function calibrateThreshold(
  samples: Iterable<CalibrationSample>,
  options: CalibrationOptions = {},
): CalibrationResult | undefined {
  const { direction, objective, fact } = parseConfig(
    CalibrationOptionsSchema,
    'calibration options',
    options,
  );
  const present: { value: number; churned: boolean }[] = [];
  let churnedTotal = 0;
  let total = 0;
  let i = 0;
  for (const s of samples) {
    if (typeof s?.churned !== 'boolean')
      throw new ChurnInputError(['samples', i, 'churned'], 'must be a boolean');
    const v = s.value;
    if (v !== undefined && v !== null) {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new ChurnInputError(['samples', i, 'value'], 'must be a finite number');
      present.push({ value: v, churned: s.churned });
    }
    if (s.churned) churnedTotal++;
    total++;
    i++;
  }
  // Sweep from the most extreme value inwards: each step warns a few more samples.
  present.sort(direction === 'gte' ? (a, b) => b.value - a.value : (a, b) => a.value - b.value);
  let best: CalibrationResult | undefined;
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < present.length; ) {
    const threshold = present[k]!.value;
    while (k < present.length && present[k]!.value === threshold) {
      if (present[k]!.churned) tp++;
      else fp++;
      k++;
    }
    const scores = confusion(tp, fp, churnedTotal - tp, total - churnedTotal - fp);
    const candidate: CalibrationResult = {
      ...scores,
      threshold,
      direction,
      warned: tp + fp,
      condition: { fact: fact ?? 'value', op: direction, value: threshold },
    };
    if (objective === 'f1') {
      if (best === undefined || candidate.f1 > best.f1 + EPSILON) best = candidate;
    } else if (candidate.precision >= objective.recallAtPrecision) {
      if (best === undefined || candidate.recall > best.recall + EPSILON) best = candidate;
    }
  }
  return best;
}

/**
 * Confusion counts with precision, recall and F1.
 *
 * @example
 * ```ts
 * confusion(8, 2, 4, 86).precision; // 0.8
 * ```
 */
export function confusion(tp: number, fp: number, fn: number, tn: number): Confusion {
  const counts = { tp, fp, fn, tn };
  for (const [name, n] of Object.entries(counts))
    if (!Number.isInteger(n) || n < 0) throw new ChurnInputError([name], 'must be a whole number >= 0');
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, tn, precision, recall, f1 };
}
