import { createSeededRandom, parseWith, ValidationError } from '@crmkit/core';
import { z } from 'zod';
import { pointMatrix } from './matrix';
import type { Matrix } from './scaling';

/**
 * Options of {@link silhouette}: by default every point is scored against
 * every other (O(n²)); with `sampleSize`, only that many points drawn with
 * `seed` are scored (each still against all points), an unbiased estimate
 * in O(sampleSize · n).
 *
 * @example
 * ```ts
 * SilhouetteOptionsSchema.parse({ sampleSize: 2000, seed: 1 });
 * ```
 */
export const SilhouetteOptionsSchema = z
  .object({
    sampleSize: z.number().int().min(1).optional(),
    seed: z.union([z.number().int(), z.string()]).default(1),
  })
  .strict();

/**
 * What {@link SilhouetteOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: SilhouetteOptions = { sampleSize: 1000 };
 * ```
 */
export type SilhouetteOptions = z.input<typeof SilhouetteOptionsSchema>;

/**
 * Silhouette scores: per point `s = (b − a) / max(a, b)`, with `a` the mean
 * distance to the other points of its cluster and `b` the mean distance to
 * the nearest other cluster; a point alone in its cluster scores 0. Near 1:
 * well separated; near 0: on a border; negative: probably misplaced.
 *
 * @example
 * ```ts
 * const s: SilhouetteResult = silhouette(points, assignments);
 * s.mean; // e.g. 0.71
 * ```
 */
export interface SilhouetteResult {
  /** The mean over the points scored; `undefined` with fewer than two non-empty clusters. */
  readonly mean: number | undefined;
  /** The mean per cluster label (`undefined` for a label with no scored point). */
  readonly perCluster: readonly (number | undefined)[];
  /** How many points were scored. */
  readonly scored: number;
}

/**
 * Silhouette of a clustering of points (Euclidean distance): labels are
 * cluster numbers 0…k−1, one per point. Throws `ValidationError` for points
 * of different lengths or labels that are not whole numbers.
 *
 * @example
 * ```ts
 * silhouette([[0], [1], [10], [11]], [0, 0, 1, 1]).mean; // ≈ 0.9
 * ```
 */
export function silhouette(
  points: readonly (readonly number[])[],
  labels: readonly number[],
  options: SilhouetteOptions = {},
): SilhouetteResult {
  const parsed = parseWith(SilhouetteOptionsSchema, 'silhouette options', options);
  const matrix = pointMatrix('silhouette points', points);
  if (!Array.isArray(labels) || labels.length !== matrix.rows) {
    throw new ValidationError('silhouette labels', [
      { path: [], message: `must be an array of ${matrix.rows} cluster numbers`, code: 'invalid_type' },
    ]);
  }
  const bad = labels.findIndex((l) => !Number.isInteger(l) || l < 0);
  if (bad >= 0) {
    throw new ValidationError('silhouette labels', [
      { path: [bad], message: 'must be a whole number >= 0', code: 'invalid_type' },
    ]);
  }
  return silhouetteMatrix(matrix, Int32Array.from(labels), parsed);
}

/** {@link silhouette} over a checked matrix and labels. */
export function silhouetteMatrix(
  matrix: Matrix,
  labels: Int32Array,
  options: { readonly sampleSize?: number | undefined; readonly seed: number | string },
): SilhouetteResult {
  const { rows: n, columns: d, data } = matrix;
  let k = 0;
  for (const l of labels) if (l + 1 > k) k = l + 1;
  const sizes = new Int32Array(k);
  for (const l of labels) sizes[l]!++;
  const clusters = sizes.reduce((count, s) => count + (s > 0 ? 1 : 0), 0);
  const sums = new Float64Array(k);
  const counts = new Int32Array(k);
  if (clusters < 2) return { mean: undefined, perCluster: Array.from(sizes, () => undefined), scored: 0 };
  const chosen = sample(n, options.sampleSize, options.seed);
  const toCluster = new Float64Array(k);
  let total = 0;
  for (const i of chosen) {
    toCluster.fill(0);
    for (let p = 0; p < n; p++) {
      if (p === i) continue;
      let sum = 0;
      for (let j = 0; j < d; j++) {
        const diff = data[i * d + j]! - data[p * d + j]!;
        sum += diff * diff;
      }
      toCluster[labels[p]!]! += Math.sqrt(sum);
    }
    const own = labels[i]!;
    let s = 0;
    if (sizes[own]! > 1) {
      const a = toCluster[own]! / (sizes[own]! - 1);
      let b = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, toCluster[c]! / sizes[c]!);
      const scale = Math.max(a, b);
      s = scale > 0 ? (b - a) / scale : 0;
    }
    sums[own]! += s;
    counts[own]!++;
    total += s;
  }
  return {
    mean: total / chosen.length,
    perCluster: Array.from(sums, (sum, c) => (counts[c]! > 0 ? sum / counts[c]! : undefined)),
    scored: chosen.length,
  };
}

/** Every index, or `size` distinct indices drawn with a seeded partial shuffle (in ascending order). */
function sample(n: number, size: number | undefined, seed: number | string): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (size === undefined || size >= n) return all;
  const random = createSeededRandom(seed);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random.next() * (n - i));
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.subarray(0, size).sort();
}
