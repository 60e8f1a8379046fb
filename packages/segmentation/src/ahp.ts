import { parseWith } from '@crmkit/core';
import { z } from 'zod';
import { InconsistentJudgementsError } from './errors';

/**
 * Saaty's random consistency index RI for matrices of order 1…15 (Saaty,
 * *The Analytic Hierarchy Process*, 1980): the mean consistency index of
 * random reciprocal matrices.
 *
 * @example
 * ```ts
 * SAATY_RANDOM_INDEX[3]; // 0.58, for a 3 × 3 matrix
 * ```
 */
export const SAATY_RANDOM_INDEX: Readonly<Record<number, number>> = Object.freeze({
  1: 0,
  2: 0,
  3: 0.58,
  4: 0.9,
  5: 1.12,
  6: 1.24,
  7: 1.32,
  8: 1.41,
  9: 1.45,
  10: 1.49,
  11: 1.51,
  12: 1.48,
  13: 1.56,
  14: 1.57,
  15: 1.59,
});

const Judgement = z.union([
  z.number().positive('must be greater than 0').finite(),
  z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*(\/\s*\d+(\.\d+)?\s*)?$/, 'must be a number or a fraction such as "1/3"')
    .transform((s) => {
      const [top, bottom] = s.split('/').map(Number);
      return bottom === undefined ? top! : top! / bottom;
    })
    .refine((v) => Number.isFinite(v) && v > 0, 'must be greater than 0'),
]);

/**
 * A pairwise comparison matrix: square, order 1–15, entries positive
 * numbers or fractions (`"1/3"`), `a[i][i] = 1` and `a[j][i] = 1 / a[i][j]`
 * (within 1 %, so `0.33` passes for `1/3`). `a[i][j] = 3` reads "criterion i
 * is moderately more important than j" on Saaty's 1–9 scale.
 *
 * @example
 * ```ts
 * ComparisonMatrixSchema.parse([[1, 3], ['1/3', 1]]);
 * ```
 */
export const ComparisonMatrixSchema = z
  .array(z.array(Judgement))
  .min(1, 'needs at least one criterion')
  .max(15, 'Saaty’s random index covers at most 15 criteria')
  .superRefine((rows, ctx) => {
    const n = rows.length;
    rows.forEach((row, i) => {
      if (row.length !== n)
        ctx.addIssue({ code: 'custom', path: [i], message: `must have ${n} entries (a square matrix)` });
    });
    if (rows.some((row) => row.length !== n)) return;
    for (let i = 0; i < n; i++) {
      if (Math.abs(rows[i]![i]! - 1) > 1e-9)
        ctx.addIssue({ code: 'custom', path: [i, i], message: 'the diagonal must be 1' });
      for (let j = i + 1; j < n; j++) {
        if (Math.abs(rows[i]![j]! * rows[j]![i]! - 1) > 0.01) {
          ctx.addIssue({
            code: 'custom',
            path: [j, i],
            message: `must be the reciprocal of [${i}][${j}] = ${rows[i]![j]}`,
          });
        }
      }
    }
  });

/**
 * Options of {@link ahpWeights}: the consistency ratio limit (judgements with
 * CR at or above it are rejected; 0.1 by default, Saaty's rule) and whether
 * to accept inconsistent judgements anyway.
 *
 * @example
 * ```ts
 * AhpOptionsSchema.parse({ allowInconsistent: true });
 * ```
 */
export const AhpOptionsSchema = z
  .object({
    maxConsistencyRatio: z.number().positive().max(1).default(0.1),
    allowInconsistent: z.boolean().default(false),
  })
  .strict();

/**
 * What {@link AhpOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: AhpOptions = { maxConsistencyRatio: 0.05 };
 * ```
 */
export type AhpOptions = z.input<typeof AhpOptionsSchema>;

/**
 * The result of {@link ahpWeights}.
 *
 * @example
 * ```ts
 * const { weights, consistencyRatio }: AhpResult = ahpWeights(matrix);
 * ```
 */
export interface AhpResult {
  /** The principal eigenvector, normalised to add up to 1, in the matrix's row order. */
  readonly weights: readonly number[];
  /** λmax, the principal eigenvalue (n for perfectly consistent judgements). */
  readonly lambdaMax: number;
  /** CI = (λmax − n) / (n − 1); 0 for n ≤ 2. */
  readonly consistencyIndex: number;
  /** Saaty's RI for this n. */
  readonly randomIndex: number;
  /** CR = CI / RI; 0 for n ≤ 2. */
  readonly consistencyRatio: number;
  /** Whether CR is below the limit. */
  readonly consistent: boolean;
  /** Power iterations used. */
  readonly iterations: number;
}

/**
 * Derives weights from a pairwise comparison matrix by AHP: the principal
 * eigenvector by power iteration (to 1e-12), λmax as the mean of
 * `(A·w)ᵢ / wᵢ`, `CI = (λmax − n) / (n − 1)` and `CR = CI / RI` with
 * {@link SAATY_RANDOM_INDEX}. Throws {@link InconsistentJudgementsError}
 * when CR reaches the limit, unless `allowInconsistent`; a malformed matrix
 * throws `ValidationError` naming the cell.
 *
 * @example
 * ```ts
 * const { weights, consistencyRatio } = ahpWeights([
 *   [1, 3, 5],
 *   ['1/3', 1, 2],
 *   ['1/5', '1/2', 1],
 * ]);
 * weights.map((w) => w.toFixed(3)); // ['0.648', '0.230', '0.122']
 * consistencyRatio.toFixed(4); // '0.0032'
 * ```
 */
export function ahpWeights(
  matrix: readonly (readonly (number | string)[])[],
  options: AhpOptions = {},
): AhpResult {
  const a = parseWith(ComparisonMatrixSchema, 'comparison matrix', matrix);
  const { maxConsistencyRatio, allowInconsistent } = parseWith(AhpOptionsSchema, 'AHP options', options);
  const n = a.length;
  let w = new Array<number>(n).fill(1 / n);
  let iterations = 0;
  for (; iterations < 10_000; iterations++) {
    const next = multiply(a, w);
    const sum = next.reduce((s, v) => s + v, 0);
    for (let i = 0; i < n; i++) next[i]! /= sum;
    const change = Math.max(...next.map((v, i) => Math.abs(v - w[i]!)));
    w = next;
    if (change < 1e-12) break;
  }
  const aw = multiply(a, w);
  const lambdaMax = aw.reduce((s, v, i) => s + v / w[i]!, 0) / n;
  const consistencyIndex = n > 2 ? (lambdaMax - n) / (n - 1) : 0;
  const randomIndex = SAATY_RANDOM_INDEX[n]!;
  const consistencyRatio = randomIndex > 0 ? Math.max(0, consistencyIndex) / randomIndex : 0;
  const consistent = consistencyRatio < maxConsistencyRatio;
  if (!consistent && !allowInconsistent) {
    throw new InconsistentJudgementsError(consistencyRatio, maxConsistencyRatio, lambdaMax);
  }
  return {
    weights: w,
    lambdaMax,
    consistencyIndex,
    randomIndex,
    consistencyRatio,
    consistent,
    iterations: iterations + 1,
  };
}

function multiply(a: readonly (readonly number[])[], w: readonly number[]): number[] {
  return a.map((row) => row.reduce((s, v, j) => s + v * w[j]!, 0));
}
