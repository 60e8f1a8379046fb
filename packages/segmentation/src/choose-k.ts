import { parseWith, ValidationError } from '@crmkit/core';
import { z } from 'zod';
import { kMeansMatrix } from './kmeans';
import { pointMatrix } from './matrix';
import type { Matrix } from './scaling';
import { silhouetteMatrix } from './silhouette';

/**
 * Options of {@link chooseK}: the range of k to try (inclusive) and the
 * criterion:
 *
 * - `silhouette` (default): the k with the highest mean silhouette (ties: the
 *   smaller k);
 * - `elbow`: the k whose point on the inertia curve lies farthest from the
 *   straight line joining the curve's ends, both axes scaled to [0, 1]
 *   (ties: the smaller k). Needs at least three candidates.
 *
 * Each k runs k-means with its own seed derived from `seed`, so a k's
 * result does not depend on the range tried.
 *
 * @example
 * ```ts
 * ChooseKOptionsSchema.parse({ min: 2, max: 8, method: 'elbow', seed: 3 });
 * ```
 */
export const ChooseKOptionsSchema = z
  .object({
    min: z.number().int().min(1).default(2),
    max: z.number().int().min(1).default(8),
    method: z.enum(['silhouette', 'elbow']).default('silhouette'),
    seed: z.union([z.number().int(), z.string()]).default(1),
    restarts: z.number().int().min(1).max(100).default(4),
    maxIterations: z.number().int().min(1).max(10_000).default(300),
    silhouetteSample: z.number().int().min(1).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.max < o.min) ctx.addIssue({ code: 'custom', path: ['max'], message: 'must be at least min' });
    if (o.method === 'elbow' && o.max - o.min < 2) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'the elbow needs at least three values of k' });
    }
    if (o.method === 'silhouette' && o.min < 2 && o.max < 2) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'silhouette needs k >= 2' });
    }
  });

/**
 * What {@link ChooseKOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: ChooseKOptions = { max: 6, method: 'silhouette' };
 * ```
 */
export type ChooseKOptions = z.input<typeof ChooseKOptionsSchema>;

/**
 * The result of {@link chooseK}: the chosen k and, for every k tried, its
 * inertia and mean silhouette — the evidence for the choice.
 *
 * @example
 * ```ts
 * const { k, candidates } = chooseK(points, { max: 6 });
 * ```
 */
export interface ChooseKResult {
  /** The chosen number of clusters. */
  readonly k: number;
  /** The criterion used. */
  readonly method: 'silhouette' | 'elbow';
  /** Every k tried (up to the number of distinct points). */
  readonly candidates: readonly {
    readonly k: number;
    readonly inertia: number;
    readonly silhouette?: number;
  }[];
}

/**
 * Chooses the number of clusters for k-means by silhouette or elbow (see
 * {@link ChooseKOptionsSchema}). Scale the points first. k values above the
 * number of distinct points are not tried.
 *
 * @example
 * ```ts
 * chooseK([[1], [1.1], [5], [5.2], [9], [9.1]], { min: 2, max: 4 }).k; // 3
 * ```
 */
export function chooseK(points: readonly (readonly number[])[], options: ChooseKOptions = {}): ChooseKResult {
  const parsed = parseWith(ChooseKOptionsSchema, 'choose-k options', options);
  return chooseKMatrix(pointMatrix('choose-k points', points), parsed);
}

/** {@link chooseK} over a checked matrix. */
export function chooseKMatrix(matrix: Matrix, options: z.output<typeof ChooseKOptionsSchema>): ChooseKResult {
  const candidates: { k: number; inertia: number; silhouette?: number }[] = [];
  const low = options.method === 'silhouette' ? Math.max(2, options.min) : options.min;
  for (let k = low; k <= options.max; k++) {
    const result = kMeansMatrix(matrix, {
      k,
      seed: `${options.seed}:k${k}`,
      restarts: options.restarts,
      maxIterations: options.maxIterations,
    });
    if (result.k < k) break;
    const candidate: { k: number; inertia: number; silhouette?: number } = { k, inertia: result.inertia };
    if (options.method === 'silhouette') {
      const s = silhouetteMatrix(matrix, Int32Array.from(result.assignments), {
        sampleSize: options.silhouetteSample,
        seed: options.seed,
      });
      if (s.mean !== undefined) candidate.silhouette = s.mean;
    }
    candidates.push(candidate);
  }
  if (candidates.length === 0) {
    throw new ValidationError('choose-k points', [
      { path: [], message: `needs at least ${low} distinct points to try k = ${low}`, code: 'too_small' },
    ]);
  }
  return {
    k: options.method === 'silhouette' ? bySilhouette(candidates) : byElbow(candidates),
    method: options.method,
    candidates,
  };
}

function bySilhouette(candidates: readonly { k: number; silhouette?: number }[]): number {
  let best = candidates[0]!;
  for (const c of candidates) if ((c.silhouette ?? -2) > (best.silhouette ?? -2)) best = c;
  return best.k;
}

function byElbow(candidates: readonly { k: number; inertia: number }[]): number {
  if (candidates.length < 3) return candidates[candidates.length - 1]!.k;
  const first = candidates[0]!;
  const last = candidates[candidates.length - 1]!;
  const spanK = last.k - first.k;
  const top = Math.max(...candidates.map((c) => c.inertia));
  const bottom = Math.min(...candidates.map((c) => c.inertia));
  const spanY = top - bottom || 1;
  const x = (c: { k: number }) => (c.k - first.k) / spanK;
  const y = (c: { inertia: number }) => (c.inertia - bottom) / spanY;
  // distance from (x, y) to the line through the ends, up to a constant factor
  const dx = x(last) - x(first);
  const dy = y(last) - y(first);
  let best = first;
  let bestDistance = -1;
  for (const c of candidates) {
    const distance = Math.abs(dy * (x(c) - x(first)) - dx * (y(c) - y(first)));
    if (distance > bestDistance + 1e-12) {
      best = c;
      bestDistance = distance;
    }
  }
  return best.k;
}
