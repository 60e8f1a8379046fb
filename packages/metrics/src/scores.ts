import { type Interaction, parseWith } from '@crmkit/core';
import { z } from 'zod';
import { type PeriodOptions, PeriodOptionsSchema } from './kpis';
import { type Rate, rate } from './rate';
import { invalid, type Source } from './source';

/**
 * A score scale: whole numbers from `min` to `max` inclusive.
 *
 * @example
 * ```ts
 * ScoreScaleSchema.parse({ min: 1, max: 7 });
 * ```
 */
export const ScoreScaleSchema = z
  .object({ min: z.number().int(), max: z.number().int() })
  .strict()
  .refine((s) => s.max > s.min, { message: 'must be greater than min', path: ['max'] });

/**
 * A validated {@link ScoreScaleSchema}.
 *
 * @example
 * ```ts
 * const fivePoint: ScoreScale = { min: 1, max: 5 };
 * ```
 */
export type ScoreScale = z.output<typeof ScoreScaleSchema>;

function checkScores(what: string, scores: readonly number[], min: number, max: number): void {
  if (!Array.isArray(scores)) invalid(what, [], 'must be an array of scores');
  scores.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < min || s > max)
      invalid(what, [i], `must be a whole number from ${min} to ${max}, got ${String(s)}`);
  });
}

/**
 * Net Promoter Score from 0–10 answers: promoters answer 9–10, passives 7–8,
 * detractors 0–6; `score = (promoters − detractors) ÷ responses × 100`, a
 * number from −100 to 100, `null` without responses. Throws
 * `ValidationError` naming the index of a score that is not a whole number
 * from 0 to 10.
 *
 * @example
 * ```ts
 * netPromoterScore([10, 9, 8, 6, 3]); // { score: 0, promoters: 2, passives: 1, detractors: 2, responses: 5 }
 * ```
 */
export function netPromoterScore(scores: readonly number[]): {
  readonly score: number | null;
  readonly promoters: number;
  readonly passives: number;
  readonly detractors: number;
  readonly responses: number;
} {
  checkScores('NPS scores', scores, 0, 10);
  let promoters = 0;
  let detractors = 0;
  for (const s of scores) {
    if (s >= 9) promoters++;
    else if (s <= 6) detractors++;
  }
  const responses = scores.length;
  const score = responses === 0 ? null : ((promoters - detractors) * 100) / responses;
  return { score, promoters, passives: responses - promoters - detractors, detractors, responses };
}

/**
 * Options of {@link customerSatisfaction}: the scale (default 1–5) and the
 * lowest satisfied score (default: `max − 1`, so 4 and 5 on a 1–5 scale).
 *
 * @example
 * ```ts
 * CsatOptionsSchema.parse({ scale: { min: 1, max: 10 }, satisfiedFrom: 8 });
 * ```
 */
export const CsatOptionsSchema = z
  .object({
    scale: ScoreScaleSchema.default({ min: 1, max: 5 }),
    satisfiedFrom: z.number().int().optional(),
  })
  .strict()
  .refine(
    (o) => o.satisfiedFrom === undefined || (o.satisfiedFrom > o.scale.min && o.satisfiedFrom <= o.scale.max),
    {
      message: 'must be inside the scale, above its minimum',
      path: ['satisfiedFrom'],
    },
  );

/**
 * What {@link CsatOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: CsatOptions = { scale: { min: 0, max: 10 }, satisfiedFrom: 8 };
 * ```
 */
export type CsatOptions = z.input<typeof CsatOptionsSchema>;

/**
 * Customer satisfaction (CSAT): the share of satisfied answers, `answers ≥
 * satisfiedFrom ÷ answers` — by default the share of 4 and 5 on a 1–5 scale.
 * `value` is `null` without answers. Throws `ValidationError` naming the
 * index of an answer outside the scale or not whole.
 *
 * @example
 * ```ts
 * customerSatisfaction([5, 4, 3, 5]).value; // 0.75
 * customerSatisfaction([9, 6], { scale: { min: 0, max: 10 }, satisfiedFrom: 8 }).value; // 0.5
 * ```
 */
export function customerSatisfaction(scores: readonly number[], options: CsatOptions = {}): Rate {
  const { scale, satisfiedFrom } = parseWith(CsatOptionsSchema, 'CSAT options', options);
  checkScores('CSAT scores', scores, scale.min, scale.max);
  const threshold = satisfiedFrom ?? scale.max - 1;
  let satisfied = 0;
  for (const s of scores) if (s >= threshold) satisfied++;
  return rate(satisfied, scores.length);
}

/**
 * Options of {@link customerEffortScore}: the scale, 1–7 by default.
 *
 * @example
 * ```ts
 * CesOptionsSchema.parse({ scale: { min: 1, max: 5 } });
 * ```
 */
export const CesOptionsSchema = z.object({ scale: ScoreScaleSchema.default({ min: 1, max: 7 }) }).strict();

/**
 * What {@link CesOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: CesOptions = { scale: { min: 1, max: 5 } };
 * ```
 */
export type CesOptions = z.input<typeof CesOptionsSchema>;

/**
 * Customer effort score (CES): the mean answer on the scale (default 1–7,
 * lower is less effort). `mean` is `null` without answers. Throws
 * `ValidationError` naming the index of an answer outside the scale.
 *
 * @example
 * ```ts
 * customerEffortScore([2, 3, 7]); // { sum: 12, responses: 3, mean: 4 }
 * customerEffortScore([1, 5], { scale: { min: 1, max: 5 } }).mean; // 3
 * ```
 */
export function customerEffortScore(
  scores: readonly number[],
  options: CesOptions = {},
): { readonly sum: number; readonly responses: number; readonly mean: number | null } {
  const { scale } = parseWith(CesOptionsSchema, 'CES options', options);
  checkScores('CES scores', scores, scale.min, scale.max);
  let sum = 0;
  for (const s of scores) sum += s;
  return { sum, responses: scores.length, mean: scores.length === 0 ? null : sum / scores.length };
}

/**
 * The answers of survey interactions in a period, by kind: NPS, CSAT and
 * CES scores in stream order, ready for {@link netPromoterScore},
 * {@link customerSatisfaction} and {@link customerEffortScore}. Non-survey
 * interactions are skipped.
 *
 * @example
 * ```ts
 * const { nps, csat, ces } = await surveyScores(interactions, { period: { start: '2026-01-01', end: '2026-04-01' } });
 * netPromoterScore(nps).score;
 * ```
 */
export async function surveyScores(
  interactions: Source<Interaction>,
  options: PeriodOptions,
): Promise<{ readonly nps: number[]; readonly csat: number[]; readonly ces: number[] }> {
  const { period } = parseWith(PeriodOptionsSchema, 'period options', options);
  const start = period.start.getTime();
  const end = period.end.getTime();
  const nps: number[] = [];
  const csat: number[] = [];
  const ces: number[] = [];
  for await (const i of interactions) {
    if (i.type !== 'survey') continue;
    const t = i.occurredAt.getTime();
    if (t < start || t >= end) continue;
    if (i.nps !== undefined) nps.push(i.nps);
    if (i.csat !== undefined) csat.push(i.csat);
    if (i.ces !== undefined) ces.push(i.ces);
  }
  return { nps, csat, ces };
}
