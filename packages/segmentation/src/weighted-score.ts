import { parseWith } from '@crmkit/core';
import { z } from 'zod';
import { type AhpResult, ahpWeights, ComparisonMatrixSchema } from './ahp';
import { assertArray, featureMatrix } from './matrix';
import { fitScaling, type ScalingParameters } from './scaling';

/**
 * A customer value score from several indicators, all "higher is better"
 * (turn costs into benefits first, e.g. `-complaints`):
 *
 * - `indicators`: names, each optionally with a `weight` (≥ 0);
 * - `normalization`: `min-max` (default; the score lies in [0, 1]) or `z`;
 * - `ahp`: instead of weights, a pairwise comparison matrix over the
 *   indicators in the order listed, with the AHP options (CR ≥ 0.1 is
 *   rejected unless `allowInconsistent`).
 *
 * Without weights or `ahp`, indicators weigh equally. Weights are
 * normalised to add up to 1.
 *
 * @example
 * ```ts
 * WeightedScoreSpecSchema.parse({
 *   indicators: [{ name: 'purchasingPower' }, { name: 'satisfaction' }, { name: 'loyalty' }],
 *   ahp: { matrix: [[1, 3, 2], ['1/3', 1, '1/2'], ['1/2', 2, 1]] },
 * });
 * ```
 */
export const WeightedScoreSpecSchema = z
  .object({
    indicators: z
      .array(
        z.object({ name: z.string().min(1), weight: z.number().finite().nonnegative().optional() }).strict(),
      )
      .min(1, 'needs at least one indicator'),
    normalization: z.enum(['min-max', 'z']).default('min-max'),
    ahp: z
      .object({
        matrix: ComparisonMatrixSchema,
        maxConsistencyRatio: z.number().positive().max(1).default(0.1),
        allowInconsistent: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const names = spec.indicators.map((i) => i.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i)
        ctx.addIssue({ code: 'custom', path: ['indicators', i, 'name'], message: 'duplicate indicator' });
    });
    const weighted = spec.indicators.filter((i) => i.weight !== undefined).length;
    if (spec.ahp !== undefined && weighted > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['ahp'],
        message: 'give indicator weights or an AHP matrix, not both',
      });
    }
    if (weighted > 0 && weighted < spec.indicators.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['indicators'],
        message: 'give a weight to every indicator or to none',
      });
    }
    if (weighted > 0 && spec.indicators.every((i) => i.weight === 0)) {
      ctx.addIssue({ code: 'custom', path: ['indicators'], message: 'weights must not all be 0' });
    }
    if (spec.ahp !== undefined && spec.ahp.matrix.length !== spec.indicators.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['ahp', 'matrix'],
        message: `must be ${spec.indicators.length} × ${spec.indicators.length}, one row per indicator`,
      });
    }
  });

/**
 * What {@link WeightedScoreSpecSchema} accepts.
 *
 * @example
 * ```ts
 * const spec: WeightedScoreSpec = { indicators: [{ name: 'spend', weight: 2 }, { name: 'satisfaction', weight: 1 }] };
 * ```
 */
export type WeightedScoreSpec = z.input<typeof WeightedScoreSpecSchema>;

/**
 * A customer's indicators by name.
 *
 * @example
 * ```ts
 * const row: IndicatorRow = { id: 'c1', indicators: { purchasingPower: 1200, satisfaction: 8.5, loyalty: 0.7 } };
 * ```
 */
export interface IndicatorRow {
  /** The customer. */
  readonly id: string;
  /** Indicator values by name, all higher-is-better. */
  readonly indicators: Readonly<Record<string, number>>;
}

/**
 * One customer's score and what each indicator contributed (weight ×
 * normalised value; the contributions add up to the score).
 *
 * @example
 * ```ts
 * const s: CustomerScore = { id: 'c1', score: 0.82, contributions: { spend: 0.5, satisfaction: 0.32 } };
 * ```
 */
export interface CustomerScore {
  /** The customer. */
  readonly id: string;
  /** Σ weight × normalised indicator. */
  readonly score: number;
  /** Each indicator's part of the score. */
  readonly contributions: Readonly<Record<string, number>>;
}

/**
 * The result of {@link scoreCustomers}.
 *
 * @example
 * ```ts
 * const result: WeightedScoreResult = scoreCustomers(rows, spec);
 * result.weights; // { purchasingPower: 0.54, satisfaction: 0.16, loyalty: 0.30 }
 * ```
 */
export interface WeightedScoreResult {
  /** The weight of each indicator (adding up to 1). */
  readonly weights: Readonly<Record<string, number>>;
  /** The AHP derivation, when the weights came from a matrix. */
  readonly ahp?: AhpResult;
  /** How each indicator was normalised: `normalised = (x − offset) / factor`. */
  readonly normalization: ScalingParameters;
  /** One per row, in input order. */
  readonly scores: readonly CustomerScore[];
}

/**
 * Scores customers by several higher-is-better indicators (see
 * {@link WeightedScoreSpecSchema}): normalises each indicator over the
 * customers given, weighs and adds. The score is monotone in every
 * indicator: a customer at least as good on every indicator never scores
 * lower, and raising one customer's indicator never lowers their score.
 * Rows missing an indicator throw `ValidationError` naming row and
 * indicator.
 *
 * @example
 * ```ts
 * const result = scoreCustomers(
 *   [
 *     { id: 'a', indicators: { spend: 1000, satisfaction: 6 } },
 *     { id: 'b', indicators: { spend: 200, satisfaction: 10 } },
 *     { id: 'c', indicators: { spend: 600, satisfaction: 8 } },
 *   ],
 *   { indicators: [{ name: 'spend', weight: 3 }, { name: 'satisfaction', weight: 1 }] },
 * );
 * result.scores.map((s) => s.score); // [0.75, 0.25, 0.5]
 * ```
 */
export function scoreCustomers(rows: readonly IndicatorRow[], spec: WeightedScoreSpec): WeightedScoreResult {
  const parsed = parseWith(WeightedScoreSpecSchema, 'weighted score spec', spec);
  const names = parsed.indicators.map((i) => i.name);
  assertArray('indicator rows', rows);
  const matrix = featureMatrix(
    'indicator rows',
    rows.map((r) => r?.indicators),
    names,
    'indicators',
  );
  let raw: number[];
  let ahp: AhpResult | undefined;
  if (parsed.ahp !== undefined) {
    ahp = ahpWeights(parsed.ahp.matrix, {
      maxConsistencyRatio: parsed.ahp.maxConsistencyRatio,
      allowInconsistent: parsed.ahp.allowInconsistent,
    });
    raw = [...ahp.weights];
  } else {
    raw = parsed.indicators.map((i) => i.weight ?? 1);
  }
  const total = raw.reduce((a, b) => a + b, 0);
  const weights = raw.map((w) => w / total);
  const normalization = fitScaling(matrix, parsed.normalization);
  const { columns, data } = matrix;
  const scores = rows.map((row, i) => {
    let score = 0;
    const contributions: Record<string, number> = {};
    for (let j = 0; j < columns; j++) {
      const part =
        (weights[j]! * (data[i * columns + j]! - normalization.offset[j]!)) / normalization.factor[j]!;
      contributions[names[j]!] = part;
      score += part;
    }
    return { id: row.id, score, contributions };
  });
  return {
    weights: Object.fromEntries(names.map((name, j) => [name, weights[j]!])),
    ...(ahp === undefined ? {} : { ahp }),
    normalization,
    scores,
  };
}
